/** `hero-team run ROLE [--print] [-- KIMI_ARGS...]`: converge the role, then run `kimi` with its files. */
import { spawn } from 'node:child_process';
import { accessSync, constants, statSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { systemClock } from '../clock.ts';
import { statePaths } from '../config.ts';
import { type ReconcileOutcome, reconcileRole } from '../controllers/reconcile.ts';
import { shellQuote } from '../controllers/render/hooks.ts';
import { launchKeyEnv } from '../controllers/render/targets/launch.ts';
import { Sources } from '../controllers/sources.ts';
import { effectiveCatalog } from '../desired/catalog-defaults.ts';
import { resolveTarget } from '../desired/kimi-target.ts';
import { ROLE_NAME_RE } from '../desired/schema.ts';
import { errorMessage, InputError, RoleNotFoundError } from '../errors.ts';
import { createLogger } from '../log.ts';
import { readProviderSecrets } from '../observed/secrets.ts';
import { defineCommand } from './command.ts';
import { type CliIo, EXIT, out } from './io.ts';
import { launchFor } from './store-access.ts';

/** Launch Kimi as the role; resolves to kimi's exit code. */
export const run = defineCommand({
  name: 'run',
  summary: 'converge a role, then run kimi with its files',
  usage: 'ROLE [--print] [-- KIMI_ARGS...]',
  description:
    'Kimi\'s own arguments go after "--". Exits with kimi\'s exit code; a role that cannot be converged is not launched.',
  options: { print: { type: 'boolean', description: 'print the command instead of running it (changes nothing)' } },
  positionals: { min: 1, max: 10_000 },
  examples: ['run review', 'run review -- -p "review the last commit"', 'run review --print'],
  run: async ({ values, positionals, io, config }) => {
    const [name, ...passThrough] = positionals as [string, ...string[]];
    if (!ROLE_NAME_RE.test(name)) throw new InputError('ROLE', `invalid role name "${name}"`);
    const sources = new Sources(config.paths);
    await sources.loadAll();
    if (!sources.store) throw new InputError('store', sources.storeError ?? 'no valid store');
    const role = sources.store.roles.find((r) => r.name === name);
    if (!role) throw new RoleNotFoundError(name);
    // Kimi Code: the role directory is its home (KIMI_CODE_HOME); named keys come from here (environment, secrets.env).
    const launch = launchFor(config.paths.rolesDir, name, role.preset, sources.store, io.env);
    const argv = [...launch.argv.slice(1), ...passThrough];
    const catalog = effectiveCatalog(sources.store.catalog);
    const secrets = await readProviderSecrets(statePaths(config.paths.home).secrets, io.env, catalog);
    const kimiEnv: NodeJS.ProcessEnv = {
      ...io.env,
      ...launchKeyEnv(resolveTarget(sources.store.settings, io.env).keys, role, catalog, secrets),
      ...launch.env,
    };
    for (const variable of launch.unset) delete kimiEnv[variable];
    const shown = [
      ...launch.unset.flatMap((v) => ['-u', v]),
      ...Object.entries(launch.env).map(([k, v]) => `${k}=${v}`),
    ];
    const line = [...(shown.length ? ['env', ...shown] : []), 'kimi', ...argv].map(shellQuote).join(' ');
    const kimi = findOnPath('kimi', io.env.PATH);
    if (values.print) {
      out(io, line);
      return EXIT.ok;
    }
    if (!kimi) {
      io.stderr.write(
        `hero-team: "kimi" is not on PATH; install Kimi Code CLI (https://github.com/MoonshotAI/kimi-cli) or add it to PATH. The launch line is:\n  ${line}\n`,
      );
      return EXIT.failed;
    }
    // Converge first: Kimi must start from the role's current files, never half-written or stale ones.
    const log = createLogger(config.logLevel === 'info' ? 'warn' : config.logLevel);
    let outcome: ReconcileOutcome;
    try {
      outcome = await reconcileRole(
        name,
        sources.reconcileDeps({ paths: config.paths, env: io.env, clock: systemClock, log }),
      );
    } catch (err) {
      io.stderr.write(
        `hero-team: cannot launch role "${name}": it could not be converged: ${errorMessage(err)}\n  fix it, then check with "hero-team sync ${name}"\n`,
      );
      return EXIT.failed;
    }
    if (outcome.result?.written || outcome.result?.deleted)
      io.stderr.write(
        `hero-team: role "${name}" converged (${outcome.result.written} written, ${outcome.result.deleted} deleted)\n`,
      );
    for (const m of outcome.desired?.missingRequiredSecrets ?? [])
      io.stderr.write(`hero-team: warning: ${m} is not set: the role's model cannot authenticate\n`);
    return execKimi(kimi, argv, io, kimiEnv);
  },
});

/** The first executable `name` in PATH, or undefined. */
export function findOnPath(name: string, path: string | undefined): string | undefined {
  for (const dir of (path ?? '').split(delimiter)) {
    if (!dir) continue;
    const candidate = join(dir, name);
    try {
      if (!statSync(candidate).isFile()) continue;
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not here
    }
  }
  return undefined;
}

/** Run kimi in the foreground with the terminal (or the caller's streams); Ctrl-C reaches kimi, not us. */
function execKimi(kimi: string, argv: string[], io: CliIo, env: NodeJS.ProcessEnv): Promise<number> {
  const inherit = io.stdout === process.stdout;
  const child = spawn(kimi, argv, { env, stdio: inherit ? 'inherit' : ['ignore', 'pipe', 'pipe'] });
  if (!inherit) {
    child.stdout!.pipe(io.stdout, { end: false });
    child.stderr!.pipe(io.stderr, { end: false });
  }
  const ignore = () => {};
  process.on('SIGINT', ignore);
  return new Promise((resolve) => {
    child.on('error', (err) => {
      io.stderr.write(`hero-team: could not start ${kimi}: ${err.message}\n`);
      resolve(EXIT.failed);
    });
    child.on('close', (code, signal) => {
      process.off('SIGINT', ignore);
      resolve(code ?? (signal ? 128 + (signalNumber(signal) ?? 1) : EXIT.failed));
    });
  });
}

function signalNumber(signal: NodeJS.Signals): number | undefined {
  return ({ SIGHUP: 1, SIGINT: 2, SIGQUIT: 3, SIGKILL: 9, SIGTERM: 15 } as Record<string, number>)[signal];
}
