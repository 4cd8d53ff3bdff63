/** The page shell: head, the four tabs, the live-update connection and the message area. */
import type { Child, FC } from 'hono/jsx';

/** The four tabs, in order: path (relative to the dashboard's root) and accessible name. */
export const TABS = [
  { id: 'roles', path: 'roles', label: 'Roles' },
  { id: 'skills', path: 'skills', label: 'Skills' },
  { id: 'config', path: 'config', label: 'Config' },
  { id: 'api', path: 'api', label: 'API docs' },
] as const;

/** Which tab a page belongs to. */
export type TabId = (typeof TABS)[number]['id'];

/**
 * htmx's settings: an error answer is not swapped in and shows in the message area (admin.js); a form
 * with validation errors comes as a 200 (render.tsx, sendPart).
 */
const HTMX_CONFIG = JSON.stringify({
  responseHandling: [
    { code: '204', swap: false },
    { code: '[23]..', swap: true },
    { code: '[45]..', swap: false, error: true },
  ],
  historyCacheSize: 0,
  // The dashboard's CSP forbids inline styles; admin.css has what the indicator needs.
  includeIndicatorStyles: false,
});

/** Props of the page shell. */
export interface LayoutProps {
  title: string;
  tab: TabId;
  /** Absolute base of the dashboard when a proxy named it (X-Forwarded-Prefix); links are relative otherwise. */
  base?: string;
  children?: Child;
}

/** A full page: every link relative (or resolved against `base`), so the dashboard works under any prefix. */
export const Layout: FC<LayoutProps> = ({ title, tab, base, children }) => (
  <html lang="en">
    <head>
      <meta charset="utf-8" />
      <meta name="viewport" content="width=device-width, initial-scale=1" />
      {base ? <base href={base} /> : null}
      <title>{`${title} · hero_team`}</title>
      <link rel="icon" href="data:," />
      <link rel="stylesheet" href="static/admin.css" />
      <meta name="htmx-config" content={HTMX_CONFIG} />
      <script src="static/htmx.min.js" defer></script>
      <script src="static/sse.min.js" defer></script>
      <script src="static/admin.js" defer></script>
    </head>
    <body hx-ext="sse">
      <header>
        <h1>hero_team</h1>
        <nav aria-label="Dashboard sections">
          <div role="tablist" aria-label="Dashboard sections">
            {TABS.map((t) => (
              <a
                role="tab"
                id={`tab-${t.id}`}
                href={t.path}
                aria-selected={t.id === tab ? 'true' : 'false'}
                aria-controls="panel"
                tabindex={t.id === tab ? 0 : -1}
              >
                {t.label}
              </a>
            ))}
          </div>
        </nav>
      </header>
      <div id="flash" role="alert"></div>
      <main id="panel" role="tabpanel" aria-labelledby={`tab-${tab}`} sse-connect="events">
        {children}
      </main>
    </body>
  </html>
);
