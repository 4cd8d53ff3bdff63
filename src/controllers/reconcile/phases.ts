/**
 * Where a reconcile spends its time, for the log and the outcome's duration only: the monotonic performance.now
 * decides nothing here, so it is read directly rather than through the injected clock.
 */

/** Add the time since the last mark to `phases[name]`; returns now. */
export function mark(phases: Record<string, number>, name: string, since: number): number {
  const now = performance.now();
  phases[name] = Math.round(((phases[name] ?? 0) + now - since) * 100) / 100;
  return now;
}
