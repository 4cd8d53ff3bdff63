/** One redrawn progress line on a terminal's stderr (nothing when stderr is not a TTY): roles done of total, files written. */
import type { Writable } from 'node:stream';

/** Minimum time between two redraws. */
const REDRAW_MS = 200;

/** Progress of a multi-role sync. */
export class SyncProgress {
  private done = 0;
  private written = 0;
  private drawnAt = -Infinity;
  private shown = false;
  private readonly tty: boolean;

  constructor(private readonly stream: Writable, private readonly total: number, private readonly now: () => number = () => performance.now()) {
    this.tty = (stream as Writable & { isTTY?: boolean }).isTTY === true;
  }

  /** A role finished, having written `files` files. */
  roleDone(files: number): void {
    this.done++;
    this.written += files;
    if (!this.tty || this.total < 2) return;
    const t = this.now();
    if (t - this.drawnAt < REDRAW_MS && this.done < this.total) return;
    this.drawnAt = t;
    this.shown = true;
    this.stream.write(`\r\x1b[Ksync: ${this.done}/${this.total} roles, ${this.written} file(s) written`);
  }

  /** Erase the line (before other output, and at the end). */
  clear(): void {
    if (!this.shown) return;
    this.shown = false;
    this.stream.write('\r\x1b[K');
  }
}
