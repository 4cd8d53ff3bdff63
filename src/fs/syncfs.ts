/**
 * Durability for a batch of new files: one syncfs(2) shared by every concurrent writer, instead of an fsync
 * per file.
 *
 * A cold convergence writes thousands of small files, and an fsync each costs a journal commit each
 * (docs/decisions/003-syncfs-batches.md). syncfs writes back every dirty page of the filesystem and
 * commits the journal once, which makes all of a batch's temp files durable before any of them is renamed
 * into place: the same guarantee as fsync-then-rename, per batch. Writers that arrive while a syncfs runs
 * share the next one (group commit), since their bytes may postdate the running one.
 *
 * Node has no syncfs binding; coreutils' `sync --file-system PATH` is that call. When it cannot run here
 * (no coreutils, an old one without -f), `available()` turns false and apply falls back to per-file fsync.
 */
import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';

/** Runs syncfs on the filesystem holding `path`; rejects when the flush failed. */
export type SyncfsRunner = (path: string) => Promise<void>;

/**
 * The real runner: a small shell that runs coreutils' `sync -f PATH` for each path written to its stdin and
 * answers one line per request. Starting a process from this one costs milliseconds of the event loop (fork
 * of a large heap); the shell's forks cost ours nothing. The shell is started on first use and ends when
 * `close()` is called or this process exits.
 */
export class SyncfsCoprocess {
  private child: ChildProcessWithoutNullStreams | undefined;
  private readonly waiting: { resolve: () => void; reject: (err: Error) => void; path: string }[] = [];
  private buffered = '';

  readonly run: SyncfsRunner = (path) =>
    new Promise((resolve, reject) => {
      if (path.includes('\n')) return reject(new Error(`cannot syncfs a path with a newline: ${JSON.stringify(path)}`));
      const child = this.start();
      this.waiting.push({ resolve, reject, path });
      this.setRef(true); // an answer pending keeps this process alive; an idle shell does not
      child.stdin.write(`${path}\n`);
    });

  /** End the shell (pending requests fail). */
  close(): void {
    this.child?.stdin.end();
    this.child = undefined;
  }

  private setRef(on: boolean, child = this.child): void {
    if (!child) return;
    for (const h of [child, child.stdin, child.stdout, child.stderr] as unknown as {
      ref?: () => void;
      unref?: () => void;
    }[]) {
      if (on) h.ref?.();
      else h.unref?.();
    }
  }

  private start(): ChildProcessWithoutNullStreams {
    if (this.child) return this.child;
    const script =
      'while IFS= read -r p; do if out=$(sync -f -- "$p" 2>&1); then echo ok; else echo "fail $out" | tr "\\n" " "; echo; fi; done';
    const child = spawn('sh', ['-c', script], { stdio: ['pipe', 'pipe', 'pipe'] });
    this.child = child;
    this.buffered = '';
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => {
      this.buffered += chunk;
      for (let i; (i = this.buffered.indexOf('\n')) >= 0; ) {
        const line = this.buffered.slice(0, i);
        this.buffered = this.buffered.slice(i + 1);
        const req = this.waiting.shift();
        if (!this.waiting.length) this.setRef(false);
        if (!req) continue;
        if (line === 'ok') req.resolve();
        else
          req.reject(new Error(`sync -f ${req.path} failed: ${line.replace(/^fail ?/, '').trim() || 'unknown error'}`));
      }
    });
    const fail = (why: string) => {
      this.setRef(false, child);
      // A shell closed earlier may exit after a new one started: the requests waiting are the new one's.
      if (this.child !== undefined && this.child !== child) return;
      this.child = undefined;
      for (const req of this.waiting.splice(0)) req.reject(new Error(`sync -f ${req.path}: ${why}`));
    };
    child.on('error', (err) => fail(err.message));
    child.on('exit', (code, signal) => fail(`helper shell exited (${signal ?? code})`));
    child.stdin.on('error', () => {}); // reported by 'exit'
    return child;
  }
}

/** The syncfs rounds of one filesystem: the one running, and the one queued behind it. */
interface Rounds {
  running?: Promise<void>;
  next?: Promise<void>;
}

/** Group-commit syncfs per filesystem (keyed by st_dev). */
export class SyncBarrier {
  private readonly rounds = new Map<number, Rounds>();
  private usable: boolean | undefined;

  private readonly coprocess: SyncfsCoprocess | undefined;
  private readonly run: SyncfsRunner;

  /** `run`: the syncfs runner (default: a shared `sync -f` shell, ended by close()). */
  constructor(run?: SyncfsRunner) {
    if (!run) this.coprocess = new SyncfsCoprocess();
    this.run = run ?? this.coprocess!.run;
  }

  /** Release the helper shell, if one was started. */
  close(): void {
    this.coprocess?.close();
  }

  /** False once syncfs turned out not to work on this machine (then callers fsync each file). */
  available(): boolean {
    return this.usable !== false;
  }

  /**
   * Make durable everything written on the filesystem `dev` before this call (`path` lies on it). The first
   * call also finds out whether syncfs works here: if not it throws SyncfsUnavailable, and later calls too.
   */
  async flush(dev: number, path: string): Promise<void> {
    if (this.usable === false) throw new SyncfsUnavailable('syncfs unavailable');
    if (this.usable === undefined) return this.probe(path);
    let r = this.rounds.get(dev);
    if (!r) this.rounds.set(dev, (r = {}));
    const rounds = r;
    if (!rounds.running) return this.start(rounds, path);
    // The running round may have started before our writes: share the round queued after it.
    rounds.next ??= rounds.running
      .catch(() => {})
      .then(() => {
        rounds.next = undefined;
        return this.start(rounds, path);
      });
    return rounds.next;
  }

  private start(rounds: Rounds, path: string): Promise<void> {
    const running = this.run(path).finally(() => {
      if (rounds.running === running) rounds.running = undefined;
    });
    rounds.running = running;
    return running;
  }

  private async probe(path: string): Promise<void> {
    try {
      await this.run(path);
      this.usable = true;
    } catch (err) {
      if (this.usable === undefined) this.usable = false;
      throw new SyncfsUnavailable(`syncfs unavailable: ${(err as Error).message}`, { cause: err });
    }
  }
}

/** Thrown by flush when syncfs cannot be used here; the caller fsyncs each file instead. */
export class SyncfsUnavailable extends Error {
  override readonly name = 'SyncfsUnavailable';
}
