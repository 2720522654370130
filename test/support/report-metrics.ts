/**
 * `report.json`'s metrics as name → shown text (nested names joined with `.`, nulls as `n/a`), the
 * way report.html promises to show them: flattened here independently of the page's own code, for
 * the page tests (in process and in the browser) to compare with.
 */
export function flatMetrics(metrics: Record<string, unknown>, prefix = ''): Map<string, string> {
  const out = new Map<string, string>();
  for (const [k, v] of Object.entries(metrics)) {
    if (prefix === '' && (k === 'roundTrips' || k === 'instruments')) continue;
    if (v !== null && typeof v === 'object') for (const [n, t] of flatMetrics(v as Record<string, unknown>, `${prefix}${k}.`)) out.set(n, t);
    else out.set(prefix + k, v === null ? 'n/a' : typeof v === 'string' ? v : String(v));
  }
  return out;
}
