/** Which roles' inputs in the store (their spec and the catalog) changed since they were last looked at. */

import type { StoreData } from '../desired/schema.ts';
import { specKey } from '../desired/skill-index.ts';

/** Remembers each role's spec key between store reloads. */
export class SpecChanges {
  private readonly keys = new Map<string, string>();

  /**
   * Every role to consider (declared, `managed` on disk, or seen before) with whether its spec changed since
   * the last call; records the new keys.
   */
  update(store: StoreData, managed: readonly string[]): Array<[name: string, changed: boolean]> {
    // The settings (target, key mode) change every role's files, like the catalog.
    const catalogKey = JSON.stringify([store.catalog, store.settings]);
    const names = new Set([...store.roles.map((r) => r.name), ...managed, ...this.keys.keys()]);
    return [...names].map((name) => {
      const key = specKey(
        store.roles.find((r) => r.name === name),
        catalogKey,
      );
      const changed = this.keys.get(name) !== key;
      this.keys.set(name, key);
      return [name, changed];
    });
  }
}
