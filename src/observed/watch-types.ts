/** What a file watcher offers its callers, and how they tune it. */
import type { Stats } from 'node:fs';
import type { Scheduler } from '../clock.ts';

/** A running watcher. */
export interface TreeWatcher {
  close(): Promise<void>;
  /** Directories watched now (one inotify watch each). */
  count(): number;
}

/** A tree watcher that watches below only some entries of its root (WatchOptions.within). */
export interface ScopedTreeWatcher extends TreeWatcher {
  /**
   * Bring the watches below these root entries in line with `within` (after it changed for them): watch the
   * tree of an entry that is now in scope, drop the watches of one that is not. Resolves once the watches are set.
   */
  rescope(names: Iterable<string>): Promise<void>;
}

/** Options of watchTree. */
export interface WatchOptions {
  /** Runs the poll that waits for a vanished root to come back (default: the system clock). */
  clock?: Scheduler;
  /** Levels of subdirectories below the root to watch (default: all). */
  depth?: number;
  /** Extra path predicate: true means ignore (stats are given for directories being added). */
  ignore?: (path: string, stats?: Stats) => boolean;
  /**
   * Root entries whose trees are watched (default: all; read each time, so the scope may change: call
   * `rescope` for the names it changed for). The root's own watch still reports every entry of the root.
   */
  within?: (name: string) => boolean;
}
