/** The API docs tab: the live OpenRPC document as a readable method list, with "try it" for read-only methods. */
import type { FC } from 'hono/jsx';

/** Methods that change nothing, so the dashboard offers to try them. */
export const READ_ONLY_METHODS = new Set([
  'role_list',
  'role_get',
  'skill_list',
  'config_render',
  'config_diff',
  'status',
  'model_list',
  'rpc.discover',
  'doctor',
  'backup_list',
]);

type Obj = Record<string, unknown>;
const obj = (v: unknown): Obj => (typeof v === 'object' && v !== null ? (v as Obj) : {});
const arr = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);

/** Follow a local `$ref` (`#/components/...`) of the document; other values come back as they are. */
export function deref(doc: unknown, value: unknown): Obj {
  const ref = obj(value).$ref;
  if (typeof ref !== 'string' || !ref.startsWith('#/')) return obj(value);
  return ref
    .slice(2)
    .split('/')
    .reduce<Obj>((at, key) => obj(at[key.replace(/~1/g, '/').replace(/~0/g, '~')]), obj(doc));
}

/** A short, readable type of a JSON schema: `string`, `integer ≥ 1`, `{ name, model, skills? }`, `string[]`. */
export function typeOf(doc: unknown, schema: unknown, depth = 0): string {
  const s = deref(doc, schema);
  const ref = obj(schema).$ref;
  if (typeof ref === 'string' && depth > 0) return ref.split('/').pop()!;
  if (Array.isArray(s.enum)) return s.enum.map((v) => JSON.stringify(v)).join(' | ');
  if (s.const !== undefined) return JSON.stringify(s.const);
  const union = arr(s.anyOf ?? s.oneOf);
  if (union.length) return union.map((u) => typeOf(doc, u, depth + 1)).join(' | ');
  const type = Array.isArray(s.type) ? s.type.join(' | ') : s.type;
  if (type === 'array') return `${typeOf(doc, s.items, depth + 1)}[]`;
  if (type === 'object' || s.properties) {
    if (depth > 1) return 'object';
    const required = new Set(arr(s.required));
    const props = Object.entries(obj(s.properties)).map(
      ([k, v]) => `${k}${required.has(k) ? '' : '?'}: ${typeOf(doc, v, depth + 1)}`,
    );
    return props.length ? `{ ${props.join(', ')} }` : 'object';
  }
  return typeof type === 'string' ? type : 'any';
}

/** The params of the first example as an object (by-name), or `{}`. */
function exampleParams(method: Obj): string {
  const ex = obj(arr(method.examples)[0]);
  const params = Object.fromEntries(arr(ex.params).map((p) => [String(obj(p).name), obj(p).value]));
  return JSON.stringify(params);
}

/** One method: summary, params, result, errors, examples, and "try it" when it is read-only. */
const Method: FC<{ doc: unknown; method: Obj }> = ({ doc, method }) => {
  const name = String(method.name);
  const result = deref(doc, method.result);
  const errors = arr(method.errors).map((e) => deref(doc, e));
  const id = `m-${name.replace(/[^a-z0-9_-]/gi, '-')}`;
  return (
    <article class="method" id={id} data-method={name} aria-labelledby={`${id}-h`}>
      <h3 id={`${id}-h`}>
        <code>{name}</code>
      </h3>
      {method.summary ? <p>{String(method.summary)}</p> : null}
      {method.description ? <p class="muted">{String(method.description)}</p> : null}
      <h4>Params</h4>
      {arr(method.params).length === 0 ? (
        <p class="muted">none</p>
      ) : (
        <ul>
          {arr(method.params).map((p) => {
            const param = deref(doc, p);
            return (
              <li>
                <code>{String(param.name)}</code>
                {param.required ? ' (required)' : ' (optional)'}: <code>{typeOf(doc, param.schema)}</code>
                {param.description ? ` — ${String(param.description)}` : ''}
              </li>
            );
          })}
        </ul>
      )}
      <h4>Result</h4>
      <p>
        <code>{typeOf(doc, result.schema)}</code>
      </p>
      {errors.length ? (
        <>
          <h4>Errors</h4>
          <ul>
            {errors.map((e) => (
              <li>
                <code>{String(e.code)}</code> {String(e.message ?? '')}
              </li>
            ))}
          </ul>
        </>
      ) : null}
      {arr(method.examples).length ? (
        <details>
          <summary>Examples</summary>
          {arr(method.examples).map((ex) => (
            <pre>{JSON.stringify(ex, null, 2)}</pre>
          ))}
        </details>
      ) : null}
      {READ_ONLY_METHODS.has(name) ? (
        <form method="post" action="api-try" hx-post="api-try" hx-target={`#${id}-out`} hx-swap="innerHTML" class="try">
          <input type="hidden" name="method" value={name} />
          <label for={`${id}-params`}>Params of {name} (JSON)</label>
          <textarea id={`${id}-params`} name="params" rows={1} cols={60}>
            {exampleParams(method)}
          </textarea>
          <button type="submit">Try {name}</button>
          <div id={`${id}-out`} aria-live="polite"></div>
        </form>
      ) : null}
    </article>
  );
};

/** The API docs tab's content. */
export const ApiDocsPage: FC<{ doc: unknown }> = ({ doc }) => {
  const info = obj(obj(doc).info);
  const methods = arr(obj(doc).methods).map(obj);
  return (
    <section aria-labelledby="api-h">
      <h2 id="api-h">API docs</h2>
      <p>
        {String(info.title ?? 'hero_team')} {String(info.version ?? '')} — JSON-RPC 2.0 at <code>POST /rpc</code> on
        rpc.sock; this is its OpenRPC document (<code>rpc.discover</code>), {methods.length} methods.
      </p>
      <nav aria-label="Methods">
        <p>
          {methods.map((m) => (
            <>
              <a href={`api#m-${String(m.name).replace(/[^a-z0-9_-]/gi, '-')}`}>{String(m.name)}</a>{' '}
            </>
          ))}
        </p>
      </nav>
      {methods.map((m) => (
        <Method doc={doc} method={m} />
      ))}
    </section>
  );
};
