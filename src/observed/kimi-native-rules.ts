/**
 * Checks generated agent files and `[[hooks]]` against the loader rules of both fact sheets: kimi-cli
 * (kimi-cli-format §4 agent specs, §1.8 and §5 hooks) and Kimi Code 2.x (kimi-code-format §5 agents, §6 hooks).
 * Used by doctor and by the render tests; the tool tables are restated from the sheets on purpose, independently
 * of the renderer's own tables, so a renderer mistake cannot pass its own check.
 */
import { parse as parseToml } from 'smol-toml';
import { isMap, isScalar, parseDocument, parse as parseYaml } from 'yaml';
import { KIMI_HOOK_EVENTS } from './kimi-hook-events.ts';

type Table = Record<string, unknown>;

/** kimi-cli §4.3: the import paths of the default agent's 17 tools (plus okabe's two). */
const CLI_TOOL_PATHS = [
  'kimi_cli.tools.agent:Agent',
  'kimi_cli.tools.ask_user:AskUserQuestion',
  'kimi_cli.tools.todo:SetTodoList',
  'kimi_cli.tools.shell:Shell',
  'kimi_cli.tools.background:TaskList',
  'kimi_cli.tools.background:TaskOutput',
  'kimi_cli.tools.background:TaskStop',
  'kimi_cli.tools.file:ReadFile',
  'kimi_cli.tools.file:ReadMediaFile',
  'kimi_cli.tools.file:Glob',
  'kimi_cli.tools.file:Grep',
  'kimi_cli.tools.file:WriteFile',
  'kimi_cli.tools.file:StrReplaceFile',
  'kimi_cli.tools.web:SearchWeb',
  'kimi_cli.tools.web:FetchURL',
  'kimi_cli.tools.plan:ExitPlanMode',
  'kimi_cli.tools.plan.enter:EnterPlanMode',
  'kimi_cli.tools.think:Think',
  'kimi_cli.tools.dmail:SendDMail',
];
/** kimi-cli §4.4 built-in prompt variables, plus ROLE_ADDITIONAL that the default agent's args define. */
const CLI_PROMPT_VARS = [
  'KIMI_NOW',
  'KIMI_WORK_DIR',
  'KIMI_WORK_DIR_LS',
  'KIMI_AGENTS_MD',
  'KIMI_SKILLS',
  'KIMI_ADDITIONAL_DIRS_INFO',
  'KIMI_OS',
  'KIMI_SHELL',
  'ROLE_ADDITIONAL',
];
/** Kimi Code's built-in tool names (agent-core-v2 tools, kimi-code-format §0.5). */
const CODE_TOOLS = [
  'Read',
  'Write',
  'Edit',
  'Grep',
  'Glob',
  'Bash',
  'TaskList',
  'TaskOutput',
  'TaskStop',
  'WaitFor',
  'ReadMediaFile',
  'TodoList',
  'Skill',
  'WebSearch',
  'Agent',
  'FetchURL',
  'AskUserQuestion',
  'EnterPlanMode',
  'ExitPlanMode',
];
/** Kimi Code §5 substitutes these in an agent body. */
const CODE_PROMPT_VARS = ['base_prompt', 'skills', 'agents_md', 'cwd', 'os'];
/** Tool-name events: their matcher must be anchored on both ends. */
const TOOL_EVENTS = ['PreToolUse', 'PostToolUse', 'PostToolUseFailure'];

/** Violations of kimi-cli's agent-spec loader (§4.1-4.4) for agent.yaml and the system.md it names. */
export function checkKimiCliAgent(yamlText: string, systemMd: string): string[] {
  const out: string[] = [];
  const doc = parseDocument(yamlText);
  if (doc.errors.length) return [`agent.yaml is not valid YAML: ${doc.errors[0]!.message}`];
  if (!isMap(doc.contents)) return ['agent.yaml must be a mapping'];
  const version = doc.get('version', true);
  if (!isScalar(version) || String(version.source ?? version.value) !== '1')
    out.push('version: str(version) must be "1"');
  const agent = (doc.toJS() as Table).agent;
  if (!isTable(agent)) return [...out, 'agent must be a mapping'];
  if (agent.extend !== 'default') out.push('extend must be "default" (a path would not resolve in the role dir)');
  if (typeof agent.name !== 'string' || !agent.name)
    out.push('name is required after inheritance (the default agent\'s is "")');
  if (agent.system_prompt_path !== './system.md') out.push('system_prompt_path must name the system.md beside it');
  const tools = agent.allowed_tools ?? agent.tools;
  if (!Array.isArray(tools) || !tools.length) out.push('tools must be a non-empty list');
  else
    for (const t of tools)
      if (!CLI_TOOL_PATHS.includes(t as string)) out.push(`unknown tool ${String(t)} (InvalidToolError)`);
  if ('subagents' in agent && agent.subagents !== null) out.push('subagents paths would not resolve');
  out.push(...checkJinja(systemMd, CLI_PROMPT_VARS));
  return out;
}

