/** Injected time source, so tests can pin timestamps. */

/** A clock: wall time in ms. */
export interface Clock {
  now(): number;
}

/** The real clock. */
export const systemClock: Clock = { now: () => Date.now() };

/** Compact sortable UTC timestamp for file names, e.g. 20261121T231649.123Z. */
export function fileTimestamp(ms: number): string {
  return new Date(ms).toISOString().replace(/[-:]/g, '');
}
