/**
 * A child process that applies one plan and stops dead, as a kill would (process.exit: nothing after it runs),
 * at the `nth` call of the fs function `op` given a path that matches `pattern`. Run by
 * `node --import tsx apply-crash.ts <job.json>`; exits 77 when it stopped there, 0 when the apply finished.
 */
import fs, { readFileSync } from 'node:fs';
import { syncBuiltinESMExports } from 'node:module';

/** What the child applies and where it stops. */
export interface CrashJob {
  dir: string;
  backupsDir: string;
  /** The desired files (inline bytes), or null for a deleted role. */
  files: { path: string; text: string; mode?: number }[] | null;
  op: 'renameSync' | 'rename' | 'linkSync' | 'unlinkSync' | 'open';
  pattern: string;
  /** Which argument the pattern is tested on (default: any). */
  arg?: number;
  nth?: number;
}

export const CRASHED = 77;

if (process.argv[2]) {
  const job = JSON.parse(readFileSync(process.argv[2], 'utf8')) as CrashJob;
  const re = new RegExp(job.pattern);
  let seen = 0;
  const fns = fs as unknown as Record<string, (...args: unknown[]) => unknown>;
  const real = fns[job.op]!;
  fns[job.op] = function (this: unknown, ...args: unknown[]) {
    const tested = job.arg === undefined ? args : [args[job.arg]];
    if (tested.some((a) => typeof a === 'string' && re.test(a)) && ++seen === (job.nth ?? 1)) process.exit(CRASHED);
    return real.apply(this, args);
  };
  syncBuiltinESMExports();
  // Imported after the patch, so every module binds the patched function.
  const { applyPlan } = await import('../../src/controllers/apply.ts');
  const { bytesFile, planIn } = await import('./apply-role.ts');
  const files = job.files?.map((f) => bytesFile(f.path, f.text, f.mode)) ?? null;
  await applyPlan(await planIn(job.dir, files), { backupsDir: job.backupsDir, clock: { now: () => Date.now() } });
  process.exit(0);
}
