/** Issue 12 item 10: backups and secrets. */
import { chmodSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BackupSession } from '../../src/controllers/backup.ts';
import { readManifest } from '../../src/observed/manifest.ts';
import { parseEnvFile } from '../../src/observed/secrets.ts';
import { cli } from '../helpers/cli.ts';
import { addSkill, makeTree, put, type TestTree, writeStore } from '../helpers/tree.ts';

let tree: TestTree;
beforeEach(() => {
  tree = makeTree();
});
afterEach(() => tree.cleanup());

const clock = { now: () => 1_800_000_000_000 };

describe('secrets and backups', () => {
  it('parses secrets.env with dotenv semantics: a trailing comment after a quoted value is not part of the key', () => {
    const text = [
      'KIMI_API_KEY="sk-abc" # my note',
      'export GROQ_API_KEY=g1',
      "SAMBANOVA_API_KEY='s#2'",
      '# comment',
    ].join('\n');
    expect(parseEnvFile(text)).toEqual({ KIMI_API_KEY: 'sk-abc', GROQ_API_KEY: 'g1', SAMBANOVA_API_KEY: 's#2' });
  });

  it('a backup of a secret-bearing file is 0600 whatever the source mode', async () => {
    const file = join(tree.root, 'config.toml');
    put(file, 'api_key = "sk-hand"\n', 0o644);
    const session = new BackupSession(join(tree.paths.home, 'backups'), 'dev', clock);
    await session.save('config.toml', file, { reason: 'modified', md5: 'x' }, true, { link: true });
    expect(statSync(join(session.path!, 'config.toml')).mode & 0o777).toBe(0o600);
  });

  it('the same bytes already kept for a path make no new backup directory (retries)', async () => {
    const file = join(tree.root, 'mcp.json');
    put(file, '{"mine": 1}\n');
    const backups = join(tree.paths.home, 'backups');
    const md5 = 'd41d8cd98f00b204e9800998ecf8427e';
    const first = new BackupSession(backups, 'dev', clock);
    expect(await first.save('mcp.json', file, { reason: 'modified', md5: '' }, true, { dedupe: true })).not.toBeNull();
    // The record holds the md5 of what was kept; a retry plans the same bytes.
    const kept = JSON.parse((await import('node:fs')).readFileSync(join(first.path!, 'BACKUP.json'), 'utf8')).files[0]
      .md5 as string;
    expect(kept).not.toBe(md5);
    for (let i = 0; i < 3; i++)
      expect(
        await new BackupSession(backups, 'dev', clock).save('mcp.json', file, { reason: 'modified', md5: kept }, true, {
          dedupe: true,
        }),
      ).toBeNull();
    expect(readdirSync(join(backups, 'dev'))).toHaveLength(1);
    put(file, '{"mine": 2}\n');
    expect(
      await new BackupSession(backups, 'dev', clock).save(
        'mcp.json',
        file,
        { reason: 'modified', md5: 'other' },
        true,
        { dedupe: true },
      ),
    ).not.toBeNull();
    expect(readdirSync(join(backups, 'dev'))).toHaveLength(2);
  });

  it('a backup whose copy is gone, or whose record names another role, does not count as kept', async () => {
    const file = join(tree.root, 'mcp.json');
    put(file, '{"mine": 1}\n');
    const backups = join(tree.paths.home, 'backups');
    const save = (md5: string) =>
      new BackupSession(backups, 'dev', clock).save('mcp.json', file, { reason: 'modified', md5 }, true, {
        dedupe: true,
      });
    const first = new BackupSession(backups, 'dev', clock);
    await first.save('mcp.json', file, { reason: 'modified', md5: '' }, true, { dedupe: true });
    const record = join(first.path!, 'BACKUP.json');
    const kept = JSON.parse(readFileSync(record, 'utf8')).files[0].md5 as string;
    rmSync(join(first.path!, 'mcp.json'));
    expect(await save(kept)).not.toBeNull();
    expect(readdirSync(join(backups, 'dev'))).toHaveLength(2);
    expect(await save(kept)).toBeNull();
    for (const dir of readdirSync(join(backups, 'dev'))) {
      const path = join(backups, 'dev', dir, 'BACKUP.json');
      writeFileSync(path, readFileSync(path, 'utf8').replace('"role": "dev"', '"role": "other"'));
    }
    expect(await save(kept)).not.toBeNull();
    expect(readdirSync(join(backups, 'dev'))).toHaveLength(3);
  });

  it('a corrupt manifest is reported by position, without quoting its content', async () => {
    const dir = join(tree.paths.rolesDir, 'dev');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, '.hero-team-manifest.json'), '{"role": sk-LEAKED-SECRET-123}');
    const read = await readManifest(dir);
    expect(read.state).toBe('corrupt');
    if (read.state !== 'corrupt') return;
    expect(read.error).toMatch(/line 1, column 10/);
    expect(read.error).not.toContain('LEAKED');
  });

  it('sync warns when secrets.env is readable by others', async () => {
    writeStore(tree, [{ name: 'dev', model: 'kimi-code/kimi-for-coding' }]);
    put(join(tree.paths.home, 'secrets.env'), 'KIMI_API_KEY=sk-1\n');
    chmodSync(join(tree.paths.home, 'secrets.env'), 0o644);
    expect((await cli(tree.env, 'sync')).stderr).toMatch(/secrets\.env is readable by others \(mode 0644\).*chmod 600/);
    chmodSync(join(tree.paths.home, 'secrets.env'), 0o600);
    expect((await cli(tree.env, 'sync')).stderr).not.toContain('readable by others');
  });

  it('render redacts MCP url credentials and args equal to a known secret', async () => {
    addSkill(tree, 'alpha');
    writeStore(tree, [{ name: 'dev', model: 'kimi-code/kimi-for-coding', mcp: ['remote', 'local'] }]);
    put(join(tree.paths.home, 'secrets.env'), 'KIMI_API_KEY=sk-kimi-TOPSECRET\n', 0o600);
    const services = {
      remote: {
        url: 'https://alice:hunter2pass@mcp.example.com/v1?access_token=tok-ABCDEF123456&region=eu&x=Zq9vLr0PzT8kWm3N',
      },
      local: {
        command: 'mcp-local',
        args: ['--key', 'sk-kimi-TOPSECRET', '--token=gh-TOKEN-999', '--verbose'],
        env: { GH: 'gh-TOKEN-999' },
      },
    };
    put(join(tree.paths.home, 'services.json'), JSON.stringify({ services }));
    const r = await cli(tree.env, 'render', 'dev', '--file', 'mcp.json');
    expect(r.code).toBe(0);
    for (const secret of ['hunter2pass', 'alice', 'tok-ABCDEF123456', 'Zq9vLr0PzT8kWm3N', 'TOPSECRET', 'gh-TOKEN-999'])
      expect(r.stdout).not.toContain(secret);
    expect(r.stdout).toContain('mcp.example.com');
    expect(r.stdout).toContain('region=eu');
    expect(r.stdout).toContain('--verbose');
  });
});
