/**
 * The role directory as Kimi Code's home (issue 18, items 1, 3, 4): Kimi's own state there is never reported,
 * pruned, backed up or watched; Kimi's rewrites of config.toml are drift like any hand edit, without a loop;
 * a target switch converges to the other target's files with backups of hand edits only.
 */
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse, stringify } from 'smol-toml';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { EventTarget } from '../../src/controllers/event-map.ts';
import { mapEventPath } from '../../src/controllers/event-map.ts';
import { startSourceWatchers } from '../../src/controllers/source-watchers.ts';
import { createLogger } from '../../src/log.ts';
import { cli } from '../helpers/cli.ts';
import { addSkill, makeTree, put, type TestTree } from '../helpers/tree.ts';

/** What one `kimi -p` run and a TUI session leave in their home (kimi-code-format §2, §8). */
const KIMI_STATE: Record<string, string> = {
  device_id: 'dev-1\n',
  'session_index.jsonl': '{}\n',
  'workspaces.json': '{}\n',
  'tui.toml': '[upgrade]\nauto_install = true\n',
  'updates/rollout.log': 'x\n',
  'logs/kimi-code.log': 'INFO start\n',
  'cache/query-store/cluster.meta.json': '{}\n',
  'sessions/wd_w_0123456789ab/session_1/agents/main/wire.jsonl': '{"type":"profile.bind"}\n',
  'sessions/.index-dirty/session_1.1': '',
  'credentials/kimi-code.json': '{"token":"t"}\n',
  'user-history/x.jsonl': '{}\n',
};

function writeStoreV2(tree: TestTree, settings: Record<string, string>, drift = 'revert'): void {
  const roles = [{ name: 'dev', model: 'groq/kimi-k2-instruct', skills: ['alpha'], driftPolicy: drift }];
  put(join(tree.paths.home, 'store.json'), JSON.stringify({ version: 2, roles, settings }));
}

const backupCount = (tree: TestTree) => {
  const dir = join(tree.paths.home, 'backups', 'dev');
  return existsSync(dir) ? readdirSync(dir).length : 0;
};

describe('a role directory that is also Kimi Code home', () => {
  let tree: TestTree;
  const dir = () => join(tree.paths.rolesDir, 'dev');
  beforeEach(async () => {
    tree = makeTree({ GROQ_API_KEY: 'gsk-1' });
    addSkill(tree, 'alpha');
    writeStoreV2(tree, { kimiTarget: 'kimi-code' });
    expect((await cli(tree.env, 'sync')).code).toBe(0);
  });
  afterEach(() => tree.cleanup());

  it("leaves Kimi's own state alone: no write, no backup, no stray; a deleted role keeps it", async () => {
    for (const [rel, text] of Object.entries(KIMI_STATE)) put(join(dir(), rel), text);
    const again = await cli(tree.env, 'sync');
    expect(again.stdout).toMatch(/^dev: converged; written 0, deleted 0, backups 0;/m);
    expect(again.stdout).not.toMatch(/warning/);
    writeStoreV2(tree, { kimiTarget: 'kimi-code' });
    put(
      join(tree.paths.home, 'store.json'),
      JSON.stringify({ version: 2, roles: [], settings: { kimiTarget: 'kimi-code' } }),
    );
    const removed = await cli(tree.env, 'sync');
    expect(removed.stdout).toMatch(/^dev: deleted; written 0, deleted \d+, backups 0;/m);
    expect(existsSync(join(dir(), 'config.toml'))).toBe(false);
    for (const [rel, text] of Object.entries(KIMI_STATE)) expect(readFileSync(join(dir(), rel), 'utf8')).toBe(text);
    expect(backupCount(tree)).toBe(0);
  });

  it("maps Kimi's churn to nothing and hero_team's files to the role", () => {
    const roots = {
      skillsDir: '/reg',
      rolesDir: '/roles',
      storeFile: '/h/store.json',
      servicesFile: '/h/services.json',
      secretsFile: '/h/secrets.env',
    };
    for (const rel of Object.keys(KIMI_STATE))
      expect(mapEventPath(roots, `/roles/dev/${rel}`)).toEqual({ kind: 'none' });
    expect(mapEventPath(roots, '/roles/dev/config.toml')).toEqual({ kind: 'role', role: 'dev', path: 'config.toml' });
    expect(mapEventPath(roots, '/roles/dev/skills/alpha/SKILL.md')).toEqual({
      kind: 'role',
      role: 'dev',
      path: 'skills/alpha/SKILL.md',
    });
    expect(mapEventPath(roots, '/roles/dev')).toEqual({ kind: 'role', role: 'dev', path: '' });
  });

  it('watchers report no event for Kimi writing its state while an agent works, and do for a hand edit', async () => {
    const seen: EventTarget[] = [];
    const watchers = await startSourceWatchers(tree.paths, createLogger('silent'), (t) => seen.push(t));
    try {
      for (const [rel, text] of Object.entries(KIMI_STATE)) put(join(dir(), rel), text);
      writeFileSync(join(dir(), 'logs', 'kimi-code.log'), 'INFO more\n', { flag: 'a' });
      await new Promise((r) => setTimeout(r, 400));
      expect(seen.filter((t) => t.kind === 'role')).toEqual([]);
      writeFileSync(join(dir(), 'mcp.json'), '{}\n');
      await expect
        .poll(() => seen.filter((t) => t.kind === 'role'), { timeout: 3000 })
        .toContainEqual({ kind: 'role', role: 'dev', path: 'mcp.json' });
    } finally {
      await watchers.close();
    }
  });
});

