/** The outcome of "Write config" and "Sync": what changed on disk, in words. */
import type { FC } from 'hono/jsx';

type Obj = Record<string, unknown>;
const obj = (v: unknown): Obj => (typeof v === 'object' && v !== null ? (v as Obj) : {});

/** Counters worth showing, in this order, when the outcome has them. */
const COUNTS = ['written', 'deleted', 'backups', 'driftReverted'] as const;

/** One role's outcome: its result or phase, the counters, and any error. */
export const OutcomeView: FC<{ role: string; outcome: unknown }> = ({ role, outcome }) => {
  const o = obj(outcome);
  const counts = COUNTS.filter((k) => o[k] !== undefined).map(
    (k) => `${k} ${Array.isArray(o[k]) ? (o[k] as unknown[]).length : String(o[k])}`,
  );
  const state = o.error ? 'failed' : String(o.result ?? o.phase ?? o.outcome ?? 'done');
  return (
    <p data-outcome={role}>
      <strong>{role}</strong>:{' '}
      <span class={o.error ? 'bad' : 'ok'}>
        {o.error ? '✗ ' : '✓ '}
        {state}
      </span>
      {counts.length ? ` (${counts.join(', ')})` : ''}
      {o.error ? ` — ${String(o.error)}` : ''}
    </p>
  );
};
