/** What the status book tells its subscribers. */
import type { ReconcileResult } from './role-status.ts';

/** A change in the book, for subscribers (metrics, the dashboard's server-sent events, waiters). */
export type StatusEvent =
  | { type: 'started'; role: string }
  | {
      type: 'finished';
      role: string;
      result: ReconcileResult;
      durationMs?: number;
      written: number;
      deleted: number;
      backups: number;
      driftReverted: number;
      error?: string;
    };

/** A subscriber of the book; a throwing listener is isolated from the others. */
export type StatusListener = (event: StatusEvent) => void;
