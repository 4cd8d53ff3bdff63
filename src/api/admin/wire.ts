/** The dashboard's dependencies from the daemon's control plane and its API dispatcher. */
import { statePaths } from '../../config.ts';
import { effectiveCatalog } from '../../desired/catalog-defaults.ts';
import { readRoleFileText } from '../../observed/role-file.ts';
import { readProviderSecrets } from '../../observed/secrets.ts';
import type { Control } from '../control.ts';
import type { Dispatcher } from '../rpc/dispatch.ts';
import type { AdminDeps, StatusChange } from './deps.ts';
import { redactFileText } from './redact.ts';

/** AdminDeps over the running daemon: RPC through `dispatcher`, status changes and wakes from `control`. */
export function adminDeps(control: Control, dispatcher: Dispatcher): AdminDeps {
  return {
    call: (method, params) => dispatcher.call(method, params ?? {}),
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
