/** The flags of `role add` and `role set`: one definition, so both commands take and document them alike. */
import { HOOK_NAMES } from '../desired/hook-catalog.ts';
import type { OptionSpecs } from './command.ts';

/** Flag definitions shared by `role add` and `role set`. */
export const ROLE_FLAGS = {
  model: {
    type: 'string',
    value: 'M',
    description:
      'model alias from the catalog ("hero-team model list"); role add defaults to kimi-code/kimi-for-coding',
  },
  skills: {
    type: 'string',
    value: 'LIST',
    description: 'registry skills, comma-separated: "a,b" replaces the whitelist, "+a,-b" adds a and removes b',
  },
  'add-skills': { type: 'string', value: 'LIST', description: 'skills to add to the whitelist' },
  'remove-skills': { type: 'string', value: 'LIST', description: 'skills to remove from the whitelist' },
  mcp: {
    type: 'string',
    value: 'LIST',
    description: 'MCP services from services.json ("*" = all); "+x,-y" edits the list',
  },
  thinking: { type: 'boolean', negatable: true, description: 'thinking on by default (default: on)' },
  yolo: { type: 'boolean', negatable: true, description: 'auto-approve tool calls (default: off)' },
  context: {
    type: 'string',
    value: 'N',
    description: "max context size in tokens, 1 up to the model's own (default: the model's)",
  },
  description: { type: 'string', value: 'TEXT', description: 'free text shown by role show' },
  drift: {
    type: 'string',
    value: 'revert|report',
    description: 'hand edits: revert (back up and restore, default) or report (leave and flag)',
  },
  preset: {
    type: 'string',
    value: 'P',
    description:
      'agent preset ("hero-team preset list"): its agent spec, prompt and, on role add, its defaults; "none" removes it',
  },
  hooks: {
    type: 'string',
    value: 'LIST',
    description: `built-in hooks, comma-separated: ${HOOK_NAMES.join(', ')}; "none" removes them`,
  },
} as const satisfies OptionSpecs;
