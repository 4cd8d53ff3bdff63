/** Best-effort filesystem calls: cleanup whose failure leaves nothing worse than before. */

/** Run `fn`, ignoring its error: any error, or only one with the errno `code` (any other is thrown). */
export function ignoreErrors(fn: () => void, code?: string): void {
  try {
    fn();
  } catch (err) {
    if (code !== undefined && (err as NodeJS.ErrnoException).code !== code) throw err;
  }
}
