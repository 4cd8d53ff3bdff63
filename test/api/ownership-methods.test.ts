/** config_diff and doctor through the JSON-RPC endpoint: results, the unknown-role error, no secret in a reply. */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { assertNoSecret, type Harness, MARKERS, startHarness } from './helpers.ts';

let h: Harness;
beforeEach(async () => {
  h = await startHarness();
});
afterEach(async () => {
  await h.close();
});

describe('config_diff', () => {
  it('is converged after start-up, then shows a hand edit as a redacted patch, and never a key', async () => {
    const clean = await h.call('config_diff', { roles: ['backend'] });
    expect(clean.result).toMatchObject({ converged: true, errors: [] });
    expect(clean.result.roles[0]).toMatchObject({ role: 'backend', converged: true, files: [] });

    const config = join(h.tree.paths.rolesDir, 'backend', 'config.toml');
    writeFileSync(config, `${readFileSync(config, 'utf8')}\n# my note\n`);
    const drifted = await h.call('config_diff', {});
    const role = drifted.result.roles.find((r: { role: string }) => r.role === 'backend');
    expect(drifted.result.converged).toBe(false);
    expect(role.files).toEqual([expect.objectContaining({ path: 'config.toml', change: 'modified' })]);
    expect(role.files[0].patch).toMatch(/-# my note/);
    assertNoSecret(JSON.stringify(drifted));
    expect(JSON.stringify(drifted)).not.toContain(MARKERS.KIMI_API_KEY);
  });

  it('answers -32002 for an unknown role and -32602 for an invalid name', async () => {
    expect((await h.call('config_diff', { roles: ['nope'] })).error.code).toBe(-32002);
    expect((await h.call('config_diff', { roles: ['../x'] })).error.code).toBe(-32602);
  });
});

describe('doctor', () => {
  it('reports findings with severity, check and fix; counts errors; an unknown role is -32002', async () => {
    const res = await h.call('doctor', { roles: ['backend'] });
    expect(res.error).toBeUndefined();
    expect(res.result.errors).toBe(
      res.result.findings.filter((f: { severity: string }) => f.severity === 'error').length,
    );
    expect(res.result.ok).toBe(res.result.errors === 0);
    for (const f of res.result.findings)
      expect(f).toMatchObject({ severity: expect.any(String), check: expect.any(String), fix: expect.any(String) });
    // The daemon answering is itself running: doctor must not say no daemon runs.
    expect(res.result.findings.some((f: { check: string }) => f.check === 'daemon.not-running')).toBe(false);
    assertNoSecret(JSON.stringify(res));
    expect((await h.call('doctor', { roles: ['nope'] })).error.code).toBe(-32002);
  });
});

describe('config_render', () => {
  it('renders exactly what reconcile wrote for the target in force, keys redacted', async () => {
    const res = await h.call('config_render', { role: 'backend' });
    const onDisk = readFileSync(join(h.tree.paths.rolesDir, 'backend', 'config.toml'), 'utf8');
    const withoutKeys = (t: string) => t.split('\n').filter((l) => !/api_key\s*=/.test(l));
    expect(withoutKeys(res.result.content)).toEqual(withoutKeys(onDisk));
    assertNoSecret(JSON.stringify(res));
  });
});
