import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { statePaths } from '../../src/config.ts';
import { emptyStoreData, STORE_VERSION, type StoreData } from '../../src/desired/schema.ts';
import {
  deleteRole,
  formatPath,
  putRole,
  readStore,
  removeRole,
  serializeStore,
  updateStore,
  upsertRole,
} from '../../src/desired/store.ts';
import { InputError, RoleNotFoundError, StoreError } from '../../src/errors.ts';
import { jsonErrorPosition } from '../../src/fs/json-errors.ts';

let dir: string;
let file: string;
let lock: string;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'ht-'));
  ({ store: file, storeLock: lock } = statePaths(dir));
});

afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

const role = (name: string, extra: Record<string, unknown> = {}) => ({
  name,
  model: 'kimi-code/kimi-for-coding',
  ...extra,
});

/** Expect fn to reject with a StoreError and the file to keep its exact bytes. */
async function expectRejectedUnchanged(fn: () => Promise<unknown>, bytes: Buffer): Promise<StoreError> {
  const err = await fn().catch((e: unknown) => e);
  expect(err).toBeInstanceOf(StoreError);
  expect(readFileSync(file).equals(bytes)).toBe(true);
  expect(readdirSync(dir).sort()).toEqual(['store.json']);
  return err as StoreError;
}

describe('readStore', () => {
  it('gives an empty store for a missing file and creates nothing', async () => {
    expect(await readStore(file)).toEqual(emptyStoreData());
    expect(readdirSync(dir)).toEqual([]);
  });

  it('applies schema defaults to a minimal file', async () => {
    writeFileSync(file, JSON.stringify({ version: 1, roles: [role('dev')] }));
    const data = await readStore(file);
    expect(data.roles[0]).toEqual({
      ...role('dev'),
      thinking: true,
      yolo: false,
      skills: [],
      mcp: [],
      driftPolicy: 'revert',
      generation: 1,
    });
    expect(data.catalog).toEqual({ providers: {}, models: {} });
  });

  it('reports corrupt JSON with line and column and leaves the file alone', async () => {
    writeFileSync(file, '{"version":1, "roles": [');
    const bytes = readFileSync(file);
    const err = await expectRejectedUnchanged(() => readStore(file), bytes);
    expect(err.path).toBe(file);
    expect(err.position).toEqual({ line: 1, column: 25 });
    expect(err.message).toBe(`${file}:1:25: invalid JSON: Unexpected end of JSON input`);
    await expectRejectedUnchanged(
      () =>
        updateStore(file, lock, (d) => {
          d.roles = [];
        }),
      bytes,
    );
  });

  it('points at the offending character on a later line', async () => {
    writeFileSync(file, '{\n  "version": 1,\n  "roles": [1,]\n}\n');
    const err = await expectRejectedUnchanged(() => readStore(file), readFileSync(file));
    expect(err.position).toEqual({ line: 3, column: 15 });
    expect(err.detail).not.toMatch(/is not valid JSON|position/);
  });

  it('reports an empty file', async () => {
    writeFileSync(file, '');
    const err = await expectRejectedUnchanged(() => readStore(file), readFileSync(file));
    expect(err.detail).toMatch(/empty/);
    expect(err.position).toEqual({ line: 1, column: 1 });
  });

  it.each([
    [
      'a role name that is not a directory name',
      { version: 1, roles: [role('ok'), role('../x')] },
      /^roles\[1\]\.name: role name must match/,
    ],
    ['an unknown key', { version: 1, roles: [role('dev', { colour: 'red' })] }, /^roles\[0\]\.colour: unknown key/],
    ['an unknown top-level key', { version: 1, rolez: [] }, /^rolez: unknown key/],
    [
      'duplicate role names',
      { version: 1, roles: [role('a'), role('b'), role('a')] },
      /^roles\[2\]\.name: duplicate role name "a"/,
    ],
    ['a wrong type', { version: 1, roles: [role('dev', { thinking: 'yes' })] }, /^roles\[0\]\.thinking: /],
    [
      'a quoted catalog key',
      { version: 1, catalog: { providers: { 'managed:x': { type: 'nope', baseUrl: 'u' } } } },
      /^catalog\.providers\["managed:x"\]\.type: /,
    ],
  ])('names the path for %s and leaves the file alone', async (_what, content, detail) => {
    writeFileSync(file, JSON.stringify(content, null, 2));
    const bytes = readFileSync(file);
    const err = await expectRejectedUnchanged(() => readStore(file), bytes);
    expect(err.detail).toMatch(detail);
    expect(err.position).toBeUndefined();
    await expectRejectedUnchanged(() => updateStore(file, lock, () => emptyStoreData()), bytes);
  });

  it('counts further issues', async () => {
    writeFileSync(file, JSON.stringify({ version: 1, roles: [{ name: 'A' }] }));
    const err = await expectRejectedUnchanged(() => readStore(file), readFileSync(file));
    expect(err.detail).toMatch(/^roles\[0\]\.name: .*\(and 1 more issue\)$/);
  });

  it('migrates a version-less file in memory only', async () => {
    const text = JSON.stringify({ roles: [role('dev')] });
    writeFileSync(file, text);
    expect((await readStore(file)).version).toBe(STORE_VERSION);
    expect(readFileSync(file, 'utf8')).toBe(text);
  });

  it('refuses a store from a newer hero_team without touching it', async () => {
    writeFileSync(file, JSON.stringify({ version: STORE_VERSION + 1, roles: [] }));
    const bytes = readFileSync(file);
    const err = await expectRejectedUnchanged(() => readStore(file), bytes);
    expect(err.detail).toMatch(/newer hero_team/);
    await expectRejectedUnchanged(() => updateStore(file, lock, () => {}), bytes);
  });
});

