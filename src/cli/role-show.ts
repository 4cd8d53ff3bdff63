/** `hero-team role show NAME`: the spec, the paths, the launch line and what the manifest says was written. */
import { join } from 'node:path';
import { InputError, RoleNotFoundError } from '../errors.ts';
import { readManifest } from '../observed/manifest.ts';
import { EXIT, out, type Command } from './io.ts';
import { parseFlags } from './args.ts';
import { launchLine, loadStoreFor } from './store-access.ts';

/** Show one role. */
export const roleShow: Command = async (args, io, config) => {
  const { values, positionals } = parseFlags(args, { json: { type: 'boolean' } });
  if (positionals.length !== 1) throw new InputError('NAME', 'usage: hero-team role show NAME');
  const name = positionals[0]!;
  const store = await loadStoreFor(config);
  const role = store.roles.find((r) => r.name === name);
  if (!role) throw new RoleNotFoundError(name);
  const dir = join(config.paths.rolesDir, name);
  const manifest = await readManifest(dir);
  const files = manifest.state === 'ok' ? manifest.manifest.entries.length : 0;
  const launch = launchLine(config.paths.rolesDir, name);
  if (values.json) {
    out(io, JSON.stringify({ role, dir, launch, manifest: manifest.state, files }, null, 2));
    return EXIT.ok;
  }
  out(io, `name:        ${role.name}`);
  if (role.description) out(io, `description: ${role.description}`);
  out(io, `model:       ${role.model}${role.maxContextSize ? ` (context ${role.maxContextSize})` : ''}`);
  out(io, `thinking:    ${role.thinking}    yolo: ${role.yolo}    drift: ${role.driftPolicy}    generation: ${role.generation}`);
  out(io, `skills:      ${role.skills.join(', ') || '-'}`);
  out(io, `mcp:         ${role.mcp.join(', ') || '-'}`);
  out(io, `dir:         ${dir}`);
  out(io, `written:     ${manifest.state === 'ok' ? `${files} file(s) (manifest)` : manifest.state === 'absent' ? 'nothing yet (run "hero-team sync")' : 'manifest unreadable'}`);
  out(io, `launch:      ${launch}`);
  return EXIT.ok;
};
