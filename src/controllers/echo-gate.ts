/**
 * Decides which role-directory events wake their role: not the echoes of our own writes (echo-filter.ts).
 * While a role reconciles its manifest on disk is in flux, so its events are held and judged once it is done.
 */
import { join } from 'node:path';
import type { ManifestCache } from '../observed/manifest.ts';
import { isOwnWrite } from './echo-filter.ts';

/** Holds and judges role-directory events; `wake` is called for each role that must reconcile again. */
export class EchoGate {
  /** Events that arrived while their role reconciled. */
  private readonly held = new Map<string, Set<string>>();
  /** Paths each role's last apply deleted (their events are echoes too). */
  private readonly lastDeleted = new Map<string, readonly string[]>();

  constructor(
    private readonly rolesDir: string,
    private readonly manifests: ManifestCache,
    private readonly wake: (role: string) => void,
  ) {}

  /** An event at role-relative `path`: wakes the role unless it is an echo (held while the role reconciles). */
  async changed(role: string, path: string): Promise<void> {
    const held = this.held.get(role);
    if (held) held.add(path);
    else if (!(await this.isEcho(role, path))) this.wake(role);
  }

  /** The role starts reconciling: hold its events until `release`. */
  hold(role: string): void {
    this.held.set(role, new Set());
  }

  /** The role's reconcile is over (`deleted`: what its apply deleted): a held event that is no echo wakes it. */
  async release(role: string, deleted: readonly string[]): Promise<void> {
    const held = this.held.get(role) ?? [];
    this.held.delete(role);
    this.lastDeleted.set(role, deleted);
    for (const path of held) {
      if (await this.isEcho(role, path)) continue;
      this.wake(role);
      return;
    }
  }

  private async isEcho(role: string, path: string): Promise<boolean> {
    try {
      return await isOwnWrite(join(this.rolesDir, role), path, this.manifests, this.lastDeleted.get(role));
    } catch {
      return false; // when in doubt, reconcile
    }
  }
}
