/** Every failure of apply names the role and the path it was working on. */
import { join } from 'node:path';
import { ApplyError } from '../../errors.ts';
import type { Plan } from '../plan.ts';

/** Run `fn`; an error becomes an ApplyError for the role-relative `path`. */
export function guard<T>(plan: Plan, path: string, fn: () => Promise<T>): Promise<T> {
  return guardAt(plan.role, join(plan.dir, path), fn);
}

/** Run `fn`; an error becomes an ApplyError for the absolute `path`. */
export async function guardAt<T>(role: string, path: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    throw failedAt(role, path, err);
  }
}

/** `err` as an ApplyError for the absolute `path`; one already named (by a step nearer the failure) stays as it is. */
export function failedAt(role: string, path: string, err: unknown): ApplyError {
  return err instanceof ApplyError ? err : new ApplyError(role, path, { cause: err });
}
