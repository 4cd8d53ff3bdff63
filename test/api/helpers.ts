/** A real manager over a temp tree with the API app on top, for app.request() tests. */

import { type ApiApp, createApiApp } from '../../src/api/app.ts';
import { Control } from '../../src/api/control.ts';
import { systemClock } from '../../src/clock.ts';
import { Manager } from '../../src/controllers/manager.ts';
import { silentLogger } from '../../src/log.ts';
import { addSkill, makeTree, type TestTree, writeStore } from '../helpers/tree.ts';

/** Marker values of the provider keys: no response may ever contain them. */
export const MARKERS = { KIMI_API_KEY: 'sk-MARKER-kimi-5c1f0e', GROQ_API_KEY: 'gsk-MARKER-groq-77aa' } as const;

/** A harness: tree, manager, control plane and app. */
export interface Harness {
  tree: TestTree;
  manager: Manager;
  control: Control;
  api: ApiApp;
  /** POST a JSON-RPC body (object, array or raw text) to /rpc; returns status and parsed body (undefined when empty). */
  rpc(body: unknown): Promise<{ status: number; body: any; text: string }>;
  /** Call one method; returns the whole response object. */
  call(method: string, params?: unknown): Promise<any>;
  close(): Promise<void>;
}

/** Start a harness: skills tdd and lint, role backend (tdd); `start: false` leaves the manager unstarted. */
export async function startHarness(
  opts: { start?: boolean; watch?: boolean; debounceMs?: number } = {},
): Promise<Harness> {
  const tree = makeTree();
  addSkill(tree, 'tdd');
  addSkill(tree, 'lint');
  writeStore(tree, [{ name: 'backend', model: 'kimi-code/kimi-for-coding', skills: ['tdd'] }]);
  const tuning = { ...tree.config.tuning, debounceMs: opts.debounceMs ?? 5 };
  const env = { ...MARKERS };
  const manager = new Manager({
    paths: tree.paths,
    tuning,
    env,
    clock: systemClock,
    log: silentLogger(),
    watch: opts.watch ?? false,
    resync: false,
  });
  const control = new Control({ manager, paths: tree.paths, env, clock: systemClock, version: '0.0.0-test' });
  const api = createApiApp({ control, log: silentLogger() });
  if (opts.start !== false) {
    await manager.start();
    await manager.settled();
    control.readiness.ready();
  }
  let id = 0;
  const rpc = async (body: unknown) => {
    const res = await api.app.request('/rpc', {
      method: 'POST',
      body: typeof body === 'string' ? body : JSON.stringify(body),
      headers: { 'content-type': 'application/json' },
    });
    const text = await res.text();
    return { status: res.status, text, body: text ? JSON.parse(text) : undefined };
  };
  return {
    tree,
    manager,
    control,
    api,
    rpc,
    call: async (method, params) =>
      (await rpc({ jsonrpc: '2.0', id: ++id, method, ...(params === undefined ? {} : { params }) })).body,
    close: async () => {
      api.metrics.close();
      await manager.stop();
      tree.cleanup();
    },
  };
}

/** Fail when `text` contains a marker secret. */
export function assertNoSecret(text: string): void {
  for (const v of Object.values(MARKERS))
    if (text.includes(v)) throw new Error(`response contains the secret ${v.slice(0, 6)}…`);
}
