import { describe, expect, it } from 'vitest';
import type { ApplyResult } from '../../src/controllers/apply.ts';
import type { DesiredRole } from '../../src/controllers/artifacts.ts';
import type { DriftItem, Plan } from '../../src/controllers/plan.ts';
import type { ReconcileOutcome } from '../../src/controllers/reconcile.ts';
import { StatusBook } from '../../src/controllers/status-book.ts';

const T0 = 1_800_000_000_000;

/** A clock the test moves by hand. */
function manualClock() {
  let t = T0;
  return { now: () => t, advance: (ms: number) => void (t += ms) };
}
const iso = (ms: number): string => new Date(ms).toISOString();

function desired(extra: Partial<DesiredRole> = {}): DesiredRole {
  return {
    role: 'backend',
    dir: '/r/backend',
    files: [],
    keepPrefixes: [],
    revision: 'rev-1',
    missingSecrets: [],
    missingRequiredSecrets: [],
    missingSkills: [],
    invalidSkills: [],
    missingServices: [],
    ...extra,
  };
}

function plan(drift: DriftItem[] = []): Plan {
  return {
    role: 'backend',
    dir: '/r/backend',
    writes: [],
    deletes: [],
    drift,
    manifest: null,
    manifestChanged: false,
    previous: null,
    unchanged: 0,
  };
}

/** A converged outcome; override any part. */
function outcome(
  o: {
    desired?: Partial<DesiredRole>;
    drift?: DriftItem[];
    result?: Partial<ApplyResult>;
    kind?: ReconcileOutcome['kind'];
    generation?: number;
  } = {},
): ReconcileOutcome {
  return {
    role: 'backend',
    reconcileId: 'abcd1234',
    kind: o.kind ?? 'converged',
    generation: o.generation ?? 1,
    desired: desired(o.desired),
    plan: plan(o.drift),
    result: { written: 0, deleted: 0, backups: 0, sourceChanged: [], ...o.result },
    skills: [{ name: 'tdd', md5: 'd1', stale: false }],
    durationMs: 12.345,
  };
}

const cond = (book: StatusBook, type: string) => book.get('backend')!.conditions.find((c) => c.type === type);

