/** md5 helpers and a stat-keyed digest cache so unchanged files are not re-read. */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';

/** md5 hex of a buffer or string. */
export function md5Bytes(data: Buffer | string): string {
  return createHash('md5').update(data).digest('hex');
}

/** md5 hex of a file's bytes. */
export async function md5File(path: string): Promise<string> {
  return md5Bytes(await readFile(path));
}

/** Cached digest of one file, valid while size and mtime match. */
interface CachedDigest {
  size: number;
  mtimeMs: number;
  md5: string;
}

/** Remembers md5 per absolute path keyed by (size, mtime): a hit skips reading the file. */
export class DigestCache {
  private readonly entries = new Map<string, CachedDigest>();
  hits = 0;
  misses = 0;

  /** md5 of `path` given its current stat; reads the file only when size or mtime changed. */
  async digest(path: string, size: number, mtimeMs: number): Promise<string> {
    const hit = this.entries.get(path);
    if (hit && hit.size === size && hit.mtimeMs === mtimeMs) {
      this.hits++;
      return hit.md5;
    }
    this.misses++;
    const md5 = await md5File(path);
    this.entries.set(path, { size, mtimeMs, md5 });
    return md5;
  }

  /** Synchronous digest, for scanners that read small local files one at a time (same cache, same counters). */
  digestSync(path: string, size: number, mtimeMs: number): string {
    const hit = this.entries.get(path);
    if (hit && hit.size === size && hit.mtimeMs === mtimeMs) {
      this.hits++;
      return hit.md5;
    }
    this.misses++;
    const md5 = md5Bytes(readFileSync(path));
    this.entries.set(path, { size, mtimeMs, md5 });
    return md5;
  }

  /** Forget every entry under a path prefix (a deleted skill). */
  forgetPrefix(prefix: string): void {
    for (const key of this.entries.keys()) if (key === prefix || key.startsWith(prefix + '/')) this.entries.delete(key);
  }

  /** Number of cached entries. */
  get size(): number {
    return this.entries.size;
  }
}
