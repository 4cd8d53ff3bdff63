/** Small shared pieces of the dashboard's pages: status badges, form fields, code blocks. */
import type { Child, FC } from 'hono/jsx';

/** How each phase reads: an icon and a word always go with the colour (never colour alone). */
const PHASES: Record<string, { icon: string; tone: string }> = {
  Ready: { icon: '✓', tone: 'ok' },
  Reconciling: { icon: '↻', tone: 'warn' },
  Pending: { icon: '…', tone: 'muted' },
  Degraded: { icon: '⚠', tone: 'warn' },
  Stalled: { icon: '✗', tone: 'bad' },
  Deleting: { icon: '−', tone: 'muted' },
};

/** A role's phase as a labelled badge. */
export const PhaseBadge: FC<{ phase: string }> = ({ phase }) => {
  const p = PHASES[phase] ?? { icon: '?', tone: 'muted' };
  return (
    <span class={`badge ${p.tone}`} data-phase={phase}>
      <span aria-hidden="true">{p.icon}</span> {phase}
    </span>
  );
};

/** A yes/no value spelled out. */
export const Flag: FC<{ on: boolean; yes?: string; no?: string }> = ({ on, yes = 'on', no = 'off' }) => (
  <span class={on ? 'ok' : 'muted'}>{on ? yes : no}</span>
);

/** The column headers of a table's head row. */
export const ColumnHeads: FC<{ names: readonly string[] }> = ({ names }) => (
  <>
    {names.map((name) => (
      <th scope="col">{name}</th>
    ))}
  </>
);

/** A labelled form row with its validation error beside it (aria-describedby, aria-invalid on the control). */
export const Field: FC<{ id: string; label: string; error?: string; hint?: string; children?: Child }> = ({
  id,
  label,
  error,
  hint,
  children,
}) => (
  <div class="field">
    <label for={id}>{label}</label>
    {children}
    {hint ? (
      <p class="hint muted" id={`${id}-hint`}>
        {hint}
      </p>
    ) : null}
    {error ? (
      <p class="error" id={`${id}-error`} data-error-for={id}>
        <span aria-hidden="true">✗ </span>
        {error}
      </p>
    ) : null}
  </div>
);

/** Attributes tying a control to its error and hint. */
export function describedBy(id: string, error?: string, hasHint = false): Record<string, string> {
  const ids = [hasHint ? `${id}-hint` : '', error ? `${id}-error` : ''].filter(Boolean);
  return { ...(ids.length ? { 'aria-describedby': ids.join(' ') } : {}), ...(error ? { 'aria-invalid': 'true' } : {}) };
}

/** A block of file text with an accessible name (a figure: a bare <pre> cannot carry one). */
export const CodeBlock: FC<{ label: string; children?: Child }> = ({ label, children }) => (
  <figure class="code" aria-label={label}>
    <pre>{children}</pre>
  </figure>
);

/** A unified diff, lines marked by their sign (and coloured). */
export const DiffBlock: FC<{ text: string; label: string }> = ({ text, label }) => (
  <CodeBlock label={label}>
    {text.split('\n').map((line) => {
      const cls =
        line.startsWith('+') && !line.startsWith('+++')
          ? 'diff-add'
          : line.startsWith('-') && !line.startsWith('---')
            ? 'diff-del'
            : undefined;
      return cls ? <span class={cls}>{line + '\n'}</span> : line + '\n';
    })}
  </CodeBlock>
);

/** A time as an ISO string with a machine-readable element, or a dash. */
export const Time: FC<{ at?: string }> = ({ at }) =>
  at ? <time datetime={at}>{at.replace('T', ' ').replace(/\.\d+Z$/, 'Z')}</time> : <span class="muted">never</span>;

/** An error box naming what failed. */
export const ErrorBox: FC<{ message: string }> = ({ message }) => (
  <p class="error" role="alert">
    <span aria-hidden="true">✗ </span>
    {message}
  </p>
);
