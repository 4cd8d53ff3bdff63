/** Concurrent role_upsert: 100 on distinct roles and 50 on one role; every change lands once, conflicts are reported, every role converges. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually } from '../helpers/cli.ts';
import { type Harness, startHarness } from './helpers.ts';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h.close();
});

const storeRoles = () =>
  JSON.parse(readFileSync(join(h.tree.paths.home, 'store.json'), 'utf8')).roles as {
    name: string;
    generation: number;
    description?: string;
  }[];

describe('concurrent role_upsert', () => {
  it('100 calls on distinct roles: the store holds every role at generation 1 and every role converges', async () => {
    const names = Array.from({ length: 100 }, (_, i) => `r${String(i).padStart(3, '0')}`);
    const replies = await Promise.all(
      names.map((name) =>
        h.call('role_upsert', { role: { name, model: 'kimi-code/kimi-for-coding', skills: ['tdd'] } }),
      ),
    );
    expect(replies.map((r) => r.result)).toEqual(names.map((name) => ({ name, generation: 1, changed: true })));
    const stored = storeRoles();
    expect(stored.map((r) => r.name).sort()).toEqual(['backend', ...names]);
    expect(stored.every((r) => r.generation === 1)).toBe(true);
    await eventually(
      () =>
        names.every(
          (n) => h.manager.status.get(n)?.phase === 'Ready' && h.manager.status.get(n)?.observedGeneration === 1,
        ),
      60_000,
      'all 100 converge',
    );
  }, 90_000);

  it('50 calls on one role: generations rise by one per accepted change and stale expectedGeneration writes are refused', async () => {
    const calls = Array.from({ length: 50 }, (_, i) => ({
      role: { name: 'backend', model: 'kimi-code/kimi-for-coding', skills: ['tdd'], description: `v${i}` },
      ...(i % 2 === 0 ? { expectedGeneration: 1 } : {}),
    }));
    const replies = await Promise.all(calls.map((params) => h.call('role_upsert', params)));
    const accepted = replies.filter((r) => r.result);
    const conflicts = replies.filter((r) => r.error?.code === -32001);
    expect(accepted.length + conflicts.length).toBe(50);
    // Every unconditional write lands; of the conditional ones at most the first can.
    expect(replies.filter((r, i) => i % 2 === 1 && r.result)).toHaveLength(25);
    expect(accepted.length - 25).toBeLessThanOrEqual(1);
    expect(conflicts.length).toBeGreaterThanOrEqual(24);
    const gens = accepted.map((r) => r.result.generation).sort((a, b) => a - b);
    expect(gens).toEqual(Array.from({ length: accepted.length }, (_, i) => i + 2));
    const final = storeRoles().find((r) => r.name === 'backend')!;
    expect(final.generation).toBe(1 + accepted.length);
    const last = accepted.find((r) => r.result.generation === final.generation)!;
    expect(final.description).toBe(calls[replies.indexOf(last)]!.role.description);
    await eventually(
      () => h.manager.status.get('backend')?.observedGeneration === final.generation,
      30_000,
      'backend converges to the last generation',
    );
  }, 60_000);
});
