/** `hero-team render ROLE [--file NAME] [--show-secrets]`: what hero_team would write, from the store, secrets masked. */
import { statePaths } from '../config.ts';
import { InputError, RoleNotFoundError } from '../errors.ts';
import { DigestCache } from '../observed/digest.ts';
import { scanRegistry } from '../observed/registry.ts';
import { readServices } from '../observed/services.ts';
import { maskSecrets } from '../controllers/render/config-toml.ts';
import { redactMcpServers } from '../controllers/render/mcp-json.ts';
import { renderRole } from '../controllers/render/role.ts';
import { readRenderInput } from '../controllers/render-input.ts';
import { defineCommand } from './command.ts';
import { EXIT, out } from './io.ts';
import { loadStoreFor } from './store-access.ts';

const FILES = ['config.toml', 'mcp.json', 'skills'] as const;

/** Print the rendered files of a role. */
export const render = defineCommand({
  name: 'render',
  summary: 'print what would be written for a role, from the store (keys masked)',
  usage: 'ROLE [--file config.toml|mcp.json|skills] [--show-secrets]',
  options: {
    file: { type: 'string', value: 'NAME', description: 'only this file: config.toml, mcp.json or skills (the list of skill files)' },
    'show-secrets': { type: 'boolean', description: 'print the real keys instead of <redacted:VAR>' },
  },
  positionals: { min: 1, max: 1 },
  examples: ['render backend', 'render backend --file config.toml'],
  async run({ values, positionals, io, config }) {
    if (values.file !== undefined && !FILES.includes(values.file as (typeof FILES)[number])) throw new InputError('file', `--file must be one of ${FILES.join(', ')}`);
    const store = await loadStoreFor(config);
    const role = store.roles.find((r) => r.name === positionals[0]);
    if (!role) throw new RoleNotFoundError(positionals[0]!);
    const show = values['show-secrets'] ?? false;
    const index = await scanRegistry(config.paths.skillsDir, new DigestCache());
    const { services } = await readServices(statePaths(config.paths.home).services);
    const { home, rolesDir } = config.paths;
    const input = await readRenderInput(role, { store, index, services, home, rolesDir, env: io.env });
    const desired = renderRole(show ? input : { ...input, secrets: maskSecrets(input.secrets) });
    const text = (path: string) => {
      const f = desired.files.find((x) => x.path === path)!;
      const s = f.source.kind === 'bytes' ? f.source.bytes.toString('utf8') : '';
      return path === 'mcp.json' && !show ? redactMcpServers(s) : s;
    };
    const want = values.file ? [values.file] : FILES;
    for (const name of want) {
      if (!values.file) out(io, `# ==> ${desired.dir}/${name}${name === 'skills' ? '/' : ''}`);
      if (name !== 'skills') io.stdout.write(text(name));
      else for (const f of desired.files) if (f.path.startsWith('skills/')) out(io, `${f.path}  ${f.md5}  ${f.size}`);
    }
    for (const m of desired.missingSecrets) io.stderr.write(`hero-team: warning: ${m} is not set (renders as "")\n`);
    return EXIT.ok;
  },
});
