/** The daemon as a child process: services.json, secrets.env and a late registry are watched; SIGTERM mid-reconcile exits 0 cleanly. */
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DAEMON_NODE_FLAGS } from '../../src/node-flags.ts';
import { md5Bytes } from '../../src/observed/digest.ts';
import { cli, eventually, startServe } from '../helpers/cli.ts';
import { addSkill, makeTree, put, type TestTree, writeStore } from '../helpers/tree.ts';

let tree: TestTree;
let daemon: ReturnType<typeof startServe> | undefined;

afterEach(() => {
  if (daemon && daemon.child.exitCode === null) daemon.child.kill('SIGKILL');
  daemon = undefined;
  tree.cleanup();
});

function exitCode(): Promise<number | null> {
  return new Promise((resolve) => daemon!.child.once('exit', (code) => resolve(code)));
}

describe('hero-team serve: inputs beside the registry', () => {
  it('follows services.json and secrets.env edits', async () => {
    tree = makeTree({ HERO_TEAM_DEBOUNCE_MS: '20' });
    addSkill(tree, 'alpha');
    const services = join(tree.paths.home, 'services.json');
    put(services, JSON.stringify({ services: { github: { command: 'gh-mcp', args: ['--stdio'] } } }));
    writeStore(tree, [{ name: 'web', model: 'kimi-code/kimi-for-coding', skills: ['alpha'], mcp: ['github'] }]);
    const dir = join(tree.paths.rolesDir, 'web');
    daemon = startServe(tree.env);
    await eventually(
      () => existsSync(join(dir, 'mcp.json')) && readFileSync(join(dir, 'mcp.json'), 'utf8').includes('gh-mcp'),
      15_000,
      'first mcp.json',
    );
    put(services, JSON.stringify({ services: { github: { command: 'gh-mcp-v2' } } }));
    await eventually(() => readFileSync(join(dir, 'mcp.json'), 'utf8').includes('gh-mcp-v2'), 10_000, 'services edit');
    put(services, '{ broken');
    await eventually(() => /services\.json invalid/.test(daemon!.log()), 10_000, 'services error reported');
    expect(readFileSync(join(dir, 'mcp.json'), 'utf8')).toContain('gh-mcp-v2');
    put(join(tree.paths.home, 'secrets.env'), 'KIMI_API_KEY=sk-from-secrets-file\n');
    await eventually(
      () => readFileSync(join(dir, 'config.toml'), 'utf8').includes('sk-from-secrets-file'),
      10_000,
      'secrets edit',
    );
    expect(daemon.log()).not.toContain('sk-from-secrets-file');
  });

  it('starts without a registry, says so, and converges once it appears', async () => {
    tree = makeTree({ HERO_TEAM_DEBOUNCE_MS: '20' });
    const staged = join(tree.root, 'staged');
    renameSync(tree.paths.skillsDir, staged);
    mkdirSync(join(staged, 'alpha'));
    put(join(staged, 'alpha', 'SKILL.md'), '---\nname: alpha\ndescription: a\n---\n');
    writeStore(tree, [{ name: 'web', model: 'kimi-code/kimi-for-coding', skills: ['alpha'] }]);
    daemon = startServe(tree.env);
    await eventually(() => /skills registry missing/.test(daemon!.log()), 15_000, 'missing registry reported');
    await eventually(
      () => existsSync(join(tree.paths.rolesDir, 'web', 'config.toml')),
      10_000,
      'config written without the registry',
    );
    renameSync(staged, tree.paths.skillsDir);
    await eventually(
      () => existsSync(join(tree.paths.rolesDir, 'web', 'skills', 'alpha', 'SKILL.md')),
      10_000,
      'skill after the registry appeared',
    );
  });
});

describe('hero-team serve: shutdown', () => {
  it('SIGTERM during a large reconcile lets it finish: exit 0, no temp file, every manifest entry matches the disk', async () => {
    tree = makeTree({ HERO_TEAM_DEBOUNCE_MS: '0' });
    const skills = Array.from({ length: 150 }, (_, i) => `s${String(i).padStart(3, '0')}`);
    for (const s of skills)
      addSkill(tree, s, { 'references/a.md': 'x'.repeat(4096) + s, 'scripts/b.sh': 'y'.repeat(4096) + s });
    writeStore(
      tree,
      Array.from({ length: 8 }, (_, i) => ({ name: `r${i}`, model: 'kimi-code/kimi-for-coding', skills })),
    );
    daemon = startServe(tree.env);
    await eventually(() => readdirSync(tree.paths.rolesDir).length > 0, 15_000, 'reconcile under way');
    const exited = exitCode();
    daemon.child.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(daemon.log()).toContain('"msg":"stopped"');
    for (const role of readdirSync(tree.paths.rolesDir)) {
      const dir = join(tree.paths.rolesDir, role);
      const files = readdirSync(dir, { recursive: true }) as string[];
      expect(files.filter((f) => f.includes('.hero-tmp-'))).toEqual([]);
      const manifestFile = join(dir, '.hero-team-manifest.json');
      if (!existsSync(manifestFile)) continue;
      const manifest = JSON.parse(readFileSync(manifestFile, 'utf8')) as {
        entries: { path: string; md5: string; pendingMd5?: string }[];
      };
      for (const e of manifest.entries) {
        const actual = md5Bytes(readFileSync(join(dir, e.path)));
        expect([e.md5, e.pendingMd5]).toContain(actual);
      }
    }
    // And the next one-shot sync finishes the job.
    const r = await cli(tree.env, 'sync');
    expect(r.code).toBe(0);
  }, 60_000);
});

