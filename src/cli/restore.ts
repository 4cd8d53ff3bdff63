/** `hero-team restore ROLE PATH [--from ID] [--dry-run]`: put one backed-up file back. */

import { isAbsolute, relative, resolve } from 'node:path';
import { systemClock } from '../clock.ts';
import { restoreFile } from '../controllers/restore.ts';
import { InputError } from '../errors.ts';
import { defineCommand } from './command.ts';
import { EXIT, out } from './io.ts';
import { loadStoreFor } from './store-access.ts';

/** Restore one file from a backup (default: the newest backup of that path). */
export const restore = defineCommand({
  name: 'restore',
  summary: 'put one file back from a backup (default: its newest)',
  usage: 'ROLE PATH [--from ID] [--dry-run]',
  description: [
    'PATH is relative to the role directory (an absolute path inside it works too). The file now there is backed',
    'up first unless hero_team wrote it. Under drift policy "revert" the daemon reverts the restored file: switch',
    'the role to "report" (role set ROLE --drift report) to keep it.',
  ].join('\n'),
  options: {
    from: { type: 'string', value: 'ID', description: 'the backup to use (an ID from "hero-team backups ROLE")' },
    'dry-run': { type: 'boolean', description: 'say what would happen; change nothing' },
  },
  positionals: { min: 2, max: 2 },
  examples: ['restore backend config.toml', 'restore backend config.toml --from 20261202T101500.000Z-000 --dry-run'],
  async run({ values, positionals, io, config }) {
    const [role, given] = positionals as [string, string];
    const dir = resolve(config.paths.rolesDir, role);
    // PATH is role-relative; an absolute path inside the role directory is accepted too.
    const rel = isAbsolute(given) ? relative(dir, given) : given;
    if (!rel || rel.startsWith('..') || isAbsolute(rel)) throw new InputError('PATH', `${given} is not inside ${dir}`);
    const spec = await loadStoreFor(config)
      .then((s) => s.roles.find((r) => r.name === role))
      .catch(() => undefined);
    const dryRun = values['dry-run'] ?? false;
    const r = await restoreFile(config.paths, systemClock, role, rel, {
      from: values.from,
      dryRun,
      generation: spec?.generation,
    });
    const source = `backup ${r.from.id} (${r.from.reason}, ${r.from.at}, md5 ${r.from.md5})`;
    if (r.action === 'unchanged') {
      out(io, `${role}: ${rel} already holds ${source}; nothing to do`);
      return EXIT.ok;
    }
    const first = r.backupOfCurrent ? `back up the current file (${r.backupOfCurrent}), then ` : '';
    if (dryRun) out(io, `${role}: would ${first}restore ${rel} from ${source}`);
    else
      out(
        io,
        `${role}: restored ${rel} from ${source}${r.backupDir ? `; the file it replaced is backed up in ${r.backupDir}` : ''}`,
      );
    if (spec?.driftPolicy === 'revert') {
      out(
        io,
        `  warning: role "${role}" has drift policy "revert": the daemon (or the next sync) backs this file up and reverts it to the generated one.`,
      );
      out(
        io,
        `  To keep it, switch the role to report ("hero-team role set ${role} --drift report") or change the role so it generates what you want.`,
      );
    }
    return EXIT.ok;
  },
});
