/** Where the control socket is and whether something answers on it (light: the CLI imports it on every run). */
import { createConnection } from 'node:net';
import { join } from 'node:path';

/** The control socket's path under a socket dir. */
export function rpcSocketPath(socketDir: string): string {
  return join(socketDir, 'hero_team', 'rpc.sock');
}

/** Whether something accepts connections on the socket at `path`. */
export function socketAnswers(path: string, timeoutMs = 1000): Promise<boolean> {
  return new Promise((resolve) => {
    const s = createConnection(path);
    const done = (v: boolean) => {
      s.destroy();
      resolve(v);
    };
    s.once('connect', () => done(true));
    s.once('error', () => done(false));
    s.setTimeout(timeoutMs, () => done(false));
  });
}
