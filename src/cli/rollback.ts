/** `hero-team rollback ROLE [--dry-run] [--keep-role]`: put a role directory back to what it was before hero_team. */
import { InputError } from '../errors.ts';
import { rollbackRole, type RollbackReport } from '../controllers/rollback/run.ts';
import { parseFlags } from './args.ts';
import { EXIT, out, type CliIo, type Command } from './io.ts';

/** Roll back one role; exit 1 when a file had to be skipped or refused. */
export const rollback: Command = async (args, io, config) => {
  const { values, positionals } = parseFlags(args, { 'dry-run': { type: 'boolean' }, 'keep-role': { type: 'boolean' } });
  if (positionals.length !== 1) throw new InputError('ROLE', 'usage: hero-team rollback ROLE [--dry-run] [--keep-role]');
  const dryRun = values['dry-run'] ?? false;
  const report = await rollbackRole(config.paths, positionals[0]!, { dryRun, keepRole: values['keep-role'] });
  if (!report.managed) {
    out(io, `${report.role}: nothing to roll back: ${report.dir} has no hero_team manifest`);
    return EXIT.ok;
  }
  printReport(io, report, dryRun);
  return report.done.some((d) => d.result === 'skipped' && d.action.kind !== 'none') ? EXIT.failed : EXIT.ok;
};

function printReport(io: CliIo, r: RollbackReport, dryRun: boolean): void {
  const verb = (done: string, would: string) => (dryRun ? would : done);
  for (const { action: a, result, detail } of r.done) {
    if (a.kind === 'restore' && result === 'done') out(io, `  ${verb('restored', 'would restore')} ${a.path} (original from backup ${a.from.id})`);
    else if (a.kind === 'delete' && result === 'done') out(io, `  ${verb('deleted', 'would delete')} ${a.path} (created by hero_team, unchanged)`);
    else if (a.kind === 'none') out(io, `  left ${a.path}: ${a.reason}`);
    else if (a.kind === 'refuse') out(io, `  REFUSED ${a.path}: ${a.reason}; not touched`);
    else out(io, `  SKIPPED ${a.path}: ${detail ?? ('reason' in a ? a.reason : '')}`);
  }
  for (const u of r.plan?.unlisted ?? []) out(io, `  note: ${u.path} had an original (backup ${u.id}) but is no longer in the manifest; not touched (hero-team restore ${r.role} ${u.path} --from ${u.id})`);
  if (!dryRun) for (const d of r.removedDirs) out(io, `  removed empty directory ${d || '.'}`);
  const store = r.roleRemoved
    ? verb('removed from the store', 'would be removed from the store')
    : r.declared ? 'kept in the store (the daemon or the next sync converges it again)' : 'not declared in the store';
  out(io, `${r.role}: ${verb('rolled back', 'rollback planned (dry run, nothing changed)')}; role ${store}`);
}
