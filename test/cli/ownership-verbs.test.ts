/** diff, restore and rollback through the CLI on real trees: exit codes, refusals, and dry-runs that change nothing. */
import { existsSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readBackupIndex } from '../../src/observed/backup-index.ts';
import { cli } from '../helpers/cli.ts';
import { addSkill, makeTree, put, type TestTree, writeStore } from '../helpers/tree.ts';
import { treeFingerprint } from '../helpers/tree-hash.ts';

const KEY = 'sk-MARKER-verbs-9090';
const MODEL = 'kimi-code/kimi-for-coding';

describe('ownership verbs', () => {
  let tree: TestTree;
  const dir = () => join(tree.paths.rolesDir, 'backend');
  const manifestFile = () => join(dir(), '.hero-team-manifest.json');

  beforeEach(() => {
    tree = makeTree({ KIMI_API_KEY: KEY });
    addSkill(tree, 'alpha');
    addSkill(tree, 'beta');
    writeStore(tree, [{ name: 'backend', model: MODEL, skills: ['alpha'] }]);
  });
  afterEach(() => tree.cleanup());

  describe('diff', () => {
    it('exits 1 with unified diffs and skills by name, 0 once converged, 2 on bad input; never prints the key', async () => {
      const before = await cli(tree.env, 'diff');
      expect(before.code).toBe(1);
      expect(before.stdout).toContain('skills added: alpha');
      expect(before.stdout).toContain('+++ desired/backend/config.toml');
      expect(before.stdout).toContain('<redacted:KIMI_API_KEY>');
      expect(before.stdout + before.stderr).not.toContain(KEY);
      expect((await cli(tree.env, 'sync')).code).toBe(0);
      expect(await cli(tree.env, 'diff')).toMatchObject({ code: 0, stdout: 'backend: converged\n' });
      writeStore(tree, [{ name: 'backend', model: MODEL, skills: ['beta'], thinking: false }]);
      writeFileSync(
        join(dir(), 'config.toml'),
        readFileSync(join(dir(), 'config.toml'), 'utf8').replace('default_yolo = false', 'default_yolo = true'),
      );
      const json = await cli(tree.env, 'diff', 'backend', '--json');
      expect(json.code).toBe(1);
      const doc = JSON.parse(json.stdout);
      expect(doc.roles[0].skills).toEqual({ added: ['beta'], removed: ['alpha'], changed: [] });
      const toml = doc.roles[0].files.find((f: { path: string }) => f.path === 'config.toml');
      expect(toml.patch).toMatch(/^-default_thinking = true$/m);
      expect(toml.patch).toMatch(/^\+default_thinking = false$/m);
      expect(toml.patch).toMatch(/^-default_yolo = true$/m);
      expect(toml.patch).toMatch(/^\+default_yolo = false$/m);
      expect(json.stdout).not.toContain(KEY);
      expect((await cli(tree.env, 'diff', 'nosuchrole')).code).toBe(2);
      expect((await cli(tree.env, 'diff', 'Bad/Name')).code).toBe(2);
      expect((await cli(tree.env, 'diff', '--bogus')).code).toBe(2);
      put(join(tree.paths.home, 'store.json'), '{ "version": 1, "roles": [ }');
      const broken = await cli(tree.env, 'diff');
      expect(broken.code).toBe(2);
      expect(broken.stderr).toMatch(/store\.json:1:/);
    });
  });

  describe('restore', () => {
    it('puts a file back from its newest backup or --from ID, backs up what it replaces, and warns under revert', async () => {
      put(join(dir(), 'config.toml'), 'original\n');
      await cli(tree.env, 'sync');
      writeFileSync(join(dir(), 'config.toml'), 'hand edit\n');
      await cli(tree.env, 'sync'); // reverted: a second backup
      const [orig, edit] = readBackupIndex(join(tree.paths.home, 'backups'), 'backend').entries;
      const r = await cli(tree.env, 'restore', 'backend', 'config.toml');
      expect(r.code).toBe(0);
      expect(readFileSync(join(dir(), 'config.toml'), 'utf8')).toBe('hand edit\n');
      expect(r.stdout).toContain(`backup ${edit!.id}`);
      expect(r.stdout).toMatch(/drift policy "revert".*reverts it/);
      expect(r.stdout).toContain('hero-team role set backend --drift report');
      // Restoring over a file that is not ours backs it up first.
      const again = await cli(tree.env, 'restore', 'backend', join(dir(), 'config.toml'), '--from', orig!.id);
      expect(again.code).toBe(0);
      expect(readFileSync(join(dir(), 'config.toml'), 'utf8')).toBe('original\n');
      const after = readBackupIndex(join(tree.paths.home, 'backups'), 'backend').entries;
      expect(after.map((e) => readFileSync(e.file, 'utf8'))).toEqual(['original\n', 'hand edit\n', 'hand edit\n']);
      expect((await cli(tree.env, 'restore', 'backend', 'config.toml', '--from', 'nope')).code).toBe(1);
      expect((await cli(tree.env, 'restore', 'backend', 'mcp.json')).stderr).toMatch(/no backup of this path/);
      expect((await cli(tree.env, 'restore', 'backend', '../etc/passwd')).code).toBe(2);
    });
  });

  describe('rollback', () => {
    it('without a manifest is a clean no-op, exit 0', async () => {
      const fp = treeFingerprint(tree.root);
      const r = await cli(tree.env, 'rollback', 'backend');
      expect(r).toMatchObject({ code: 0 });
      expect(r.stdout).toMatch(/nothing to roll back/);
      expect(treeFingerprint(tree.root)).toEqual(fp);
    });

    it('refuses a manifest with an absolute or ".." path, changing nothing', async () => {
      await cli(tree.env, 'sync');
      for (const bad of ['/etc/passwd', '../other/config.toml', 'skills/../../x']) {
        const m = JSON.parse(readFileSync(manifestFile(), 'utf8'));
        m.entries.push({ path: bad, md5: 'x', size: 1, mode: 0o600, mtimeMs: 1 });
        writeFileSync(manifestFile(), JSON.stringify(m));
        const fp = treeFingerprint(tree.root);
        const r = await cli(tree.env, 'rollback', 'backend');
        expect(r.code).toBe(1);
        expect(r.stderr).toMatch(/rollback refused, nothing changed.*manifest invalid/);
        expect(treeFingerprint(tree.root)).toEqual(fp);
        m.entries.pop();
        writeFileSync(manifestFile(), JSON.stringify(m));
      }
    });

    it('refuses entries behind a symlink leading out of the role dir and never touches the target', async () => {
      await cli(tree.env, 'sync');
      const outside = join(tree.root, 'outside');
      put(join(outside, 'SKILL.md'), readFileSync(join(dir(), 'skills/alpha/SKILL.md')));
      const { rmSync } = await import('node:fs');
      rmSync(join(dir(), 'skills/alpha'), { recursive: true });
      symlinkSync(outside, join(dir(), 'skills/alpha'));
      const r = await cli(tree.env, 'rollback', 'backend');
      expect(r.code).toBe(1);
      expect(r.stdout).toMatch(/REFUSED skills\/alpha\/SKILL\.md: skills\/alpha is a symlink/);
      expect(existsSync(join(outside, 'SKILL.md'))).toBe(true);
    });

    it('--keep-role keeps the role declared; a role dir that is a symlink is refused', async () => {
      await cli(tree.env, 'sync');
      const r = await cli(tree.env, 'rollback', 'backend', '--keep-role');
      expect(r.code).toBe(0);
      expect(r.stdout).toMatch(/kept in the store/);
      expect(JSON.parse(readFileSync(join(tree.paths.home, 'store.json'), 'utf8')).roles).toHaveLength(1);
      expect(existsSync(dir())).toBe(false); // everything was ours: the directory went too
      await cli(tree.env, 'sync');
      const { renameSync } = await import('node:fs');
      renameSync(dir(), join(tree.root, 'real-backend'));
      symlinkSync(join(tree.root, 'real-backend'), dir());
      const refused = await cli(tree.env, 'rollback', 'backend');
      expect(refused.code).toBe(1);
      expect(refused.stderr).toMatch(/role directory is a symlink/);
      expect(readdirSync(join(tree.root, 'real-backend'))).toContain('config.toml');
    });
  });

  describe('dry-runs change nothing: the whole tree hashes the same (paths, sizes, modes, mtimes, bytes)', () => {
    it('sync --dry-run, rollback --dry-run and restore --dry-run', async () => {
      put(join(dir(), 'config.toml'), 'original\n');
      put(join(dir(), 'skills', 'mine', 'SKILL.md'), '---\nname: mine\ndescription: x\n---\n');
      let fp = treeFingerprint(tree.root);
      const sync = await cli(tree.env, 'sync', '--dry-run');
      expect(sync.stdout).toMatch(/backup\+adopt config\.toml/);
      expect(treeFingerprint(tree.root)).toEqual(fp);
      await cli(tree.env, 'sync');
      writeFileSync(join(dir(), 'config.toml'), 'hand edit\n');
      await cli(tree.env, 'sync');
      fp = treeFingerprint(tree.root);
      const rb = await cli(tree.env, 'rollback', 'backend', '--dry-run');
      expect(rb.code).toBe(0);
      expect(rb.stdout).toMatch(/would restore config\.toml/);
      expect(rb.stdout).toMatch(/would delete mcp\.json/);
      expect(rb.stdout).toMatch(/would be removed from the store/);
      expect(treeFingerprint(tree.root)).toEqual(fp);
      const rs = await cli(tree.env, 'restore', 'backend', 'config.toml', '--dry-run');
      expect(rs.code).toBe(0);
      expect(rs.stdout).toMatch(/would restore config\.toml/);
      expect(treeFingerprint(tree.root)).toEqual(fp);
    });
  });
});
