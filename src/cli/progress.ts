/** One progress line at the bottom of a terminal's stderr (none when not a TTY): roles done of total, files written. */
import type { Writable } from 'node:stream';

/** Progress of a multi-role sync. */
export class SyncProgress {
  private done = 0;
  private written = 0;
  private shown = false;
  private readonly tty: boolean;

  constructor(
    private readonly stream: Writable,
    private readonly total: number,
  ) {
    this.tty = (stream as Writable & { isTTY?: boolean }).isTTY === true;
  }

  /** A role finished, having written `files` files: its lines are printed above the progress line, which is redrawn. */
  roleDone(files: number, print: () => void): void {
    this.done++;
    this.written += files;
    this.clear();
    print();
    if (!this.tty || this.total < 2) return;
    this.shown = true;
    this.stream.write(`\r\x1b[Ksync: ${this.done}/${this.total} roles, ${this.written} file(s) written`);
  }

  /** Erase the line (at the end). */
  clear(): void {
    if (!this.shown) return;
    this.shown = false;
    this.stream.write('\r\x1b[K');
  }
}
