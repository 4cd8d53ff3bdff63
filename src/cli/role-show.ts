/** `hero-team role show NAME`: the spec, the paths, the launch line and what the manifest says was written. */
import { join } from 'node:path';
import { RoleNotFoundError } from '../errors.ts';
import { readManifest } from '../observed/manifest.ts';
import { defineCommand } from './command.ts';
import { EXIT, out } from './io.ts';
import { launchLine, loadStoreFor } from './store-access.ts';

/** Show one role. */
export const roleShow = defineCommand({
  name: 'role show',
  summary: 'one role: its spec, directory, files written and launch line',
  usage: 'NAME [--json]',
  options: { json: { type: 'boolean', description: 'print the role as JSON' } },
  positionals: { min: 1, max: 1 },
  examples: ['role show backend'],
  async run({ values, positionals, io, config }) {
    const name = positionals[0]!;
    const store = await loadStoreFor(config);
    const role = store.roles.find((r) => r.name === name);
    if (!role) throw new RoleNotFoundError(name);
    const dir = join(config.paths.rolesDir, name);
    const manifest = await readManifest(dir);
    const files = manifest.state === 'ok' ? manifest.manifest.entries.length : 0;
    const launch = launchLine(config.paths.rolesDir, name, role.preset, store, io.env);
    if (values.json) {
      out(io, JSON.stringify({ role, dir, launch, manifest: manifest.state, files }, null, 2));
      return EXIT.ok;
    }
    out(io, `name:        ${role.name}`);
    if (role.description) out(io, `description: ${role.description}`);
    out(io, `model:       ${role.model}${role.maxContextSize ? ` (context ${role.maxContextSize})` : ''}`);
    out(
      io,
      `thinking:    ${role.thinking}    yolo: ${role.yolo}    drift: ${role.driftPolicy}    generation: ${role.generation}`,
    );
    out(io, `skills:      ${role.skills.join(', ') || '-'}`);
    out(io, `mcp:         ${role.mcp.join(', ') || '-'}`);
    out(io, `preset:      ${role.preset ?? '-'}    hooks: ${role.hooks?.join(', ') || '-'}`);
    out(io, `dir:         ${dir}`);
    out(
      io,
      `written:     ${manifest.state === 'ok' ? `${files} file(s) (manifest)` : manifest.state === 'absent' ? 'nothing yet (run "hero-team sync")' : 'manifest unreadable'}`,
    );
    out(io, `launch:      ${launch}`);
    return EXIT.ok;
  },
});
