/** The plan and its actions: what apply must do for one role, and what planning reads. */

import type { Manifest, ObservedFile } from '../../observed/role-files.ts';
import type { DesiredFile, DesiredRole } from '../artifacts.ts';

/** Why a file is written. */
export type WriteReason = 'create' | 'update' | 'restore' | 'revert' | 'adopt' | 'mode';

/** Write one desired file; `backup` when the bytes on disk are not ours. */
export interface WriteAction {
  file: DesiredFile;
  reason: WriteReason;
  /** md5 of the bytes on disk when ours (update, mode): recorded by the write intent so a second crash knows them. */
  ours?: string;
  backup: null | { reason: 'modified' | 'foreign'; md5: string; expectedMd5?: string };
  /** The file as observed (absent: the path was missing); apply replaces only that version. */
  seen?: Seen;
}

/** The version of a file observed at planning. */
export interface Seen {
  ino: number;
  size: number;
  mtimeMs: number;
  ctimeMs: number;
}

/** Delete a file we wrote that is no longer desired. */
export interface DeleteAction {
  path: string;
  backup: null | { reason: 'modified'; md5: string; expectedMd5: string };
  seen?: Seen;
}

/** A difference between disk and what we wrote that was found while planning. */
export interface DriftItem {
  path: string;
  /**
   * modified: a file we wrote was changed; foreign: a file we never wrote is in the way; conflict: a directory or link
   * in the way; stray: an extra entry in skills/.
   */
  kind: 'modified' | 'foreign' | 'conflict' | 'stray';
  action: 'reverted' | 'reported';
}

/** Everything apply must do for one role, and the manifest it then writes. */
export interface Plan {
  role: string;
  dir: string;
  writes: WriteAction[];
  deletes: DeleteAction[];
  drift: DriftItem[];
  /** Next manifest; null when the role is gone (manifest removed). Written entries: mtimeMs 0 till apply sets it. */
  manifest: Manifest | null;
  /** True when the manifest file must be (re)written or removed. */
  manifestChanged: boolean;
  /** The manifest as read (the base of the write-intent record apply writes before touching files). */
  previous: Manifest | null;
  unchanged: number;
}

/** Inputs of planRole. */
export interface PlanInput {
  role: string;
  dir: string;
  /** null when the role was deleted from the store. */
  desired: DesiredRole | null;
  manifest: Manifest | null;
  observed: ReadonlyMap<string, ObservedFile>;
  driftPolicy: 'revert' | 'report';
  strays?: readonly string[];
}
