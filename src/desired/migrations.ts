/** Store format migrations: each step turns a version-N object into a version-N+1 object. */
import { StoreError } from '../errors.ts';
import { STORE_VERSION } from './schema.ts';

/** A plain JSON object as read from store.json, before validation. */
export type RawStore = Record<string, unknown>;

/** One migration step from version N (its key) to N+1; steps must not mutate their input. */
export type MigrationStep = (data: RawStore) => RawStore;

/** The registered steps, keyed by the version they migrate from. */
export const MIGRATIONS: Readonly<Record<number, MigrationStep>> = {
  // 0 → 1: files written before the version field existed (or written by hand without it).
  0: (data) => {
    const { version: _ignored, ...rest } = data;
    return { version: 1, ...rest };
  },
  // 1 → 2: settings. A store from before targets existed was rendering for the Python kimi-cli: it keeps that
  // target (its users' `kimi` is that CLI) until they change it; a new store has no target and gets kimi-code.
  1: (data) => {
    const settings = typeof data.settings === 'object' && data.settings !== null ? data.settings : {};
    return { ...data, version: 2, settings: { kimiTarget: 'kimi-cli', ...settings } };
  },
};

/** Options of migrateStore; tests inject their own steps and target. */
export interface MigrateOptions {
  /** The file the data came from, named in errors. */
  file?: string;
  steps?: Readonly<Record<number, MigrationStep>>;
  target?: number;
}

/** Result of migrateStore: the (possibly) migrated data and the version it started from. */
export interface MigrateResult {
  data: unknown;
  from: number;
  migrated: boolean;
}

/** Bring parsed store.json content up to STORE_VERSION, refusing files from a newer hero_team. */
export function migrateStore(raw: unknown, opts: MigrateOptions = {}): MigrateResult {
  const { file = 'store.json', steps = MIGRATIONS, target = STORE_VERSION } = opts;
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw new StoreError(file, `expected a JSON object at the top level, got ${describe(raw)}`);
  }
  const from = readVersion(file, raw as RawStore);
  if (from > target) {
    throw new StoreError(
      file,
      `version ${from} was written by a newer hero_team (this one reads up to version ${target})`,
    );
  }
  let data = raw as RawStore;
  for (let v = from; v < target; v++) {
    const step = steps[v];
    if (!step) throw new StoreError(file, `no migration from store version ${v} to ${v + 1}`);
    data = step(data);
  }
  return { data, from, migrated: from !== target };
}

/** The `version` field: absent means 0 (an unversioned file); anything but a non-negative integer is an error. */
function readVersion(file: string, data: RawStore): number {
  if (!('version' in data) || data.version === undefined) return 0;
  const v = data.version;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 0) {
    throw new StoreError(file, `version: must be a non-negative integer, got ${JSON.stringify(v)}`);
  }
  return v;
}

/** A short name of a JSON value's kind for error messages. */
function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return `a ${typeof value}`;
}
