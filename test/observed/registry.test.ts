import { createHash } from 'node:crypto';
import {
  chmodSync,
  mkdirSync,
  mkdtempSync,
  renameSync,
  rmSync,
  statSync,
  symlinkSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DigestCache } from '../../src/observed/digest.ts';
import {
  dropSkills,
  refreshSkills,
  retainIndexed,
  scanRegistry,
  scanSkill,
  skillDigest,
} from '../../src/observed/registry.ts';

let tmp: string;
let root: string;

beforeEach(() => {
  tmp = mkdtempSync(join(tmpdir(), 'ht-'));
  root = join(tmp, 'registry');
  mkdirSync(root);
});
afterEach(() => rmSync(tmp, { recursive: true, force: true }));

/** Write a file under the registry root, creating parents. */
function put(rel: string, content: string | Uint8Array, mode?: number): string {
  const path = join(root, rel);
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, content);
  if (mode !== undefined) chmodSync(path, mode);
  return path;
}
const skillMd = (name: string, description = `${name} skill`): string =>
  `---\nname: ${name}\ndescription: ${description}\n---\n# ${name}\n`;
const md5 = (data: string | Uint8Array): string => createHash('md5').update(data).digest('hex');
/** Move a file's mtime so the stat-keyed cache sees a change. */
const bump = (path: string, seconds = 10): void => {
  const t = statSync(path).mtimeMs / 1000 + seconds;
  utimesSync(path, t, t);
};

function putPdfSkill(): void {
  put('pdf/SKILL.md', skillMd('pdf', 'Read PDFs'));
  put('pdf/scripts/extract.py', 'print("x")\n', 0o755);
  put('pdf/references/spec.md', '# spec\n');
  put('pdf/assets/logo.png', Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0xff, 0xfe, 0x00]));
}

