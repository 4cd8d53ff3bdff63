/** Render everything a role directory should hold (pure: spec, catalog, registry, services, secrets in). */
import { join } from 'node:path';
import { catalogModel, catalogProvider } from '../../desired/catalog-defaults.ts';
import type { Preset } from '../../desired/presets.ts';
import type { Catalog, KeyMode, KimiTargetId, RoleSpec } from '../../desired/schema.ts';
import { InvalidSpecError } from '../../errors.ts';
import { md5Bytes } from '../../observed/digest.ts';
import type { RegistryIndex } from '../../observed/registry-types.ts';
import type { McpServer } from '../../observed/services.ts';
import type { DesiredFile, DesiredRole } from '../artifacts.ts';
import { renderMcpJson } from './mcp-json.ts';
import { renderNative } from './native.ts';
import { renderSkillFiles } from './skills.ts';
import { kimiTarget } from './targets/target.ts';

/** Inputs of a role render. */
export interface RenderRoleInput {
  role: RoleSpec;
  /** The effective catalog (built-ins merged). */
  catalog: Catalog;
  rolesDir: string;
  index: RegistryIndex;
  services: Readonly<Record<string, McpServer>>;
  secrets: Readonly<Record<string, string>>;
  /** The role's preset, resolved by the caller (required when the role names one). */
  preset?: Preset;
  /** The client to render for (default kimi-cli, the format of the seed) and where keys go (default: in the file). */
  target?: KimiTargetId;
  keys?: KeyMode;
}

/** Mode of generated files that may hold keys. */
export const SECRET_FILE_MODE = 0o600;

function bytesFile(path: string, text: string): DesiredFile {
  const bytes = Buffer.from(text, 'utf8');
  return {
    path,
    md5: md5Bytes(bytes),
    size: bytes.length,
    mode: SECRET_FILE_MODE,
    source: { kind: 'bytes', bytes },
    secret: true,
  };
}

/** The desired state of one role directory; throws InvalidSpecError for a spec that cannot render. */
export function renderRole(input: RenderRoleInput): DesiredRole {
  const dir = join(input.rolesDir, input.role.name);
  if (input.role.preset && input.preset?.name !== input.role.preset)
    throw new InvalidSpecError(input.role.name, `preset "${input.role.preset}" was not resolved`);
  const target = kimiTarget(input.target ?? 'kimi-cli');
  const native = renderNative({
    role: input.role.name,
    roleDir: dir,
    target: target.id,
    preset: input.preset,
    hooks: input.role.hooks,
  });
  const config = target.renderConfig(
    { role: input.role, catalog: input.catalog, roleDir: dir, secrets: input.secrets, hooks: native.hooks },
    input.keys ?? 'config',
  );
  const mcp = renderMcpJson(input.role, input.services, target.id === 'kimi-cli' ? undefined : target.mcpServer);
  const skills = renderSkillFiles({ skills: input.role.skills, index: input.index });
  const files = [
    bytesFile('config.toml', config.text),
    bytesFile('mcp.json', mcp.text),
    ...native.files,
    ...skills.files,
  ].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  // The revision covers every output byte (spec, catalog, skills, secrets) plus what is kept or missing.
  const revision = md5Bytes(
    JSON.stringify({
      files: files.map((f) => [f.path, f.md5, f.mode]),
      keep: skills.keepPrefixes,
      missing: [config.missingSecrets, skills.missingSkills, mcp.missingServices, mcp.rejectedServices],
    }),
  );
  return {
    role: input.role.name,
    dir,
    files,
    keepPrefixes: skills.keepPrefixes,
    revision,
    keyMode: target.id === 'kimi-cli' ? 'config' : (input.keys ?? 'config'),
    missingSecrets: config.missingSecrets,
    missingRequiredSecrets: config.missingSecrets.filter((v) => v === requiredKeyVar(input)),
    missingSkills: skills.missingSkills,
    invalidSkills: skills.invalidSkills,
    missingServices: mcp.missingServices,
    rejectedServices: mcp.rejectedServices,
  };
}

/** The key variable of the provider behind the role's default model. */
function requiredKeyVar(input: RenderRoleInput): string | undefined {
  const model = catalogModel(input.catalog, input.role.model);
  return model ? catalogProvider(input.catalog, model.provider)?.apiKeyEnv : undefined;
}
