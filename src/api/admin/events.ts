/**
 * Live updates: the daemon's status changes as server-sent events. An event is a signal only (`status`,
 * with the names of the roles that changed); the page then fetches its fragment by GET, so no status
 * detail, let alone a secret, travels in an event.
 */
import type { Hono } from 'hono';
import { streamSSE } from 'hono/streaming';
import type { AdminDeps } from './deps.ts';

/** Changes closer together than this go out as one event. */
export const COALESCE_MS = 100;
/** A comment-like ping keeps proxies from closing an idle stream. */
export const HEARTBEAT_MS = 15_000;

/** Register GET /events; streams end when the client goes or `closing` aborts (daemon shutdown). */
export function registerEvents(app: Hono, deps: AdminDeps, closing: AbortSignal): void {
  app.get('/events', (c) =>
    streamSSE(c, async (stream) => {
      const pending = new Set<string>();
      let timer: NodeJS.Timeout | undefined;
      const flush = () => {
        timer = undefined;
        const roles = [...pending].sort();
        pending.clear();
        void stream.writeSSE({ event: 'status', data: JSON.stringify({ roles }) }).catch(() => {});
      };
      const unsubscribe = deps.subscribe((change) => {
        for (const r of change.roles) pending.add(r);
        timer ??= setTimeout(flush, COALESCE_MS);
      });
      const heartbeat = setInterval(
        () => void stream.writeSSE({ event: 'ping', data: '' }).catch(() => {}),
        HEARTBEAT_MS,
      );
      await stream.writeSSE({ event: 'hello', data: '{}' }).catch(() => {});
      let onClose = () => {};
      await new Promise<void>((resolve) => {
        onClose = resolve;
        if (closing.aborted) return resolve();
        closing.addEventListener('abort', onClose, { once: true });
        stream.onAbort(resolve);
      });
      closing.removeEventListener('abort', onClose);
      unsubscribe();
      clearTimeout(timer);
      clearInterval(heartbeat);
    }),
  );
}