describe('scanRegistry', () => {
  it('scans a directory skill with scripts, references and assets', async () => {
    putPdfSkill();
    const index = await scanRegistry(root, new DigestCache());
    expect(index.exists).toBe(true);
    expect(index.invalid.size).toBe(0);
    const skill = index.skills.get('pdf')!;
    expect(skill).toMatchObject({ name: 'pdf', kind: 'dir', source: join(root, 'pdf'), description: 'Read PDFs' });
    expect(skill.files.map((f) => f.rel)).toEqual([
      'SKILL.md',
      'assets/logo.png',
      'references/spec.md',
      'scripts/extract.py',
    ]);
    const script = skill.files.find((f) => f.rel === 'scripts/extract.py')!;
    expect(script).toMatchObject({
      abs: join(root, 'pdf/scripts/extract.py'),
      size: 11,
      mode: 0o755,
      md5: md5('print("x")\n'),
    });
    expect(skill.files[0].md5).toBe(md5(skillMd('pdf', 'Read PDFs')));
    const expected = md5(skill.files.map((f) => `${f.rel}\0${f.md5}\n`).join(''));
    expect(skill.digest).toBe(expected);
    expect(skillDigest(skill.files)).toBe(expected);
  });

  it('scans flat skills as a single SKILL.md and ignores non-skills', async () => {
    put('notes.md', '# Notes\nplain markdown, no frontmatter\n');
    put('guide.MD', skillMd('guide'));
    put('SKILL.md', skillMd('root-level'));
    put('README.txt', 'not a skill');
    put('no-skill-md/readme.md', 'a directory without SKILL.md');
    put('Not_A_Skill/readme.md', 'bad name but no SKILL.md: ignored, not invalid');
    const index = await scanRegistry(root, new DigestCache());
    expect([...index.skills.keys()]).toEqual(['guide', 'notes']);
    expect(index.invalid.size).toBe(0);
    const notes = index.skills.get('notes')!;
    expect(notes).toMatchObject({ kind: 'flat', source: join(root, 'notes.md') });
    expect(notes.description).toBeUndefined();
    expect(notes.files).toEqual([expect.objectContaining({ rel: 'SKILL.md', abs: join(root, 'notes.md') })]);
    expect(index.skills.get('guide')!.files[0].abs).toBe(join(root, 'guide.MD'));
  });

  it('changes the digest when any byte or any path changes, and only then', async () => {
    putPdfSkill();
    const digestNow = async (): Promise<string> =>
      (await scanRegistry(root, new DigestCache())).skills.get('pdf')!.digest;
    const first = await digestNow();
    expect(await digestNow()).toBe(first);
    bump(join(root, 'pdf/references/spec.md'));
    expect(await digestNow()).toBe(first);
    put('pdf/references/spec.md', '# spek\n');
    const byteChanged = await digestNow();
    expect(byteChanged).not.toBe(first);
    renameSync(join(root, 'pdf/references/spec.md'), join(root, 'pdf/references/spec2.md'));
    const renamed = await digestNow();
    expect(renamed).not.toBe(byteChanged);
    renameSync(join(root, 'pdf/references/spec2.md'), join(root, 'pdf/references/spec.md'));
    expect(await digestNow()).toBe(byteChanged);
  });

  it('does not let dotfiles, editor temp files or node_modules change a skill', async () => {
    putPdfSkill();
    const before = (await scanRegistry(root, new DigestCache())).skills.get('pdf')!;
    for (const junk of [
      '.DS_Store',
      'SKILL.md~',
      '.SKILL.md.swp',
      'draft.tmp',
      'x.tmp.1',
      '.#SKILL.md',
      'node_modules/a.js',
      '.git/HEAD',
      'scripts/.cache',
    ]) {
      put(`pdf/${junk}`, 'junk');
    }
    put('.git/config', 'x');
    put('.hidden.md', skillMd('hidden'));
    put('draft.tmp.md', skillMd('draft'));
    put('node_modules/SKILL.md', skillMd('nm'));
    const index = await scanRegistry(root, new DigestCache());
    expect([...index.skills.keys()]).toEqual(['pdf']);
    expect(index.invalid.size).toBe(0);
    expect(index.skills.get('pdf')!.files.map((f) => f.rel)).toEqual(before.files.map((f) => f.rel));
    expect(index.skills.get('pdf')!.digest).toBe(before.digest);
  });

  it('reports every invalid skill with its reason and keeps the valid ones', async () => {
    putPdfSkill();
    put('notes.md', '# fine\n');
    put('bad-yaml/SKILL.md', '---\nname: bad-yaml\ndescription: "unterminated\n---\n');
    put('list-yaml/SKILL.md', '---\n- a\n---\n');
    put('name-int/SKILL.md', '---\nname: 123\n---\n');
    put('desc-bool/SKILL.md', '---\ndescription: true\n---\n');
    put('not-utf8/SKILL.md', Uint8Array.from([0x2d, 0x2d, 0x2d, 0x0a, 0x6e, 0x3a, 0xc3, 0x28, 0x0a]));
    put('flat-bad.md', '---\nname: [x]\n---\n');
    put(join('..', 'outside', 'passwd'), 'root:x:0:0\n');
    put('leaky/SKILL.md', skillMd('leaky'));
    symlinkSync(join(tmp, 'outside', 'passwd'), join(root, 'leaky', 'passwd'));
    put(join('..', 'elsewhere', 'SKILL.md'), skillMd('elsewhere'));
    symlinkSync(join(tmp, 'elsewhere'), join(root, 'linked'));
    put('dangling/SKILL.md', skillMd('dangling'));
    symlinkSync(join(root, 'dangling', 'missing.txt'), join(root, 'dangling', 'gone.txt'));
    put('Bad_Name/SKILL.md', skillMd('Bad_Name'));
    put('-x/SKILL.md', skillMd('x'));
    put('Upper.md', '# flat with a bad name\n');
    put('dup/SKILL.md', skillMd('dup'));
    put('dup.md', '# shadowed\n');
    put('amb.md', '# one\n');
    put('amb.MD', '# two\n');

    const index = await scanRegistry(root, new DigestCache());
    expect([...index.skills.keys()].sort()).toEqual(['dup', 'notes', 'pdf']);
    const reasons = Object.fromEntries([...index.invalid].map(([name, inv]) => [name, inv.reason]));
    expect(reasons).toEqual({
      'bad-yaml': expect.stringMatching(/^SKILL\.md frontmatter is not valid YAML: .*at line \d+, column \d+$/),
      'list-yaml': 'SKILL.md frontmatter is not a YAML mapping',
      'name-int': 'SKILL.md frontmatter name is not a string',
      'desc-bool': 'SKILL.md frontmatter description is not a string',
      'not-utf8': 'SKILL.md is not valid UTF-8',
      'flat-bad': 'SKILL.md frontmatter name is not a string',
      leaky: 'symlink leads outside the registry: passwd',
      linked: 'symlink leads outside the registry: linked',
      dangling: 'broken symlink: gone.txt',
      Bad_Name: expect.stringContaining('does not match'),
      '-x': expect.stringContaining('does not match'),
      Upper: expect.stringContaining('does not match'),
      dup: 'dup.md is shadowed by directory skill dup/',
      amb: expect.stringMatching(/^ambiguous flat skill: /),
    });
    expect(index.invalid.get('dup')!.source).toBe(join(root, 'dup.md'));
    expect(index.invalid.get('Bad_Name')!.source).toBe(join(root, 'Bad_Name'));
    // The single-skill path (no root listing) agrees with the full scan.
    for (const name of ['dup', 'amb', 'leaky', 'Upper', 'flat-bad', 'notes']) {
      const one = await scanSkill(root, name, new DigestCache());
      expect([one.skill?.digest, one.invalid?.reason]).toEqual([
        index.skills.get(name)?.digest,
        index.invalid.get(name)?.reason,
      ]);
    }
  });

  it('follows symlinks that stay inside the registry and refuses loops', async () => {
    put('shared/lib.py', 'LIB = 1\n');
    put('uses-link/SKILL.md', skillMd('uses-link'));
    symlinkSync('../shared', join(root, 'uses-link', 'lib'));
    symlinkSync('../shared/lib.py', join(root, 'uses-link', 'one.py'));
    put('loopy/SKILL.md', skillMd('loopy'));
    symlinkSync('..', join(root, 'loopy', 'up'));
    put('alias-target/SKILL.md', skillMd('alias-target'));
    symlinkSync('alias-target', join(root, 'alias'));
    const index = await scanRegistry(root, new DigestCache());
    const files = index.skills.get('uses-link')!.files;
    expect(files.map((f) => [f.rel, f.abs])).toEqual([
      ['SKILL.md', join(root, 'uses-link/SKILL.md')],
      ['lib/lib.py', join(root, 'uses-link/lib/lib.py')],
      ['one.py', join(root, 'uses-link/one.py')],
    ]);
    expect(files[1].md5).toBe(md5('LIB = 1\n'));
    expect(index.invalid.get('loopy')!.reason).toMatch(/^symlink loop: /);
    expect(index.skills.get('alias')!.digest).toBe(index.skills.get('alias-target')!.digest);
    expect(index.skills.has('shared')).toBe(false);
  });

  it('returns an empty index when the root does not exist', async () => {
    const missing = await scanRegistry(join(tmp, 'nope'), new DigestCache());
    expect(missing).toEqual({ root: join(tmp, 'nope'), exists: false, skills: new Map(), invalid: new Map() });
    writeFileSync(join(tmp, 'file'), 'x');
    expect((await scanRegistry(join(tmp, 'file'), new DigestCache())).exists).toBe(false);
  });

  it('with `only`, indexes just those names and reads nothing of the others', async () => {
    putPdfSkill();
    put('flat.md', skillMd('flat'));
    put('broken/SKILL.md', '---\nname: [oops\n---\n');
    put('other/SKILL.md', skillMd('other'));
    const cache = new DigestCache();
    const index = await scanRegistry(root, cache, undefined, new Set(['pdf', 'flat', 'missing']));
    expect([...index.skills.keys()].sort()).toEqual(['flat', 'pdf']);
    expect(index.invalid.size).toBe(0); // broken/ is out of scope: not even validated
    expect(cache.misses).toBe(3); // pdf's three files besides SKILL.md (SKILL.md files are validated, not counted)
    expect(cache.skillMds.size).toBe(2); // pdf's and flat's; nothing of other/ or broken/
    expect((await scanRegistry(root, cache, undefined, new Set(['broken']))).invalid.has('broken')).toBe(true);
  });

  it('dropSkills takes skills out of the index and forgets their cached digests, in one pass', async () => {
    putPdfSkill();
    put('flat.md', skillMd('flat'));
    put('keep/SKILL.md', skillMd('keep'));
    const cache = new DigestCache();
    const index = await scanRegistry(root, cache);
    expect([cache.size, cache.skillMds.size]).toEqual([3, 3]);
    dropSkills(index, ['pdf', 'flat', 'unknown'], cache);
    expect([...index.skills.keys()]).toEqual(['keep']);
    expect([cache.size, cache.skillMds.size]).toEqual([0, 1]); // keep/SKILL.md stays
    const misses = cache.misses;
    await scanRegistry(root, cache, index);
    expect(cache.misses - misses).toBe(3); // pdf's files read again
  });

  it('retainIndexed keeps only the cached digests of the skills an index holds', async () => {
    putPdfSkill();
    put('keep/SKILL.md', skillMd('keep'));
    put('keep/scripts/a.sh', 'echo\n');
    const cache = new DigestCache();
    await scanRegistry(root, cache); // both skills cached, as a digest cache saved by an earlier process would be
    const scoped = await scanRegistry(root, cache, undefined, new Set(['keep']));
    expect([cache.size, cache.skillMds.size]).toEqual([4, 2]);
    retainIndexed(scoped, cache);
    expect([cache.size, cache.skillMds.size]).toEqual([1, 1]);
    const misses = cache.misses;
    await scanRegistry(root, cache, scoped, new Set(['keep']));
    expect(cache.misses).toBe(misses); // keep/ still cached
  });

  it('scans many skills', async () => {
    for (let i = 0; i < 300; i++) put(`s${i}/SKILL.md`, skillMd(`s${i}`));
    const index = await scanRegistry(root, new DigestCache());
    expect(index.skills.size).toBe(300);
  });
});

