import { describe, expect, it } from 'vitest';
import { MIGRATIONS, type MigrationStep, migrateStore } from '../../src/desired/migrations.ts';
import { STORE_VERSION, StoreDataSchema } from '../../src/desired/schema.ts';
import { StoreError } from '../../src/errors.ts';

describe('migrateStore', () => {
  it('leaves a current-version store alone', () => {
    const raw = { version: STORE_VERSION, roles: [] };
    expect(migrateStore(raw)).toEqual({ data: raw, from: STORE_VERSION, migrated: false });
  });

  it('migrates a version-less file to version 1 without touching its input', () => {
    const raw = { roles: [{ name: 'dev', model: 'm' }] };
    const before = structuredClone(raw);
    const result = migrateStore(raw, { target: 1 });
    expect(result.from).toBe(0);
    expect(result.migrated).toBe(true);
    expect(result.data).toEqual({ version: 1, roles: [{ name: 'dev', model: 'm' }] });
    expect(raw).toEqual(before);
    expect(StoreDataSchema.safeParse(migrateStore(raw).data).success).toBe(true);
  });

  it('1 → 2: a store from before targets keeps rendering for kimi-cli; settings already there are kept', () => {
    const raw = { version: 1, roles: [{ name: 'dev', model: 'm' }] };
    const before = structuredClone(raw);
    const result = migrateStore(raw);
    expect(result.data).toEqual({
      version: 2,
      roles: [{ name: 'dev', model: 'm' }],
      settings: { kimiTarget: 'kimi-cli' },
    });
    expect(migrateStore({ version: 1, settings: { kimiKeys: 'config' } }).data).toMatchObject({
      settings: { kimiTarget: 'kimi-cli', kimiKeys: 'config' },
    });
    expect(migrateStore({ version: 1, settings: { kimiTarget: 'kimi-code' } }).data).toMatchObject({
      settings: { kimiTarget: 'kimi-code' },
    });
    expect(raw).toEqual(before);
    expect(StoreDataSchema.safeParse(result.data).success).toBe(true);
  });

  it('treats an explicit version 0 like a missing one', () => {
    expect(migrateStore({ version: 0, roles: [] }, { target: 1 }).data).toEqual({ version: 1, roles: [] });
  });

  it('refuses a store written by a newer hero_team', () => {
    const run = () => migrateStore({ version: STORE_VERSION + 1 }, { file: '/x/store.json' });
    expect(run).toThrow(StoreError);
    expect(run).toThrow(/written by a newer hero_team/);
    expect(run).toThrow(/^\/x\/store\.json: /);
  });

  it('rejects a version that is not a non-negative integer', () => {
    expect(() => migrateStore({ version: '1' })).toThrow(/version: must be a non-negative integer, got "1"/);
    expect(() => migrateStore({ version: 1.5 })).toThrow(StoreError);
    expect(() => migrateStore({ version: -1 })).toThrow(StoreError);
  });

  it('rejects a top level that is not an object', () => {
    for (const raw of [null, [], 3, 'x'])
      expect(() => migrateStore(raw)).toThrow(/expected a JSON object at the top level/);
  });

  it('chains steps in order up to the target', () => {
    const steps: Record<number, MigrationStep> = {
      0: MIGRATIONS[0]!,
      1: (d) => ({ ...d, version: 2, renamed: d.old, old: undefined }),
      2: (d) => ({ ...d, version: 3, seen: [...((d.seen as string[]) ?? []), 'v3'] }),
    };
    const result = migrateStore({ old: 'x' }, { steps, target: 3 });
    expect(result).toMatchObject({ from: 0, migrated: true, data: { version: 3, renamed: 'x', seen: ['v3'] } });
  });

  it('fails clearly when a step is missing', () => {
    expect(() => migrateStore({ version: 1 }, { steps: {}, target: 2 })).toThrow(
      /no migration from store version 1 to 2/,
    );
  });

  it('has a step for every version below the current one', () => {
    for (let v = 0; v < STORE_VERSION; v++) expect(MIGRATIONS[v]).toBeTypeOf('function');
  });
});
