/*
 * The dashboard's panels, drawn from the page's state (`app.js`): header, risk, pending
 * approvals, positions and PnL, the order blotter, feed health and the actor tree. Each function
 * redraws its panel whole, except the approvals table, whose rows live as long as their order
 * waits: a row redrawn under the pointer would swallow the operator's click.
 */
import { $, el, fillPairs, fmt, sign, time } from './dom.js';

/** Trading state badge, role, latest signal; command buttons greyed for a viewer token. */
export function renderHeader(state) {
  const badge = $('trading-state');
  badge.textContent = state.tradingState || '—';
  badge.className = `badge state-${(state.tradingState || 'unknown').toLowerCase()}`;
  $('role').textContent = state.status === null ? '' : `${state.role} token`;
  const s = state.signal;
  $('signal').textContent = s === null ? '' : `signal ${s.symbol}: target ${s.target} (${s.strategy}, ${time(s.ts)})`;
  for (const button of document.querySelectorAll('[data-command]')) {
    if (!button.classList.contains('busy')) button.disabled = state.role !== 'operator';
  }
}

/** Trading state, approvals and denials by reason, the latest state changes and denials. */
export function renderRisk(state) {
  const risk = state.status && state.status.risk;
  const pairs = [['state', state.tradingState || '—']];
  if (risk) {
    pairs.push(['orders approved', fmt(risk.approved)]);
    const denials = Object.entries(risk.denials).filter(([, n]) => n > 0);
    pairs.push(['denials', denials.length === 0 ? 'none' : denials.map(([r, n]) => `${r} ${n}`).join(', ')]);
  }
  fillPairs($('risk'), pairs);
  $('risk-events').replaceChildren(...state.riskEvents.slice(-8).reverse().map((text) => el('li', {}, text)));
}

/** Rows of the approvals table by order id, kept while the order waits. */
const approvalRows = new Map();

/** Orders in `PENDING_APPROVAL`, each with Approve and Reject; `act(message, button)` sends a command. */
export function renderApprovals(state, act) {
  const pending = [...state.orders.values()].filter((o) => o.status === 'PENDING_APPROVAL');
  const ids = new Set(pending.map((o) => o.clientOrderId));
  for (const [id, row] of approvalRows) {
    if (!ids.has(id)) {
      row.remove();
      approvalRows.delete(id);
    }
  }
  const now = Date.now() * 1000;
  for (const o of pending) {
    let row = approvalRows.get(o.clientOrderId);
    if (row === undefined) {
      row = approvalRow(o, act);
      approvalRows.set(o.clientOrderId, row);
      $('approvals').append(row);
    }
    row.querySelector('.age').textContent = `${Math.max(0, Math.round((now - o.updatedTs) / 1e6))} s`;
    for (const button of row.querySelectorAll('button')) if (!button.classList.contains('busy')) button.disabled = state.role !== 'operator';
  }
  $('approvals-empty').hidden = pending.length > 0;
  $('pending-count').textContent = pending.length === 0 ? '' : `(${pending.length})`;
}

function approvalRow(o, act) {
  const approve = el('button', { type: 'button', class: 'approve', 'data-action': 'approve' }, 'Approve');
  const reject = el('button', { type: 'button', class: 'reject', 'data-action': 'reject' }, 'Reject');
  approve.addEventListener('click', () => act({ op: 'approve', clientOrderId: o.clientOrderId }, approve));
  reject.addEventListener('click', () => act({ op: 'reject', clientOrderId: o.clientOrderId, reason: 'rejected in the dashboard' }, reject));
  return el('tr', { 'data-order-id': o.clientOrderId, class: `side-${o.side}` },
    el('td', { class: 'mono' }, o.clientOrderId),
    el('td', {}, o.side),
    el('td', { class: 'num' }, `${o.quantity} ${o.symbol}`),
    el('td', {}, o.limitPrice === undefined ? o.type : `${o.type} ${o.limitPrice}`),
    el('td', { class: 'num age' }, ''),
    el('td', { class: 'actions' }, approve, reject));
}

/** Cash, equity, PnL, fees, drawdown, and a line per position (all exact decimal strings). */
export function renderAccount(state) {
  const execution = state.status && state.status.execution;
  if (!execution) return;
  const p = execution.portfolio;
  fillPairs($('account'), [
    ['equity', p.equity],
    ['cash', p.cash],
    ['realized PnL', p.realizedPnl],
    ['unrealized PnL', p.unrealizedPnl],
    ['fees', p.fees],
    ['max drawdown', execution.maxDrawdown],
    ['fills', fmt(execution.fillCount)],
  ]);
  $('positions').replaceChildren(...Object.entries(p.positions).map(([key, pos]) =>
    el('tr', {},
      el('td', {}, key),
      el('td', { class: 'num' }, pos.quantity),
      el('td', { class: 'num' }, pos.avgPrice || '—'),
      el('td', { class: 'num' }, pos.markPrice || '—'),
      el('td', { class: `num ${sign(pos.unrealizedPnl)}` }, pos.unrealizedPnl),
      el('td', { class: `num ${sign(pos.realizedPnl)}` }, pos.realizedPnl),
      el('td', { class: 'num' }, pos.fees))));
}

