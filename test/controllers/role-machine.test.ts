/** The role actor: debounce, one reconcile at a time, re-run when woken meanwhile, backoff, stall until the spec changes. */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createActor, fromPromise } from 'xstate';
import { backoffDelay, debounceDelay, roleMachine } from '../../src/controllers/role-machine.ts';
import { InvalidSpecError } from '../../src/errors.ts';

const timing = { debounceMs: 100, backoffBaseMs: 200, backoffMaxMs: 1000 };

function start(impl: (attempt: number) => Promise<void>) {
  const calls: number[] = [];
  const machine = roleMachine.provide({
    actors: {
      reconcile: fromPromise<void, { role: string; attempt: number }>(async ({ input }) => {
        calls.push(Date.now());
        await impl(input.attempt);
      }),
    },
  });
  const actor = createActor(machine, { input: { role: 'r', ...timing } }).start();
  return { actor, calls };
}

describe('role machine', () => {
  beforeEach(() => vi.useFakeTimers({ now: 0 }));
  afterEach(() => vi.useRealTimers());

  it('debounces a burst of wakes into one reconcile after the last one', async () => {
    const { actor, calls } = start(async () => {});
    await vi.advanceTimersByTimeAsync(150);
    expect(calls).toHaveLength(1); // the initial reconcile
    for (let i = 0; i < 5; i++) {
      actor.send({ type: 'WAKE' });
      await vi.advanceTimersByTimeAsync(50);
    }
    expect(calls).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(60);
    expect(calls).toHaveLength(2);
    expect(actor.getSnapshot().value).toBe('idle');
  });

  it('runs once more when woken during a reconcile, never two at once', async () => {
    let running = 0;
    let maxRunning = 0;
    const { actor, calls } = start(async () => {
      running++;
      maxRunning = Math.max(maxRunning, running);
      await new Promise((r) => setTimeout(r, 500));
      running--;
    });
    await vi.advanceTimersByTimeAsync(200);
    actor.send({ type: 'WAKE' });
    actor.send({ type: 'WAKE' });
    await vi.advanceTimersByTimeAsync(2000);
    expect(calls).toHaveLength(2);
    expect(maxRunning).toBe(1);
  });

  it('backs off exponentially on errors and recovers', async () => {
    let failures = 3;
    const { actor, calls } = start(async () => {
      if (failures-- > 0) throw new Error('disk full');
    });
    await vi.advanceTimersByTimeAsync(100 + 200 + 400 + 800 + 10);
    expect(calls.map((t, i) => (i ? t - calls[i - 1]! : t))).toEqual([100, 200, 400, 800]);
    expect(actor.getSnapshot().value).toBe('idle');
    expect(actor.getSnapshot().context.attempt).toBe(0);
  });

  it('caps the backoff', () => {
    expect(backoffDelay(timing, 1)).toBe(200);
    expect(backoffDelay(timing, 3)).toBe(800);
    expect(backoffDelay(timing, 10)).toBe(1000);
  });

  it('stalls on an invalid spec, ignores hints, and resumes on a spec change', async () => {
    let valid = false;
    const { actor, calls } = start(async () => {
      if (!valid) throw new InvalidSpecError('r', 'unknown model');
    });
    await vi.advanceTimersByTimeAsync(150);
    expect(actor.getSnapshot().value).toBe('stalled');
    actor.send({ type: 'WAKE' });
    await vi.advanceTimersByTimeAsync(5000);
    expect(calls).toHaveLength(1);
    valid = true;
    actor.send({ type: 'SPEC' });
    await vi.advanceTimersByTimeAsync(150);
    expect(calls).toHaveLength(2);
    expect(actor.getSnapshot().value).toBe('idle');
  });

  it('finishes the running reconcile before stopping', async () => {
    let finished = false;
    const { actor } = start(async () => {
      await new Promise((r) => setTimeout(r, 300));
      finished = true;
    });
    await vi.advanceTimersByTimeAsync(150);
    actor.send({ type: 'STOP' });
    expect(actor.getSnapshot().status).toBe('active');
    await vi.advanceTimersByTimeAsync(300);
    expect(finished).toBe(true);
    expect(actor.getSnapshot().status).toBe('done');
  });
});

describe('role machine: debounce maximum wait (issue 12 item 6)', () => {
  beforeEach(() => vi.useFakeTimers({ now: 0 }));
  afterEach(() => vi.useRealTimers());

  it('a steady stream of wakes (one every 50 ms) still lets the role reconcile once per maximum wait', async () => {
    const calls: number[] = [];
    const machine = roleMachine.provide({
      actors: {
        reconcile: fromPromise<void, { role: string; attempt: number }>(async () => void calls.push(Date.now())),
      },
    });
    const actor = createActor(machine, { input: { role: 'r', ...timing, debounceMaxWaitMs: 1000 } }).start();
    await vi.advanceTimersByTimeAsync(150);
    expect(calls).toEqual([100]);
    for (let i = 0; i < 60; i++) {
      actor.send({ type: 'WAKE' }); // every 50 ms, inside the 100 ms debounce: without a maximum, never quiet
      await vi.advanceTimersByTimeAsync(50);
    }
    // 3 s of events: a reconcile at most 1 s after each burst began, not zero.
    expect(calls.length).toBeGreaterThanOrEqual(3);
    for (let i = 2; i < calls.length; i++) expect(calls[i]! - calls[i - 1]!).toBeLessThanOrEqual(1050);
  });

  it('the default maximum wait is ten debounces, at least a second', () => {
    expect(debounceDelay({ debounceMs: 100, burstStart: 0, now: () => 950 })).toBe(50);
    expect(debounceDelay({ debounceMs: 100, burstStart: 0, now: () => 500 })).toBe(100);
    expect(debounceDelay({ debounceMs: 500, burstStart: 0, now: () => 4990 })).toBe(10);
  });
});