describe('updateStore', () => {
  it('round-trips through a fresh file with 0600, pretty JSON and no leftovers', async () => {
    const written = await updateStore(file, lock, (d) => {
      d.roles.push({
        ...role('dev'),
        thinking: true,
        yolo: false,
        skills: ['a'],
        mcp: ['*'],
        driftPolicy: 'report',
        generation: 1,
      });
    });
    expect(await readStore(file)).toEqual(written);
    const text = readFileSync(file, 'utf8');
    expect(text).toBe(JSON.stringify(written, null, 2) + '\n');
    expect(text).toBe(serializeStore(written));
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(readdirSync(dir)).toEqual(['store.json']);
  });

  it('creates the state dir when it does not exist', async () => {
    const nested = statePaths(join(dir, 'a', 'b'));
    await updateStore(nested.store, nested.storeLock, () => {});
    expect(await readStore(nested.store)).toEqual(emptyStoreData());
  });

  it('accepts a replacement object and an async mutation', async () => {
    await updateStore(file, lock, () => upsertRole(emptyStoreData(), role('one')).data);
    const data = await updateStore(file, lock, async (d) => upsertRole(d, role('two')).data);
    expect(data.roles.map((r) => r.name)).toEqual(['one', 'two']);
  });

  it('writes the migrated form of a version-less file', async () => {
    writeFileSync(file, JSON.stringify({ roles: [role('dev')] }));
    const data = await updateStore(file, lock, () => {});
    expect(data.version).toBe(STORE_VERSION);
    expect(JSON.parse(readFileSync(file, 'utf8')).version).toBe(STORE_VERSION);
    expect(statSync(file).mode & 0o777).toBe(0o600);
  });

  it('does not rewrite a file whose bytes would not change', async () => {
    await updateStore(file, lock, (d) => upsertRole(d, role('dev')).data);
    const before = statSync(file);
    await new Promise((r) => setTimeout(r, 20));
    await updateStore(file, lock, (d) => upsertRole(d, role('dev')).data);
    expect(statSync(file).ino).toBe(before.ino);
    expect(statSync(file).mtimeMs).toBe(before.mtimeMs);
  });

  it('rejects a mutation that makes the store invalid and writes nothing', async () => {
    await updateStore(file, lock, (d) => upsertRole(d, role('dev')).data);
    const bytes = readFileSync(file);
    const err = await updateStore(file, lock, (d) => {
      d.roles.push(d.roles[0]!);
    }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InputError);
    expect((err as InputError).field).toBe('roles[1].name');
    expect(readFileSync(file).equals(bytes)).toBe(true);
    expect(existsSync(lock)).toBe(false);
  });

  it('loses no update when 20 upserts race in one process', async () => {
    const names = Array.from({ length: 20 }, (_, i) => `role-${i}`);
    await Promise.all(
      names.map((n) => updateStore(file, lock, (d) => upsertRole(d, role(n)).data, { timeoutMs: 20_000 })),
    );
    const data = await readStore(file);
    expect(data.roles.map((r) => r.name).sort()).toEqual([...names].sort());
    expect(readdirSync(dir)).toEqual(['store.json']);
  });
  it('loses no update when several processes write at once', async () => {
    const storeModule = fileURLToPath(new URL('../../src/desired/store.ts', import.meta.url));
    const script = (p: number) =>
      `const { putRole } = await import(${JSON.stringify(storeModule)});` +
      `for (let i = 0; i < 5; i++) await putRole(${JSON.stringify(file)}, ${JSON.stringify(lock)}, { name: 'p${p}-' + i, model: 'm' }, { timeoutMs: 20000 });`;
    const procs = [0, 1, 2].map((p) =>
      spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script(p)], {
        stdio: ['ignore', 'ignore', 'inherit'],
      }),
    );
    const local = Array.from({ length: 5 }, (_, i) => putRole(file, lock, role(`local-${i}`), { timeoutMs: 20_000 }));
    const codes = await Promise.all(procs.map(async (c) => (await once(c, 'exit'))[0]));
    await Promise.all(local);
    expect(codes).toEqual([0, 0, 0]);
    expect((await readStore(file)).roles).toHaveLength(20);
    expect(readdirSync(dir)).toEqual(['store.json']);
  });
});

