/**
 * One small interface per Kimi client (DESIGN §5): what the role directory holds and how kimi is launched
 * differ by target; everything else (plan, apply, manifest, backups) is shared.
 */
import type { KeyMode, KimiTargetId } from '../../../desired/schema.ts';
import { KIMI_HOOK_EVENTS } from '../../../observed/kimi-hook-events.ts';
import { MANIFEST_FILE } from '../../../observed/manifest.ts';
import type { McpServer } from '../../../observed/services.ts';
import { type RenderConfigInput, type RenderedConfig, renderConfigToml } from '../config-toml.ts';
import { NATIVE_TARGETS } from '../native.ts';
import { renderKimiCodeConfig } from './kimi-code-config.ts';
import { toKimiCodeServer } from './kimi-code-mcp.ts';
import { type LaunchCommand, type LaunchOptions, launchCommand } from './launch.ts';
import { type CanonicalTool, toolNameFor } from './tool-names.ts';

/** A Kimi client hero_team renders for. */
export interface KimiTarget {
  id: KimiTargetId;
  /** config.toml for a role (throws InvalidSpecError when the role cannot be expressed). */
  renderConfig(input: RenderConfigInput, keys: KeyMode): RenderedConfig;
  /** One mcp.json entry in the shape this client accepts, or undefined to leave it out (reported). */
  mcpServer(server: McpServer): Record<string, unknown> | undefined;
  /** Role-relative path of a preset's agent file. */
  agentFile(preset: string): string;
  /** Agent file format: Kimi Code reads Markdown with frontmatter, kimi-cli a YAML spec plus system.md. */
  agentFormat: 'markdown' | 'yaml';
  /** Hook events this client accepts: any other event (or an extra field) in `[[hooks]]` is an error to it. */
  hookEvents: readonly string[];
  /** This client's name of a tool (hook matchers, tool lists), undefined when it has none. */
  toolName(tool: CanonicalTool): string | undefined;
  /** The command that runs kimi as the role (absolute role directory). */
  launch(roleDir: string, opts?: LaunchOptions): LaunchCommand;
}

const KIMI_CODE: KimiTarget = {
  id: 'kimi-code',
  renderConfig: (input, keys) => renderKimiCodeConfig({ ...input, keys }),
  mcpServer: toKimiCodeServer,
  agentFile: (preset) => NATIVE_TARGETS['kimi-code'].agentFile(preset),
  agentFormat: 'markdown',
  hookEvents: KIMI_HOOK_EVENTS['kimi-code'],
  toolName: (tool) => toolNameFor('kimi-code', tool),
  launch: (dir, opts) => launchCommand('kimi-code', dir, opts),
};

const KIMI_CLI: KimiTarget = {
  id: 'kimi-cli',
  // kimi-cli has no api_key_env: its keys are always written into the file.
  renderConfig: (input) => renderConfigToml(input),
  mcpServer: (server) => server,
  agentFile: (preset) => NATIVE_TARGETS['kimi-cli'].agentFile(preset),
  agentFormat: 'yaml',
  hookEvents: KIMI_HOOK_EVENTS['kimi-cli'],
  toolName: (tool) => toolNameFor('kimi-cli', tool),
  launch: (dir, opts) => launchCommand('kimi-cli', dir, opts),
};

/** The target object for an id. */
export function kimiTarget(id: KimiTargetId): KimiTarget {
  return id === 'kimi-cli' ? KIMI_CLI : KIMI_CODE;
}

/**
 * Top-level entries of a role directory hero_team may write, for any target. With Kimi Code the role
 * directory is also kimi's home: everything else there (sessions/, logs/, cache/, credentials/, device_id…)
 * is kimi's own state, never watched, reported, pruned or backed up.
 */
export const OWNED_TOP_LEVEL: ReadonlySet<string> = new Set([
  'config.toml',
  'mcp.json',
  'skills',
  'agents',
  'hooks',
  'AGENTS.md',
  MANIFEST_FILE,
]);
