/** The sweep of a backup's record temps: only what its content proves is a record of this role is settled. */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { sweepBackupTemps } from '../../src/controllers/backup-sweep.ts';

let root: string;
let session: string;
beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'ht-backup-sweep-'));
  session = join(root, 'backend', '20270115T080000Z-000');
  mkdirSync(session, { recursive: true });
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

const TEMP = '.BACKUP.json.hero-tmp-123-0000abcd';
const line = (path: string, md5 = 'a'.repeat(32)) => ({ path, reason: 'modified', md5, at: '2027-01-15T08:00:00Z' });
const record = (role: string, ...files: ReturnType<typeof line>[]) => `${JSON.stringify({ role, files }, null, 2)}\n`;

describe('sweepBackupTemps', () => {
  it('removes an empty record temp, or the start of a record of this role (a crash before its bytes)', () => {
    writeFileSync(join(session, TEMP), '');
    writeFileSync(join(session, '.BACKUP.json.hero-tmp-123-0000abce'), record('backend', line('a')).slice(0, 30));
    expect(sweepBackupTemps(root, 'backend')).toBe(2);
    expect(existsSync(join(session, TEMP))).toBe(false);
  });

  it('removes a record temp that adds nothing to the record in place', () => {
    writeFileSync(join(session, 'a'), 'x');
    writeFileSync(join(session, 'BACKUP.json'), record('backend', line('a')));
    writeFileSync(join(session, TEMP), record('backend', line('a')));
    expect(sweepBackupTemps(root, 'backend')).toBe(1);
    expect(readFileSync(join(session, 'BACKUP.json'), 'utf8')).toBe(record('backend', line('a')));
  });

  it('keeps a fuller record whose copies are not all there, and anything that is not a record of this role', () => {
    writeFileSync(join(session, TEMP), record('backend', line('missing-copy')));
    writeFileSync(join(session, '.BACKUP.json.hero-tmp-123-0000abce'), record('frontend', line('a')));
    writeFileSync(join(session, '.BACKUP.json.hero-tmp-123-0000abcf'), 'a file of the same name\n');
    expect(sweepBackupTemps(root, 'backend')).toBe(0);
    expect(existsSync(join(session, TEMP))).toBe(true);
  });

  it('never touches a backed-up file that has the name of a temp (the record names it)', () => {
    writeFileSync(join(session, 'BACKUP.json'), record('backend', line(TEMP)));
    writeFileSync(join(session, TEMP), '');
    expect(sweepBackupTemps(root, 'backend')).toBe(0);
    expect(existsSync(join(session, TEMP))).toBe(true);
  });
});
