/** md5 helpers and stat-keyed caches, so an unchanged file is not read again. */
import { createHash } from 'node:crypto';
import { closeSync, openSync, readFileSync, readSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { systemClock } from '../clock.ts';

/** md5 hex of a buffer or string. */
export function md5Bytes(data: Buffer | string): string {
  return createHash('md5').update(data).digest('hex');
}

/** Files above this size are hashed a chunk at a time (memory stays bounded whatever an asset weighs). */
const WHOLE_READ_MAX = 1 << 20;

/** md5 hex of a file's bytes, read synchronously; `size` (when known) picks a whole read for small files. */
export function md5FileSync(path: string, size = Infinity): string {
  if (size <= WHOLE_READ_MAX) return md5Bytes(readFileSync(path));
  const hash = createHash('md5');
  const buf = Buffer.allocUnsafe(WHOLE_READ_MAX);
  const fd = openSync(path, 'r');
  try {
    for (let n; (n = readSync(fd, buf, 0, buf.length, null)) > 0; ) hash.update(buf.subarray(0, n));
  } finally {
    closeSync(fd);
  }
  return hash.digest('hex');
}

/** md5 hex of a file's bytes. */
export async function md5File(path: string): Promise<string> {
  return md5Bytes(await readFile(path));
}

/**
 * What identifies one version of a file without reading it. Any write changes mtime and ctime (ctime cannot
 * be set back by `touch -r` or `cp -p`), replacing the file changes the inode.
 */
export interface FileStamp {
  ino: number;
  size: number;
  mtimeMs: number;
  ctimeMs: number;
}

/** How long a file must have been unchanged before its stamp proves it unchanged later. */
export const RACY_MS = 2000;

/**
 * True when a file or directory changed so recently that a later change could still land in the same
 * timestamp tick (or second, on coarse filesystems) and leave the stamp equal.
 */
export function isRacy(st: Pick<FileStamp, 'mtimeMs' | 'ctimeMs'>, now = systemClock.now()): boolean {
  return Math.max(st.mtimeMs, st.ctimeMs) >= now - RACY_MS;
}

/** True when two stamps name the same version of a file. */
export function sameStamp(a: FileStamp, b: FileStamp): boolean {
  return a.ino === b.ino && a.size === b.size && a.mtimeMs === b.mtimeMs && a.ctimeMs === b.ctimeMs;
}

/** One remembered value with the stamp it belongs to (flat: one object per entry, there is one per registry file). */
interface StampedValue<V> extends FileStamp {
  value: V;
}

/** Values derived from a file (its md5, a SKILL.md verdict), valid while the file's stamp is unchanged. */
export class StampedMap<V> {
  private readonly entries = new Map<string, StampedValue<V>>();

  constructor(private readonly now: () => number = systemClock.now) {}

  get(path: string, stamp: FileStamp): V | undefined {
    const hit = this.entries.get(path);
    return hit && sameStamp(hit, stamp) ? hit.value : undefined;
  }

  set(path: string, stamp: FileStamp, value: V): void {
    const { ino, size, mtimeMs, ctimeMs } = stamp;
    this.entries.set(path, { ino, size, mtimeMs, ctimeMs, value });
  }

  /** Remember the value only when its stamp is past the racy window (a later change cannot hide behind it). */
  setIfDurable(path: string, stamp: FileStamp, value: V): void {
    if (!isRacy(stamp, this.now())) this.set(path, stamp, value);
  }

  /** Forget the entries whose path `drop` says (one pass). */
  forgetIf(drop: (path: string) => boolean): void {
    for (const key of this.entries.keys()) if (drop(key)) this.entries.delete(key);
  }

  get size(): number {
    return this.entries.size;
  }
}

/** True when `path` is one of `paths` or lies below one of them (POSIX paths). */
export function isUnder(path: string, paths: ReadonlySet<string>): boolean {
  for (let p = path; ; ) {
    if (paths.has(p)) return true;
    const slash = p.lastIndexOf('/');
    if (slash <= 0) return false;
    p = p.slice(0, slash);
  }
}

/** A validated SKILL.md: its md5 and what the frontmatter check said. */
export type SkillMdRecord = { md5: string } & ({ ok: true; description?: string } | { ok: false; reason: string });

/** Remembers per absolute path the md5 of a file and, for SKILL.md files, the frontmatter verdict. */
export class DigestCache {
  readonly md5s = new StampedMap<string>();
  readonly skillMds = new StampedMap<SkillMdRecord>();
  hits = 0;
  misses = 0;

  /** md5 of `path` given its current stamp; reads the file only when the stamp changed. */
  async digest(path: string, stamp: FileStamp): Promise<string> {
    const hit = this.md5s.get(path, stamp);
    if (hit !== undefined) {
      this.hits++;
      return hit;
    }
    this.misses++;
    const md5 = await md5File(path);
    this.md5s.set(path, stamp, md5);
    return md5;
  }

  /** Synchronous digest, for scanners that read small local files one at a time (same cache, same counters). */
  digestSync(path: string, stamp: FileStamp): string {
    const hit = this.md5s.get(path, stamp);
    if (hit !== undefined) {
      this.hits++;
      return hit;
    }
    this.misses++;
    const md5 = md5FileSync(path, stamp.size);
    this.md5s.set(path, stamp, md5);
    return md5;
  }

  /** Forget every entry whose path `drop` says (a deleted skill, skills no role uses), in one pass. */
  forgetIf(drop: (path: string) => boolean): void {
    this.md5s.forgetIf(drop);
    this.skillMds.forgetIf(drop);
  }

  /** Number of cached md5s. */
  get size(): number {
    return this.md5s.size;
  }
}
