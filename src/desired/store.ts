/**
 * store.json: read (parse → migrate → validate), locked durable updates, and pure role edits.
 *
 * Not built on lowdb, on purpose: lowdb 7's JSONFile writes through steno, which does not
 * fsync the temp file or the directory (a crash can leave an empty store.json after the
 * rename), uses one fixed temp name per file (two writers collide, see reference/stack.md),
 * and its read() rejects with a bare SyntaxError after discarding the text, so the
 * line/column of a corrupt file cannot be reported. JSONFilePreset also silently swaps in a
 * memory adapter under NODE_ENV=test. What lowdb would add (an in-memory `data` plus
 * read/write) is the two functions below; the cross-process lock is store-lock.ts.
 */
import { mkdir, readFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { syncDir, writeFileAtomic } from '../controllers/atomic-write.ts';
import type { z } from 'zod';
import { InputError, RoleNotFoundError, StoreError } from '../errors.ts';
import { migrateStore } from './migrations.ts';
import { RoleSpecSchema, StoreDataSchema, emptyStoreData, type RoleSpec, type RoleSpecInput, type StoreData } from './schema.ts';
import { withFileLock, type FileLockOptions } from './store-lock.ts';

/** A change to the store: edit the draft in place or return a replacement (sync or async). */
export type StoreMutation = (data: StoreData) => StoreData | void | Promise<StoreData | void>;

/** The store as read, with the exact text it came from (undefined: no file). */
interface LoadedStore {
  data: StoreData;
  text: string | undefined;
}

/** Read and validate store.json; a missing file is an empty store, an invalid one throws StoreError. */
export async function readStore(file: string): Promise<StoreData> {
  return (await loadStore(file)).data;
}

/** Apply mutate under the store lock and write the result durably; returns the data now in force. */
export async function updateStore(file: string, lockPath: string, mutate: StoreMutation, lock?: FileLockOptions): Promise<StoreData> {
  await mkdir(dirname(lockPath), { recursive: true, mode: 0o700 });
  return withFileLock(
    lockPath,
    async () => {
      // An invalid store throws here, before anything is written.
      const current = await loadStore(file);
      const draft = structuredClone(current.data);
      const next = validateUpdate((await mutate(draft)) ?? draft);
      const text = serializeStore(next);
      // Same bytes: nothing to do (a migrated or reformatted file differs, so it is rewritten).
      if (text !== current.text) await writeFileDurable(file, text);
      return next;
    },
    lock,
  );
}

/** The canonical bytes of the store: 2-space JSON with a trailing newline. */
export function serializeStore(data: StoreData): string {
  return JSON.stringify(data, null, 2) + '\n';
}

/** Read, parse, migrate and validate; never writes. */
async function loadStore(file: string): Promise<LoadedStore> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { data: emptyStoreData(), text: undefined };
    throw err;
  }
  const raw = parseStoreJson(file, text);
  const { data } = migrateStore(raw, { file });
  return { data: validateStore(file, data), text };
}

/** JSON.parse with a StoreError that names the line and column of the problem. */
export function parseStoreJson(file: string, text: string): unknown {
  const body = text.startsWith('\uFEFF') ? text.slice(1) : text;
  if (body.trim() === '') throw new StoreError(file, 'file is empty (expected a JSON object)', { line: 1, column: 1 });
  try {
    return JSON.parse(body);
  } catch (err) {
    const message = (err as Error).message;
    throw new StoreError(file, `invalid JSON: ${cleanJsonMessage(message)}`, jsonErrorPosition(message, body));
  }
}

/** The parser's message without the position (reported separately) or the echoed source (it may hold a secret). */
export function cleanJsonMessage(message: string): string {
  return message
    .replace(/ in JSON at position \d+.*$/s, '')
    .replace(/, (?:\.\.\.)?".*"(?:\.\.\.)? is not valid JSON$/s, '');
}

/**
 * Line and column (1-based) of a JSON.parse error. Node 20 says "at position N", Node 22+
 * adds "(line L column C)"; "Unexpected end of JSON input" points after the last token, and
 * V8's position-less "Unexpected token" messages are located by parsing prefixes.
 */
export function jsonErrorPosition(message: string, text: string): { line: number; column: number } | undefined {
  const pos = /at position (\d+)/.exec(message);
  if (pos) return offsetToLineColumn(text, Number(pos[1]));
  const lc = /\(line (\d+) column (\d+)\)/.exec(message);
  if (lc) return { line: Number(lc[1]), column: Number(lc[2]) };
  if (/Unexpected end of JSON input/.test(message)) return offsetToLineColumn(text, text.trimEnd().length);
  const offset = findErrorOffset(text);
  return offset === undefined ? undefined : offsetToLineColumn(text, offset);
}

