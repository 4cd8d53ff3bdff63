/** The manager in-process: converges every role, prunes deleted ones, and the periodic resync repairs what no watcher reported. */
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { systemClock } from '../../src/clock.ts';
import { Manager } from '../../src/controllers/manager.ts';
import { createLogger, silentLogger } from '../../src/log.ts';
import { eventually } from '../helpers/cli.ts';
import { addSkill, makeTree, type TestTree, writeStore } from '../helpers/tree.ts';

let tree: TestTree;
let manager: Manager | undefined;

beforeEach(() => {
  tree = makeTree();
  addSkill(tree, 'alpha');
  addSkill(tree, 'beta');
  writeStore(tree, [
    { name: 'one', model: 'kimi-code/kimi-for-coding', skills: ['alpha'] },
    { name: 'two', model: 'kimi-code/kimi-for-coding', skills: ['alpha', 'beta'] },
    { name: 'bad', model: 'no-such/model' },
  ]);
});
afterEach(async () => {
  await manager?.stop();
  manager = undefined;
  tree.cleanup();
});

function start(resyncMs = 600_000, resync = false, watch = false, log = silentLogger()): Promise<void> {
  manager = new Manager({
    paths: tree.paths,
    tuning: { ...tree.config.tuning, resyncMs },
    env: { KIMI_API_KEY: 'k' },
    clock: systemClock,
    log,
    watch,
    resync,
  });
  return manager.start();
}

