/**
 * The dashboard's static assets: htmx 2 and its SSE extension, served from the npm packages installed
 * beside hero_team (no CDN: the dashboard works on a machine without internet), and the dashboard's own
 * small script and stylesheet.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { ADMIN_CSS } from './static/admin-css.ts';
import { ADMIN_JS } from './static/admin-js.ts';

/** One asset: its bytes and content type. */
export interface Asset {
  body: string;
  type: string;
}

const JS = 'text/javascript; charset=utf-8';
const require = createRequire(import.meta.url);

/** npm files behind the vendored names (resolved from this module: works from src/ and from the bundle). */
const VENDORED: Record<string, string> = {
  'htmx.min.js': 'htmx.org/dist/htmx.min.js',
  'sse.min.js': 'htmx-ext-sse/dist/sse.min.js',
};

const cache = new Map<string, Asset>();

/** The asset called `name`, or undefined for an unknown name. */
export function readAsset(name: string): Asset | undefined {
  const hit = cache.get(name);
  if (hit) return hit;
  let asset: Asset | undefined;
  if (name === 'admin.js') asset = { body: ADMIN_JS, type: JS };
  else if (name === 'admin.css') asset = { body: ADMIN_CSS, type: 'text/css; charset=utf-8' };
  else if (Object.hasOwn(VENDORED, name))
    asset = { body: readFileSync(require.resolve(VENDORED[name]!), 'utf8'), type: JS };
  if (asset) cache.set(name, asset);
  return asset;
}
