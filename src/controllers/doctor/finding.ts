/** One doctor finding: how bad, what and where, and how to fix it. */

/** error: something is broken (doctor exits 1); warning: works, but not as intended; info: worth knowing. */
export type Severity = 'error' | 'warning' | 'info';

/** A problem doctor found. */
export interface Finding {
  severity: Severity;
  /** Stable id of the check, e.g. `role.config-toml`. */
  check: string;
  /** What is wrong, naming the file. */
  message: string;
  /** Absolute path of the file or directory concerned, when there is one. */
  file?: string;
  role?: string;
  /** What to do about it. */
  fix: string;
}

/** Collects findings in order. */
export class Findings {
  readonly list: Finding[] = [];

  /** Record a finding. */
  add(
    severity: Severity,
    check: string,
    message: string,
    fix: string,
    where: { file?: string; role?: string } = {},
  ): void {
    this.list.push({
      severity,
      check,
      message,
      fix,
      ...(where.file ? { file: where.file } : {}),
      ...(where.role ? { role: where.role } : {}),
    });
  }
}
