/** A role's problems logged once per change, not once per reconcile: a resync every 10 minutes repeats nothing. */
import type { Logger } from '../log.ts';
import type { ReconcileOutcome } from './reconcile.ts';
import { outcomeWarnings } from './status-book.ts';

/** The problems a person should hear about for a converged role (pure): warnings of the outcome, missing keys. */
export function outcomeProblems(o: ReconcileOutcome): string[] {
  if (o.kind !== 'converged') return [];
  const keys = (o.desired?.missingRequiredSecrets ?? []).map(
    (k) => `${k} is not set: the role's model cannot authenticate`,
  );
  return [...outcomeWarnings(o), ...keys];
}

/** Remembers what was last logged per role; logs at info what appeared and what was resolved. */
export class ProblemLog {
  private readonly last = new Map<string, ReadonlySet<string>>();

  constructor(private readonly log: Logger) {}

  /** The role's current problems (an empty list when it has none, or is gone). */
  report(role: string, problems: readonly string[]): void {
    const before = this.last.get(role) ?? new Set<string>();
    const now = new Set(problems);
    for (const p of now) if (!before.has(p)) this.log.info({ role }, p);
    for (const p of before) if (!now.has(p)) this.log.info({ role }, `resolved: ${p}`);
    if (now.size) this.last.set(role, now);
    else this.last.delete(role);
  }
}
