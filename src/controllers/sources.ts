/** The inputs in force: last valid store, last valid services catalog, registry index. Invalid edits are reported, never applied. */
import { existsSync, statSync } from 'node:fs';
import { type Paths, statePaths } from '../config.ts';
import { PresetResolver } from '../desired/preset-resolver.ts';
import type { StoreData } from '../desired/schema.ts';
import { readStore } from '../desired/store.ts';
import { errorMessage, StoreError } from '../errors.ts';
import type { Logger } from '../log.ts';
import { DigestCache } from '../observed/digest.ts';
import { readDiscoveryCache } from '../observed/discovery/poller.ts';
import { dropSkills, retainIndexed, scanRegistry } from '../observed/registry.ts';
import type { RegistryState } from '../observed/registry-types.ts';
import { listManagedRoleDirs } from '../observed/role-dir.ts';
import { ScanFreshness } from '../observed/scan-freshness.ts';
import { LastGoodServices, type McpServer, readServices } from '../observed/services.ts';
import type { ReconcileDeps } from './reconcile.ts';

/** Mutable holder of the observed and desired inputs shared by every reconcile. */
export class Sources {
  /** Last valid store; null until one was read. */
  store: StoreData | null = null;
  storeError: string | undefined;
  /** Services in force: services.json over the discovered list (a local entry wins over one of the same name). */
  services: Record<string, McpServer> = {};
  servicesError: string | undefined;
  /** services.json's entries (last valid). */
  fileServices: Record<string, McpServer> = {};
  /** Live discovery's last good list: the poller's while the daemon runs it, else the one it kept on disk. */
  private discovered: Readonly<Record<string, McpServer>> = {};
  private discoveryLive = false;
  /** A valid catalog is in force (read now or earlier, or the last one saved); false: none is known. */
  servicesValid = false;
  readonly registry: RegistryState;
  /**
   * The registry skills indexed and watched in depth: those some role of the store in force whitelists. The
   * others are never read, so a large registry costs what the roles use of it (docs/decisions/004-registry-scope.md).
   */
  scope: ReadonlySet<string> = new Set();
  /** store.json's stamp when it was last read (undefined: absent or never read). */
  private storeStamp: string | undefined;
  private storeLoads = 0;
  private storeApplied = 0;
  /** Agent presets (built-ins and HERO_TEAM_HOME/presets), one resolver shared by every reconcile. */
  readonly presets: PresetResolver;
  private readonly lastGoodServices: LastGoodServices;

  /** `scanShareMs`: how long one rescan of a skill serves other reconciles (0: every reconcile rescans; see ScanFreshness). */
  constructor(
    private readonly paths: Paths,
    opts: { scanShareMs?: number } = {},
  ) {
    this.presets = new PresetResolver({ user: statePaths(paths.home).presets });
    this.lastGoodServices = new LastGoodServices(statePaths(paths.home).servicesLastGood);
    this.registry = {
      index: { root: paths.skillsDir, exists: false, skills: new Map(), invalid: new Map() },
      cache: new DigestCache(),
      freshness: new ScanFreshness(opts.scanShareMs),
    };
  }

  /** Re-read store.json; returns true when a valid store is now in force, keeping the last valid one otherwise. */
  async loadStore(): Promise<boolean> {
    const file = statePaths(this.paths.home).store;
    // The stamp is taken before the read (a change after it makes the next check reload) and counts only once
    // the read is done: while a reload is in flight the store in force is still the older one.
    const stamp = stampOf(file);
    const seq = ++this.storeLoads;
    try {
      // No store.json but managed role dirs: the desired state is unknown (moved file, another HERO_TEAM_HOME),
      // not "no roles". Pruning everything is only ever done for an explicit store with no roles.
      if (!existsSync(file)) {
        const managed = await listManagedRoleDirs(this.paths.rolesDir);
        if (managed.length)
          throw new StoreError(
            file,
            `missing while ${managed.length} managed role dir(s) exist in ${this.paths.rolesDir} (${managed.slice(0, 5).join(', ')}); nothing is pruned until it is back. To remove them all, create it with "roles": []`,
          );
      }
      const data = await readStore(file);
      // Two reloads may overlap (a watcher event and a locked reconcile): the later one started wins.
      if (seq < this.storeApplied) return true;
      this.storeApplied = seq;
      this.store = keepIfEqual(this.store, data);
      this.storeError = undefined;
      this.storeStamp = stamp;
      return true;
    } catch (err) {
      if (seq >= this.storeApplied) {
        this.storeApplied = seq;
        this.storeError = errorMessage(err);
        this.storeStamp = stamp;
      }
      return false;
    }
  }

  /** True when store.json is no longer the file the store in force was read from. */
  storeFileChanged(): boolean {
    return stampOf(statePaths(this.paths.home).store) !== this.storeStamp;
  }

  /** Re-read store.json if it changed since it was read; true when it did (one-shot use: nothing else to wake). */
  async refreshStore(): Promise<boolean> {
    if (!this.storeFileChanged()) return false;
    await this.loadStore();
    return true;
  }