describe('StatusBook', () => {
  it('is Ready after a clean outcome, with Ready=True and the applied revision', () => {
    const book = new StatusBook(manualClock());
    book.started('backend', false);
    expect(book.get('backend')!.phase).toBe('Reconciling');
    book.succeeded(outcome({ generation: 3 }));
    const s = book.get('backend')!;
    expect(s.phase).toBe('Ready');
    expect(s.warnings).toEqual([]);
    expect(s.observedGeneration).toBe(3);
    expect(s.lastAppliedRevision).toBe('rev-1');
    expect(s.lastDurationMs).toBe(12.3);
    expect(s.lastReconcileAt).toBe(iso(T0));
    expect(cond(book, 'Ready')).toMatchObject({ status: 'True', reason: 'Converged' });
    expect(cond(book, 'Reconciling')).toMatchObject({ status: 'False', reason: 'Succeeded' });
    expect(cond(book, 'Stalled')).toMatchObject({ status: 'False' });
    expect(cond(book, 'Drifted')).toMatchObject({ status: 'False', reason: 'InSync' });
    expect(cond(book, 'SecretsMissing')).toMatchObject({ status: 'False' });
    expect(s.conditions.map((c) => c.type)).toEqual([
      'Ready',
      'Reconciling',
      'Stalled',
      'Drifted',
      'SecretsMissing',
      'Held',
    ]);
  });

  it('is Degraded with warnings for missing skills, invalid skills, missing services and reported drift', () => {
    const book = new StatusBook(manualClock());
    book.succeeded(
      outcome({
        desired: { missingSkills: ['ghost'], invalidSkills: ['broken'], missingServices: ['github'] },
        drift: [
          { path: 'mcp.json', kind: 'modified', action: 'reported' },
          { path: 'config.toml', kind: 'modified', action: 'reverted' },
        ],
      }),
    );
    const s = book.get('backend')!;
    expect(s.phase).toBe('Degraded');
    expect(s.warnings).toEqual([
      'skills not in the registry: ghost',
      'invalid registry skills (last good copy kept): broken',
      'MCP services not in services.json: github',
      'modified: mcp.json',
    ]);
    expect(cond(book, 'Ready')).toMatchObject({ status: 'False', reason: 'Degraded' });
    expect(cond(book, 'Drifted')).toMatchObject({ status: 'True', reason: 'HandEdited', message: 'mcp.json' });
  });

  it("is Degraded with SecretsMissing=True when the key of the role's model is unset", () => {
    const book = new StatusBook(manualClock());
    book.succeeded(
      outcome({ desired: { missingSecrets: ['KIMI_API_KEY'], missingRequiredSecrets: ['KIMI_API_KEY'] } }),
    );
    expect(book.get('backend')!.phase).toBe('Degraded');
    expect(cond(book, 'SecretsMissing')).toMatchObject({ status: 'True', message: 'unset: KIMI_API_KEY' });
    expect(cond(book, 'Ready')!.message).toContain('KIMI_API_KEY');
  });

  it("stays Ready but flags SecretsMissing when only another provider's key is unset", () => {
    const book = new StatusBook(manualClock());
    book.succeeded(outcome({ desired: { missingSecrets: ['GROQ_API_KEY'], missingRequiredSecrets: [] } }));
    expect(book.get('backend')!.phase).toBe('Ready');
    expect(cond(book, 'SecretsMissing')).toMatchObject({ status: 'True', message: 'unset: GROQ_API_KEY' });
  });

  it('reports reverted drift as Drifted=False/Reverted, not as a warning', () => {
    const book = new StatusBook(manualClock());
    book.succeeded(
      outcome({
        drift: [{ path: 'config.toml', kind: 'modified', action: 'reverted' }],
        result: { written: 1, backups: 1 },
      }),
    );
    expect(book.get('backend')!.phase).toBe('Ready');
    expect(cond(book, 'Drifted')).toMatchObject({ status: 'False', reason: 'Reverted', message: '1 file(s) reverted' });
  });

  it('is Stalled on failed(..., true) and Degraded on a retryable failure', () => {
    const book = new StatusBook(manualClock());
    book.failed('backend', 'model "x" is not in the catalog', true);
    let s = book.get('backend')!;
    expect(s.phase).toBe('Stalled');
    expect(s.lastError).toBe('model "x" is not in the catalog');
    expect(cond(book, 'Stalled')).toMatchObject({ status: 'True', reason: 'InvalidSpec' });
    expect(cond(book, 'Ready')).toMatchObject({ status: 'False', reason: 'InvalidSpec' });
    book.failed('backend', 'EACCES', false);
    s = book.get('backend')!;
    expect(s.phase).toBe('Degraded');
    expect(cond(book, 'Stalled')).toMatchObject({ status: 'False', reason: 'Retrying' });
    expect(cond(book, 'Reconciling')).toMatchObject({ reason: 'RetryScheduled' });
    expect(s.counts.errors).toBe(2);
  });

  it('clears lastError and Stalled after a later success', () => {
    const book = new StatusBook(manualClock());
    book.failed('backend', 'boom', true);
    book.succeeded(outcome());
    expect(book.get('backend')!.lastError).toBeUndefined();
    expect(book.get('backend')!.phase).toBe('Ready');
    expect(cond(book, 'Stalled')!.status).toBe('False');
  });

  it('keeps lastTransitionTime while a condition keeps its status, and moves it on a change', () => {
    const clock = manualClock();
    const book = new StatusBook(clock);
    book.succeeded(outcome());
    expect(cond(book, 'Ready')!.lastTransitionTime).toBe(iso(T0));
    clock.advance(60_000);
    book.succeeded(outcome());
    expect(cond(book, 'Ready')!.lastTransitionTime).toBe(iso(T0));
    expect(book.get('backend')!.lastReconcileAt).toBe(iso(T0 + 60_000));
    clock.advance(60_000);
    book.succeeded(outcome({ desired: { missingSkills: ['ghost'] } }));
    expect(cond(book, 'Ready')).toMatchObject({ status: 'False', lastTransitionTime: iso(T0 + 120_000) });
    expect(cond(book, 'Stalled')!.lastTransitionTime).toBe(iso(T0));
    clock.advance(60_000);
    book.succeeded(outcome({ desired: { missingSkills: ['ghost', 'other'] } }));
    // Still False (only the message changed): the transition time stays.
    expect(cond(book, 'Ready')!.lastTransitionTime).toBe(iso(T0 + 120_000));
  });

  it('accumulates counts across reconciles', () => {
    const book = new StatusBook(manualClock());
    book.succeeded(outcome({ result: { written: 6 } }));
    book.succeeded(
      outcome({
        result: { written: 1, backups: 1 },
        drift: [{ path: 'config.toml', kind: 'modified', action: 'reverted' }],
      }),
    );
    book.succeeded(
      outcome({ result: { deleted: 2 }, drift: [{ path: 'skills/README.md', kind: 'stray', action: 'reported' }] }),
    );
    expect(book.get('backend')!.counts).toEqual({
      reconciles: 3,
      filesWritten: 7,
      filesDeleted: 2,
      driftReverted: 1,
      backups: 1,
      errors: 0,
    });
  });

  it('removes the role on a deleted outcome, and on an absent one', () => {
    const book = new StatusBook(manualClock());
    book.succeeded(outcome());
    book.started('backend', true);
    expect(book.get('backend')!.phase).toBe('Deleting');
    book.succeeded(outcome({ kind: 'deleted' }));
    expect(book.get('backend')).toBeUndefined();
    expect(book.list()).toEqual([]);
    book.succeeded(outcome());
    book.succeeded(outcome({ kind: 'absent' }));
    expect(book.get('backend')).toBeUndefined();
  });

  it('lists roles sorted by name', () => {
    const book = new StatusBook(manualClock());
    book.failed('zeta', 'x', false);
    book.failed('alpha', 'x', false);
    book.started('mid', false);
    expect(book.list().map((s) => s.name)).toEqual(['alpha', 'mid', 'zeta']);
  });
});
