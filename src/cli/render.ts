/** `hero-team render ROLE [--file NAME] [--show-secrets]`: what hero_team would write (from the store, keys masked). */
import { statePaths } from '../config.ts';
import { maskSecrets } from '../controllers/render/config-toml.ts';
import { redactMcpServers } from '../controllers/render/mcp-json.ts';
import { renderRole } from '../controllers/render/role.ts';
import { readRenderInput } from '../controllers/render-input.ts';
import { InputError, RoleNotFoundError } from '../errors.ts';
import { DigestCache } from '../observed/digest.ts';
import { readDiscoveryCache } from '../observed/discovery/poller.ts';
import { scanRegistry } from '../observed/registry.ts';
import { readServices } from '../observed/services.ts';
import { defineCommand } from './command.ts';
import { EXIT, out } from './io.ts';
import { loadStoreFor } from './store-access.ts';

const FILES = ['config.toml', 'mcp.json', 'skills', 'agents', 'hooks'] as const;
/** Listed by path and md5 (many files, or scripts): the others are printed whole. */
const LISTED = new Set(['skills', 'agents', 'hooks']);

/** Print the rendered files of a role. */
export const render = defineCommand({
  name: 'render',
  summary: 'print what would be written for a role, from the store (keys masked)',
  usage: 'ROLE [--file config.toml|mcp.json|skills|agents|hooks] [--show-secrets]',
  options: {
    file: {
      type: 'string',
      value: 'NAME',
      description: 'only this file: config.toml, mcp.json, or skills, agents, hooks (lists of files)',
    },
    'show-secrets': { type: 'boolean', description: 'print the real keys instead of <redacted:VAR>' },
  },
  positionals: { min: 1, max: 1 },
  examples: ['render backend', 'render backend --file config.toml'],
  async run({ values, positionals, io, config }) {
    if (values.file !== undefined && !FILES.includes(values.file as (typeof FILES)[number]))
      throw new InputError('file', `--file must be one of ${FILES.join(', ')}`);
    const store = await loadStoreFor(config);
    const role = store.roles.find((r) => r.name === positionals[0]);
    if (!role) throw new RoleNotFoundError(positionals[0]!);
    const show = values['show-secrets'] ?? false;
    const index = await scanRegistry(config.paths.skillsDir, new DigestCache());
    const { home, rolesDir } = config.paths;
    const files = statePaths(home);
    // As the daemon would: services.json over the list live discovery last kept.
    const services = {
      ...(await readDiscoveryCache(files.discoveryCache))?.services,
      ...(await readServices(files.services)).services,
    };
    const input = await readRenderInput(role, { store, index, services, home, rolesDir, env: io.env });
    const desired = renderRole(show ? input : { ...input, secrets: maskSecrets(input.secrets) });
    const text = (path: string) => {
      const f = desired.files.find((x) => x.path === path)!;
      const s = f.source.kind === 'bytes' ? f.source.bytes.toString('utf8') : '';
      return path === 'mcp.json' && !show ? redactMcpServers(s, Object.values(input.secrets)) : s;
    };
    const want = values.file
      ? [values.file]
      : FILES.filter(
          (name) => !LISTED.has(name) || name === 'skills' || desired.files.some((f) => f.path.startsWith(`${name}/`)),
        );
    for (const name of want) {
      if (!values.file) out(io, `# ==> ${desired.dir}/${name}${LISTED.has(name) ? '/' : ''}`);
      if (LISTED.has(name))
        for (const f of desired.files.filter((f) => f.path.startsWith(`${name}/`)))
          out(io, `${f.path}  ${f.md5}  ${f.size}`);
      else io.stdout.write(text(name));
    }
    const unset = input.keys === 'env' ? 'kimi needs it in its environment at launch' : 'renders as ""';
    for (const m of desired.missingSecrets) io.stderr.write(`hero-team: warning: ${m} is not set (${unset})\n`);
    return EXIT.ok;
  },
});
