/**
 * lowdb's adapter for store.json. lowdb's own JSONFile (through steno) neither fsyncs the file nor its
 * directory, uses one fixed temp name per file, and rejects a corrupt file with a bare SyntaxError that
 * has lost the text; this adapter keeps those guarantees (docs/decisions/006-lowdb-adapter.md).
 */
import { mkdir, readFile, realpath } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { Adapter } from 'lowdb';
import { writeFileAtomic } from '../fs/atomic-write.ts';
import { syncDir } from '../fs/fsync.ts';
import { cleanJsonMessage, jsonErrorPosition } from '../fs/json-errors.ts';

export { cleanJsonMessage, jsonErrorPosition, offsetToLineColumn } from '../fs/json-errors.ts';

import { StoreError } from '../errors.ts';
import { migrateStore } from './migrations.ts';
import { type StoreData, StoreDataSchema } from './schema.ts';
import { describeIssues } from './store-issues.ts';

/** Reads (parse with positions → migrate → validate) and writes (temp, fsync, rename, fsync dir) store.json. */
export class StoreFile implements Adapter<StoreData> {
  /** The exact text last read or written; undefined while there is no file. */
  private text: string | undefined;

  constructor(readonly file: string) {}

  /** The validated store, or null when there is no file; a corrupt or invalid one throws StoreError. */
  async read(): Promise<StoreData | null> {
    try {
      this.text = await readFile(this.file, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
      this.text = undefined;
      return null;
    }
    const { data } = migrateStore(parseStoreJson(this.file, this.text), { file: this.file });
    const parsed = StoreDataSchema.safeParse(data);
    if (!parsed.success) throw new StoreError(this.file, describeIssues(parsed.error));
    return parsed.data;
  }

  /** Write the canonical bytes durably (mode 0600); the same bytes as on disk are not written again. */
  async write(data: StoreData): Promise<void> {
    const text = serializeStore(data);
    // A migrated or reformatted file differs from its canonical bytes, so it is rewritten.
    if (text === this.text) return;
    await mkdir(dirname(this.file), { recursive: true, mode: 0o700 });
    // A store.json that is a symlink (kept in a dotfiles repository) is written at its target: the link stays.
    const target = await realpath(this.file).catch(() => this.file);
    await writeFileAtomic(target, text, 0o600);
    await syncDir(dirname(target));
    this.text = text;
  }
}

/** The canonical bytes of the store: 2-space JSON with a trailing newline. */
export function serializeStore(data: StoreData): string {
  return JSON.stringify(data, null, 2) + '\n';
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
