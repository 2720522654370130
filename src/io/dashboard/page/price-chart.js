/*
 * The price chart: candlesticks of the bars the gateway streams (`md.<exchange>.<symbol>.trade_bar`)
 * for one instrument at a time, and the strategy's fills as markers on the bar each happened in.
 * Drawn by lightweight-charts (the global `LightweightCharts`, served by the daemon from
 * node_modules). The daemon keeps no bar history, so the chart starts with the latest bar (the
 * subscribe snapshot) and grows from when the page opened, at most `MAX_BARS` per instrument.
 *
 * `body[data-bars]` is the number of bars of the shown instrument, `body[data-fills]` the fills
 * seen: what tests read to know the chart has drawn.
 */
import { $, banner } from './dom.js';

const MAX_BARS = 5000;
const MAX_FILLS = 1000;

/** Creates the chart in `#chart`, with the instrument picker `#instrument`. */
export function createPriceChart() {
  /** Instrument key (`exchange:SYMBOL`) → bars `{time, open, high, low, close}` in time order. */
  const bars = new Map();
  /** `{key, side, quantity, price, ts}` with quantity and price as decimal strings. */
  const fills = [];
  let shown = '';
  let chart = null;
  let series = null;
  let markers = null;

  const lib = window.LightweightCharts;
  if (lib === undefined) {
    banner('The chart library did not load (/assets/lightweight-charts.js).');
  } else {
    chart = lib.createChart($('chart'), {
      autoSize: true,
      // The library's own logo injects a <style> element, which this page's CSP refuses; the
      // footer carries the attribution notice and link its licence asks for instead.
      layout: { background: { type: 'solid', color: '#11161d' }, textColor: '#c4ccd6', fontSize: 11, attributionLogo: false },
      grid: { vertLines: { color: '#1c232d' }, horzLines: { color: '#1c232d' } },
      rightPriceScale: { borderColor: '#2a3340' },
      // A fixed bar spacing, scrolled to the newest bar: with few bars, fitting would stretch them.
      timeScale: { borderColor: '#2a3340', timeVisible: true, secondsVisible: true, barSpacing: 9, rightOffset: 4 },
      crosshair: { mode: lib.CrosshairMode.Normal },
    });
    series = chart.addSeries(lib.CandlestickSeries, {
      upColor: '#26a69a',
      downColor: '#ef5350',
      borderVisible: false,
      wickUpColor: '#26a69a',
      wickDownColor: '#ef5350',
      priceFormat: { type: 'price', precision: 2, minMove: 0.01 },
    });
    markers = lib.createSeriesMarkers(series, []);
  }
  $('instrument').addEventListener('change', (event) => select(event.target.value));

  function addBar(bar) {
    const key = `${bar.exchange}:${bar.symbol}`;
    let list = bars.get(key);
    if (list === undefined) {
      list = [];
      bars.set(key, list);
      const option = document.createElement('option');
      option.value = key;
      option.textContent = key;
      $('instrument').append(option);
    }
    // Chart time is whole seconds (UTC); a bar's time is its open.
    const point = { time: Math.floor(bar.openTs / 1e6), open: bar.open, high: bar.high, low: bar.low, close: bar.close };
    const last = list[list.length - 1];
    if (last !== undefined && point.time < last.time) return; // older than what is drawn (the library refuses it)
    if (last !== undefined && point.time === last.time) list[list.length - 1] = point;
    else list.push(point);
    if (list.length > MAX_BARS) list.splice(0, list.length - MAX_BARS);
    if (shown === '') select(key);
    else if (key === shown && series !== null) {
      series.update(point);
      refreshMarkers();
    }
    document.body.dataset.bars = String(barCount());
  }

  function addFill(fill) {
    if (fills.some((f) => f.id === fill.id)) return; // the subscribe snapshot of a fill seen live
    fills.push(fill);
    if (fills.length > MAX_FILLS) fills.shift();
    document.body.dataset.fills = String(fills.length);
    refreshMarkers();
  }

  function select(key) {
    shown = key;
    $('instrument').value = key;
    $('chart-title').textContent = key;
    if (series !== null) {
      series.setData((bars.get(key) || []).slice());
      chart.timeScale().scrollToRealTime();
      refreshMarkers();
    }
    document.body.dataset.bars = String(barCount());
  }

  function barCount() {
    const list = bars.get(shown);
    return list === undefined ? 0 : list.length;
  }

  /** The shown instrument's fills as markers, each on the last bar opened at or before it. */
  function refreshMarkers() {
    if (markers === null) return;
    const list = bars.get(shown) || [];
    const out = [];
    for (const f of fills) {
      if (f.key !== shown) continue;
      const time = barTimeOf(list, Math.floor(f.ts / 1e6));
      if (time === undefined) continue;
      const buy = f.side === 'buy';
      out.push({
        time,
        position: buy ? 'belowBar' : 'aboveBar',
        shape: buy ? 'arrowUp' : 'arrowDown',
        color: buy ? '#4fc3f7' : '#ffb74d',
        text: `${buy ? 'B' : 'S'} ${f.quantity} @ ${f.price}`,
      });
    }
    markers.setMarkers(out);
  }

  return { addBar, addFill };
}

/** The time of the last bar opened at or before `seconds`, by bisection (bars are in time order). */
function barTimeOf(list, seconds) {
  if (list.length === 0 || seconds < list[0].time) return undefined;
  let lo = 0;
  let hi = list.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (list[mid].time <= seconds) lo = mid;
    else hi = mid - 1;
  }
  return list[lo].time;
}
