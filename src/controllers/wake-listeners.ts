/** Those told of every role wake (the dashboard): a change was seen, and the role's reconcile follows. */

/** A set of wake listeners; one failing never stops the others, nor the wake. */
export class WakeListeners {
  private readonly listeners = new Set<(role: string) => void>();

  /** Call `listener` with each woken role's name; returns the function that stops listening. */
  add(listener: (role: string) => void): () => void {
    this.listeners.add(listener);
    return () => void this.listeners.delete(listener);
  }

  /** Tell every listener that `role` was woken. */
  notify(role: string): void {
    for (const listener of this.listeners) {
      try {
        listener(role);
      } catch {
        // a failing listener (a closed dashboard stream) must not stop the wake
      }
    }
  }
}
