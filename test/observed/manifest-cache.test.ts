/** Parsed manifests are reused only while the file is provably unchanged. */
import { mkdtempSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MANIFEST_FILE, manifestCache, readManifest, serializeManifest } from '../../src/observed/manifest.ts';

let dir: string;
const manifest = (md5: string) => ({
  version: 1 as const,
  role: 'dev',
  revision: 'r1',
  entries: [{ path: 'config.toml', md5, size: 3, mode: 0o600, mtimeMs: 1 }],
});
const write = (md5: string) => writeFileSync(join(dir, MANIFEST_FILE), serializeManifest(manifest(md5)));
const later = () => Date.now() + 60_000;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'ht-manifest-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('readManifest with a cache', () => {
  it('returns the same (frozen) object while the file keeps its stamp', async () => {
    write('a'.repeat(32));
    const cache = manifestCache(later);
    const first = await readManifest(dir, cache);
    const second = await readManifest(dir, cache);
    expect(first.state).toBe('ok');
    expect(second).toEqual(first);
    if (first.state !== 'ok' || second.state !== 'ok') throw new Error('unreadable');
    expect(second.manifest).toBe(first.manifest);
    expect(Object.isFrozen(first.manifest.entries[0])).toBe(true);
  });

  it('re-reads a file edited in place, even with the same size and mtime', async () => {
    write('a'.repeat(32));
    const path = join(dir, MANIFEST_FILE);
    const cache = manifestCache(later);
    await readManifest(dir, cache);
    const { atime, mtime, size } = statSync(path);
    writeFileSync(path, readFileSync(path, 'utf8').replace('a'.repeat(32), 'b'.repeat(32)));
    utimesSync(path, atime, mtime);
    expect(statSync(path).size).toBe(size);
    const again = await readManifest(dir, cache);
    expect(again.state === 'ok' && again.manifest.entries[0]!.md5).toBe('b'.repeat(32));
  });

  it('does not reuse a read taken while the file was within the racy window', async () => {
    write('a'.repeat(32));
    const cache = manifestCache(); // real clock: the file was written a moment ago
    const first = await readManifest(dir, cache);
    const second = await readManifest(dir, cache);
    if (first.state !== 'ok' || second.state !== 'ok') throw new Error('unreadable');
    expect(second.manifest).not.toBe(first.manifest);
  });
});
