/**
 * Rescans with a warm digest cache: these tests wait out the racy window (2 s) once, so every digest is cached,
 * then check that every kind of change is still seen by a rescan.
 */
import { mkdirSync, mkdtempSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DigestCache } from '../../src/observed/digest.ts';
import { refreshSkills, scanRegistry, scanSkill } from '../../src/observed/registry.ts';
import type { RegistryIndex } from '../../src/observed/registry-types.ts';

const skillMd = (name: string): string => `---\nname: ${name}\ndescription: ${name} skill\n---\n# ${name}\n`;

describe('registry rescans with a warm digest cache', () => {
  let tmp: string;
  let root: string;
  let cache: DigestCache;
  let index: RegistryIndex;
  const put = (rel: string, content: string): void => {
    mkdirSync(dirname(join(root, rel)), { recursive: true });
    writeFileSync(join(root, rel), content);
  };
  const files = (name: string) => index.skills.get(name)?.files.map((f) => f.rel);

  beforeAll(async () => {
    tmp = mkdtempSync(join(tmpdir(), 'ht-regcache-'));
    root = join(tmp, 'registry');
    for (const name of ['alpha', 'beta', 'gamma', 'delta', 'eps']) {
      put(`${name}/SKILL.md`, skillMd(name));
      put(`${name}/scripts/run.sh`, 'echo\n');
    }
    put('flat.md', skillMd('flat'));
    await new Promise((r) => setTimeout(r, 2200)); // past the racy window: digests from now on are cached
    cache = new DigestCache();
    index = await scanRegistry(root, cache);
    await refreshSkills(index, ['alpha', 'beta', 'gamma', 'delta', 'eps', 'flat'], cache); // served from the cache
    expect(files('alpha')).toEqual(['SKILL.md', 'scripts/run.sh']);
  }, 10_000);

  afterAll(() => rmSync(tmp, { recursive: true, force: true }));

  it('sees a file added to a skill directory and to a nested directory', async () => {
    put('alpha/notes.md', 'n\n');
    put('beta/scripts/more.sh', 'm\n');
    await refreshSkills(index, ['alpha', 'beta'], cache);
    expect(files('alpha')).toEqual(['SKILL.md', 'notes.md', 'scripts/run.sh']);
    expect(files('beta')).toEqual(['SKILL.md', 'scripts/more.sh', 'scripts/run.sh']);
  });

  it('sees a removed file, a renamed directory and a replaced directory', async () => {
    rmSync(join(root, 'gamma/scripts/run.sh'));
    renameSync(join(root, 'delta/scripts'), join(root, 'delta/bin'));
    rmSync(join(root, 'eps/scripts'), { recursive: true });
    put('eps/scripts/other.sh', 'o\n');
    await refreshSkills(index, ['gamma', 'delta', 'eps'], cache);
    expect(files('gamma')).toEqual(['SKILL.md']);
    expect(files('delta')).toEqual(['SKILL.md', 'bin/run.sh']);
    expect(files('eps')).toEqual(['SKILL.md', 'scripts/other.sh']);
  });

  it('sees new entries in the registry root: a flat file shadowed by a directory skill, a new skill, a symlink', async () => {
    put('alpha.md', skillMd('alpha'));
    put('zeta/SKILL.md', skillMd('zeta'));
    symlinkSync(join(root, 'beta'), join(root, 'beta-link'));
    await refreshSkills(index, ['alpha', 'zeta', 'beta-link'], cache);
    expect(index.invalid.get('alpha')?.reason).toMatch(/shadowed/);
    expect(files('zeta')).toEqual(['SKILL.md']);
    expect(files('beta-link')).toEqual(['SKILL.md', 'scripts/more.sh', 'scripts/run.sh']);
    expect((await scanSkill(root, 'zeta', cache)).skill?.name).toBe('zeta');
    const full = await scanRegistry(root, cache);
    expect([...full.skills.keys()].sort()).toEqual([
      'alpha',
      'beta',
      'beta-link',
      'delta',
      'eps',
      'flat',
      'gamma',
      'zeta',
    ]);
  });

  it('sees a removed skill and a removed flat skill', async () => {
    rmSync(join(root, 'zeta'), { recursive: true });
    rmSync(join(root, 'flat.md'));
    await refreshSkills(index, ['zeta', 'flat'], cache);
    expect(index.skills.has('zeta')).toBe(false);
    expect(index.skills.has('flat')).toBe(false);
  });
});
