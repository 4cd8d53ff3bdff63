/** One xstate actor per role: debounce hints, run one reconcile at a time, re-run if woken meanwhile, back off on errors, stall on an invalid spec. */
import { assign, fromPromise, setup } from 'xstate';
import { InvalidSpecError } from '../errors.ts';

/** Timing of a role actor. */
export interface RoleTiming {
  debounceMs: number;
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
}

/** Events: WAKE is a hint that anything may have changed; SPEC says the role's spec or catalog changed (un-stalls). */
export type RoleEvent = { type: 'WAKE' } | { type: 'SPEC' } | { type: 'STOP' };

/** Exponential backoff delay for the given attempt (1-based), capped. */
export function backoffDelay(ctx: RoleTiming, attempt: number): number {
  return Math.min(ctx.backoffBaseMs * 2 ** Math.max(0, attempt - 1), ctx.backoffMaxMs);
}

/** The role lifecycle machine; the `reconcile` actor is provided by the manager. */
export const roleMachine = setup({
  types: { context: {} as RoleContext, input: {} as { role: string } & RoleTiming, events: {} as RoleEvent },
  actors: {
    reconcile: fromPromise<void, { role: string; attempt: number }>(async () => {
      throw new Error('reconcile actor not provided');
    }),
  },
  delays: {
    debounce: ({ context }) => context.debounceMs,
    backoff: ({ context }) => backoffDelay(context, context.attempt),
  },
  guards: {
    stopping: ({ context }) => context.stopping,
    dirty: ({ context }) => context.dirty,
    invalidSpec: ({ event }) => (event as { error?: unknown }).error instanceof InvalidSpecError,
  },
}).createMachine({
  id: 'role',
  context: ({ input }) => ({ ...input, attempt: 0, dirty: false, stopping: false }),
  initial: 'debouncing',
  states: {
    idle: {
      on: { WAKE: 'debouncing', SPEC: 'debouncing', STOP: 'stopped' },
    },
    debouncing: {
      on: { WAKE: { target: 'debouncing', reenter: true }, SPEC: { target: 'debouncing', reenter: true }, STOP: 'stopped' },
      after: { debounce: 'reconciling' },
    },
    reconciling: {
      entry: assign({ dirty: false }),
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
          { guard: 'invalidSpec', target: 'stalled', actions: assign({ lastError: ({ event }) => String((event.error as Error).message) }) },
          {
            target: 'backoff',
            actions: assign({ attempt: ({ context }) => context.attempt + 1, lastError: ({ event }) => String((event.error as Error)?.message ?? event.error) }),
          },
        ],
      },
      on: { WAKE: { actions: assign({ dirty: true }) }, SPEC: { actions: assign({ dirty: true }) }, STOP: { actions: assign({ stopping: true }) } },
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
