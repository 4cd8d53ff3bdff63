/**
 * The Kimi-native part of a role (pure): its agent files from a preset and its hook scripts, rendered for one
 * target through a small per-target rule set (agent file format, tool names, the `--agent-file` path).
 */

import { SHELL_TOOL } from '../../desired/agent-tools.ts';
import type { Preset } from '../../desired/presets.ts';
import { md5Bytes } from '../../observed/digest.ts';
import type { DesiredFile } from '../artifacts.ts';
import { kimiCliAgentFile, renderKimiCliAgent } from './agent-kimi-cli.ts';
import { kimiCodeAgentFile, renderKimiCodeAgent } from './agent-kimi-code.ts';
import { HOOK_SCRIPT_MODE, type HookEntry, hookEntries, hookScript, roleHooks } from './hooks.ts';

/** The Kimi client a role directory is rendered for. */
export type KimiTarget = 'kimi-cli' | 'kimi-code';

/** What differs between targets for agents and hooks. */
export interface NativeTargetRules {
  /** The preset's agent files (paths relative to the role directory). */
  agentFiles(preset: Preset, role: string): { path: string; text: string }[];
  /** Role-relative path `--agent-file` names. */
  agentFile(preset: string): string;
  /** The shell tool's name, what safety-check's matcher anchors on. */
  shellTool: string;
}

/** Rules per target. */
export const NATIVE_TARGETS: Readonly<Record<KimiTarget, NativeTargetRules>> = {
  'kimi-cli': { agentFiles: renderKimiCliAgent, agentFile: kimiCliAgentFile, shellTool: SHELL_TOOL.cli },
  'kimi-code': { agentFiles: renderKimiCodeAgent, agentFile: kimiCodeAgentFile, shellTool: SHELL_TOOL.code },
};

/** Inputs of the native render. */
export interface NativeInput {
  role: string;
  roleDir: string;
  target: KimiTarget;
  /** The role's preset, resolved (undefined: the role has none). */
  preset?: Preset;
  hooks?: readonly string[];
}

/** Files and config entries of the native part. */
export interface RenderedNative {
  files: DesiredFile[];
  hooks: HookEntry[];
}

/** Render the agent files and hooks of one role. */
export function renderNative(input: NativeInput): RenderedNative {
  const rules = NATIVE_TARGETS[input.target];
  const files: DesiredFile[] = [];
  if (input.preset)
    for (const f of rules.agentFiles(input.preset, input.role)) files.push(textFile(f.path, f.text, 0o644));
  const hooks = roleHooks(input.hooks);
  for (const name of hooks) files.push(textFile(`hooks/${name}`, hookScript(name), HOOK_SCRIPT_MODE));
  return { files, hooks: hookEntries(hooks, input.roleDir, input.role, rules.shellTool) };
}

function textFile(path: string, text: string, mode: number): DesiredFile {
  const bytes = Buffer.from(text, 'utf8');
  return { path, md5: md5Bytes(bytes), size: bytes.length, mode, source: { kind: 'bytes', bytes } };
}
