import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Low } from 'lowdb';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { emptyStoreData, type StoreData } from '../../src/desired/schema.ts';
import { upsertRole } from '../../src/desired/store.ts';
import { StoreFile, serializeStore } from '../../src/desired/store-file.ts';
import { StoreError } from '../../src/errors.ts';

let dir: string;
let file: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'ht-'));
  file = join(dir, 'state', 'store.json');
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const open = () => new Low<StoreData>(new StoreFile(file), emptyStoreData());

describe('StoreFile (lowdb adapter)', () => {
  it('gives the defaults for a missing file, then writes canonical bytes with mode 0600 and no temp left', async () => {
    const db = open();
    await db.read();
    expect(db.data).toEqual(emptyStoreData());
    db.data = upsertRole(db.data, { name: 'dev', model: 'kimi-code/kimi-for-coding' }).data;
    await db.write();
    const fresh = open();
    await fresh.read();
    expect(fresh.data.roles.map((r) => r.name)).toEqual(['dev']);
    expect(readFileSync(file, 'utf8')).toBe(serializeStore(fresh.data));
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(readdirSync(join(dir, 'state'))).toEqual(['store.json']);
  });

  it('does not rewrite bytes equal to those it read', async () => {
    await open().write();
    const before = statSync(file).ino;
    const again = open();
    await again.read();
    await again.write();
    expect(statSync(file).ino).toBe(before);
  });

  it('rejects a corrupt file with file:line:column and leaves it as it was', async () => {
    const db = open();
    await db.write();
    const bad = '{\n  "version": 1,\n  "roles": [,]\n}\n';
    writeFileSync(file, bad);
    const fresh = open();
    const err = await fresh.read().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StoreError);
    expect((err as StoreError).position).toEqual({ line: 3, column: 13 });
    expect(readFileSync(file, 'utf8')).toBe(bad);
  });
});
