/** Routes of the Config tab: per role, the files on disk (redacted) and the diff against what would be generated. */
import { createTwoFilesPatch } from 'diff';
import type { Hono } from 'hono';
import { readRoles, renderedText } from '../data.ts';
import { type AdminDeps, isRpcError } from '../deps.ts';
import { ConfigPage, ConfigPanel, type ConfigPanelData, type DiskFile } from '../pages/config.tsx';
import { type MountInfo, sendPage } from '../render.tsx';

/** The generated files the tab shows. */
export const CONFIG_FILES = ['config.toml', 'mcp.json'] as const;

type Obj = Record<string, unknown>;
const obj = (v: unknown): Obj => (typeof v === 'object' && v !== null ? (v as Obj) : {});

/**
 * The per-file differences of a `config_diff` result (`{ files: [{ path, change, patch?, note? }] }`): the
 * unified diff, or the kind of change when there is no text diff (mode only, a conflict). Undefined when the
 * result has no file list (a shape this dashboard does not know: it then diffs by itself).
 */
export function diffsOf(result: unknown): { path: string; diff: string }[] | undefined {
  const files = obj(result).files;
  if (!Array.isArray(files)) return undefined;
  return files
    .map(obj)
    .filter((f) => typeof f.path === 'string')
    .map((f) => ({
      path: String(f.path),
      diff: String(f.patch ?? f.diff ?? `${String(f.change ?? 'differs')}${f.note ? `: ${String(f.note)}` : ''}`),
    }));
}

/**
 * Disk vs desired for a daemon without `config_diff`: each file as `config_render` would write it against the
 * redacted copy on disk (both redact a key to `<redacted:VAR>`, so an unchanged key shows no difference).
 */
export async function diffByRender(
  deps: AdminDeps,
  role: string,
  files: DiskFile[],
): Promise<{ path: string; diff: string }[]> {
  const out: { path: string; diff: string }[] = [];
  for (const f of files) {
    const desired = renderedText(await deps.call('config_render', { role, file: f.path }));
    const disk = f.text ?? '';
    if (disk === desired) continue;
    out.push({
      path: f.path,
      diff: createTwoFilesPatch(
        `disk/${f.path}`,
        `desired/${f.path}`,
        disk,
        desired,
        f.text === undefined ? 'missing' : undefined,
        undefined,
        { context: 3 },
      ),
    });
  }
  return out;
}

/** Everything the panel of one role shows. */
export async function loadConfigPanel(deps: AdminDeps, role: string): Promise<ConfigPanelData> {
  const files = await Promise.all(
    CONFIG_FILES.map(async (path) => ({ path, text: await deps.readRoleFile(role, path) })),
  );
  try {
    const diffs = diffsOf(await deps.call('config_diff', { role }));
    return { role, files, diffs: diffs ?? (await diffByRender(deps, role, files)) };
  } catch (err) {
    if (!isRpcError(err)) throw err;
    try {
      if (err.code === -32601) return { role, files, diffs: await diffByRender(deps, role, files) };
    } catch (again) {
      if (!isRpcError(again)) throw again;
      return { role, files, diffs: [], error: `The diff is not available: ${again.message}` };
    }
    return { role, files, diffs: [], error: `The diff is not available: ${err.message}` };
  }
}

/** Register the Config routes. */
export function registerConfig(app: Hono, deps: AdminDeps, at: MountInfo): void {
  app.get('/config', async (c) => {
    const roles = (await readRoles(deps)).map((r) => r.name);
    const wanted = c.req.query('role');
    const role = wanted && roles.includes(wanted) ? wanted : roles[0];
    const data = role ? await loadConfigPanel(deps, role) : undefined;
    return sendPage(c, at, 'config', role ? `Config of ${role}` : 'Config', <ConfigPage roles={roles} data={data} />);
  });
  app.get('/config-panel', async (c) =>
    c.html(<ConfigPanel data={await loadConfigPanel(deps, c.req.query('role') ?? '')} />),
  );
}
