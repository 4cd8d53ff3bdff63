/** The Config tab: per role, the generated files as on disk (keys redacted) and the diff against what would be made. */
import type { FC } from 'hono/jsx';
import { CodeBlock, DiffBlock, ErrorBox } from '../components.tsx';

/** One generated file as found on disk, already redacted. */
export interface DiskFile {
  path: string;
  /** Undefined when the file is missing. */
  text?: string;
}

/** What the panel of one role shows. */
export interface ConfigPanelData {
  role: string;
  files: DiskFile[];
  /** Unified diff per file (disk vs desired); empty when they match. */
  diffs: { path: string; diff: string }[];
  error?: string;
}

/** The panel of one role (the fragment the live update fetches). */
export const ConfigPanel: FC<{ data: ConfigPanelData }> = ({ data }) => (
  <div
    id="config-panel"
    hx-get={`config-panel?role=${encodeURIComponent(data.role)}`}
    hx-trigger="sse:status delay:300ms"
    hx-swap="outerHTML"
  >
    {data.error ? <ErrorBox message={data.error} /> : null}
    <h3>Diff: disk vs what would be generated now</h3>
    {data.diffs.length === 0 ? (
      <p class="ok" data-in-sync="true">
        <span aria-hidden="true">✓ </span>In sync: the files on disk are what hero_team would write.
      </p>
    ) : (
      data.diffs.map((d) => (
        <>
          <h4>
            <span class="badge warn">
              <span aria-hidden="true">≠</span> differs
            </span>{' '}
            {d.path}
          </h4>
          <DiffBlock text={d.diff} label={`Diff of ${d.path}`} />
        </>
      ))
    )}
    {data.files.map((f) => (
      <>
        <h3>{f.path} on disk</h3>
        {f.text === undefined ? (
          <p class="muted">missing</p>
        ) : (
          <CodeBlock label={`${f.path} on disk`}>{f.text}</CodeBlock>
        )}
      </>
    ))}
  </div>
);

/** The Config tab's content: role links, then the chosen role's panel. */
export const ConfigPage: FC<{ roles: string[]; data?: ConfigPanelData }> = ({ roles, data }) => (
  <section aria-labelledby="config-h">
    <h2 id="config-h">Config</h2>
    {roles.length === 0 ? (
      <p>No roles yet.</p>
    ) : (
      <nav aria-label="Roles">
        <ul class="actions plain">
          {roles.map((r) => (
            <li>
              <a href={`config?role=${encodeURIComponent(r)}`} aria-current={r === data?.role ? 'page' : undefined}>
                {r}
              </a>
            </li>
          ))}
        </ul>
      </nav>
    )}
    {data ? <ConfigPanel data={data} /> : null}
  </section>
);
