/** `hero-team backups [ROLE] [--json]`: every backup hero_team made, with what it holds and why. */
import { readdirSync } from 'node:fs';
import { statePaths } from '../config.ts';
import { ROLE_NAME_RE } from '../desired/schema.ts';
import { InputError } from '../errors.ts';
import { originalBackups, protectedBackups, readBackupIndex, type BackupEntry } from '../observed/backup-index.ts';
import { parseFlags } from './args.ts';
import { EXIT, out, type Command } from './io.ts';
import { printTable } from './table.ts';

/** One listed backup: the entry plus whether it is a path's original (what rollback restores) or a first backup (never pruned). */
export interface ListedBackup extends BackupEntry {
  original: boolean;
  protected: boolean;
}

/** List backups of one role or of every role. */
export const backups: Command = async (args, io, config) => {
  const { values, positionals } = parseFlags(args, { json: { type: 'boolean' } });
  if (positionals.length > 1) throw new InputError('ROLE', 'usage: hero-team backups [ROLE] [--json]');
  const root = statePaths(config.paths.home).backups;
  const role = positionals[0];
  if (role !== undefined && !ROLE_NAME_RE.test(role)) throw new InputError('ROLE', `invalid role name "${role}"`);
  const roles = role ? [role] : roleDirs(root);
  const listed: ListedBackup[] = [];
  const ignored: string[] = [];
  for (const r of roles) {
    const index = readBackupIndex(root, r);
    const originals = new Set(originalBackups(index.entries).values());
    const kept = protectedBackups(index.entries);
    listed.push(...index.entries.map((e) => ({ ...e, original: originals.has(e), protected: kept.has(e) })));
    ignored.push(...index.ignored.map((id) => `${root}/${r}/${id}`));
  }
  if (values.json) {
    out(io, JSON.stringify({ backups: listed, ignored }, null, 2));
    return EXIT.ok;
  }
  if (!listed.length) out(io, role ? `no backups of role "${role}" in ${root}` : `no backups in ${root}`);
  else {
    const rows = [['ROLE', 'ID', 'TIME', 'PATH', 'REASON', 'SIZE', 'MD5', 'GEN', '']];
    for (const b of listed) {
      const note = b.original ? 'original' : b.protected ? 'first' : '';
      rows.push([b.role, b.id, b.at, b.path, b.reason, b.size === undefined ? 'missing' : String(b.size), b.md5, b.generation === undefined ? '-' : String(b.generation), note]);
    }
    printTable(io, rows);
    out(io);
    out(io, 'original: the file as it was before hero_team wrote there (what "rollback" restores); first: the first backup of the path.');
    out(io, 'Both are never removed by the retention rule. Put one file back with: hero-team restore ROLE PATH --from ID');
  }
  for (const dir of ignored) io.stderr.write(`hero-team: note: ${dir} is not a hero_team backup (no valid BACKUP.json); ignored\n`);
  return EXIT.ok;
};

function roleDirs(root: string): string[] {
  try {
    return readdirSync(root, { withFileTypes: true }).filter((d) => d.isDirectory() && ROLE_NAME_RE.test(d.name)).map((d) => d.name).sort();
  } catch {
    return [];
  }
}
