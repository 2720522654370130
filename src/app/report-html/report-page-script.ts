/**
 * The HTML report's own script, as plain JavaScript text inlined into the page after the chart
 * library (`chart-library.ts`) and the page's data (`report-page-data.ts`, in
 * `<script type="application/json" id="report-data">`). It draws the charts with the global
 * `LightweightCharts` and fills the tables; it fetches nothing, so the page works offline.
 *
 * Kept as text in a module (not a file beside it) so that `tsc` carries it into `dist` and the
 * installed package with no copy step and no entry in package.json's `files`. It holds no backtick
 * and no `${`, so the template literal below is the script verbatim.
 *
 * Cells are written with `textContent`, never as markup, so no text from the data can become HTML.
 * When it is done, `body[data-ready]` is `"true"` and each chart's container carries
 * `data-points` (what it drew): what tests wait for. Without the chart library the page still
 * shows its tables, shows a banner, sets `body[data-ready]` to `"failed"` and throws (a page
 * error) so a test cannot miss it.
 */

/** The page script (see the module comment). */
export const REPORT_PAGE_SCRIPT = String.raw`(function () {
  'use strict';
  var data = JSON.parse(document.getElementById('report-data').textContent);
  var lib = window.LightweightCharts;

  var UP = '#26a69a';
  var DOWN = '#ef5350';
  var BUY = '#2962ff';
  var SELL = '#ff6d00';
  var EQUITY = '#2962ff';
  var MAX_LETTERED = 200;

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function count(n) {
    return n.toLocaleString('en-US');
  }

  function renderTable(host, name, table) {
    var box = document.getElementById(host);
    if (table.total === 0) {
      box.appendChild(el('p', 'note', 'None.'));
      return;
    }
    if (table.total > table.rows.length) {
      box.appendChild(el('p', 'note', 'Showing the first ' + count(table.rows.length) + ' of ' + count(table.total) + ' rows; ' + table.file + ' has them all.'));
    }
    var wrap = el('div', 'table-wrap');
    var t = el('table');
    t.setAttribute('data-table', name);
    var head = el('thead');
    var tr = el('tr');
    table.columns.forEach(function (c) { tr.appendChild(el('th', '', c)); });
    head.appendChild(tr);
    t.appendChild(head);
    var body = el('tbody');
    table.rows.forEach(function (row) {
      var r = el('tr');
      row.forEach(function (cell) { r.appendChild(el('td', '', cell)); });
      body.appendChild(r);
    });
    t.appendChild(body);
    wrap.appendChild(t);
    box.appendChild(wrap);
  }

  function renderFacts() {
    document.getElementById('title').textContent = data.title;
    var dl = document.getElementById('facts');
    data.facts.forEach(function (f) {
      dl.appendChild(el('dt', '', f[0]));
      dl.appendChild(el('dd', '', f[1]));
    });
  }

  function renderMetrics() {
    var t = el('table');
    t.setAttribute('data-table', 'metrics');
    var head = el('thead');
    var hr = el('tr');
    ['metric', 'value', 'reading'].forEach(function (c) { hr.appendChild(el('th', '', c)); });
    head.appendChild(hr);
    t.appendChild(head);
    var body = el('tbody');
    data.metrics.forEach(function (m) {
      var r = el('tr');
      r.setAttribute('data-metric', m[0]);
      r.appendChild(el('td', 'name', m[0]));
      r.appendChild(el('td', 'value', m[1]));
      r.appendChild(el('td', 'reading', m[2]));
      body.appendChild(r);
    });
    t.appendChild(body);
    document.getElementById('metrics').appendChild(t);
  }

  function chartOptions() {
    return {
      autoSize: true,
      layout: { background: { type: 'solid', color: '#ffffff' }, textColor: '#3c4450', fontSize: 11, attributionLogo: false },
      grid: { vertLines: { color: '#f0f2f5' }, horzLines: { color: '#f0f2f5' } },
      rightPriceScale: { borderColor: '#d5d9e0' },
      // Resizing the window keeps the whole run in view rather than the bar spacing.
      timeScale: { borderColor: '#d5d9e0', timeVisible: true, secondsVisible: false, lockVisibleTimeRangeOnResize: true },
      crosshair: { mode: lib.CrosshairMode.Normal }
    };
  }

  function chartBox(host, kind, label) {
    var box = el('div', 'chart ' + kind);
    box.setAttribute('data-chart', kind);
    box.setAttribute('aria-label', label);
    host.appendChild(box);
    return box;
  }

  function renderPrices() {
    var host = document.getElementById('prices');
    if (data.prices.length === 0) {
      host.appendChild(el('p', 'note', 'No prices: the input held no trade, quote or bar.'));
      return;
    }
    data.prices.forEach(function (p) {
      host.appendChild(el('h3', '', p.key));
      host.appendChild(el('p', 'note', count(p.candles.length) + ' candles of ' + p.resolution + ' from ' + p.source + ' (UTC); ' +
        count(p.fills) + ' fills as markers (' + (p.markers.length <= MAX_LETTERED ? 'B buy, S sell; ' + String.fromCharCode(215) + 'n: n fills on one candle' : 'up: buys, down: sells; zoom in with the wheel') + ').'));
      var box = chartBox(host, 'price', p.key);
      box.setAttribute('data-key', p.key);
      var chart = lib.createChart(box, chartOptions());
      var series = chart.addSeries(lib.CandlestickSeries, {
        upColor: UP, downColor: DOWN, borderVisible: false, wickUpColor: UP, wickDownColor: DOWN,
        priceFormat: { type: 'price', precision: p.precision, minMove: Math.pow(10, -p.precision) }
      });
      series.setData(p.candles.map(function (c) { return { time: c[0], open: c[1], high: c[2], low: c[3], close: c[4] }; }));
      // Past a few hundred markers their letters would cover the candles: arrows only, then.
      var lettered = p.markers.length <= MAX_LETTERED;
      lib.createSeriesMarkers(series, p.markers.map(function (m) {
        var buy = m[1] === 'buy';
        var letter = buy ? 'B' : 'S';
        return {
          time: m[0], position: buy ? 'belowBar' : 'aboveBar', shape: buy ? 'arrowUp' : 'arrowDown',
          color: buy ? BUY : SELL, text: !lettered ? '' : m[2] > 1 ? letter + String.fromCharCode(215) + m[2] : letter
        };
      }));
      // Narrower margins than the default: the markers already take room above and below.
      chart.priceScale('right').applyOptions({ scaleMargins: { top: 0.08, bottom: 0.08 } });
      chart.timeScale().fitContent();
      box.setAttribute('data-points', String(p.candles.length));
      box.setAttribute('data-markers', String(p.markers.length));
    });
  }

  function renderCurve() {
    var c = data.curve;
    document.getElementById('curve-note').textContent = count(c.samples) + ' samples every ' + c.interval + ' of engine time' +
      (c.equity.length < c.samples ? '; ' + count(c.equity.length) + ' drawn (each stretch keeps its high, low and deepest drawdown)' : '') + '.';
    // Cents are what people read on an equity axis; the tables keep every decimal.
    var precision = Math.min(c.precision, 2);
    var equityChart = lib.createChart(chartBox(document.getElementById('equity'), 'equity', 'equity'), chartOptions());
    var equity = equityChart.addSeries(lib.LineSeries, { color: EQUITY, lineWidth: 2, priceFormat: { type: 'price', precision: precision, minMove: Math.pow(10, -precision) } });
    equity.setData(c.equity.map(function (p) { return { time: p[0], value: p[1] }; }));
    equityChart.timeScale().fitContent();
    // Drawdowns under 1% need a third decimal to read at all.
    var deepest = c.drawdown.reduce(function (m, p) { return Math.min(m, p[1]); }, 0);
    var ddDecimals = deepest > -1 ? 3 : 2;
    var ddChart = lib.createChart(chartBox(document.getElementById('drawdown'), 'drawdown', 'drawdown'), chartOptions());
    var dd = ddChart.addSeries(lib.BaselineSeries, {
      baseValue: { type: 'price', price: 0 },
      topLineColor: DOWN, topFillColor1: 'rgba(239, 83, 80, 0.05)', topFillColor2: 'rgba(239, 83, 80, 0.05)',
      bottomLineColor: DOWN, bottomFillColor1: 'rgba(239, 83, 80, 0.15)', bottomFillColor2: 'rgba(239, 83, 80, 0.45)',
      lineWidth: 2, priceFormat: { type: 'custom', minMove: Math.pow(10, -ddDecimals), formatter: function (v) { return v.toFixed(ddDecimals) + '%'; } }
    });
    dd.setData(c.drawdown.map(function (p) { return { time: p[0], value: p[1] }; }));
    ddChart.timeScale().fitContent();
    document.querySelector('[data-chart=equity]').setAttribute('data-points', String(c.equity.length));
    document.querySelector('[data-chart=drawdown]').setAttribute('data-points', String(c.drawdown.length));
  }

  renderFacts();
  renderMetrics();
  renderTable('instruments', 'instruments', data.tables.instruments);
  renderTable('round-trips', 'round-trips', data.tables.roundTrips);
  renderTable('orders', 'orders', data.tables.orders);
  renderTable('fills', 'fills', data.tables.fills);
  if (lib === undefined) {
    var banner = el('p', 'banner', 'The chart library did not load, so the charts are missing; the tables are complete.');
    document.body.insertBefore(banner, document.body.firstChild);
    document.body.setAttribute('data-ready', 'failed');
    throw new Error('report.html: LightweightCharts is not defined (the inlined chart library is missing)');
  }
  renderPrices();
  renderCurve();
  document.body.setAttribute('data-ready', 'true');
})();
`;
