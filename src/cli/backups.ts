/** `hero-team backups [ROLE] [--json]`: every backup hero_team made, with what it holds and why. */

import { readdirSync } from 'node:fs';
import { statePaths } from '../config.ts';
import { ROLE_NAME_RE } from '../desired/schema.ts';
import { InputError } from '../errors.ts';
import { type BackupEntry, originalBackups, protectedBackups, readBackupIndex } from '../observed/backup-index.ts';
import { defineCommand } from './command.ts';
import { EXIT, out } from './io.ts';
import { tableLines } from './table.ts';

/**
 * One listed backup: the entry, and whether it is a path's original (what rollback restores) or a first backup
 * (never pruned).
 */
export interface ListedBackup extends BackupEntry {
  original: boolean;
  protected: boolean;
}

/** List backups of one role or of every role. */
export const backups = defineCommand({
  name: 'backups',
  summary: 'every backup hero_team made: time, path, reason, size, md5, generation',
  usage: '[ROLE] [--json]',
  description: [
    'Backups live in $HERO_TEAM_HOME/backups/<role>/<ID>/. "original" marks the file as it was before hero_team',
    'wrote there (what rollback restores); "first" the first backup of a path. Neither is ever removed by the',
    'retention rule (HERO_TEAM_BACKUP_KEEP newest per role, default 100, and HERO_TEAM_BACKUP_MAX_AGE_DAYS,',
    'default 90: a backup goes only when it is outside both).',
  ].join('\n'),
  options: { json: { type: 'boolean', description: 'print the backups as JSON' } },
  positionals: { min: 0, max: 1 },
  examples: ['backups', 'backups backend --json'],
  async run({ values, positionals, io, config }) {
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
        rows.push([
          b.role,
          b.id,
          b.at,
          b.path,
          b.reason,
          b.size === undefined ? 'missing' : String(b.size),
          b.md5,
          b.generation === undefined ? '-' : String(b.generation),
          note,
        ]);
      }
      for (const line of tableLines(rows)) out(io, line);
      out(io);
      out(
        io,
        'original: the file as it was before hero_team wrote there (what "rollback" restores); first: the first backup of the path.',
      );
      out(
        io,
        'Both are never removed by the retention rule. Put one file back with: hero-team restore ROLE PATH --from ID',
      );
    }
    for (const dir of ignored)
      io.stderr.write(`hero-team: note: ${dir} is not a hero_team backup (no valid BACKUP.json); ignored\n`);
    return EXIT.ok;
  },
});

function roleDirs(root: string): string[] {
  try {
    return readdirSync(root, { withFileTypes: true })
      .filter((d) => d.isDirectory() && ROLE_NAME_RE.test(d.name))
      .map((d) => d.name)
      .sort();
  } catch {
    return [];
  }
}
