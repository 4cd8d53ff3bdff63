/** The daemon's API: one control plane, one app, on rpc.sock and (if configured) TCP; ready at first convergence. */
import type { Clock } from '../clock.ts';
import type { Config } from '../config.ts';
import type { Manager } from '../controllers/manager.ts';
import { errorMessage } from '../errors.ts';
import type { Logger } from '../log.ts';
import { type AdminApp, adminSocketPath, createAdminApp, withAdmin } from './admin/app.tsx';
import { adminDeps } from './admin/wire.ts';
import { type ApiApp, createApiApp } from './app.ts';
import { Control } from './control.ts';
import { type Listener, rpcSocketPath, serveSocket, serveTcp } from './listen.ts';

/** The API of a running daemon. */
export interface ApiServer {
  control: Control;
  api: ApiApp;
  listeners: Listener[];
  /** Mark ready once the manager has started and settled (run after manager.start()). */
  followFirstConvergence(): Promise<void>;
  close(): Promise<void>;
}

/** Start listening (before the manager starts: /readyz answers 503 meanwhile); ListenError when another daemon runs. */
export async function startApiServer(opts: {
  config: Config;
  env: NodeJS.ProcessEnv;
  manager: Manager;
  clock: Clock;
  log: Logger;
  version: string;
}): Promise<ApiServer> {
  const { config, manager, log } = opts;
  const control = new Control({
    manager,
    paths: config.paths,
    env: opts.env,
    clock: opts.clock,
    version: opts.version,
  });
  const api = createApiApp({ control, log: log.child({ component: 'api' }) });
  const listeners: Listener[] = [];
  // The admin dashboard: a client of the same dispatcher, on admin.sock and under /admin/ on TCP.
  const dashboard = adminDeps(control, api.dispatcher);
  const admins: AdminApp[] = [
    createAdminApp(dashboard, log.child({ component: 'admin' })),
    createAdminApp(dashboard, log.child({ component: 'admin' }), '/admin'),
  ];
  const closeAll = async () => {
    for (const a of admins) a.close(); // end the dashboards' event streams, or the servers would wait for them
    api.metrics.close();
    await Promise.all(listeners.map((l) => l.close().catch(() => {})));
  };
  try {
    listeners.push(await serveSocket(rpcSocketPath(config.paths.socketDir), api.app.fetch));
    if (config.tcp) listeners.push(await serveTcp(config.tcp, withAdmin(api.app.fetch, admins[1]!.app)));
    listeners.push(await serveSocket(adminSocketPath(config.paths.socketDir), admins[0]!.app.fetch));
  } catch (err) {
    await closeAll();
    throw err;
  }
  log.info({ listeners: listeners.map((l) => l.address), token: config.tcp?.token !== undefined }, 'api listening');
  return {
    control,
    api,
    listeners,
    followFirstConvergence: async () => {
      control.readiness.waiting('first convergence running');
      for (;;) {
        try {
          await manager.settled(60_000);
          break;
        } catch (err) {
          log.info({ err: errorMessage(err) }, 'first convergence still running');
        }
      }
      control.readiness.ready();
      log.info('ready: first convergence finished and watchers set');
    },
    close: closeAll,
  };
}
