/**
 * Engine time (integer microseconds since the epoch) as ISO 8601 in UTC, for files people read:
 * `2024-01-01T00:01:00.186143Z`. Always six decimals, so the text sorts as the time does and says
 * nothing less precise than the engine knew. (`src/io/postgres/projection-rows.ts` has its own
 * copy for PostgreSQL's timestamp text; this one lives in the model so reports need no `io`.)
 */

/** `us` as `YYYY-MM-DDTHH:MM:SS.ffffffZ` (UTC). Throws a `RangeError` unless `us` is a safe integer. */
export function isoTime(us: number): string {
  if (!Number.isSafeInteger(us)) throw new RangeError(`isoTime: expected integer microseconds, got ${us}`);
  const ms = Math.floor(us / 1000);
  const micros = us - ms * 1000;
  return `${new Date(ms).toISOString().slice(0, 23)}${String(micros).padStart(3, '0')}Z`;
}