/** The latest 100 orders, newest first, and the counts by status over all of them. */
export function renderBlotter(state) {
  const orders = [...state.orders.values()].sort((a, b) => b.updatedTs - a.updatedTs).slice(0, 100);
  $('blotter').replaceChildren(...orders.map((o) =>
    el('tr', { 'data-order-id': o.clientOrderId, 'data-status': o.status, class: `side-${o.side}` },
      el('td', { class: 'mono' }, time(o.updatedTs)),
      el('td', { class: 'mono' }, o.clientOrderId),
      el('td', {}, `${o.exchange}:${o.symbol}`),
      el('td', {}, o.side),
      el('td', {}, o.type),
      el('td', { class: 'num' }, o.quantity),
      el('td', { class: 'num' }, o.limitPrice || ''),
      el('td', { class: 'num' }, o.filledQuantity),
      el('td', { class: 'num' }, o.avgFillPrice || ''),
      el('td', { class: `status status-${o.status.toLowerCase()}` }, o.status),
      el('td', { class: 'muted' }, o.reason || ''))));
  const counts = state.status && state.status.execution ? Object.entries(state.status.execution.ordersByStatus).filter(([, n]) => n > 0) : [];
  $('order-counts').textContent = counts.map(([s, n]) => `${s} ${n}`).join(' · ');
}

/** Readiness checks and the feed's counters (its connection's, when it is a live socket). */
export function renderFeed(state) {
  const status = state.status;
  if (status === null) return;
  $('checks').replaceChildren(...status.checks.map((c) => el('li', { class: c.ok ? 'ok' : 'bad' }, `${c.name}: ${c.detail}`)));
  const f = status.feed;
  if (f === null || f === undefined) {
    fillPairs($('feed'), [['feed', 'not started']]);
    return;
  }
  const s = f.source || {};
  const pairs = [
    ['feed', `${f.name} (${f.status})`],
    ['records', fmt(f.records)],
    ['waits for room', fmt(f.refusals)],
    ['feed restarts', fmt(f.restarts)],
  ];
  if (s.frames !== undefined) {
    pairs.push(['frames', fmt(s.frames)], ['connects', fmt(s.connects)], ['reconnects', fmt(s.reconnects)], ['gaps / resyncs', `${fmt(s.gaps)} / ${fmt(s.resyncs)}`], ['buffered', `${fmt(s.buffered)} (peak ${fmt(s.peakBuffered)})`]);
  }
  if (s.malformed !== undefined) pairs.push(['malformed', fmt(s.malformed)]);
  fillPairs($('feed'), pairs);
}

/** The supervision tree, parents before children, with mailbox depth against capacity and restarts. */
export function renderActors(state) {
  const status = state.status;
  if (status === null) return;
  const actors = status.actors.slice().sort((a, b) => comparePaths(a.path.split('/'), b.path.split('/')));
  $('actors').replaceChildren(...actors.map((a) => {
    const parts = a.path.split('/');
    const name = el('td', { class: 'tree', title: a.path }, parts[parts.length - 1]);
    name.style.paddingLeft = `${6 + 14 * (parts.length - 1)}px`;
    const meter = el('span', { class: 'meter', title: `${a.overflow}, capacity ${fmt(a.capacity)}` }, el('span', { class: 'meter-fill' }));
    meter.firstChild.style.width = `${a.capacity > 0 ? Math.min(100, Math.round((a.mailboxDepth / a.capacity) * 100)) : 0}%`;
    return el('tr', { 'data-actor': a.path, class: a.restarts > 0 || a.status !== 'running' ? 'attention' : '' },
      name,
      el('td', { class: `actor-${a.status}` }, a.status),
      el('td', { class: 'num' }, meter, ` ${fmt(a.mailboxDepth)}`),
      el('td', { class: 'num' }, fmt(a.processed)),
      el('td', { class: 'num' }, fmt(a.dropped + a.conflated)),
      el('td', { class: 'num' }, fmt(a.failed)),
      el('td', { class: 'num' }, fmt(a.restarts)));
  }));
}

/** Tree order: a parent before its children, siblings by name. */
function comparePaths(a, b) {
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    if (a[i] !== b[i]) return a[i] < b[i] ? -1 : 1;
  }
  return a.length - b.length;
}
