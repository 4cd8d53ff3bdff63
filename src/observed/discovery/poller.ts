/**
 * Polls a discovery source on an interval and keeps the last good list: when the source is down or answers
 * garbage, the list in force stays (nothing is pruned because discovery went away) and the state says why.
 * The last good list is also kept on disk (it holds secrets: mode 0600), so a restart while the source is
 * down renders the same mcp.json as before.
 */
import { mkdir, readFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { z } from 'zod';
import type { Clock } from '../../clock.ts';
import { writeFileAtomic } from '../../fs/atomic-write.ts';
import type { Logger } from '../../log.ts';
import { type McpServer, McpServerSchema } from '../services.ts';
import type { DiscoverySource } from './source.ts';

/** What the poller knows, for status and conditions (no secrets). */
export interface DiscoveryState {
  source: string;
  /** False after a failed poll, until one succeeds. */
  available: boolean;
  error?: string;
  lastSuccessAt?: string;
  services: number;
}

/** Options of the poller. */
export interface DiscoveryOptions {
  intervalMs: number;
  clock: Clock;
  log: Logger;
  /** Where the last good list is kept across restarts. */
  cacheFile: string;
  /**
   * Log the source being unavailable at info, not warn, until it has answered once: the default source is
   * hero_router's socket, which simply does not exist on a machine without hero_router.
   */
  quietUntilReached?: boolean;
  /** The list in force changed: the names added, removed or changed. */
  onChange(services: Readonly<Record<string, McpServer>>, changed: string[]): void;
  /** Availability changed (up → down or down → up). */
  onAvailability(state: DiscoveryState): void;
}

const CacheSchema = z.object({ etag: z.string().optional(), services: z.record(z.string(), McpServerSchema) });

/** The poller. */
export class ServiceDiscovery {
  services: Readonly<Record<string, McpServer>> = {};
  state: DiscoveryState;
  private etag: string | undefined;
  private timer: NodeJS.Timeout | undefined;
  private readonly abort = new AbortController();
  private stopped = false;
  private reached = false;

  constructor(
    private readonly source: DiscoverySource,
    private readonly opts: DiscoveryOptions,
  ) {
    this.state = { source: source.describe, available: true, services: 0 };
  }

  /** Load the kept list, poll once, then keep polling every interval. */
  async start(): Promise<void> {
    await this.loadCache();
    await this.pollOnce();
    this.schedule();
  }

  /** Stop polling (an in-flight request is aborted). */
  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
    this.abort.abort();
  }

  /** One poll: a new list replaces the one in force; a failure keeps it and marks discovery unavailable. */
  async pollOnce(): Promise<void> {
    try {
      const answer = await this.source.poll(this.etag, this.abort.signal);
      if (this.stopped) return;
      this.setAvailable(true, undefined);
      if (answer.kind === 'unchanged') return;
      this.etag = answer.etag;
      const changed = changedNames(this.services, answer.services);
      if (!changed.length) return;
      this.services = answer.services;
      this.state.services = Object.keys(answer.services).length;
      this.opts.log.info(
        { source: this.state.source, services: this.state.services, changed: changed.length },
        'discovered services changed',
      );
      await this.saveCache();
      this.opts.onChange(this.services, changed);
    } catch (err) {
      if (this.stopped) return;
      this.setAvailable(false, (err as Error).message);
    }
  }

  private setAvailable(available: boolean, error: string | undefined): void {
    if (available) {
      this.state.lastSuccessAt = new Date(this.opts.clock.now()).toISOString();
      this.reached = true;
    }
    const flipped = this.state.available !== available || this.state.error !== error;
    this.state.available = available;
    this.state.error = error;
    if (!flipped) return;
    if (available) this.opts.log.info({ source: this.state.source }, 'service discovery reachable again');
    else {
      const level = this.opts.quietUntilReached && !this.reached ? 'info' : 'warn';
      this.opts.log[level](
        { source: this.state.source, error },
        'service discovery unavailable: the last good list stays in force',
      );
    }
    this.opts.onAvailability({ ...this.state });
  }

  private schedule(): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => void this.pollOnce().finally(() => this.schedule()), this.opts.intervalMs);
    this.timer.unref?.();
  }

  private async loadCache(): Promise<void> {
    const kept = await readDiscoveryCache(this.opts.cacheFile);
    if (!kept) return;
    this.services = kept.services;
    this.etag = kept.etag;
    this.state.services = Object.keys(this.services).length;
  }

  private async saveCache(): Promise<void> {
    try {
      await mkdir(dirname(this.opts.cacheFile), { recursive: true, mode: 0o700 });
      await writeFileAtomic(
        this.opts.cacheFile,
        `${JSON.stringify({ etag: this.etag, services: this.services })}\n`,
        0o600,
      );
    } catch (err) {
      this.opts.log.warn({ error: (err as Error).message }, 'discovered services not kept on disk');
    }
  }
}

/** The list a poller kept on disk; undefined when there is none or it is unreadable (then nothing is known). */
export async function readDiscoveryCache(
  file: string,
): Promise<{ etag?: string; services: Record<string, McpServer> } | undefined> {
  try {
    const parsed = CacheSchema.safeParse(JSON.parse(await readFile(file, 'utf8')));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

/** Names added, removed or changed between two lists, sorted. */
export function changedNames(a: Readonly<Record<string, McpServer>>, b: Readonly<Record<string, McpServer>>): string[] {
  const names = new Set([...Object.keys(a), ...Object.keys(b)]);
  return [...names].filter((n) => JSON.stringify(a[n]) !== JSON.stringify(b[n])).sort();
}
