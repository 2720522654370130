/*
 * DOM and formatting helpers of the dashboard's modules. Every text from the engine goes into the
 * page through `textContent` (`el`, `fillPairs`), never parsed as HTML; styles are set only
 * through CSSOM properties, which the page's Content-Security-Policy allows (style attributes and
 * <style> elements it refuses).
 */

/** The element with this id. */
export const $ = (id) => document.getElementById(id);

/** A new element with attributes and children (strings become text nodes). */
export function el(tag, attrs, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) node.setAttribute(name, value);
  for (const child of children) node.append(child);
  return node;
}

/** Replaces a `<dl>`'s content with `[term, value]` pairs. */
export function fillPairs(dl, pairs) {
  const nodes = [];
  for (const [k, v] of pairs) nodes.push(el('dt', {}, k), el('dd', {}, v === undefined || v === null ? '—' : String(v)));
  dl.replaceChildren(...nodes);
}

/** Shows a message across the page; an empty text hides it. */
export function banner(text) {
  const b = $('banner');
  b.textContent = text;
  b.hidden = text === '';
}

/** A short-lived note in the corner (a command's outcome). */
export function toast(text, ok) {
  const t = el('div', { class: `toast ${ok ? 'ok' : 'bad'}` }, text);
  $('toasts').append(t);
  setTimeout(() => t.remove(), 4000);
}

/**
 * Integer units as a decimal at `scale` places. `value` is a JSON number (lots and ticks, integers
 * below 2^53, which `String` writes as plain digits) or a decimal string (bigint money, and lots
 * and ticks from earlier versions): both give the same digits.
 */
export function units(value, scale) {
  let digits = String(value);
  const negative = digits.startsWith('-');
  if (negative) digits = digits.slice(1);
  if (scale > 0) {
    digits = digits.padStart(scale + 1, '0');
    digits = `${digits.slice(0, -scale)}.${digits.slice(-scale)}`;
  }
  return negative ? `-${digits}` : digits;
}

/** `pos`, `neg` or '' for a decimal string, as a class for colouring PnL. */
export function sign(decimal) {
  if (typeof decimal !== 'string') return '';
  if (decimal.startsWith('-')) return 'neg';
  return /[1-9]/.test(decimal) ? 'pos' : '';
}

/** A count with thousands separators, or a dash when absent. */
export function fmt(n) {
  return typeof n === 'number' ? n.toLocaleString('en-US') : '—';
}

/** Engine time (µs since the epoch) as `HH:MM:SS.mmm` UTC. */
export function time(us) {
  return typeof us === 'number' ? new Date(us / 1000).toISOString().slice(11, 23) : '';
}
