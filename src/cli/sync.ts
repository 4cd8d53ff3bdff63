/** `hero-team sync [ROLE...] [--dry-run]`: converge once and exit (0 when every role converged). */
import PQueue from 'p-queue';
import { systemClock } from '../clock.ts';
import type { Config } from '../config.ts';
import { statePaths } from '../config.ts';
import type { Plan } from '../controllers/plan.ts';
import { type ReconcileOutcome, reconcileRole } from '../controllers/reconcile.ts';
import type { Sources } from '../controllers/sources.ts';
import { outcomeWarnings } from '../controllers/status-book.ts';
import { errorMessage, InputError, InvalidSpecError } from '../errors.ts';
import { StagingMemory } from '../fs/staged-dir.ts';
import { SyncBarrier } from '../fs/syncfs.ts';
import { createCliLogger } from '../log.ts';
import { listManagedRoleDirs } from '../observed/role-dir.ts';
import { secretsFileWarning } from '../observed/secrets.ts';
import { defineCommand } from './command.ts';
import { type CliIo, EXIT, out } from './io.ts';
import { SyncProgress } from './progress.ts';
import { checkRoleNames, loadSources } from './role-args.ts';

/** Converge the named roles (default: every declared role and every managed directory). */
export const sync = defineCommand({
  name: 'sync',
  summary: 'converge once and exit (0 when converged)',
  usage: '[ROLE...] [--dry-run]',
  description: [
    'Without ROLE: every declared role, and every managed directory of a removed role (its files are pruned).',
    'Exit 0 when every role converged; 1 when one failed, is stalled, or has files not written (conflicts);',
    '2 on bad input (every ROLE is checked before anything is written). Progress is shown on a terminal.',
  ].join('\n'),
  options: {
    'dry-run': { type: 'boolean', description: 'print what would change; write nothing' },
    'prune-vanished': {
      type: 'boolean',
      description: "prune skills that vanished from the registry even when most of a role's skills vanished at once",
    },
  },
  positionals: { min: 0, max: Infinity },
  examples: ['sync', 'sync backend frontend', 'sync --dry-run'],
  async run({ values, positionals, io, config }) {
    checkRoleNames(positionals);
    const sources = await loadSources(config, io);
    if (!sources) return EXIT.usage;
    if (sources.servicesError) io.stderr.write(`hero-team: warning: ${sources.servicesError}\n`);
    const exposed = secretsFileWarning(statePaths(config.paths.home).secrets);
    if (exposed) io.stderr.write(`hero-team: warning: ${exposed}\n`);
    const names = positionals.length
      ? await checkNamed(config, sources, positionals)
      : await allRoleNames(config, sources);
    const code = await syncRoles(
      names,
      values['dry-run'] ?? false,
      sources,
      io,
      config,
      values['prune-vanished'] ?? false,
    );
    return sources.servicesError ? EXIT.failed : code; // an invalid services.json: not converged (held)
  },
});

/** Every named role must be declared or have a managed directory: refused before anything is written. */
async function checkNamed(config: Config, sources: Sources, named: string[]): Promise<string[]> {
  const managed = new Set(await listManagedRoleDirs(config.paths.rolesDir));
  const unknown = named.filter((n) => !managed.has(n) && !sources.store!.roles.some((r) => r.name === n));
  if (unknown.length)
    throw new InputError(
      'ROLE',
      `no such role and no managed directory: ${unknown.map((n) => `"${n}"`).join(', ')}; nothing was written (see "hero-team role list")`,
    );
  return [...new Set(named)];
}

