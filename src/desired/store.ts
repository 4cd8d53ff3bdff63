/**
 * store.json: read and locked durable updates through lowdb's `Low` (with our adapter, store-file.ts), and
 * pure role edits. One `Low` per operation: the file is re-read under the cross-process lock each time.
 */
import { mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import { Low } from 'lowdb';
import { InputError, RoleNotFoundError } from '../errors.ts';
import { type FileLockOptions, withFileLock } from '../fs/file-lock.ts';
import {
  emptyStoreData,
  type RoleSpec,
  type RoleSpecInput,
  RoleSpecSchema,
  type StoreData,
  StoreDataSchema,
} from './schema.ts';
import { StoreFile } from './store-file.ts';
import { describeIssues, issuePath } from './store-issues.ts';

export {
  cleanJsonMessage,
  jsonErrorPosition,
  offsetToLineColumn,
  parseStoreJson,
  serializeStore,
} from './store-file.ts';
export { describeIssues, formatPath } from './store-issues.ts';

/** A change to the store: edit the draft in place or return a replacement (sync or async). */
export type StoreMutation = (data: StoreData) => StoreData | undefined | Promise<StoreData | undefined>;

/** Read and validate store.json; a missing file is an empty store, an invalid one throws StoreError. */
export async function readStore(file: string): Promise<StoreData> {
  return (await openStore(file)).data;
}

/** Apply mutate under the store lock and write the result durably; returns the data now in force. */
export async function updateStore(
  file: string,
  lockPath: string,
  mutate: StoreMutation,
  lock?: FileLockOptions,
): Promise<StoreData> {
  await mkdir(dirname(lockPath), { recursive: true, mode: 0o700 });
  return withFileLock(
    lockPath,
    async () => {
      // An invalid store throws here, before anything is written.
      const db = await openStore(file);
      db.data = validateUpdate((await mutate(db.data)) ?? db.data);
      await db.write();
      return db.data;
    },
    lock,
  );
}

/** A `Low` holding store.json as it is on disk now (a fresh empty store when there is no file). */
async function openStore(file: string): Promise<Low<StoreData>> {
  const db = new Low<StoreData>(new StoreFile(file), emptyStoreData());
  await db.read();
  return db;
}

/** Validate the result of a mutation; a bad mutation is bad input and nothing is written. */
function validateUpdate(data: StoreData): StoreData {
  const parsed = StoreDataSchema.safeParse(data);
  if (!parsed.success) throw new InputError(issuePath(parsed.error.issues[0]!), describeIssues(parsed.error));
  return parsed.data;
}

/** Insert or replace a role (pure); generation starts at 1 and is bumped only when the spec really changes. */
export function upsertRole(
  data: StoreData,
  spec: RoleSpecInput | RoleSpec,
): { data: StoreData; changed: boolean; role: RoleSpec } {
  const parsed = RoleSpecSchema.safeParse(spec);
  if (!parsed.success) throw new InputError(issuePath(parsed.error.issues[0]!), describeIssues(parsed.error));
  const index = data.roles.findIndex((r) => r.name === parsed.data.name);
  const existing = index >= 0 ? data.roles[index] : undefined;
  if (existing && sameSpec(existing, parsed.data)) return { data, changed: false, role: existing };
  const role: RoleSpec = { ...parsed.data, generation: existing ? existing.generation + 1 : 1 };
  const roles = existing ? data.roles.map((r, i) => (i === index ? role : r)) : [...data.roles, role];
  return { data: { ...data, roles }, changed: true, role };
}

/** Remove a role (pure); throws RoleNotFoundError when there is no such role. */
export function removeRole(data: StoreData, name: string): StoreData {
  if (!data.roles.some((r) => r.name === name)) throw new RoleNotFoundError(name);
  return { ...data, roles: data.roles.filter((r) => r.name !== name) };
}

/** Whether two specs are equal apart from generation (key order and undefined keys ignored). */
export function sameSpec(a: RoleSpec, b: RoleSpec): boolean {
  const { generation: _ga, ...restA } = a;
  const { generation: _gb, ...restB } = b;
  return canonicalJson(restA) === canonicalJson(restB);
}

/** JSON with object keys sorted, for order-insensitive comparison. */
function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(
          Object.entries(v as Record<string, unknown>).sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0)),
        )
      : v,
  );
}

/** Upsert a role in the store file under the lock; writes nothing when the spec is unchanged. */
export async function putRole(
  file: string,
  lockPath: string,
  spec: RoleSpecInput | RoleSpec,
  lock?: FileLockOptions,
): Promise<{ role: RoleSpec; changed: boolean }> {
  let result: { role: RoleSpec; changed: boolean } | undefined;
  await updateStore(
    file,
    lockPath,
    (data) => {
      const r = upsertRole(data, spec);
      result = { role: r.role, changed: r.changed };
      return r.data;
    },
    lock,
  );
  return result!;
}

/** Delete a role from the store file under the lock; throws RoleNotFoundError when absent. */
export async function deleteRole(
  file: string,
  lockPath: string,
  name: string,
  lock?: FileLockOptions,
): Promise<StoreData> {
  return updateStore(file, lockPath, (data) => removeRole(data, name), lock);
}
