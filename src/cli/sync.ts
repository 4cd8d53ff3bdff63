/** `hero-team sync [ROLE...] [--dry-run]`: converge once and exit (0 when every role converged). */
import PQueue from 'p-queue';
import { systemClock } from '../clock.ts';
import type { Config } from '../config.ts';
import { ROLE_NAME_RE } from '../desired/schema.ts';
import { InputError, InvalidSpecError, errorMessage } from '../errors.ts';
import { createLogger } from '../log.ts';
import { listManagedRoleDirs } from '../observed/role-dir.ts';
import type { Plan } from '../controllers/plan.ts';
import { reconcileRole, type ReconcileOutcome } from '../controllers/reconcile.ts';
import { SyncBarrier } from '../controllers/durability.ts';
import { Sources } from '../controllers/sources.ts';
import { outcomeWarnings } from '../controllers/status-book.ts';
import { EXIT, out, type CliIo, type Command } from './io.ts';
import { parseFlags } from './args.ts';

/** Converge the named roles (default: every declared role and every managed directory). */
export const sync: Command = async (args, io, config) => {
  const { values, positionals } = parseFlags(args, { 'dry-run': { type: 'boolean' } });
  const sources = new Sources(config.paths);
  await sources.loadAll();
  if (!sources.store) {
    io.stderr.write(`hero-team: ${sources.storeError}\n`);
    return EXIT.usage;
  }
  if (sources.servicesError) io.stderr.write(`hero-team: warning: ${sources.servicesError} (no MCP services used)\n`);
  const bad = positionals.filter((n) => !ROLE_NAME_RE.test(n));
  if (bad.length) throw new InputError('ROLE', `invalid role name(s): ${bad.map((n) => `"${n}"`).join(', ')}`);
  const names = positionals.length ? positionals : await allRoleNames(config, sources);
  // Only warnings and errors on stderr: the per-role summary lines are the output.
  const log = createLogger(config.logLevel === 'info' ? 'warn' : config.logLevel);
  const barrier = new SyncBarrier();
  const deps = sources.reconcileDeps({ paths: config.paths, env: io.env, clock: systemClock, log, barrier });
  const queue = new PQueue({ concurrency: config.tuning.concurrency });
  let failures = 0;
  let unknown = 0;
  await Promise.all(
    names.map((name) =>
      queue.add(async () => {
        try {
          const outcome = await reconcileRole(name, deps, { dryRun: values['dry-run'], sweepTemps: true });
          if (outcome.kind === 'absent' && positionals.length) unknown++;
          report(io, outcome, values['dry-run'] ?? false, positionals.length > 0);
        } catch (err) {
          failures++;
          out(io, `${name}: ${err instanceof InvalidSpecError ? 'STALLED' : 'FAILED'}: ${errorMessage(err)}`);
        }
      }),
    ),
  );
  barrier.close();
  await sources.saveDigests().catch((err) => io.stderr.write(`hero-team: warning: digest cache not saved: ${errorMessage(err)}\n`));
  return failures ? EXIT.failed : unknown ? EXIT.usage : EXIT.ok;
};

async function allRoleNames(config: Config, sources: Sources): Promise<string[]> {
  const declared = sources.store!.roles.map((r) => r.name);
  return [...new Set([...declared, ...(await listManagedRoleDirs(config.paths.rolesDir))])].sort();
}

function report(io: CliIo, o: ReconcileOutcome, dryRun: boolean, named: boolean): void {
  if (o.kind === 'absent') {
    return out(io, named ? `${o.role}: no such role and no managed directory` : `${o.role}: left alone (not declared, and its manifest belongs to another role)`);
  }
  const r = o.result;
  const summary = dryRun
    ? `would write ${o.plan!.writes.length}, delete ${o.plan!.deletes.length}, back up ${countBackups(o.plan!)}`
    : `written ${r!.written}, deleted ${r!.deleted}, backups ${r!.backups}${r!.backupDir ? ` (${r!.backupDir})` : ''}`;
  out(io, `${o.role}: ${o.kind === 'deleted' ? 'deleted' : 'converged'}; ${summary}; unchanged ${o.plan!.unchanged}`);
  if (dryRun) for (const line of planLines(o.plan!)) out(io, `  ${line}`);
  for (const w of outcomeWarnings(o)) out(io, `  warning: ${w}`);
  for (const m of o.desired?.missingRequiredSecrets ?? []) out(io, `  warning: ${m} is not set: the role's model cannot authenticate (the key renders as "")`);
  const optional = (o.desired?.missingSecrets ?? []).filter((m) => !o.desired?.missingRequiredSecrets.includes(m));
  if (optional.length) out(io, `  note: unset keys of other providers (render as ""): ${optional.join(', ')}`);
}

function countBackups(plan: Plan): number {
  return [...plan.writes, ...plan.deletes].filter((a) => a.backup).length;
}

/** One line per planned action, for --dry-run. */
export function planLines(plan: Plan): string[] {
  return [
    ...plan.writes.map((w) => `${w.backup ? 'backup+' : ''}${w.reason} ${w.file.path}`),
    ...plan.deletes.map((d) => `${d.backup ? 'backup+' : ''}delete ${d.path}`),
  ];
}
