/** doctor on real trees: a dozen and more seeded faults found with the right severity and file; a healthy setup is clean. */

import type { ChildProcess } from 'node:child_process';
import { appendFileSync, chmodSync, mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Findings } from '../../src/controllers/doctor/finding.ts';
import { checkDaemon, checkInotify } from '../../src/controllers/doctor/global-checks.ts';
import { cli, eventually, startServe } from '../helpers/cli.ts';
import type { Finding as F } from '../helpers/doctor.ts';
import { addSkill, makeTree, put, type TestTree, writeStore } from '../helpers/tree.ts';

const MODEL = 'kimi-code/kimi-for-coding';

describe('hero-team doctor', () => {
  let tree: TestTree;
  let daemon: { child: ChildProcess } | undefined;
  afterEach(() => {
    if (daemon && daemon.child.exitCode === null) daemon.child.kill('SIGKILL');
    daemon = undefined;
    tree.cleanup();
  });

  it('finds every seeded fault with its severity and file, and exits 1', async () => {
    const emptyBin = join(process.cwd(), 'node_modules', '.no-such-bin');
    tree = makeTree({ KIMI_API_KEY: 'sk-MARKER-doctor', PATH: emptyBin });
    const R = (name: string, rel = '') => join(tree.paths.rolesDir, name, rel);
    addSkill(tree, 'alpha');
    put(join(tree.paths.skillsDir, 'broken', 'SKILL.md'), '---\nname: [unclosed\n---\nbody\n');
    put(join(tree.paths.skillsDir, 'folder-a', 'SKILL.md'), '---\nname: other-name\ndescription: x\n---\n');
    put(join(tree.paths.home, 'secrets.env'), 'GROQ_API_KEY=\n', 0o644);
    const synced = ['syntax', 'unknownkey', 'modes', 'mcpbad', 'stray', 'missing', 'corrupt', 'linked'];
    writeStore(tree, [
      ...synced.map((name) => ({ name, model: MODEL, skills: ['alpha'] })),
      { name: 'neversynced', model: MODEL },
      { name: 'noskill', model: MODEL, skills: ['ghost'] },
      { name: 'groq', model: 'groq/kimi-k2-instruct' },
      { name: 'badmodel', model: 'nope/nope' },
    ]);
    expect((await cli(tree.env, 'sync', ...synced)).code).toBe(0);
    writeFileSync(R('syntax', 'config.toml'), 'default_model = [\n');
    appendFileSync(R('unknownkey', 'config.toml'), 'colour = "blue"\n');
    chmodSync(R('modes', 'config.toml'), 0o644);
    writeFileSync(R('mcpbad', 'mcp.json'), '{"mcpServers": {"x": {"args": ["a"]}}}\n');
    put(R('stray', 'skills/not-mine/SKILL.md'), '---\nname: not-mine\ndescription: x\n---\n');
    rmSync(R('missing', 'skills/alpha/SKILL.md'));
    writeFileSync(R('corrupt', '.hero-team-manifest.json'), '{');
    const { renameSync } = await import('node:fs');
    renameSync(R('linked'), join(tree.root, 'elsewhere'));
    symlinkSync(join(tree.root, 'elsewhere'), R('linked'));

    const r = await cli(tree.env, 'doctor', '--json');
    expect(r.code).toBe(1);
    const doc = JSON.parse(r.stdout) as { ok: boolean; findings: F[] };
    expect(doc.ok).toBe(false);
    const has = (severity: string, check: string, file?: string, role?: string) =>
      expect(doc.findings, `${severity} ${check} ${file ?? ''}`).toContainEqual(
        expect.objectContaining({ severity, check, ...(file ? { file } : {}), ...(role ? { role } : {}) }),
      );
    const home = tree.paths.home;
    const seeded: [string, string, string | undefined, string | undefined][] = [
      ['warning', 'registry.invalid-skill', join(tree.paths.skillsDir, 'broken'), undefined],
      ['warning', 'registry.name-mismatch', join(tree.paths.skillsDir, 'folder-a', 'SKILL.md'), undefined],
      ['warning', 'secrets.mode', join(home, 'secrets.env'), undefined],
      ['warning', 'kimi.not-on-path', undefined, undefined],
      ['warning', 'daemon.not-running', home, undefined],
      ['error', 'role.config-invalid', R('syntax', 'config.toml'), 'syntax'],
      ['warning', 'role.config-unknown-key', R('unknownkey', 'config.toml'), 'unknownkey'],
      ['error', 'role.secret-mode', R('modes', 'config.toml'), 'modes'],
      ['error', 'role.mcp-invalid', R('mcpbad', 'mcp.json'), 'mcpbad'],
      ['warning', 'role.stray-skill', R('stray', 'skills/not-mine'), 'stray'],
      ['warning', 'role.file-missing', R('missing', 'skills/alpha/SKILL.md'), 'missing'],
      ['error', 'role.manifest-invalid', R('corrupt', '.hero-team-manifest.json'), 'corrupt'],
      ['error', 'role.dir-symlink', R('linked'), 'linked'],
      ['warning', 'role.not-synced', R('neversynced', '.hero-team-manifest.json'), 'neversynced'],
      ['error', 'role.skill-missing', join(home, 'store.json'), 'noskill'],
      ['error', 'role.secret-missing', join(home, 'secrets.env'), 'groq'],
      ['error', 'role.spec-invalid', join(home, 'store.json'), 'badmodel'],
      ['warning', 'role.file-modified', R('unknownkey', 'config.toml'), 'unknownkey'],
    ];
    for (const [severity, check, file, role] of seeded) has(severity, check, file, role);
    expect(seeded.length).toBeGreaterThanOrEqual(12);
    for (const x of doc.findings) expect(x.fix.length).toBeGreaterThan(5);
    expect(r.stdout).not.toContain('sk-MARKER-doctor');
    // Human output names the file and the fix; a bad role name is bad input.
    const text = await cli(tree.env, 'doctor', 'mcpbad');
    expect(text.stdout).toMatch(/ERROR \[mcpbad\] .*mcp\.json: mcpServers\."x" needs exactly one of command/);
    expect(text.stdout).toMatch(/fix: /);
    expect((await cli(tree.env, 'doctor', 'Bad!')).code).toBe(2);
  });

  it('finds what a sync would mend in synced roles: modes, a copied manifest, dropped and invalid skills', async () => {
    tree = makeTree({ KIMI_API_KEY: 'sk-MARKER-mend' });
    const R = (name: string, rel = '') => join(tree.paths.rolesDir, name, rel);
    for (const name of ['alpha', 'beta', 'gamma']) addSkill(tree, name);
    const role = (name: string, skills: string[]) => ({ name, model: MODEL, skills });
    const svc = { name: 'svc', model: MODEL, mcp: ['no-such-service'] };
    const kept = [role('moded', ['alpha']), role('orig', ['alpha']), role('invalid', ['alpha', 'gamma']), svc];
    writeStore(tree, [...kept, role('dropped', ['alpha', 'beta', 'gamma']), role('gone', ['alpha'])]);
    expect((await cli(tree.env, 'sync', 'moded', 'orig', 'invalid', 'dropped', 'gone')).code).toBe(0);
    chmodSync(R('moded', 'skills/alpha/SKILL.md'), 0o600);
    put(join(tree.paths.skillsDir, 'gamma', 'SKILL.md'), '---\nname: [unclosed\n---\nbody\n');
    put(R('copied', '.hero-team-manifest.json'), readFileSync(R('orig', '.hero-team-manifest.json')));
    writeStore(tree, [...kept, role('dropped', ['alpha']), role('copied', ['alpha'])]);

    const doc = JSON.parse((await cli(tree.env, 'doctor', '--json')).stdout) as { findings: F[] };
    const expected: [string, string, string, string][] = [
      ['warning', 'role.file-mode', R('moded', 'skills/alpha/SKILL.md'), 'moded'],
      ['info', 'role.not-converged', R('moded'), 'moded'],
      ['error', 'role.manifest-foreign', R('copied', '.hero-team-manifest.json'), 'copied'],
      ['warning', 'role.skill-not-whitelisted', R('dropped', 'skills/beta'), 'dropped'],
      ['warning', 'role.skill-not-whitelisted', R('dropped', 'skills/gamma'), 'dropped'],
      ['info', 'role.not-converged', R('dropped'), 'dropped'],
      ['warning', 'role.skill-invalid', join(tree.paths.skillsDir, 'gamma'), 'invalid'],
      ['warning', 'role.service-missing', join(tree.paths.home, 'services.json'), 'svc'],
      ['warning', 'role.undeclared', R('gone'), 'gone'],
    ];
    for (const [severity, check, file, r] of expected)
      expect(doc.findings, `${severity} ${check} ${file}`).toContainEqual(
        expect.objectContaining({ severity, check, file, role: r }),
      );
    expect(doc.findings.filter((x) => x.role === 'orig')).toEqual([]);
  });

  it('reports a store it cannot read, and a missing registry, as errors', async () => {
    tree = makeTree();
    rmSync(tree.paths.skillsDir, { recursive: true });
    put(join(tree.paths.home, 'store.json'), '{"version": 1, "roles": [}');
    const doc = JSON.parse((await cli(tree.env, 'doctor', '--json')).stdout) as { findings: F[] };
    expect(doc.findings).toContainEqual(
      expect.objectContaining({ severity: 'error', check: 'store.invalid', file: join(tree.paths.home, 'store.json') }),
    );
    expect(doc.findings.find((x) => x.check === 'store.invalid')!.message).toMatch(/store\.json:1:\d+/);
    expect(doc.findings).toContainEqual(
      expect.objectContaining({ severity: 'error', check: 'registry.missing', file: tree.paths.skillsDir }),
    );
  });

  it('two daemons on one state dir are an error; little inotify headroom a warning, none an error', async () => {
    tree = makeTree();
    const probes = (pids: number[], max: number, used: number) => ({
      daemons: () => pids,
      socket: async () => 'ok' as const,
      inotify: () => ({ max, used }),
      which: () => '/usr/bin/kimi',
    });
    const f = new Findings();
    await checkDaemon(tree.paths, probes([11, 12], 0, 0), f);
    expect(f.list).toEqual([expect.objectContaining({ severity: 'error', check: 'daemon.several' })]);
    const g = new Findings();
    checkInotify(probes([], 8192, 8150), 100, g);
    checkInotify(probes([], 8192, 7500), 100, g);
    checkInotify(probes([], 524288, 1000), 100, g);
    expect(g.list.map((x) => [x.severity, x.check])).toEqual([
      ['error', 'inotify.exhausted'],
      ['warning', 'inotify.low'],
    ]);
  });

  it('a healthy setup (daemon running, kimi on PATH) is clean: exit 0, no error or warning', async () => {
    const bin = join(process.cwd(), 'node_modules', '.cache', `doctor-bin-${process.pid}`);
    mkdirSync(bin, { recursive: true });
    // The store is version 1, migrated to the kimi-cli target: the kimi on PATH says it is kimi-cli.
    put(join(bin, 'kimi'), '#!/bin/sh\necho "kimi, version 1.49.0"\n', 0o755);
    tree = makeTree({
      KIMI_API_KEY: 'sk-MARKER-healthy',
      HERO_TEAM_DEBOUNCE_MS: '20',
      PATH: `${bin}:${process.env.PATH}`,
    });
    addSkill(tree, 'alpha');
    writeStore(tree, [{ name: 'backend', model: MODEL, skills: ['alpha'] }]);
    daemon = startServe(tree.env);
    const manifest = join(tree.paths.rolesDir, 'backend', '.hero-team-manifest.json');
    const { existsSync } = await import('node:fs');
    await eventually(
      () => existsSync(manifest) && !readFileSync(manifest, 'utf8').includes('pendingMd5'),
      15_000,
      'convergence',
    );
    const r = await cli(tree.env, 'doctor', '--json');
    const doc = JSON.parse(r.stdout) as { findings: F[] };
    expect(doc.findings.filter((x) => x.severity !== 'info')).toEqual([]);
    expect(r.code).toBe(0);
    rmSync(bin, { recursive: true, force: true });
  }, 30_000);
});