async function syncRoles(
  names: string[],
  dryRun: boolean,
  sources: Sources,
  io: CliIo,
  config: Config,
  pruneVanished: boolean,
): Promise<number> {
  // Warnings and errors as readable lines on stderr: the per-role summary lines are the output.
  const log = createCliLogger(config.logLevel === 'info' ? 'warn' : config.logLevel, io.stderr);
  const barrier = new SyncBarrier();
  const deps = sources.reconcileDeps({
    paths: config.paths,
    env: io.env,
    clock: systemClock,
    log,
    barrier,
    staging: new StagingMemory(),
    retention: config.tuning.retention,
    refreshStore: () => sources.refreshStore(),
  });
  const queue = new PQueue({ concurrency: config.tuning.concurrency });
  const progress = new SyncProgress(io.stderr, names.length);
  let failures = 0;
  await Promise.all(
    names.map((name) =>
      queue.add(async () => {
        let lines: string[];
        let written = 0;
        try {
          const outcome = await reconcileRole(name, deps, { dryRun, sweepTemps: true, pruneVanished });
          const r = report(outcome, dryRun);
          if (!r.converged) failures++;
          lines = r.lines;
          written = outcome.result?.written ?? 0;
        } catch (err) {
          failures++;
          lines = [`${name}: ${err instanceof InvalidSpecError ? 'STALLED' : 'FAILED'}: ${errorMessage(err)}`];
        }
        progress.roleDone(written, () => {
          for (const line of lines) out(io, line);
        });
      }),
    ),
  );
  progress.clear();
  barrier.close();
  return failures ? EXIT.failed : EXIT.ok;
}

async function allRoleNames(config: Config, sources: Sources): Promise<string[]> {
  const declared = sources.store!.roles.map((r) => r.name);
  return [...new Set([...declared, ...(await listManagedRoleDirs(config.paths.rolesDir))])].sort();
}

/** The lines of one role's outcome, and whether it converged (a file kept from being written by a conflict: not). */
function report(o: ReconcileOutcome, dryRun: boolean): { converged: boolean; lines: string[] } {
  if (o.kind === 'absent')
    return {
      converged: true,
      lines: [`${o.role}: left alone (not declared, and its manifest belongs to another role)`],
    };
  const r = o.result;
  const plan = o.plan!;
  const summary = dryRun
    ? `would write ${plan.writes.length}, delete ${plan.deletes.length}, back up ${countBackups(plan)}`
    : `written ${r!.written}, deleted ${r!.deleted}, backups ${r!.backups}${r!.backupDir ? ` (${r!.backupDir})` : ''}`;
  const blocked = plan.drift.filter((d) => d.kind === 'conflict').map((d) => d.path);
  const held = o.holds?.length ?? 0;
  const state = blocked.length
    ? `NOT CONVERGED: ${blocked.length} file(s) not written (a directory or link is in the way)`
    : held
      ? `NOT CONVERGED (held): ${o.holds!.map((h) => h.reason).join(', ')}`
      : o.kind === 'deleted'
        ? 'deleted'
        : 'converged';
  const lines = [`${o.role}: ${state}; ${summary}; unchanged ${plan.unchanged}`];
  if (dryRun) for (const line of planLines(plan)) lines.push(`  ${line}`);
  for (const path of blocked) lines.push(`  not written: ${path}: move what is there aside, then sync again`);
  for (const w of outcomeWarnings(o)) if (!w.startsWith('conflict:')) lines.push(`  warning: ${w}`);
  const keysNamed = o.desired?.keyMode === 'env';
  const effect = keysNamed
    ? 'kimi needs it in its environment at launch (hero-team run passes it from the environment or secrets.env)'
    : 'the key renders as ""';
  for (const m of o.desired?.missingRequiredSecrets ?? [])
    lines.push(`  warning: ${m} is not set: the role's model cannot authenticate (${effect})`);
  const optional = (o.desired?.missingSecrets ?? []).filter((m) => !o.desired?.missingRequiredSecrets.includes(m));
  if (optional.length)
    lines.push(
      `  note: unset keys of other providers (${keysNamed ? 'named in config.toml, not known here' : 'render as ""'}): ${optional.join(', ')}`,
    );
  return { converged: blocked.length === 0 && held === 0, lines };
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