describe('hero-team serve: the process', () => {
  /** The daemon's `hero_team starting` record and its thread count once it is watching. */
  async function started(
    env: NodeJS.ProcessEnv,
    nodeArgs: readonly string[] = [],
  ): Promise<{ threadpool: unknown; threads: number; v8Flags: unknown; memoryReducer: unknown; warnings: string[] }> {
    daemon = startServe(env, nodeArgs);
    await eventually(() => daemon!.log().includes('watching and converging'), 15_000, 'daemon watching');
    const line = daemon
      .log()
      .split('\n')
      .find((l) => l.includes('"hero_team starting"'))!;
    const threads = Number(/Threads:\s+(\d+)/.exec(readFileSync(`/proc/${daemon.child.pid}/status`, 'utf8'))![1]);
    daemon.child.kill('SIGTERM');
    await exitCode();
    const record = JSON.parse(line);
    const warnings = daemon
      .log()
      .split('\n')
      .filter((l) => l.includes('"level":40'))
      .map((l) => JSON.parse(l).msg as string);
    return {
      threadpool: record.threadpool,
      threads,
      v8Flags: record.v8Flags,
      memoryReducer: record.memoryReducer,
      warnings,
    };
  }

  it('runs libuv with 16 threads unless UV_THREADPOOL_SIZE says otherwise, and logs the size', async () => {
    tree = makeTree();
    const { UV_THREADPOOL_SIZE: _, ...env } = tree.env;
    const byDefault = await started(env);
    const given = await started({ ...env, UV_THREADPOOL_SIZE: '2' });
    const blank = await started({ ...env, UV_THREADPOOL_SIZE: '' }); // libuv would run 1 thread
    expect(byDefault.threadpool).toBe(16);
    expect(given.threadpool).toBe(2);
    expect(blank).toEqual(byDefault);
    // The pool's threads exist from its first use: the difference is the pool, not the log line.
    expect(byDefault.threads - given.threads).toBe(14);
  });

  it('sets its heap growth flag, or the low-memory set instead when asked (node flags it was given win: unit test)', async () => {
    tree = makeTree();
    expect((await started(tree.env)).v8Flags).toEqual(['--heap-growing-percent=20', '--semi-space-growth-factor=1']);
    expect((await started({ ...tree.env, HERO_TEAM_LOW_MEMORY: '1' })).v8Flags).toEqual([
      '--semi-space-growth-factor=1',
      '--optimize-for-size',
      '--memory-reducer-single-gc',
    ]);
    expect(
      (await started({ ...tree.env, NODE_OPTIONS: '--max-old-space-size=512', HERO_TEAM_LOW_MEMORY: '0' })).v8Flags,
    ).toEqual(['--heap-growing-percent=20', '--semi-space-growth-factor=1']);
  });

  it("logs whether V8's memory reducer runs (off with the launch lines' flags), and warns in low-memory mode only without it", async () => {
    tree = makeTree();
    const launched = await started(tree.env, DAEMON_NODE_FLAGS);
    expect(launched.memoryReducer).toBe(false);
    expect(launched.warnings).toEqual([]);
    const plainNode = await started(tree.env);
    expect(plainNode.memoryReducer).toBe(true);
    expect(plainNode.warnings).toEqual([]);
    const lowMemory = await started({ ...tree.env, HERO_TEAM_LOW_MEMORY: '1' }, DAEMON_NODE_FLAGS);
    expect(lowMemory.warnings).toEqual([expect.stringMatching(/^low-memory mode without the memory reducer/)]);
    const lowMemoryPlain = await started({ ...tree.env, HERO_TEAM_LOW_MEMORY: '1' });
    expect(lowMemoryPlain.memoryReducer).toBe(true);
    expect(lowMemoryPlain.warnings).toEqual([]);
  });
});
