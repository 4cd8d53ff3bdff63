/** `hero-team rollback ROLE [--dry-run] [--keep-role]`: put a role directory back to what it was before hero_team. */

import { type RollbackReport, rollbackRole } from '../controllers/rollback/run.ts';
import { defineCommand } from './command.ts';
import { type CliIo, EXIT, out } from './io.ts';

/** Roll back one role; exit 1 when a file had to be skipped or refused. */
export const rollback = defineCommand({
  name: 'rollback',
  summary: 'put a role dir back as it was before hero_team, and remove the role',
  usage: 'ROLE [--dry-run] [--keep-role]',
  description: [
    "Restores each file's original (its first backup from before hero_team wrote there, not the newest), deletes",
    'the files hero_team created if they are still as written, skips and reports files changed since, removes the',
    'directories left empty, and never touches a file the manifest does not list. Then the role leaves the store,',
    'so neither the daemon nor a sync writes it again (unless --keep-role). Exit 1 when a file was skipped.',
  ].join('\n'),
  options: {
    'dry-run': { type: 'boolean', description: 'say what would happen; change nothing' },
    'keep-role': { type: 'boolean', description: 'keep the role in the store (the daemon converges it again)' },
  },
  positionals: { min: 1, max: 1 },
  examples: ['rollback backend --dry-run', 'rollback backend'],
  async run({ values, positionals, io, config }) {
    const dryRun = values['dry-run'] ?? false;
    const report = await rollbackRole(config.paths, positionals[0]!, { dryRun, keepRole: values['keep-role'] });
    if (!report.managed) {
      out(io, `${report.role}: nothing to roll back: ${report.dir} has no hero_team manifest`);
      return EXIT.ok;
    }
    printReport(io, report, dryRun);
    return report.done.some((d) => d.result === 'skipped' && d.action.kind !== 'none') ? EXIT.failed : EXIT.ok;
  },
});

function printReport(io: CliIo, r: RollbackReport, dryRun: boolean): void {
  const verb = (done: string, would: string) => (dryRun ? would : done);
  for (const { action: a, result, detail } of r.done) {
    if (a.kind === 'restore' && result === 'done')
      out(io, `  ${verb('restored', 'would restore')} ${a.path} (original from backup ${a.from.id})`);
    else if (a.kind === 'delete' && result === 'done')
      out(io, `  ${verb('deleted', 'would delete')} ${a.path} (created by hero_team, unchanged)`);
    else if (a.kind === 'none') out(io, `  left ${a.path}: ${a.reason}`);
    else if (a.kind === 'refuse') out(io, `  REFUSED ${a.path}: ${a.reason}; not touched`);
    else out(io, `  SKIPPED ${a.path}: ${detail ?? ('reason' in a ? a.reason : '')}`);
  }
  for (const u of r.plan?.unlisted ?? [])
    out(
      io,
      `  note: ${u.path} had an original (backup ${u.id}) but is no longer in the manifest; not touched (hero-team restore ${r.role} ${u.path} --from ${u.id})`,
    );
  if (!dryRun) for (const d of r.removedDirs) out(io, `  removed empty directory ${d || '.'}`);
  const store = r.roleRemoved
    ? verb('removed from the store', 'would be removed from the store')
    : r.declared
      ? 'kept in the store (the daemon or the next sync converges it again)'
      : 'not declared in the store';
  out(io, `${r.role}: ${verb('rolled back', 'rollback planned (dry run, nothing changed)')}; role ${store}`);
}
