/** Doctor checks of what the role asks for: rendered in a dry run, its references looked up, its plan read. */
import { join } from 'node:path';
import { statePaths } from '../../config.ts';
import { errorMessage, InvalidSpecError } from '../../errors.ts';
import type { DesiredRole } from '../artifacts.ts';
import { type ReconcileDeps, type ReconcileOutcome, reconcileRole } from '../reconcile.ts';
import type { Findings } from './finding.ts';
import { checkPending } from './pending-checks.ts';

/** What a sync would do, the whitelist against the registry and catalog, and the keys the role's model needs. */
export async function checkDesired(name: string, dir: string, deps: ReconcileDeps, f: Findings): Promise<void> {
  let outcome: ReconcileOutcome;
  try {
    outcome = await reconcileRole(name, deps, { dryRun: true });
  } catch (err) {
    if (!(err instanceof InvalidSpecError)) throw err;
    return f.add(
      'error',
      'role.spec-invalid',
      `role "${name}" cannot be rendered: ${errorMessage(err)}`,
      `fix it with "hero-team role set ${name} ..." (e.g. --model with a model of "hero-team model list")`,
      { role: name, file: statePaths(deps.paths.home).store },
    );
  }
  if (outcome.desired) checkReferences(name, outcome.desired, deps, f);
  if (outcome.plan) checkPending(name, dir, outcome.plan, f);
}

/** The skills, services and keys the rendered role names but cannot have. */
function checkReferences(name: string, d: DesiredRole, deps: ReconcileDeps, f: Findings): void {
  const { store, services, secrets } = statePaths(deps.paths.home);
  const at = { role: name };
  for (const s of d.missingSkills)
    f.add(
      'error',
      'role.skill-missing',
      `role "${name}" whitelists skill "${s}", which is not in the registry ${deps.paths.skillsDir}`,
      `add it to the registry or "hero-team role set ${name} --skills ..." without it`,
      { ...at, file: store },
    );
  for (const s of d.invalidSkills)
    f.add(
      'warning',
      'role.skill-invalid',
      `role "${name}" whitelists skill "${s}", which is invalid in the registry: its last good copy is kept`,
      'fix the skill in the registry',
      { ...at, file: join(deps.paths.skillsDir, s) },
    );
  for (const s of d.missingServices)
    f.add(
      'warning',
      'role.service-missing',
      `role "${name}" whitelists MCP service "${s}", which the services catalog does not list`,
      'add it to services.json or remove it from the role',
      { ...at, file: services },
    );
  for (const v of d.missingRequiredSecrets)
    f.add(
      'error',
      'role.secret-missing',
      `${v} is not set: role "${name}"'s model cannot authenticate (the key renders as "")`,
      `export ${v}=... for the daemon, or add it to ${secrets} (mode 0600)`,
      { ...at, file: secrets },
    );
}
