/** Tool names per target: presets and hooks name tools canonically, each target spells them its own way. */
import type { KimiTargetId } from '../../../desired/schema.ts';

/** The tools presets and hook matchers may name, independent of the client. */
export const CANONICAL_TOOLS = [
  'shell',
  'read',
  'write',
  'edit',
  'glob',
  'grep',
  'fetch',
  'search',
  'agent',
  'todo',
  'ask',
  'skill',
] as const;
export type CanonicalTool = (typeof CANONICAL_TOOLS)[number];

/** Each target's name of each tool; absent: the target has no such tool (kimi-cli reads skills without one). */
const NAMES: Readonly<Record<KimiTargetId, Readonly<Partial<Record<CanonicalTool, string>>>>> = {
  'kimi-code': {
    shell: 'Bash',
    read: 'Read',
    write: 'Write',
    edit: 'Edit',
    glob: 'Glob',
    grep: 'Grep',
    fetch: 'FetchURL',
    search: 'WebSearch',
    agent: 'Agent',
    todo: 'TodoList',
    ask: 'AskUserQuestion',
    skill: 'Skill',
  },
  'kimi-cli': {
    shell: 'Shell',
    read: 'ReadFile',
    write: 'WriteFile',
    edit: 'StrReplaceFile',
    glob: 'Glob',
    grep: 'Grep',
    fetch: 'FetchURL',
    search: 'SearchWeb',
    agent: 'Agent',
    todo: 'SetTodoList',
    ask: 'AskUserQuestion',
  },
};

/** The target's name of a canonical tool, or undefined when the target lacks it. */
export function toolNameFor(target: KimiTargetId, tool: CanonicalTool): string | undefined {
  return NAMES[target][tool];
}