/** kimi-cli renders system.md with Jinja, `${` `}` delimiters and StrictUndefined (§4.4). */
function checkJinja(text: string, known: readonly string[]): string[] {
  const out: string[] = [];
  if (/\{#|\{%/.test(text)) out.push('system.md holds Jinja block or comment syntax');
  for (const m of text.matchAll(/\$\{\s*([^}]*?)\s*\}/g))
    if (!known.includes(m[1]!)) out.push(`system.md: undefined variable \${${m[1]}} (StrictUndefined)`);
  if (/\$\{[^}]*$/.test(text)) out.push('system.md: unclosed ${');
  return out;
}

/** Violations of Kimi Code's agent-file parser (§5) for an `agents/<name>.md` text. */
export function checkKimiCodeAgent(text: string, fileStem: string): string[] {
  const m = /^---\n([\s\S]*?)\n---\n([\s\S]*)$/.exec(text);
  if (!m) return ['no frontmatter block (line 1 must be ---)'];
  const front = parseYaml(m[1]!) as unknown;
  if (!isTable(front)) return ['frontmatter must be a mapping'];
  const out: string[] = [];
  const name = front.name ?? fileStem;
  if (typeof name !== 'string' || !/^[a-z0-9]+(?:-[a-z0-9]+)*$/.test(name)) out.push('name must be kebab-case');
  if (typeof front.description !== 'string' || !front.description.trim()) out.push('description is required');
  if (!Array.isArray(front.tools)) out.push('tools must be listed (omitted = every tool)');
  else {
    for (const t of front.tools)
      if (!CODE_TOOLS.includes(t as string))
        out.push(`unknown Kimi Code tool ${String(t)} (matches nothing, silently)`);
    if (!front.tools.includes('Skill')) out.push('tools lacks Skill: the agent would get no skills');
  }
  if (front.subagents !== undefined && !Array.isArray(front.subagents)) out.push('subagents must be a list');
  const body = m[2]!.trim();
  if (!body) out.push('body (the system prompt) is empty');
  for (const v of body.matchAll(/\$\{([^}]*)\}/g))
    if (!CODE_PROMPT_VARS.includes(v[1]!)) out.push(`body: \${${v[1]}} is not substituted by Kimi Code`);
  return out;
}

/** Violations of the `[[hooks]]` rules of a config.toml for one target (kimi-cli §1.8/§5, Kimi Code §6). */
export function checkKimiHooks(toml: string, target: 'kimi-cli' | 'kimi-code'): string[] {
  const hooks = (parseToml(toml) as Table).hooks;
  if (hooks === undefined) return [];
  if (!Array.isArray(hooks)) return ['hooks must be an array of tables'];
  const events = KIMI_HOOK_EVENTS[target];
  const shell = target === 'kimi-cli' ? 'Shell' : 'Bash';
  const out: string[] = [];
  hooks.forEach((h, i) => {
    const at = `hooks[${i}]`;
    if (!isTable(h)) {
      out.push(`${at} must be a table`);
      return;
    }
    // Kimi Code is strict (an extra field drops every hook); kimi-cli ignores extras, we emit none either way.
    for (const key of Object.keys(h))
      if (!['event', 'command', 'matcher', 'timeout'].includes(key)) out.push(`${at}: unknown field ${key}`);
    if (!events.includes(h.event as string)) out.push(`${at}.event ${String(h.event)} is not a ${target} event`);
    if (typeof h.command !== 'string' || !h.command) out.push(`${at}.command must be a non-empty string`);
    const matcher = h.matcher ?? '';
    if (typeof matcher !== 'string') {
      out.push(`${at}.matcher must be a string`);
      return;
    }
    let re: RegExp | undefined;
    try {
      re = new RegExp(matcher);
    } catch {
      out.push(`${at}.matcher is not a valid regex (the hook would never fire)`);
    }
    if (re && h.event === 'Stop' && !re.test(''))
      out.push(`${at}: a Stop matcher must match "" or the hook never fires`);
    if (re && TOOL_EVENTS.includes(h.event as string) && matcher) {
      if (!/^\^.*\$$/.test(matcher))
        out.push(`${at}.matcher must be anchored (^…$): Kimi searches, so it would match substrings`);
      if (re.test(`${shell}X`) || re.test(`X${shell}`)) out.push(`${at}.matcher matches more than the tool name`);
    }
    if (!Number.isInteger(h.timeout) || (h.timeout as number) < 1 || (h.timeout as number) > 600)
      out.push(`${at}.timeout must be an integer in 1..600`);
  });
  return out;
}

function isTable(value: unknown): value is Table {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
