/** Answering with a page or, for htmx, with only the fragment. */
import type { Context } from 'hono';
import { html } from 'hono/html';
import type { Child } from 'hono/jsx';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { announcedBase } from './guard.ts';
import { Layout, type TabId } from './layout.tsx';

/** Where the dashboard is mounted inside its app ('' on admin.sock, '/admin' on the TCP listener). */
export interface MountInfo {
  mount: string;
}

/** True for a request made by htmx (it wants a fragment). */
export function isHtmx(c: Context): boolean {
  return c.req.header('hx-request') === 'true';
}

/** What a page answer takes: the request, the mount, the layout's tab and title, the body, the status (200). */
type PageArgs = [c: Context, at: MountInfo, tab: TabId, title: string, body: Child, status?: ContentfulStatusCode];

/** A full page around `body`. */
export function sendPage(...[c, at, tab, title, body, status = 200]: PageArgs) {
  return c.html(
    html`<!doctype html>${(
      <Layout title={title} tab={tab} base={announcedBase(c, at.mount)}>
        {body}
      </Layout>
    )}`,
    status,
  );
}

/**
 * The fragment alone for htmx, else a full page around it. htmx gets a 200 even for a refusal (a form with its
 * errors): the fragment says what is wrong, and a 4xx would also be logged as a failed load in the console.
 */
export function sendPart(...args: PageArgs) {
  const [c, , , , body] = args;
  // biome-ignore lint/complexity/noUselessFragments: the fragment turns any Child into the element c.html takes
  return isHtmx(c) ? c.html(<>{body}</>, 200) : sendPage(...args);
}

/** After a successful form post: htmx follows HX-Redirect, a plain form a 303 (both relative to the page). */
export function sendRedirect(c: Context, to: string) {
  if (isHtmx(c)) {
    c.header('HX-Redirect', to);
    return c.body(null, 204);
  }
  return c.redirect(to, 303);
}