/** What Kimi Code's /model does to config.toml: parse, change default_model, write back without comments. */
function kimiModelSwitch(path: string, alias: string): void {
  const doc = parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
  writeFileSync(path, stringify({ ...doc, default_model: alias }));
}

describe("Kimi's own rewrites of config.toml (/model, /login)", () => {
  let tree: TestTree;
  const config = () => join(tree.paths.rolesDir, 'dev', 'config.toml');
  beforeEach(() => {
    tree = makeTree({ GROQ_API_KEY: 'gsk-1' });
    addSkill(tree, 'alpha');
  });
  afterEach(() => tree.cleanup());

  it('revert: backed up once and restored; the next reconcile writes nothing (no loop)', async () => {
    writeStoreV2(tree, { kimiTarget: 'kimi-code' });
    await cli(tree.env, 'sync');
    const ours = readFileSync(config(), 'utf8');
    kimiModelSwitch(config(), 'kimi-code/kimi-for-coding');
    const first = await cli(tree.env, 'sync');
    expect(first.stdout).toMatch(/^dev: converged; written 1, deleted 0, backups 1/m);
    expect(readFileSync(config(), 'utf8')).toBe(ours);
    expect(backupCount(tree)).toBe(1);
    const second = await cli(tree.env, 'sync');
    expect(second.stdout).toMatch(/^dev: converged; written 0, deleted 0, backups 0/m);
    expect(backupCount(tree)).toBe(1);
  });

  it("report: Kimi's version stays and is flagged on every run, never rewritten or backed up", async () => {
    writeStoreV2(tree, { kimiTarget: 'kimi-code' }, 'report');
    await cli(tree.env, 'sync');
    kimiModelSwitch(config(), 'kimi-code/kimi-for-coding');
    const kimis = readFileSync(config(), 'utf8');
    for (let i = 0; i < 2; i++) {
      const run = await cli(tree.env, 'sync');
      // Desired changes stop arriving there: held (issue 12 item 12), and sync says so with exit 1.
      expect(run.stdout).toMatch(/^dev: NOT CONVERGED \(held\): DriftHeld; written 0, deleted 0, backups 0/m);
      expect(run.stdout).toMatch(/warning: .*config\.toml/);
      expect(run.code).toBe(1);
    }
    expect(readFileSync(config(), 'utf8')).toBe(kimis);
    expect(backupCount(tree)).toBe(0);
  });
});

describe('switching the target', () => {
  let tree: TestTree;
  afterEach(() => tree.cleanup());

  it("converges to the other target's files, backing up only what was edited by hand", async () => {
    tree = makeTree({ GROQ_API_KEY: 'gsk-1' });
    addSkill(tree, 'alpha');
    writeStoreV2(tree, { kimiTarget: 'kimi-cli' });
    await cli(tree.env, 'sync');
    const dir = join(tree.paths.rolesDir, 'dev');
    expect(readFileSync(join(dir, 'config.toml'), 'utf8')).toContain('default_thinking = true');
    put(join(dir, 'skills', 'alpha', 'SKILL.md'), 'hand edit\n');
    expect((await cli(tree.env, 'target', 'set', 'kimi-code')).code).toBe(0);
    const toCode = await cli(tree.env, 'sync');
    expect(toCode.stdout).toMatch(/^dev: converged; written 2, deleted 0, backups 1/m);
    const backups = readdirSync(join(tree.paths.home, 'backups', 'dev'));
    expect(readdirSync(join(tree.paths.home, 'backups', 'dev', backups[0]!), { recursive: true })).toContain(
      join('skills', 'alpha', 'SKILL.md'),
    );
    expect(readFileSync(join(dir, 'config.toml'), 'utf8')).toContain('[thinking]');
    expect((await cli(tree.env, 'target', 'set', 'kimi-cli')).code).toBe(0);
    const back = await cli(tree.env, 'sync');
    expect(back.stdout).toMatch(/^dev: converged; written 1, deleted 0, backups 0/m);
    expect(readFileSync(join(dir, 'config.toml'), 'utf8')).toContain('default_thinking = true');
    // The environment overrides the stored target for one process.
    const env = await cli({ ...tree.env, HERO_TEAM_KIMI_TARGET: 'kimi-code' }, 'sync');
    expect(env.stdout).toMatch(/^dev: converged; written 1, deleted 0, backups 0/m);
    const bad = await cli({ ...tree.env, HERO_TEAM_KIMI_TARGET: 'kimi-2' }, 'sync');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/HERO_TEAM_KIMI_TARGET/);
  });
});
