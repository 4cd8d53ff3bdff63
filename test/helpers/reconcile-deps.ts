/** ReconcileDeps over a test tree's loaded sources, with the real clock and a silent logger. */
import type { ReconcileDeps } from '../../src/controllers/reconcile.ts';
import type { Sources } from '../../src/controllers/sources.ts';
import { silentLogger } from '../../src/log.ts';
import type { TestTree } from './tree.ts';

/** The deps a reconcile of `tree` needs, plus `extra` (caches, lanes) as the test wants them. */
export function reconcileDepsFor(tree: TestTree, sources: Sources, extra: Partial<ReconcileDeps> = {}): ReconcileDeps {
  return {
    paths: tree.paths,
    env: {},
    clock: { now: () => Date.now() },
    log: silentLogger(),
    registry: sources.registry,
    store: () => sources.store!,
    services: () => sources.services,
    ...extra,
  };
}