describe('digest cache', () => {
  it('re-reads nothing for an unchanged registry and re-hashes an edited file', async () => {
    putPdfSkill();
    put('notes.md', '# notes\n');
    const cache = new DigestCache();
    const first = await scanRegistry(root, cache);
    const misses = cache.misses;
    expect(misses).toBe(3);
    const second = await scanRegistry(root, cache);
    expect(cache.misses).toBe(misses);
    expect(second.skills.get('pdf')!.digest).toBe(first.skills.get('pdf')!.digest);

    const script = put('pdf/scripts/extract.py', 'print("y")\n');
    bump(script);
    const third = await scanRegistry(root, cache);
    expect(cache.misses).toBe(misses + 1);
    expect(third.skills.get('pdf')!.digest).not.toBe(first.skills.get('pdf')!.digest);
  });

  it('sees a SKILL.md edit that keeps size and mtime (touch -r, cp -p): ctime is part of the stamp', async () => {
    const path = put('pdf/SKILL.md', skillMd('pdf', 'Read PDFs'));
    utimesSync(path, 1_700_000_000, 1_700_000_000);
    const cache = new DigestCache();
    const first = (await scanRegistry(root, cache)).skills.get('pdf')!;
    const misses = cache.misses;
    expect((await scanRegistry(root, cache)).skills.get('pdf')!.digest).toBe(first.digest);
    expect(cache.misses).toBe(misses); // unchanged stamp: not read again
    writeFileSync(path, skillMd('pdf', 'Read PDFS'));
    utimesSync(path, 1_700_000_000, 1_700_000_000); // same size, same mtime as before
    const fresh = (await scanRegistry(root, cache)).skills.get('pdf')!;
    expect(fresh.digest).not.toBe(first.digest);
    expect(fresh.description).toBe('Read PDFS');
  });
});

