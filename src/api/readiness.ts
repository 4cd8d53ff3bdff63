/** Readiness of the daemon: not ready until the first full convergence has finished and the watchers are set. */

/** Readiness state with the reason while not ready. */
export class Readiness {
  private reason: string | undefined = 'starting: loading the store, the registry and setting the watchers';

  /** Whether the daemon is ready, and why not. */
  get(): { ready: boolean; reason?: string } {
    return this.reason === undefined ? { ready: true } : { ready: false, reason: this.reason };
  }

  /** Still not ready, for a new reason. */
  waiting(reason: string): void {
    this.reason = reason;
  }

  /** Ready from now on. */
  ready(): void {
    this.reason = undefined;
  }
}