  /**
   * Re-read services.json. A valid one is in force and saved as the last valid catalog (when it changed); an
   * invalid one keeps the catalog in force, or the last one saved (a one-off sync behaves as the daemon does).
   */
  async loadServices(): Promise<boolean> {
    if (!this.discoveryLive)
      this.discovered =
        (await readDiscoveryCache(statePaths(this.paths.home).discoveryCache))?.services ?? this.discovered;
    const files = statePaths(this.paths.home);
    try {
      const read = await readServices(files.services);
      this.fileServices = read.services;
      this.servicesError = undefined;
      this.servicesValid = true;
      if (read.exists) await this.lastGoodServices.save(read.services);
      return true;
    } catch (err) {
      this.servicesError = errorMessage(err);
      if (!this.servicesValid) {
        const last = await this.lastGoodServices.load();
        if (last) {
          this.fileServices = last;
          this.servicesValid = true;
        }
      }
      if (this.servicesValid)
        this.servicesError += ` (the last valid catalog stays in force, kept in ${files.servicesLastGood})`;
      return false;
    } finally {
      this.mergeServices();
    }
  }

  /** Live discovery's list changed (the daemon's poller owns it from now on). */
  setDiscovered(services: Readonly<Record<string, McpServer>>): void {
    this.discoveryLive = true;
    this.discovered = services;
    this.mergeServices();
  }

  private mergeServices(): void {
    this.services = keepIfEqual(this.services, { ...this.discovered, ...this.fileServices });
  }

  /**
   * Make `scope` the skills the store in force whitelists; skills that left it leave the index. Returns the
   * names that entered and left it (their watches must follow: SourceWatchers.rescopeRegistry).
   */
  rescope(): { added: string[]; removed: string[] } {
    const next = new Set((this.store?.roles ?? []).flatMap((r) => r.skills));
    const added = [...next].filter((name) => !this.scope.has(name));
    const removed = [...this.scope].filter((name) => !next.has(name));
    this.scope = next;
    dropSkills(this.registry.index, removed, this.registry.cache);
    for (const name of added) this.registry.freshness.invalidate(name);
    return { added, removed };
  }

  /**
   * Scan of the registry skills in scope (unchanged files are not re-read thanks to the digest cache). The scope
   * may change while it runs (a store reload): a skill that entered it keeps what its readers put in the live
   * index and is rescanned by its next reader, one that left it is dropped.
   */
  async scanRegistry(): Promise<void> {
    const { freshness, cache } = this.registry;
    freshness.invalidateAll();
    const startedAt = freshness.begin();
    const scanned = this.scope; // rescope replaces the set, never changes it
    const index = await scanRegistry(this.paths.skillsDir, cache, this.registry.index, scanned);
    const live = this.registry.index;
    for (const name of this.scope) {
      if (scanned.has(name)) continue;
      const skill = live.skills.get(name);
      const invalid = live.invalid.get(name);
      if (skill) index.skills.set(name, skill);
      if (invalid) index.invalid.set(name, invalid);
      freshness.invalidate(name);
    }
    const indexed = [...index.skills.keys(), ...index.invalid.keys()];
    dropSkills(
      index,
      indexed.filter((name) => !this.scope.has(name)),
      cache,
    );
    this.registry.index = index;
    retainIndexed(index, cache);
    freshness.record(
      indexed.filter((name) => scanned.has(name) && this.scope.has(name)),
      startedAt,
    );
  }

  /** Dependencies of a reconcile that reads these inputs (the store must have loaded). */
  reconcileDeps(
    base: Pick<
      ReconcileDeps,
      | 'paths'
      | 'env'
      | 'clock'
      | 'log'
      | 'barrier'
      | 'staging'
      | 'bulk'
      | 'renders'
      | 'manifests'
      | 'observations'
      | 'retention'
      | 'refreshStore'
    >,
  ): ReconcileDeps {
    return {
      ...base,
      registry: this.registry,
      store: () => this.store!,
      services: () => this.services,
      presets: this.presets,
      servicesState: () => ({ error: this.servicesError, valid: this.servicesValid }),
    };
  }

  /**
   * (Re)load everything: the store first, since it decides which registry skills are scanned. Returns how the
   * scope changed.
   */
  async loadAll(): Promise<{ added: string[]; removed: string[] }> {
    const [scope] = await Promise.all([
      this.loadStore().then(async () => {
        const change = this.rescope();
        await this.scanRegistry();
        return change;
      }),
      this.loadServices(),
    ]);
    return scope;
  }
}

/** Log the store or services file that is invalid (the last valid one stays in force). */
export function reportSourceErrors(sources: Sources, log: Logger): void {
  if (sources.storeError)
    log.error({ error: sources.storeError }, 'store.json invalid: the last valid state stays in force');
  if (sources.servicesError)
    log.error({ error: sources.servicesError }, 'services.json invalid: the last valid catalog stays in force');
}

/** Identity of a file's current version (inode, size, mtime, ctime), or undefined when it is absent. */
function stampOf(file: string): string | undefined {
  const st = statSync(file, { throwIfNoEntry: false, bigint: true });
  return st ? `${st.ino}:${st.size}:${st.mtimeNs}:${st.ctimeNs}` : undefined;
}

/**
 * The previous object when a reload read the same content: objects stand for their content in the render memo
 * (compared by identity), so a reload that changed nothing must not look like a change.
 */
function keepIfEqual<T>(previous: T | null, next: T): T {
  return previous !== null && JSON.stringify(previous) === JSON.stringify(next) ? previous : next;
}
