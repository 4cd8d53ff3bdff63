/**
 * The daemon's one writer of store.json: mutations queue up and are applied together in one locked, durable
 * write (group commit) through the same `updateStore` the CLI uses, so 100 concurrent API calls cost a few
 * writes instead of 100 lock round-trips. Each mutation succeeds or fails on its own.
 */
import { type StoreData, StoreDataSchema } from '../desired/schema.ts';
import { describeIssues, updateStore } from '../desired/store.ts';
import { InputError } from '../errors.ts';

/** A pure change of the store data, with the value the caller gets back. */
export type StoreOp<T> = (data: StoreData) => { data: StoreData; result: T };

interface Pending {
  op: StoreOp<unknown>;
  resolve: (value: unknown) => void;
  reject: (err: unknown) => void;
}

/** Serializes and batches store mutations; `afterCommit` runs once per written batch (the daemon reloads the store). */
export class StoreWriter {
  private queue: Pending[] = [];
  private flushing: Promise<void> | undefined;

  constructor(
    private readonly file: string,
    private readonly lockPath: string,
    private readonly afterCommit: () => Promise<void> = async () => {},
  ) {}

  /** Apply `op` in the next batch; resolves with its result once the batch is on disk and reloaded. */
  apply<T>(op: StoreOp<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.queue.push({ op, resolve: resolve as (v: unknown) => void, reject });
      this.flushing ??= this.flush();
    });
  }

  private async flush(): Promise<void> {
    try {
      while (this.queue.length) await this.commit(this.queue.splice(0));
    } finally {
      this.flushing = undefined;
    }
  }

  /** One locked write for a batch: each op sees the result of the ones before it; a failing op changes nothing. */
  private async commit(batch: Pending[]): Promise<void> {
    const outcomes: ({ ok: true; value: unknown } | { ok: false; err: unknown })[] = [];
    try {
      await updateStore(this.file, this.lockPath, (current) => {
        outcomes.length = 0; // the lock may retry the mutation
        let data = current;
        for (const { op } of batch) {
          try {
            const next = op(data);
            data = validated(next.data);
            outcomes.push({ ok: true, value: next.result });
          } catch (err) {
            outcomes.push({ ok: false, err });
          }
        }
        return data;
      });
    } catch (err) {
      for (const p of batch) p.reject(err);
      return;
    }
    try {
      await this.afterCommit();
    } catch {
      // The write is durable; the watcher or the next resync picks it up.
    }
    batch.forEach((p, i) => {
      const o = outcomes[i]!;
      if (o.ok) p.resolve(o.value);
      else p.reject(o.err);
    });
  }
}

function validated(data: StoreData): StoreData {
  const parsed = StoreDataSchema.safeParse(data);
  if (!parsed.success) throw new InputError('store', describeIssues(parsed.error));
  return parsed.data;
}
