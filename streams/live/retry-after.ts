/**
 * The HTTP `Retry-After` header (RFC 9110 §10.2.3) as a wait in integer microseconds. Binance sends
 * it with 429 (rate limited) and 418 (IP banned); a server may send either form the RFC allows:
 * delta-seconds (`120`) or an HTTP-date (`Sun, 06 Nov 1994 08:49:37 GMT`, plus the two obsolete
 * forms RFC 850 and asctime, which recipients must accept). A date is turned into a wait against
 * a wall clock passed in by the caller, never `Date.now()`: under the simulated clock the wait is
 * measured in replay time, so tests need no sleeps and replays decide as live did.
 */

/** Wall-clock time in integer microseconds since the epoch (live: the OS clock; replay: record time). */
export type WallClock = () => number;

const DELTA = /^\d+$/;
// IMF-fixdate: "Sun, 06 Nov 1994 08:49:37 GMT"
const IMF = /^[A-Za-z]{3}, (\d{2}) ([A-Za-z]{3}) (\d{4}) (\d{2}):(\d{2}):(\d{2}) GMT$/;
// RFC 850: "Sunday, 06-Nov-94 08:49:37 GMT"
const RFC850 = /^[A-Za-z]{6,9}, (\d{2})-([A-Za-z]{3})-(\d{2}) (\d{2}):(\d{2}):(\d{2}) GMT$/;
// asctime: "Sun Nov  6 08:49:37 1994" (day padded with a space)
const ASCTIME = /^[A-Za-z]{3} ([A-Za-z]{3}) ([ \d]\d) (\d{2}):(\d{2}):(\d{2}) (\d{4})$/;
const MONTHS: Readonly<Record<string, number>> = {
  jan: 0, feb: 1, mar: 2, apr: 3, may: 4, jun: 5, jul: 6, aug: 7, sep: 8, oct: 9, nov: 10, dec: 11,
};
const US_PER_SECOND = 1_000_000;
const MAX_SECONDS = Math.floor(Number.MAX_SAFE_INTEGER / US_PER_SECOND);

/**
 * Reads a `Retry-After` value as the wait from `wallClock()` in integer µs: delta-seconds times
 * 10^6 (capped at `Number.MAX_SAFE_INTEGER` µs, about 285 years: a hostile value cannot overflow),
 * or the date minus the wall time, at least 0 (a date in the past means "now"). A header given
 * several times (an array, as Node gives repeated headers) uses the first value. Returns
 * `undefined`, never throws, when the header is absent, empty, or not in one of the RFC's forms
 * (a negative or fractional number, an impossible date): the caller then falls back to its own
 * backoff. `wallClock` is called only for the date forms.
 */
export function parseRetryAfter(header: string | readonly string[] | null | undefined, wallClock: WallClock): number | undefined {
  const raw = typeof header === 'string' ? header : header?.[0];
  if (raw === undefined) return undefined;
  const text = raw.trim();
  if (text === '') return undefined;
  if (DELTA.test(text)) {
    // Digits beyond what a safe integer holds all mean "longer than we would ever wait".
    const seconds = text.length > 16 ? MAX_SECONDS : Math.min(Number(text), MAX_SECONDS);
    return seconds === MAX_SECONDS ? Number.MAX_SAFE_INTEGER : seconds * US_PER_SECOND;
  }
  const atUs = parseHttpDate(text, wallClock);
  if (atUs === undefined) return undefined;
  return Math.max(0, atUs - wallClock());
}

/** An HTTP-date in any of its three forms as µs since the epoch, or undefined. */
function parseHttpDate(text: string, wallClock: WallClock): number | undefined {
  let m = IMF.exec(text);
  if (m !== null) return utcMicros(Number(m[3]), m[2] as string, Number(m[1]), Number(m[4]), Number(m[5]), Number(m[6]));
  m = RFC850.exec(text);
  if (m !== null) return utcMicros(fullYear(Number(m[3]), wallClock), m[2] as string, Number(m[1]), Number(m[4]), Number(m[5]), Number(m[6]));
  m = ASCTIME.exec(text);
  if (m !== null) return utcMicros(Number(m[6]), m[1] as string, Number((m[2] as string).trim()), Number(m[3]), Number(m[4]), Number(m[5]));
  return undefined;
}

/**
 * RFC 9110 §5.6.7: a two-digit year that would be more than 50 years in the future is in the
 * past century.
 */
function fullYear(yy: number, wallClock: WallClock): number {
  const nowYear = new Date(Math.floor(wallClock() / 1000)).getUTCFullYear();
  let year = nowYear - (nowYear % 100) + yy;
  if (year > nowYear + 50) year -= 100;
  return year;
}

function utcMicros(year: number, monthName: string, day: number, hour: number, minute: number, second: number): number | undefined {
  const month = MONTHS[monthName.toLowerCase()];
  if (month === undefined || day < 1 || hour > 23 || minute > 59 || second > 60) return undefined;
  // A leap second (:60) is read as the next second's start, as Date.UTC does.
  const ms = Date.UTC(year, month, day, hour, minute, second);
  // Date.UTC rolls "31 Feb" over into March; the RFC form names a real day, so refuse it.
  if (new Date(ms).getUTCDate() !== day && second !== 60) return undefined;
  return ms * 1000;
}
