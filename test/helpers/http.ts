/** Raw HTTP over TCP for tests that must choose every header (Host included), which fetch does not allow. */
import { request } from 'node:http';

/** GET `path` from 127.0.0.1:`port` with exactly these headers; resolves with the status and body text. */
export function tcpGet(
  port: number,
  path: string,
  headers: Record<string, string> = {},
): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, headers }, (res) => {
      let text = '';
      res.on('data', (c) => (text += c));
      res.on('end', () => resolve({ status: res.statusCode!, text }));
    });
    req.on('error', reject);
    req.end();
  });
}
