/** What `hero-team doctor --json` reports per finding, as the doctor tests read it. */
export interface Finding {
  severity: string;
  check: string;
  file?: string;
  role?: string;
  message: string;
  fix: string;
}
