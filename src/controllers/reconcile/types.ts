/** What a reconcile takes (its dependencies and options), what it hands between its steps, and what it returns. */
import type { Clock } from '../../clock.ts';
import type { Paths } from '../../config.ts';
import type { PresetResolver } from '../../desired/preset-resolver.ts';
import type { StoreData } from '../../desired/schema.ts';
import type { StagingMemory } from '../../fs/staged-dir.ts';
import type { SyncBarrier } from '../../fs/syncfs.ts';
import type { Logger } from '../../log.ts';
import type { FileStamp } from '../../observed/digest.ts';
import type { ManifestCache } from '../../observed/manifest.ts';
import type { RegistryState } from '../../observed/registry-types.ts';
import type { ObservedFile } from '../../observed/role-files.ts';
import type { RoleObservations } from '../../observed/role-observations.ts';
import type { McpServer } from '../../observed/services.ts';
import type { ApplyResult } from '../apply.ts';
import type { DesiredRole } from '../artifacts.ts';
import type { RetentionRule } from '../backup-retention.ts';
import type { Hold } from '../holds.ts';
import type { Plan } from '../plan.ts';
import type { RenderMemo } from '../render/memo.ts';
import type { BulkLane } from './bulk-lane.ts';

/** Side effects and shared observed state a reconcile reads. */
export interface ReconcileDeps {
  paths: Paths;
  env: NodeJS.ProcessEnv;
  clock: Clock;
  log: Logger;
  registry: RegistryState;
  /** The desired state in force (last valid store). */
  store: () => StoreData;
  /** The MCP services in force (last valid services.json). */
  services: () => Readonly<Record<string, McpServer>>;
  /** services.json's problem, and whether a valid catalog is in force (default: valid). */
  servicesState?: () => { error?: string; valid: boolean };
  /** Shared syncfs for large write batches (one per process); without it every file is fsynced. */
  barrier?: SyncBarrier;
  /** Bounds how many roles apply large plans at once (one per process); without it, none waits. */
  bulk?: BulkLane;
  /** Where a staged skill directory cannot be renamed into place (one per process); without it, each apply's own. */
  staging?: StagingMemory;
  /** Each role's last render, reused while its inputs are the same (one per process). */
  renders?: RenderMemo;
  /** Parsed manifests reused while their file is unchanged (one per process). */
  manifests?: ManifestCache;
  /** Each role's last observation, reused where no watcher event says it changed (the daemon only). */
  observations?: RoleObservations;
  /** Backup retention applied after an apply that made backups (default: DEFAULT_RETENTION). */
  retention?: RetentionRule;
  /**
   * Called under the role lock before writing: brings the store in force up to date when store.json changed since
   * it was read, and resolves true if it did. Another process (rollback, role rm) changes the store and the role's
   * files under this lock; a plan made from the older store must not undo that.
   */
  refreshStore?: () => Promise<boolean>;
  /** Preset lookups (one per process); without it, presets are read from HERO_TEAM_HOME/presets and the built-ins. */
  presets?: PresetResolver;
}

/** Options of one reconcile. */
export interface ReconcileOptions {
  dryRun?: boolean;
  /** Remove leftover temp files of an interrupted write first (once per process and role). */
  sweepTemps?: boolean;
  /** Prune skills that vanished from the registry even when most of the role's skills vanished at once. */
  pruneVanished?: boolean;
}

/** What one reconcile saw and did. */
export interface ReconcileOutcome {
  role: string;
  reconcileId: string;
  /** converged: the role exists and its directory matches; deleted: its files were pruned; absent: nothing to do. */
  kind: 'converged' | 'deleted' | 'absent';
  generation?: number;
  desired?: DesiredRole;
  plan?: Plan;
  result?: ApplyResult;
  /** Skills of the role with their registry digest; stale when the copy is not current. */
  skills: { name: string; md5?: string; stale: boolean }[];
  /** Desired changes deliberately not made (the role is then not converged). */
  holds?: Hold[];
  durationMs: number;
}

/** What a reconcile read and planned, before it writes anything. */
export interface Prepared {
  base: Omit<ReconcileOutcome, 'kind' | 'durationMs' | 'result'>;
  kind: ReconcileOutcome['kind'];
  plan?: Plan;
  /** The manifest file as it was when read (undefined: there was none). */
  manifestStamp?: FileStamp;
  /** What was on disk at each path the plan covers, when observed. */
  observed?: ReadonlyMap<string, ObservedFile>;
  started: number;
  /** The store in force when it was prepared (the store holder keeps the same object while the content is the same). */
  store: StoreData;
  /** The manifest records temps of an apply that did not finish (failed or interrupted): sweep them under the lock. */
  pendingTemps?: boolean;
  /** Milliseconds spent in each step so far (logged with the outcome: where a slow reconcile spent its time). */
  phases: Record<string, number>;
  log: Logger;
}