describe('Manager', () => {
  it('converges every declared role and stalls the one with an invalid spec', async () => {
    await start();
    await manager!.settled();
    expect(existsSync(join(tree.paths.rolesDir, 'one', 'skills', 'alpha', 'SKILL.md'))).toBe(true);
    expect(existsSync(join(tree.paths.rolesDir, 'two', 'skills', 'beta', 'SKILL.md'))).toBe(true);
    expect(manager!.status.get('one')!.phase).toBe('Ready');
    const bad = manager!.status.get('bad')!;
    expect(bad.phase).toBe('Stalled');
    expect(bad.conditions.find((c) => c.type === 'Stalled')).toMatchObject({ status: 'True', reason: 'InvalidSpec' });
    expect(bad.lastError).toContain('no-such/model');
  });

  it('prunes the files of a managed directory whose role is no longer declared', async () => {
    await start();
    await manager!.settled();
    await manager!.stop();
    writeStore(tree, [{ name: 'one', model: 'kimi-code/kimi-for-coding', skills: ['alpha'] }]);
    await start();
    await manager!.settled();
    expect(existsSync(join(tree.paths.rolesDir, 'two'))).toBe(false);
    expect(existsSync(join(tree.paths.rolesDir, 'one', 'config.toml'))).toBe(true);
  });

  it('touches nothing while store.json is invalid at start', async () => {
    await start();
    await manager!.settled();
    await manager!.stop();
    writeFileSync(join(tree.paths.home, 'store.json'), '{ not json');
    await start();
    await manager!.settled();
    expect(manager!.sources.storeError).toMatch(/store\.json:1:/);
    expect(existsSync(join(tree.paths.rolesDir, 'one', 'config.toml'))).toBe(true);
    expect(manager!.roleNames()).toEqual([]);
  });

  it('the periodic resync reverts a hand edit no watcher reported', async () => {
    await start(1000, true);
    await manager!.settled();
    const file = join(tree.paths.rolesDir, 'one', 'config.toml');
    const original = readFileSync(file, 'utf8');
    writeFileSync(file, 'hand edit\n');
    await eventually(() => readFileSync(file, 'utf8') === original, 5000, 'resync revert');
    // The file lands before the reconcile finishes (manifest, status): wait for the status too.
    await eventually(() => manager!.status.get('one')!.counts.driftReverted === 1, 5000, 'status counts the revert');
  });

  it('with the roles tree watched in full, the resync observes every file again: a hand edit whose event was lost is reverted', async () => {
    await start(3000, true, true);
    await manager!.settled();
    const file = join(tree.paths.rolesDir, 'one', 'config.toml');
    const original = readFileSync(file, 'utf8');
    // Watches that stop reporting without failing: the edit below is an event inotify lost.
    await (manager as unknown as { watchers: { close(): Promise<void> } }).watchers.close();
    writeFileSync(file, 'hand edit\n');
    manager!.wake('one'); // a reconcile for another reason reuses its last observation: the edit is not seen
    await manager!.settled();
    expect(readFileSync(file, 'utf8')).toBe('hand edit\n');
    await eventually(() => readFileSync(file, 'utf8') === original, 5000, 'resync revert');
  });

  it('with the registry watched in full, trusts its events past the 1 s bound: every kind of change still propagates', async () => {
    await start(600_000, false, true);
    await manager!.settled();
    const freshness = manager!.sources.registry.freshness;
    expect(freshness.trustEvents).toBe(true);
    await new Promise((r) => setTimeout(r, 1100)); // past the bound the shared scans have without watches
    const copy = (role: string, rel: string) => join(tree.paths.rolesDir, role, 'skills', rel);
    writeFileSync(
      join(tree.paths.skillsDir, 'beta', 'SKILL.md'),
      '---\nname: beta\ndescription: beta, edited\n---\nbody two\n',
    );
    mkdirSync(join(tree.paths.skillsDir, 'alpha', 'refs', 'deep'), { recursive: true });
    writeFileSync(join(tree.paths.skillsDir, 'alpha', 'refs', 'deep', 'x.md'), 'deep file\n');
    await eventually(() => {
      expect(readFileSync(copy('two', 'beta/SKILL.md'), 'utf8')).toContain('beta, edited');
      expect(readFileSync(copy('one', 'alpha/refs/deep/x.md'), 'utf8')).toBe('deep file\n');
      expect(readFileSync(copy('two', 'alpha/refs/deep/x.md'), 'utf8')).toBe('deep file\n');
      return true;
    });
    rmSync(join(tree.paths.skillsDir, 'alpha', 'refs'), { recursive: true });
    await eventually(() => !existsSync(copy('one', 'alpha/refs')) && !existsSync(copy('two', 'alpha/refs')));
  });

  it('indexes and watches in depth only the skills some role whitelists, and follows the store both ways', async () => {
    addSkill(tree, 'gamma', { 'refs/deep/x.md': 'v1\n' });
    await start(600_000, false, true);
    await manager!.settled();
    const { index } = manager!.sources.registry;
    expect([...index.skills.keys()].sort()).toEqual(['alpha', 'beta']);
    expect([...manager!.sources.scope].sort()).toEqual(['alpha', 'beta']);
    // Edited while out of scope: nobody reads it now, and the copy made later has these bytes.
    writeFileSync(join(tree.paths.skillsDir, 'gamma', 'refs', 'deep', 'x.md'), 'v2\n');
    writeStore(tree, [
      { name: 'one', model: 'kimi-code/kimi-for-coding', skills: ['alpha', 'gamma'] },
      { name: 'two', model: 'kimi-code/kimi-for-coding', skills: ['alpha'] },
    ]);
    const copy = join(tree.paths.rolesDir, 'one', 'skills', 'gamma', 'refs', 'deep', 'x.md');
    await eventually(
      () => existsSync(copy) && readFileSync(copy, 'utf8') === 'v2\n',
      5000,
      'gamma copied once whitelisted',
    );
    await eventually(() => !index.skills.has('beta') && !manager!.sources.scope.has('beta'), 5000, 'beta out of scope');
    expect(index.skills.has('gamma')).toBe(true);
    // In scope now: its nested directory, which existed before, has a watch, so an edit there propagates.
    await manager!.settled();
    writeFileSync(join(tree.paths.skillsDir, 'gamma', 'refs', 'deep', 'x.md'), 'v3\n');
    await eventually(
      () => readFileSync(copy, 'utf8') === 'v3\n',
      5000,
      'edit in a nested dir of a skill that entered scope',
    );
    // Out of scope: an edit of beta is not read (beta stays out of the index).
    writeFileSync(join(tree.paths.skillsDir, 'beta', 'SKILL.md'), '---\nname: beta\ndescription: edited\n---\n');
    await new Promise((r) => setTimeout(r, 300));
    await manager!.settled();
    expect(index.skills.has('beta')).toBe(false);
  });

  it('without watches (one-shot use) keeps the 1 s bound on shared scans', async () => {
    await start();
    await manager!.settled();
    expect(manager!.sources.registry.freshness.trustEvents).toBe(false);
  });

  it('does not reconcile a role again for the echo of its own writes, but still for a hand edit of any size', async () => {
    const lines: { role?: string; msg: string }[] = [];
    await start(600_000, false, true, createLogger('debug', { write: (m: string) => void lines.push(JSON.parse(m)) }));
    await manager!.settled();
    await new Promise((r) => setTimeout(r, 300)); // echoes of the first convergence
    await manager!.settled();
    const reconcilesOf = (role: string) =>
      lines.filter((l) => l.role === role && (l.msg === 'reconciled' || l.msg === 'no change')).length;
    const before = reconcilesOf('two');
    writeFileSync(join(tree.paths.skillsDir, 'beta', 'SKILL.md'), '---\nname: beta\ndescription: beta v2\n---\nbody\n');
    const copy = join(tree.paths.rolesDir, 'two', 'skills', 'beta', 'SKILL.md');
    await eventually(() => readFileSync(copy, 'utf8').includes('beta v2'));
    await new Promise((r) => setTimeout(r, 400)); // several debounce periods: an echo reconcile would have run
    await manager!.settled();
    expect(reconcilesOf('two') - before).toBe(1);
    // A hand edit of the same size (only the mtime and bytes differ) is not mistaken for our write.
    const config = join(tree.paths.rolesDir, 'one', 'config.toml');
    const ours = readFileSync(config, 'utf8');
    writeFileSync(config, ours.replace(/.$/s, '#'));
    await eventually(() => readFileSync(config, 'utf8') === ours);
    // Nor is a deleted file of ours.
    rmSync(join(tree.paths.rolesDir, 'one', 'skills', 'alpha', 'SKILL.md'));
    await eventually(() => existsSync(join(tree.paths.rolesDir, 'one', 'skills', 'alpha', 'SKILL.md')));
  });
});
