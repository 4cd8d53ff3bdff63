/** The registry digest cache on disk: a later process trusts what an earlier one hashed, and only that. */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DigestCache } from '../../src/observed/digest.ts';
import { loadDigestCache, saveDigestCache } from '../../src/observed/digest-store.ts';
import { scanRegistry } from '../../src/observed/registry.ts';

let tmp: string;
let root: string;
let file: string;
/** A clock far enough ahead that every file is past the racy window (as a registry not edited for seconds is). */
const later = () => Date.now() + 60_000;

function put(rel: string, content: string): string {
  const path = join(root, rel);
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, content);
  return path;
}

beforeEach(() => {
  tmp = mkdtempSync(join(tmpdir(), 'ht-digests-'));
  root = join(tmp, 'registry');
  file = join(tmp, 'home', 'cache', 'registry-digests.json');
  put('pdf/SKILL.md', '---\nname: pdf\ndescription: Read PDFs\n---\n');
  put('pdf/scripts/run.sh', 'echo pdf\n');
  put('bad/SKILL.md', '---\nname: [unclosed\n---\n');
});
afterEach(() => rmSync(tmp, { recursive: true, force: true }));

describe('digest cache on disk', () => {
  it('a fresh process reads no registry file that is unchanged since the save', async () => {
    const first = new DigestCache(later);
    const before = await scanRegistry(root, first);
    expect(await saveDigestCache(file, root, first)).toBe(3); // run.sh's md5, and the two SKILL.md records
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const second = new DigestCache(later);
    expect(loadDigestCache(file, root, second)).toEqual({ state: 'loaded', entries: 3 });
    const after = await scanRegistry(root, second);
    expect(second.misses).toBe(0);
    expect(after.skills.get('pdf')).toEqual(before.skills.get('pdf'));
    expect(after.invalid.get('bad')).toEqual(before.invalid.get('bad'));
  });

  it('sees an edit made after the save, even one that keeps the size and the mtime', async () => {
    const first = new DigestCache(later);
    const before = (await scanRegistry(root, first)).skills.get('pdf')!;
    await saveDigestCache(file, root, first);
    const script = join(root, 'pdf/scripts/run.sh');
    const { atime, mtime } = statSync(script);
    writeFileSync(script, 'echo PDF\n');
    utimesSync(script, atime, mtime);
    const second = new DigestCache(later);
    loadDigestCache(file, root, second);
    const after = (await scanRegistry(root, second)).skills.get('pdf')!;
    expect(second.misses).toBe(1);
    expect(after.digest).not.toBe(before.digest);
  });

  it('does not save entries hashed while their file was still within the racy window', async () => {
    const cache = new DigestCache(); // the real clock: the files were written a moment ago
    await scanRegistry(root, cache);
    expect(await saveDigestCache(file, root, cache)).toBe(0);
  });

  it('ignores a corrupt file, an invalid one and one written for another registry, and the scan still works', async () => {
    mkdirSync(dirname(file), { recursive: true });
    for (const [text, reason] of [
      ['{"version":1,', /JSON/],
      ['{"version":1,"root":"x","md5":[["a",1,2,3]],"skillMd":[]}', /md5/],
      [JSON.stringify({ version: 1, root: '/elsewhere', md5: [], skillMd: [] }), /\/elsewhere/],
    ] as const) {
      writeFileSync(file, text);
      const cache = new DigestCache(later);
      const load = loadDigestCache(file, root, cache);
      expect(load.state).toBe('ignored');
      expect(load.state === 'ignored' && load.reason).toMatch(reason);
      expect((await scanRegistry(root, cache)).skills.has('pdf')).toBe(true);
    }
    expect(loadDigestCache(join(tmp, 'none.json'), root, new DigestCache())).toEqual({ state: 'absent' });
    const cache = new DigestCache(later);
    await scanRegistry(root, cache);
    await saveDigestCache(file, root, cache);
    expect(JSON.parse(readFileSync(file, 'utf8')).root).toBe(root);
  });
});
