/**
 * Live service discovery: a source that lists MCP services, polled by ServiceDiscovery (poller.ts). The
 * interface is one method so another router API can be added beside the HTTP one (http-source.ts).
 */
import type { McpServer } from '../services.ts';

/** One poll's answer: the list changed (with its validator), or it is as it was (a 304). */
export type DiscoveryAnswer =
  | { kind: 'unchanged' }
  | { kind: 'list'; services: Record<string, McpServer>; etag?: string };

/** A place that lists MCP services. */
export interface DiscoverySource {
  /** Where it polls, for logs and status (never holds a secret). */
  readonly describe: string;
  /**
   * Fetch the list; `etag` is the validator of the last list this source returned (conditional request).
   * Throws DiscoveryError when the source is unreachable or answers something that is not a valid list.
   */
  poll(etag: string | undefined, signal: AbortSignal): Promise<DiscoveryAnswer>;
}

/** The source could not be reached or gave no valid list; `message` names the problem, never the body. */
export class DiscoveryError extends Error {
  constructor(
    readonly source: string,
    message: string,
  ) {
    super(`${source}: ${message}`);
    this.name = 'DiscoveryError';
  }
}
