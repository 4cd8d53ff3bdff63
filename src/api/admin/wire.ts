/** The dashboard's dependencies from the daemon's control plane and its API dispatcher. */
import { statePaths } from '../../config.ts';
import { effectiveCatalog } from '../../desired/catalog-defaults.ts';
import { readRoleFileText } from '../../observed/role-file-text.ts';
import { readProviderSecrets } from '../../observed/secrets.ts';
import type { Control } from '../control.ts';
import type { Dispatcher } from '../rpc/dispatch.ts';
import type { AdminDeps, StatusChange } from './deps.ts';
import { ListingCache } from './listing-cache.ts';
import { redactFileText } from './redact.ts';

/** Longest reuse of the whole-registry listing when nothing signalled a change (listing-cache.ts). */
export const LISTING_MAX_AGE_MS = 30_000;

/** AdminDeps over the running daemon: RPC through `dispatcher`, status changes and wakes from `control`. */
export function adminDeps(control: Control, dispatcher: Dispatcher): AdminDeps {
  const listing = new ListingCache(() => dispatcher.call('skill_list', {}), LISTING_MAX_AGE_MS);
  // A registry edit (or a store change) wakes roles; reconcile events change nothing in the listing.
  control.manager.onWake(() => listing.invalidate());
  return {
    call: (method, params) =>
      method === 'skill_list' && params?.role === undefined ? listing.get() : dispatcher.call(method, params ?? {}),
    readRoleFile: async (role, path) => {
      const text = await readRoleFileText(control.paths.rolesDir, role, path);
      if (text === undefined) return undefined;
      const catalog = effectiveCatalog(control.store()?.catalog ?? { providers: {}, models: {} });
      const secrets = await readProviderSecrets(statePaths(control.paths.home).secrets, control.env, catalog);
      return redactFileText(path, text, secrets);
    },
    subscribe: (listener: (change: StatusChange) => void) => {
      const offStatus = control.subscribe((e) => listener({ roles: [e.role] }));
      const offWake = control.manager.onWake((role) => listener({ roles: [role] }));
      return () => {
        offStatus();
        offWake();
      };
    },
  };
}
