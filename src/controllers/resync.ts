/**
 * The periodic safety net: every resync interval (±10 % jitter, so daemons started together spread out),
 * re-read every input, observe every role in full and wake every role. Watchers lose events (editor renames,
 * inotify overflow); this catches what they missed.
 */
import type { CancelTimer, Scheduler } from '../clock.ts';
import type { Logger } from '../log.ts';
import type { ObservedSnapshot } from '../observed/snapshot.ts';
import type { RegistryScope } from './registry-scope.ts';
import { reportSourceErrors, type Sources } from './sources.ts';

/** What a resync re-reads and wakes. */
export interface ResyncDeps {
  sources: Sources;
  scope: RegistryScope;
  snapshot: ObservedSnapshot;
  clock: Scheduler;
  log: Logger;
  intervalMs: number;
  wakeAll(force: boolean): Promise<void>;
}

/** Runs resyncs until stopped. */
export class Resync {
  private cancel: CancelTimer | undefined;
  private stopped = false;
  /** When the next resync runs (clock ms), once scheduled. */
  nextAt: number | undefined;

  constructor(private readonly deps: ResyncDeps) {}

  /** Schedule the next resync. */
  schedule(): void {
    if (this.stopped) return;
    const delay = this.deps.intervalMs * (0.9 + this.deps.clock.random() * 0.2);
    this.nextAt = this.deps.clock.now() + delay;
    this.cancel = this.deps.clock.setTimer(() => void this.run(), delay);
  }

  /** No more resyncs. */
  stop(): void {
    this.stopped = true;
    this.cancel?.();
  }

  private async run(): Promise<void> {
    if (this.stopped) return;
    const { sources, log } = this.deps;
    // Every role observed in full and every skill rescanned: the net for an event inotify lost.
    this.deps.snapshot.invalidateAll();
    await this.deps.scope.follow(await sources.loadAll());
    reportSourceErrors(sources, log);
    await this.deps.wakeAll(true);
    this.schedule();
  }
}
