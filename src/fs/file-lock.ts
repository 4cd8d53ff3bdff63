/** An exclusive, cross-process file lock for store.json (lock file created with O_EXCL). */
import { randomUUID } from 'node:crypto';
import { closeSync, openSync, readFileSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { unlink } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { StoreLockedError } from '../errors.ts';

/** Tunables of withFileLock. */
export interface FileLockOptions {
  /** Give up (StoreLockedError) after this long; default 5000 ms. */
  timeoutMs?: number;
  /** A lock older than this is stale even if its pid is alive (pid reuse, hung holder); default 30000 ms. */
  staleMs?: number;
}

/** What a lock file says about its holder; fields are missing when the file is empty or unreadable. */
export interface LockInfo {
  pid?: number;
  acquiredAt?: number;
  token?: string;
  /** The lock file's mtime, used as its age when acquiredAt is missing. */
  mtimeMs: number;
}

const RETRY_MS = 25;
/** The takeover guard is held for a few syscalls only; older than this, its holder died. */
const GUARD_STALE_MS = 2000;

/** Run fn while holding the lock at lockPath; waits for other holders and takes over stale locks. */
export async function withFileLock<T>(lockPath: string, fn: () => Promise<T>, opts: FileLockOptions = {}): Promise<T> {
  const token = await acquireLock(lockPath, opts.timeoutMs ?? 5000, opts.staleMs ?? 30_000);
  try {
    return await fn();
  } finally {
    await releaseLock(lockPath, token);
  }
}

/** Create the lock file or wait for it; returns our token. */
async function acquireLock(lockPath: string, timeoutMs: number, staleMs: number): Promise<string> {
  const token = `${process.pid}-${randomUUID()}`;
  const content = JSON.stringify({ pid: process.pid, acquiredAt: Date.now(), token }) + '\n';
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await tryCreateExclusive(lockPath, content)) return token;
    // A stale lock is removed under the takeover guard, then we race for it again at once.
    if (await removeIfStale(lockPath, staleMs)) continue;
    if (Date.now() >= deadline) {
      const holder = await readLockInfo(lockPath);
      throw new StoreLockedError(lockPath, holder?.pid);
    }
    await sleep(RETRY_MS + Math.floor(Math.random() * 10));
  }
}

/**
 * Create path with content only if it does not exist; false when it already does. Lock files are tiny and
 * local: synchronous calls, so taking a role's lock does not queue behind other roles' fsyncs in the thread pool.
 */
async function tryCreateExclusive(path: string, content: string): Promise<boolean> {
  let fd;
  try {
    fd = openSync(path, 'wx', 0o600);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw err;
  }
  try {
    writeFileSync(fd, content, 'utf8');
  } finally {
    closeSync(fd);
  }
  return true;
}

/**
 * Remove the lock if its holder is dead or it is too old; true when the lock is gone.
 * Checking and unlinking happen under a second O_EXCL guard file, so two waiters cannot both
 * judge the same stale lock and then one of them delete the fresh lock the other just created.
 */
async function removeIfStale(lockPath: string, staleMs: number): Promise<boolean> {
  const guard = `${lockPath}.takeover`;
  if (!(await tryCreateExclusive(guard, `${process.pid}\n`))) {
    await removeStaleGuard(guard);
    return false;
  }
  try {
    const info = await readLockInfo(lockPath);
    if (!info) return true;
    if (!isStale(info, staleMs)) return false;
    await unlinkIfExists(lockPath);
    return true;
  } finally {
    await unlinkIfExists(guard);
  }
}

/** A guard left behind by a process that died between creating and removing it. */
async function removeStaleGuard(guard: string): Promise<void> {
  try {
    const st = statSync(guard);
    if (Date.now() - st.mtimeMs > GUARD_STALE_MS) await unlinkIfExists(guard);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
}

/** Whether a lock's holder is gone (pid not alive) or the lock is older than staleMs. */
export function isStale(info: LockInfo, staleMs: number, now = Date.now()): boolean {
  if (info.pid !== undefined && !isProcessAlive(info.pid)) return true;
  // No holder recorded: its creator died between create and write (a kill -9); the write takes microseconds.
  if (info.pid === undefined) return now - info.mtimeMs > GUARD_STALE_MS;
  return now - (info.acquiredAt ?? info.mtimeMs) > staleMs;
}

/** Whether a process with this pid exists (EPERM: it exists but belongs to someone else). */
export function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code !== 'ESRCH';
  }
}

/** Read the lock file; undefined when there is none. */
export async function readLockInfo(lockPath: string): Promise<LockInfo | undefined> {
  let text: string;
  let mtimeMs: number;
  try {
    text = readFileSync(lockPath, 'utf8');
    ({ mtimeMs } = statSync(lockPath));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
  const info: LockInfo = { mtimeMs };
  try {
    const parsed = JSON.parse(text) as Record<string, unknown>;
    if (Number.isInteger(parsed.pid) && (parsed.pid as number) > 0) info.pid = parsed.pid as number;
    if (typeof parsed.acquiredAt === 'number') info.acquiredAt = parsed.acquiredAt;
    if (typeof parsed.token === 'string') info.token = parsed.token;
  } catch {
    // Empty (holder between open and write) or garbage: judged by mtime only.
  }
  return info;
}

/**
 * Remove the lock only if it still carries our token (it may have been taken over as stale). This unlink runs on
 * the thread pool: during a large batch's flush an unlink waits on the filesystem journal for up to a couple of
 * milliseconds, once per role in a cold sync (docs/decisions/003-syncfs-batches.md). The wait cannot let anyone
 * in: our lock is not stale while we are alive and inside staleMs, so no waiter takes it over meanwhile.
 * The takeover path (removeIfStale) keeps its unlinks synchronous, so its guard is held for microseconds.
 */
async function releaseLock(lockPath: string, token: string): Promise<void> {
  const info = await readLockInfo(lockPath).catch(() => undefined);
  if (info?.token === token) await unlinkIfExists(lockPath, unlink);
}

/** unlink (synchronous unless `remove` says otherwise) that ignores a file already gone. */
async function unlinkIfExists(
  path: string,
  remove: (path: string) => void | Promise<void> = unlinkSync,
): Promise<void> {
  try {
    await remove(path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
}
