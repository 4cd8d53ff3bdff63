/** One role's actor: the role machine, its reconcile given to the manager's queue, its timers on the injected clock. */
import { type ActorRefFrom, createActor, fromPromise, waitFor } from 'xstate';
import type { CancelTimer, Scheduler } from '../clock.ts';
import { type RoleTiming, roleMachine } from './role-machine.ts';

/** A running role actor. */
export type RoleActor = ActorRefFrom<typeof roleMachine>;

/** The role machine with its reconcile provided, one per reconcile function: providing it costs more than an actor. */
const provided = new WeakMap<(role: string) => Promise<void>, typeof roleMachine>();

/** Role `name`'s actor, not started; `reconcile` runs one reconcile of it. Debounce and backoff wait on `clock`. */
export function createRoleActor(
  name: string,
  timing: RoleTiming,
  clock: Scheduler,
  reconcile: (role: string) => Promise<void>,
): RoleActor {
  let machine = provided.get(reconcile);
  if (!machine) {
    machine = roleMachine.provide({
      actors: {
        reconcile: fromPromise<void, { role: string; attempt: number }>(({ input }) => reconcile(input.role)),
      },
    });
    provided.set(reconcile, machine);
  }
  return createActor(machine, {
    input: { role: name, ...timing, now: () => clock.now() },
    clock: { setTimeout: (fn, ms) => clock.setTimer(fn, ms), clearTimeout: (cancel: CancelTimer) => cancel() },
  });
}

/** Whether the actor has a reconcile due (debouncing) or under way. */
export function isBusy(actor: RoleActor): boolean {
  return ['debouncing', 'reconciling'].includes(actor.getSnapshot().value as string);
}

/** Resolve once the actor has stopped, or after `timeoutMs` on `clock`, whichever comes first. */
export function stopped(actor: RoleActor, clock: Scheduler, timeoutMs: number): Promise<void> {
  return new Promise((resolve) => {
    const cancel = clock.setTimer(resolve, timeoutMs);
    const done = () => {
      cancel();
      resolve();
    };
    waitFor(actor, (s) => s.status === 'done').then(done, done);
  });
}