/**
 * Offset of the first character JSON.parse rejects: the shortest failing prefix ends with it.
 * A prefix of well-formed text only ever fails with "end of input" or at its own end, so
 * "fails before its end" is monotonic in the prefix length and can be bisected.
 */
function findErrorOffset(text: string): number | undefined {
  const failsWithin = (n: number): boolean => {
    try {
      JSON.parse(text.slice(0, n));
      return false;
    } catch (err) {
      const message = (err as Error).message;
      if (/Unexpected end of JSON input/.test(message)) return false;
      const pos = /at position (\d+)/.exec(message);
      return pos ? Number(pos[1]) < n : true;
    }
  };
  if (!failsWithin(text.length)) return undefined;
  let lo = 1;
  let hi = text.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (failsWithin(mid)) hi = mid;
    else lo = mid + 1;
  }
  return lo - 1;
}

/** 1-based line and column (in UTF-16 units, like the parser's offsets) of an offset in text. */
export function offsetToLineColumn(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, Math.min(offset, text.length));
  const lines = before.split('\n');
  return { line: lines.length, column: lines[lines.length - 1]!.length + 1 };
}

/** zod-validate migrated data, reporting the first issue as `path: problem`. */
function validateStore(file: string, data: unknown): StoreData {
  const parsed = StoreDataSchema.safeParse(data);
  if (!parsed.success) throw new StoreError(file, describeIssues(parsed.error));
  return parsed.data;
}

/** Validate the result of a mutation; a bad mutation is bad input and nothing is written. */
function validateUpdate(data: StoreData): StoreData {
  const parsed = StoreDataSchema.safeParse(data);
  if (!parsed.success) throw new InputError(issuePath(parsed.error.issues[0]!), describeIssues(parsed.error));
  return parsed.data;
}

/** `roles[2].model: problem`, plus how many other issues there are. */
export function describeIssues(error: z.ZodError): string {
  const [first, ...rest] = error.issues;
  if (!first) return 'invalid store';
  const problem = first.code === 'unrecognized_keys' ? 'unknown key' : first.message;
  return `${issuePath(first)}: ${problem}${rest.length ? ` (and ${rest.length} more issue${rest.length > 1 ? 's' : ''})` : ''}`;
}

/** The issue's path in JS accessor form; an unknown key is named as part of the path. */
function issuePath(issue: z.core.$ZodIssue): string {
  const path = issue.code === 'unrecognized_keys' ? [...issue.path, issue.keys[0]!] : issue.path;
  return formatPath(path);
}

/** ['roles', 2, 'model'] → roles[2].model; keys that are not identifiers are quoted. */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`;
    else if (typeof key === 'string' && /^[A-Za-z_$][\w$]*$/.test(key)) out += out ? `.${key}` : key;
    else out += `[${JSON.stringify(String(key))}]`;
  }
  return out || '(root)';
}

/** Write through the one atomic-write helper (temp, fsync, rename), then fsync the directory; mode 0600. */
async function writeFileDurable(file: string, text: string): Promise<void> {
  await mkdir(dirname(file), { recursive: true, mode: 0o700 });
  await writeFileAtomic(file, text, 0o600);
  await syncDir(dirname(file));
}

/** Insert or replace a role (pure); generation starts at 1 and is bumped only when the spec really changes. */
export function upsertRole(data: StoreData, spec: RoleSpecInput | RoleSpec): { data: StoreData; changed: boolean; role: RoleSpec } {
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
      ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0)))
      : v,
  );
}

/** Upsert a role in the store file under the lock; writes nothing when the spec is unchanged. */
export async function putRole(file: string, lockPath: string, spec: RoleSpecInput | RoleSpec, lock?: FileLockOptions): Promise<{ role: RoleSpec; changed: boolean }> {
  let result: { role: RoleSpec; changed: boolean } | undefined;
  await updateStore(file, lockPath, (data) => {
    const r = upsertRole(data, spec);
    result = { role: r.role, changed: r.changed };
    return r.data;
  }, lock);
  return result!;
}

/** Delete a role from the store file under the lock; throws RoleNotFoundError when absent. */
export async function deleteRole(file: string, lockPath: string, name: string, lock?: FileLockOptions): Promise<StoreData> {
  return updateStore(file, lockPath, (data) => removeRole(data, name), lock);
}
