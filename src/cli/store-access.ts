/** CLI access to the store: read for queries, locked update for mutations (the daemon sees changes by its watch). */
import { type Config, statePaths } from '../config.ts';
import type { StoreData } from '../desired/schema.ts';
import { readStore, type StoreMutation, updateStore } from '../desired/store.ts';

/** Read the store (throws StoreError naming file and position when invalid). */
export function loadStoreFor(config: Config): Promise<StoreData> {
  return readStore(statePaths(config.paths.home).store);
}

/** Mutate the store under its lock. */
export function mutateStoreFor(config: Config, mutate: StoreMutation): Promise<StoreData> {
  const files = statePaths(config.paths.home);
  return updateStore(files.store, files.storeLock, mutate);
}

/** The launch line lives beside render (the API's role_get shows it too); re-exported for the CLI. */
export { launchFor, launchLine } from '../controllers/render/launch-line.ts';
