/** Creating a temp file or directory beside its final place, under a name the sweep recognises. */
import { mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import { tempPathFor } from './temp-names.ts';

/**
 * Create a temp beside `path` with `create(tmp)`, or exactly at `at` (a path inside a staged directory, which is
 * itself the temp name). Beside `path`, parents are created when the first attempt says they are missing (not
 * once per file) and a name left by an earlier process with our pid is skipped. At `at` nothing is created or
 * retried: its directory was made by the caller, and if it is gone (swept, or removed by hand) the write fails
 * rather than recreate it and publish a partial skill.
 */
export async function createTemp<T>(
  path: string,
  create: (tmp: string) => Promise<T>,
  at?: string,
): Promise<{ tmp: string; made: T }> {
  if (at !== undefined) return { tmp: at, made: await create(at) };
  for (let attempt = 0; ; attempt++) {
    const tmp = tempPathFor(path);
    try {
      return { tmp, made: await create(tmp) };
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      // ENOENT after the directory exists (a copy whose source is gone) is thrown by the second attempt.
      if (code === 'ENOENT' && attempt === 0) await mkdir(dirname(tmp), { recursive: true, mode: 0o755 });
      else if (code !== 'EEXIST' || attempt > 8) throw err;
    }
  }
}