describe('scanSkill and refreshSkills', () => {
  it('rescans one skill and returns neither when it is gone', async () => {
    putPdfSkill();
    const cache = new DigestCache();
    const index = await scanRegistry(root, cache);
    const { skill, invalid } = await scanSkill(root, 'pdf', cache);
    expect(invalid).toBeUndefined();
    expect(skill).toEqual(index.skills.get('pdf'));
    for (const name of ['nope', '../registry', '.git', '', 'pdf/scripts'])
      expect(await scanSkill(root, name, cache)).toEqual({});
    rmSync(join(root, 'pdf'), { recursive: true });
    expect(await scanSkill(root, 'pdf', cache)).toEqual({});
    expect(await scanSkill(join(tmp, 'nope'), 'pdf', cache)).toEqual({});
  });

  it('updates the index in place for added, edited, broken and deleted skills', async () => {
    putPdfSkill();
    put('notes.md', '# notes\n');
    put('old/SKILL.md', skillMd('old'));
    put('old/data.txt', 'data');
    const cache = new DigestCache();
    const index = await scanRegistry(root, cache);
    const pdfDigest = index.skills.get('pdf')!.digest;
    const cachedBefore = cache.size;

    put('fresh/SKILL.md', skillMd('fresh'));
    bump(put('pdf/references/spec.md', '# changed\n'));
    bump(put('notes.md', '---\nname: 123\n---\n'));
    rmSync(join(root, 'old'), { recursive: true });
    await refreshSkills(index, ['fresh', 'pdf', 'notes', 'old', 'never-existed', 'pdf'], cache);

    expect([...index.skills.keys()].sort()).toEqual(['fresh', 'pdf']);
    expect(index.skills.get('pdf')!.digest).not.toBe(pdfDigest);
    expect(index.invalid.get('notes')!.reason).toBe('SKILL.md frontmatter name is not a string');
    expect(cache.size).toBe(cachedBefore - 1);

    bump(put('notes.md', '# fixed\n'));
    await refreshSkills(index, ['notes'], cache);
    expect(index.invalid.has('notes')).toBe(false);
    expect(index.skills.get('notes')!.kind).toBe('flat');

    rmSync(root, { recursive: true });
    await refreshSkills(index, ['pdf'], cache);
    expect(index.exists).toBe(false);
    expect(index.skills.has('pdf')).toBe(false);
  });
});
