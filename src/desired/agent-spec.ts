/**
 * A preset's agent.yaml, read with kimi-cli's agent-spec loader rules (kimi-cli-format §4.1-4.2) plus what a
 * role directory can hold: the spec extends Kimi's default agent, its prompt is the preset's own system.md
 * next to it, and its tools are Kimi built-ins (import paths Kimi cannot resolve are fatal at launch).
 */
import { isMap, isScalar, parseDocument } from 'yaml';
import { AGENT_TOOLS, type AgentTool, toolByPath } from './agent-tools.ts';

/** What hero_team takes from an agent.yaml. */
export interface AgentSpec {
  name: string;
  whenToUse?: string;
  /** The effective tool list (allowed_tools, else tools, else the default agent's; minus exclude_tools). */
  tools: AgentTool[];
}

/** Keys of `agent:` hero_team accepts; Kimi ignores unknown keys silently, so a typo is reported here. */
const AGENT_KEYS = [
  'extend',
  'name',
  'system_prompt_path',
  'when_to_use',
  'tools',
  'allowed_tools',
  'exclude_tools',
  'subagents',
];

/** Parse and check an agent.yaml text; returns the spec or the first violation as a message. */
export function parseAgentSpec(text: string): AgentSpec | { error: string } {
  const doc = parseDocument(text);
  if (doc.errors.length) {
    const e = doc.errors[0]!;
    return {
      error: `not valid YAML${e.linePos ? ` at line ${e.linePos[0].line}, column ${e.linePos[0].col}` : ''}: ${e.message.split('\n')[0]}`,
    };
  }
  if (!isMap(doc.contents)) return { error: 'must be a mapping with "version" and "agent"' };
  const version = doc.get('version', true);
  // Kimi compares str(version) with "1": `1` and "1" pass, `1.0` does not.
  if (!isScalar(version) || String(version.source ?? version.value) !== '1') return { error: 'version must be 1' };
  const agent = doc.toJS().agent as unknown;
  if (typeof agent !== 'object' || agent === null || Array.isArray(agent))
    return { error: '"agent" must be a mapping' };
  return checkAgent(agent as Record<string, unknown>);
}

function checkAgent(a: Record<string, unknown>): AgentSpec | { error: string } {
  const unknown = Object.keys(a).filter((k) => !AGENT_KEYS.includes(k));
  if (unknown.length)
    return { error: `unknown key(s) under agent: ${unknown.join(', ')} (accepted: ${AGENT_KEYS.join(', ')})` };
  if (a.extend !== 'default')
    return { error: 'agent.extend must be "default" (the role directory holds only this spec and its system.md)' };
  if (typeof a.name !== 'string' || !a.name) return { error: 'agent.name must be a non-empty string' };
  if (a.system_prompt_path !== './system.md' && a.system_prompt_path !== 'system.md')
    return { error: 'agent.system_prompt_path must be ./system.md' };
  if (a.when_to_use !== undefined && typeof a.when_to_use !== 'string')
    return { error: 'agent.when_to_use must be a string' };
  if (a.subagents !== undefined && a.subagents !== null)
    return {
      error:
        "agent.subagents is not supported: its paths would not resolve in a role directory (the default agent's subagents stay with the Agent tool)",
    };
  const lists: Record<string, AgentTool[] | null | undefined> = {};
  for (const key of ['tools', 'allowed_tools', 'exclude_tools']) {
    const checked = toolList(a[key], key);
    if (checked && 'error' in checked) return checked;
    lists[key] = checked;
  }
  // Any present key replaces the base's value (null = []); allowed_tools, when given, replaces tools.
  const base = lists.allowed_tools ?? (a.tools === undefined ? [...AGENT_TOOLS] : (lists.tools ?? []));
  const excluded = new Set((lists.exclude_tools ?? []).map((t) => t.path));
  const tools = dedupe(base.filter((t) => !excluded.has(t.path)));
  if (!tools.length) return { error: 'the agent has no tools left' };
  return { name: a.name, whenToUse: a.when_to_use as string | undefined, tools };
}

function toolList(value: unknown, key: string): AgentTool[] | null | undefined | { error: string } {
  if (value === undefined || value === null) return value as null | undefined;
  if (!Array.isArray(value)) return { error: `agent.${key} must be a list of tool import paths` };
  const out: AgentTool[] = [];
  for (const entry of value) {
    const tool = typeof entry === 'string' ? toolByPath(entry) : undefined;
    if (!tool)
      return {
        error: `agent.${key}: unknown tool ${JSON.stringify(entry)}; Kimi's built-ins are ${AGENT_TOOLS.map((t) => t.path).join(', ')}`,
      };
    out.push(tool);
  }
  return out;
}

function dedupe(tools: AgentTool[]): AgentTool[] {
  return [...new Map(tools.map((t) => [t.path, t])).values()];
}
