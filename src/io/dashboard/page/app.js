/*
 * The tickflow dashboard, in the browser: plain ES modules, no build step, no dependency but
 * lightweight-charts (served by the daemon from node_modules; see `price-chart.js`).
 *
 * Two inputs, both authenticated with the token from this page's own URL (`/?token=...`):
 * - the gateway WebSocket (`gateway-client.js`): bars, orders, fills, signals and risk changes as
 *   they happen, and the operator's commands (approve, reject, trading state, kill switch), each
 *   answered by a `result` frame;
 * - `GET /api/status` once a second: the actor tree, feed health and readiness (not on the bus),
 *   and the books (orders, positions, PnL, risk) as the daemon last read them, which fill the page
 *   when it opens mid-run and repair anything a dropped frame left stale.
 *
 * `body[data-ws|data-status|data-bars|data-fills]` say where the page stands (tests read them).
 */
import { $, banner, time, toast, units } from './dom.js';
import { connectGateway } from './gateway-client.js';
import { renderAccount, renderActors, renderApprovals, renderBlotter, renderFeed, renderHeader, renderRisk } from './panels.js';
import { createPriceChart } from './price-chart.js';

const TOPICS = ['md.*.*.trade_bar', 'exec', 'risk', 'signal'];
const STATUS_PERIOD_MS = 1000;
const MAX_ORDERS = 500;
const MAX_EVENTS = 30;
/** Order statuses in the order an order moves through them: at equal times the later wins. */
const STATUS_RANK = ['INITIALIZED', 'PENDING_APPROVAL', 'SUBMITTED', 'ACCEPTED', 'PENDING_CANCEL', 'PARTIALLY_FILLED', 'DENIED', 'REJECTED', 'CANCELED', 'EXPIRED', 'FILLED'];

const token = new URLSearchParams(location.search).get('token') || '';

/** What the panels draw. */
const state = {
  /** `viewer` or `operator`, as `/api/status` says of the token. */
  role: 'viewer',
  /** clientOrderId → order with decimal strings (the server's `OrderView` shape), oldest first. */
  orders: new Map(),
  /** Instrument key → `{price, size}` decimals, from order updates (fills carry ticks and lots). */
  precisions: new Map(),
  tradingState: '',
  /** Lines for the risk panel: state changes and denials, newest last. */
  riskEvents: [],
  /** The last `/api/status` answer, or null. */
  status: null,
  /** The latest strategy target, or null. */
  signal: null,
};

const chart = createPriceChart();
let gateway = null;

// ------------------------------------------------------------------ live frames

function onTopic(topic, data) {
  switch (data.type) {
    case 'trade_bar':
      chart.addBar(data);
      return;
    case 'order_update':
      onOrder(data.order);
      return;
    case 'fill_report':
      onFill(data.fill);
      return;
    case 'risk_state':
      state.tradingState = data.to;
      pushRiskEvent(`${time(data.ts)} ${data.from} → ${data.to} (${data.source}: ${data.reason})`);
      schedule();
      return;
    case 'order_denied':
      pushRiskEvent(`${time(data.ts)} denied ${data.order.side} ${data.order.symbol}: ${data.reason} ${data.detail}`);
      schedule();
      return;
    case 'target':
      state.signal = data;
      schedule();
      return;
    default:
  }
}

/**
 * An order version from the bus made decimals at its precisions: lots and ticks arrive as JSON
 * numbers, its average fill price (money) as a decimal string; `units` takes either.
 */
function onOrder(order) {
  state.precisions.set(`${order.exchange}:${order.symbol}`, { price: order.pricePrecision, size: order.sizePrecision });
  mergeOrder({
    clientOrderId: order.clientOrderId,
    exchange: order.exchange,
    symbol: order.symbol,
    side: order.side,
    type: order.type,
    status: order.status,
    quantity: units(order.quantity, order.sizePrecision),
    limitPrice: order.limitPrice == null ? undefined : units(order.limitPrice, order.pricePrecision),
    filledQuantity: units(order.filledQuantity, order.sizePrecision),
    avgFillPrice: order.avgFillPrice == null ? undefined : units(order.avgFillPrice, order.quotePrecision),
    createdTs: order.createdTs,
    updatedTs: order.updatedTs,
    reason: order.reason,
  });
}

/** Keeps the newer version of an order (live frames and the status poll overlap). */
function mergeOrder(view) {
  const known = state.orders.get(view.clientOrderId);
  if (known !== undefined) {
    if (known.updatedTs > view.updatedTs) return;
    if (known.updatedTs === view.updatedTs && STATUS_RANK.indexOf(known.status) >= STATUS_RANK.indexOf(view.status)) return;
  }
  state.orders.set(view.clientOrderId, view);
  if (state.orders.size > MAX_ORDERS) state.orders.delete(state.orders.keys().next().value);
  schedule();
}

