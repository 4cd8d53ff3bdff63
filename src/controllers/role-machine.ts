/**
 * One xstate actor per role: debounce hints, run one reconcile at a time, re-run if woken meanwhile, back off on
 * errors, stall on an invalid spec.
 */
import { assign, fromPromise, setup } from 'xstate';
import { InvalidSpecError } from '../errors.ts';

/** Timing of a role actor. */
export interface RoleTiming {
  debounceMs: number;
  /**
   * Longest a burst of events may hold a reconcile back (lodash's `maxWait`): a file appended every few
   * milliseconds must not starve the role. Default: ten debounces, at least one second.
   */
  debounceMaxWaitMs?: number;
  backoffBaseMs: number;
  backoffMaxMs: number;
}

/** Context of a role actor. */
export interface RoleContext extends RoleTiming {
  role: string;
  /** Consecutive failed attempts. */
  attempt: number;
  /** Woken while reconciling: run again afterwards. */
  dirty: boolean;
  /** Stop requested while reconciling: finish, then stop. */
  stopping: boolean;
  lastError?: string;
  /** When the current burst of events began (the debounce's first wake); undefined outside debouncing. */
  burstStart?: number;
  /** The clock (milliseconds). */
  now: () => number;
}

/** Events: WAKE is a hint that anything may have changed; SPEC says the role's spec or catalog changed (un-stalls). */
export type RoleEvent = { type: 'WAKE' } | { type: 'SPEC' } | { type: 'STOP' };

/** The debounce's wait now: the quiet period, cut short where the burst has lasted its maximum. */
export function debounceDelay(
  ctx: Pick<RoleContext, 'debounceMs' | 'debounceMaxWaitMs' | 'burstStart' | 'now'>,
): number {
  const maxWait = ctx.debounceMaxWaitMs ?? Math.max(1000, 10 * ctx.debounceMs);
  const left = (ctx.burstStart ?? ctx.now()) + maxWait - ctx.now();
  return Math.max(0, Math.min(ctx.debounceMs, left));
}

/** Exponential backoff delay for the given attempt (1-based), capped. */
export function backoffDelay(ctx: RoleTiming, attempt: number): number {
  return Math.min(ctx.backoffBaseMs * 2 ** Math.max(0, attempt - 1), ctx.backoffMaxMs);
}

/** The role lifecycle machine; the `reconcile` actor is provided by the manager. */
export const roleMachine = setup({
  types: {
    context: {} as RoleContext,
    input: {} as { role: string; now?: () => number } & RoleTiming,
    events: {} as RoleEvent,
  },
  actors: {
    reconcile: fromPromise<void, { role: string; attempt: number }>(async () => {
      throw new Error('reconcile actor not provided');
    }),
  },
  delays: {
    debounce: ({ context }) => debounceDelay(context),
    backoff: ({ context }) => backoffDelay(context, context.attempt),
  },
  guards: {
    stopping: ({ context }) => context.stopping,
    dirty: ({ context }) => context.dirty,
    invalidSpec: ({ event }) => (event as { error?: unknown }).error instanceof InvalidSpecError,
  },
}).createMachine({
  id: 'role',
  context: ({ input }) => ({ ...input, now: input.now ?? Date.now, attempt: 0, dirty: false, stopping: false }),
  initial: 'debouncing',
  states: {
    idle: {
      on: { WAKE: 'debouncing', SPEC: 'debouncing', STOP: 'stopped' },
    },
    debouncing: {
      // A wake re-enters this state: the burst keeps the start it had.
      entry: assign({ burstStart: ({ context }) => context.burstStart ?? context.now() }),
      on: {
        WAKE: { target: 'debouncing', reenter: true },
        SPEC: { target: 'debouncing', reenter: true },
        STOP: 'stopped',
      },
      after: { debounce: 'reconciling' },
    },
    reconciling: {
      entry: assign({ dirty: false, burstStart: undefined }),
      invoke: {
        src: 'reconcile',
        input: ({ context }) => ({ role: context.role, attempt: context.attempt }),
        onDone: [
          { guard: 'stopping', target: 'stopped' },
          { guard: 'dirty', target: 'debouncing', actions: assign({ attempt: 0, lastError: undefined }) },
          { target: 'idle', actions: assign({ attempt: 0, lastError: undefined }) },
        ],
        onError: [
          { guard: 'stopping', target: 'stopped' },
          {
            guard: 'invalidSpec',
            target: 'stalled',
            actions: assign({ lastError: ({ event }) => String((event.error as Error).message) }),
          },
          {
            target: 'backoff',
            actions: assign({
              attempt: ({ context }) => context.attempt + 1,
              lastError: ({ event }) => String((event.error as Error)?.message ?? event.error),
            }),
          },
        ],
      },
      on: {
        WAKE: { actions: assign({ dirty: true }) },
        SPEC: { actions: assign({ dirty: true }) },
        STOP: { actions: assign({ stopping: true }) },
      },
    },
    backoff: {
      after: { backoff: 'reconciling' },
      on: { SPEC: { target: 'debouncing', actions: assign({ attempt: 0 }) }, STOP: 'stopped' },
    },
    stalled: {
      on: { SPEC: { target: 'debouncing', actions: assign({ attempt: 0 }) }, STOP: 'stopped' },
    },
    stopped: { type: 'final' },
  },
});
