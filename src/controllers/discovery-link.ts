/**
 * Live service discovery wired into the controllers: the poller's list feeds Sources (merged under
 * services.json), a change wakes the roles whose MCP whitelist names a changed service, and availability
 * reaches the status book, which flags the roles that take services from discovery.
 */
import type { Clock } from '../clock.ts';
import { statePaths } from '../config.ts';
import { rolesUsingService } from '../desired/skill-index.ts';
import type { Logger } from '../log.ts';
import { ServiceDiscovery } from '../observed/discovery/poller.ts';
import type { DiscoverySource } from '../observed/discovery/source.ts';
import type { Sources } from './sources.ts';
import type { StatusBook } from './status-book.ts';

/** What the daemon polls, and how. */
export interface DiscoverySettings {
  source: DiscoverySource;
  intervalMs: number;
  /** Log the source's absence at info until it has answered once (the default socket, hero_router not installed). */
  quietUntilReached?: boolean;
}

/** Start polling (once now, then every interval); resolves with the running poller. */
export async function startDiscovery(
  settings: DiscoverySettings,
  deps: {
    sources: Sources;
    status: StatusBook;
    clock: Clock;
    log: Logger;
    home: string;
    wake: (role: string, spec?: boolean) => void;
  },
): Promise<ServiceDiscovery> {
  const { sources, status, clock, log, home, wake } = deps;
  // A role depends on discovery when its whitelist is `*` or names a service services.json does not provide.
  status.dependsOnDiscovery = (name) => {
    const role = sources.store?.roles.find((r) => r.name === name);
    return !!role?.mcp.some((m) => m === '*' || !Object.hasOwn(sources.fileServices, m));
  };
  const discovery = new ServiceDiscovery(settings.source, {
    intervalMs: settings.intervalMs,
    clock,
    log,
    cacheFile: statePaths(home).discoveryCache,
    quietUntilReached: settings.quietUntilReached,
    onChange: (services, changed) => {
      sources.setDiscovered(services);
      const roles = sources.store?.roles ?? [];
      for (const role of new Set(changed.flatMap((name) => rolesUsingService(roles, name)))) wake(role, true);
    },
    onAvailability: (state) => status.setDiscovery(state),
  });
  status.setDiscovery(discovery.state);
  await discovery.start();
  sources.setDiscovered(discovery.services);
  return discovery;
}