function onFill(fill) {
  const p = state.precisions.get(`${fill.exchange}:${fill.symbol}`);
  chart.addFill({
    id: `${fill.clientOrderId}@${fill.ts}:${fill.quantity}`,
    key: `${fill.exchange}:${fill.symbol}`,
    side: fill.side,
    // An order update of the instrument always comes first (the order is published before its fill).
    quantity: p === undefined ? `${fill.quantity} lots` : units(fill.quantity, p.size),
    price: p === undefined ? `${fill.price} ticks` : units(fill.price, p.price),
    ts: fill.ts,
  });
}

function pushRiskEvent(text) {
  state.riskEvents.push(text);
  if (state.riskEvents.length > MAX_EVENTS) state.riskEvents.shift();
}

// ------------------------------------------------------------------ status poll

let statusFailures = 0;

async function pollStatus() {
  try {
    const response = await fetch('/api/status', { headers: { Authorization: `Bearer ${token}` }, cache: 'no-store' });
    if (response.status === 401) {
      banner('The daemon refused this token: open the dashboard URL the daemon printed (/?token=...).');
      document.body.dataset.status = 'unauthorized';
      return; // no retry: the token will not become valid
    }
    if (!response.ok) throw new Error(`HTTP ${response.status}`);
    onStatus(await response.json());
  } catch (error) {
    statusFailures++;
    document.body.dataset.status = 'error';
    if (statusFailures === 3) banner(`The daemon does not answer (${error.message}).`);
  }
  setTimeout(pollStatus, statusFailures === 0 ? STATUS_PERIOD_MS : Math.min(STATUS_PERIOD_MS * 2 ** statusFailures, 15_000));
}

function onStatus(status) {
  if (statusFailures >= 3) banner('');
  statusFailures = 0;
  document.body.dataset.status = 'ok';
  state.status = status;
  state.role = status.role;
  if (status.risk !== null) {
    state.tradingState = status.risk.state;
    if (state.riskEvents.length === 0) for (const e of status.risk.events) pushRiskEvent(`${time(e.ts)} ${e.from} → ${e.to} (${e.source}: ${e.reason})`);
  }
  if (status.execution !== null) {
    for (const order of status.execution.orders) mergeOrder(order);
    for (const order of status.execution.pending) mergeOrder(order);
  }
  schedule();
}

// ------------------------------------------------------------------ drawing and commands

let scheduled = false;

/** Redraws the panels at most ten times a second, however fast frames come. */
function schedule() {
  if (scheduled) return;
  scheduled = true;
  setTimeout(() => {
    scheduled = false;
    renderHeader(state);
    renderRisk(state);
    renderApprovals(state, act);
    renderAccount(state);
    renderBlotter(state);
    renderFeed(state);
    renderActors(state);
  }, 100);
}

/** Sends a command from `button`, greyed until its result, which a toast shows. */
async function act(message, button) {
  button.disabled = true;
  button.classList.add('busy');
  const result = gateway === null ? { ok: false, detail: 'no token' } : await gateway.command(message);
  toast(result.detail || (result.ok ? 'done' : 'failed'), result.ok === true);
  button.classList.remove('busy');
  button.disabled = state.role !== 'operator';
}

function wireControls() {
  for (const button of document.querySelectorAll('[data-command="setTradingState"]')) {
    button.addEventListener('click', () => act({ op: 'setTradingState', state: button.dataset.state, reason: 'set in the dashboard' }, button));
  }
  // The kill switch takes a second click within five seconds (not a native dialog, which would
  // stop the page's updates while open).
  const kill = $('kill-switch');
  let armed = null;
  const disarm = () => {
    clearTimeout(armed);
    armed = null;
    kill.textContent = 'Kill switch';
    kill.classList.remove('armed');
  };
  kill.addEventListener('click', () => {
    if (armed === null) {
      kill.textContent = 'Confirm kill switch';
      kill.classList.add('armed');
      armed = setTimeout(disarm, 5000);
      return;
    }
    disarm();
    void act({ op: 'killSwitch', reason: 'kill switch in the dashboard' }, kill);
  });
}

function setConnection(value) {
  document.body.dataset.ws = value;
  const badge = $('connection');
  badge.textContent = value === 'open' ? 'live' : value;
  badge.className = `badge conn-${value}`;
}

// ------------------------------------------------------------------ start

wireControls();
if (token === '') {
  banner('No token: open the dashboard URL the daemon printed (/?token=...).');
  document.body.dataset.status = 'unauthorized';
} else {
  gateway = connectGateway({
    token,
    topics: TOPICS,
    onTopic,
    onConnection: setConnection,
    onRefused: (reason) => banner(`The gateway refused the connection: ${reason} (check the token in this page's URL).`),
    onError: (text) => toast(text, false),
  });
  void pollStatus();
  setInterval(() => renderApprovals(state, act), 1000); // the ages
}