describe('role helpers', () => {
  const base = (): StoreData => emptyStoreData();

  it('starts a new role at generation 1 and keeps the input untouched', () => {
    const data = base();
    const r = upsertRole(data, role('dev'));
    expect(r.changed).toBe(true);
    expect(r.role.generation).toBe(1);
    expect(r.data.roles).toHaveLength(1);
    expect(data.roles).toHaveLength(0);
  });

  it('bumps generation only on a real change', () => {
    const first = upsertRole(base(), role('dev', { skills: ['a'] }));
    const same = upsertRole(first.data, { ...role('dev', { skills: ['a'] }), thinking: true, generation: 99 });
    expect(same.changed).toBe(false);
    expect(same.data).toBe(first.data);
    expect(same.role.generation).toBe(1);
    const changed = upsertRole(same.data, role('dev', { skills: ['a', 'b'] }));
    expect(changed.changed).toBe(true);
    expect(changed.role.generation).toBe(2);
    const again = upsertRole(changed.data, role('dev', { skills: ['a', 'b'] }));
    expect(again.changed).toBe(false);
    expect(again.role.generation).toBe(2);
  });

  it('ignores key order and unset optional fields when comparing', () => {
    const first = upsertRole(base(), { model: 'm', name: 'dev', description: undefined });
    expect(upsertRole(first.data, { name: 'dev', model: 'm' }).changed).toBe(false);
  });

  it('replaces a role in place, keeping the order of the others', () => {
    let data = base();
    for (const n of ['a', 'b', 'c']) data = upsertRole(data, role(n)).data;
    data = upsertRole(data, role('b', { yolo: true })).data;
    expect(data.roles.map((r) => [r.name, r.generation])).toEqual([
      ['a', 1],
      ['b', 2],
      ['c', 1],
    ]);
  });

  it('rejects an invalid spec with an InputError naming the field', () => {
    expect(() => upsertRole(base(), role('../x'))).toThrow(InputError);
    const err = (() => {
      try {
        upsertRole(base(), role('ok', { extra: 1 }));
      } catch (e) {
        return e as InputError;
      }
    })();
    expect(err?.field).toBe('extra');
  });

  it('removes a role and refuses an unknown one', () => {
    const data = upsertRole(upsertRole(base(), role('a')).data, role('b')).data;
    expect(removeRole(data, 'a').roles.map((r) => r.name)).toEqual(['b']);
    expect(data.roles).toHaveLength(2);
    expect(() => removeRole(data, 'nope')).toThrow(RoleNotFoundError);
  });

  it('putRole and deleteRole go through the file', async () => {
    expect(await putRole(file, lock, role('dev'))).toMatchObject({ changed: true, role: { generation: 1 } });
    expect(await putRole(file, lock, role('dev'))).toMatchObject({ changed: false, role: { generation: 1 } });
    expect(await putRole(file, lock, role('dev', { yolo: true }))).toMatchObject({
      changed: true,
      role: { generation: 2 },
    });
    expect((await readStore(file)).roles[0]!.generation).toBe(2);
    await expect(deleteRole(file, lock, 'nope')).rejects.toBeInstanceOf(RoleNotFoundError);
    expect((await deleteRole(file, lock, 'dev')).roles).toEqual([]);
    expect((await readStore(file)).roles).toEqual([]);
  });
});

describe('JSON error positions', () => {
  it('uses "at position N" (Node 20)', () => {
    expect(jsonErrorPosition('Unexpected token in JSON at position 5', 'ab\ncdef')).toEqual({ line: 2, column: 3 });
  });

  it('uses "(line L column C)" when there is no position (Node 22+ style)', () => {
    expect(jsonErrorPosition('Something (line 4 column 7)', 'x')).toEqual({ line: 4, column: 7 });
  });

  it('points after the last token for end of input, ignoring trailing whitespace', () => {
    expect(jsonErrorPosition('Unexpected end of JSON input', '{\n  "a": [\n\n')).toEqual({ line: 2, column: 9 });
  });

  it('locates position-less messages by parsing prefixes', () => {
    const text = '[1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,\n 25 ,]';
    expect(jsonErrorPosition('Unexpected token \']\', ..."25 ,]" is not valid JSON', text)).toEqual({
      line: 2,
      column: 6,
    });
    expect(jsonErrorPosition('weird', '[1]')).toBeUndefined();
  });
});

describe('formatPath', () => {
  it('formats indices, identifiers and other keys', () => {
    expect(formatPath(['roles', 2, 'model'])).toBe('roles[2].model');
    expect(formatPath(['catalog', 'models', 'kimi-code/x', 'provider'])).toBe('catalog.models["kimi-code/x"].provider');
    expect(formatPath([])).toBe('(root)');
  });
});
