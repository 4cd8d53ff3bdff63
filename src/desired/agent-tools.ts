/**
 * Kimi's built-in tools under each target's name: the kimi-cli import path an agent.yaml lists (kimi-cli-format
 * §4.3), the name kimi-cli's model and hook matchers see, and the Kimi Code 2.x name (kimi-code-format §0.5, §5).
 */

/** One built-in tool. */
export interface AgentTool {
  /** kimi-cli `module:Class` path, as written in agent.yaml. */
  path: string;
  /** Name under kimi-cli (the class name). */
  cli: string;
  /** Name under Kimi Code 2.x. */
  code: string;
}

/** Kimi's 17 default tools (kimi-cli's default agent enables exactly these). */
export const AGENT_TOOLS: readonly AgentTool[] = [
  { path: 'kimi_cli.tools.agent:Agent', cli: 'Agent', code: 'Agent' },
  { path: 'kimi_cli.tools.ask_user:AskUserQuestion', cli: 'AskUserQuestion', code: 'AskUserQuestion' },
  { path: 'kimi_cli.tools.todo:SetTodoList', cli: 'SetTodoList', code: 'TodoList' },
  { path: 'kimi_cli.tools.shell:Shell', cli: 'Shell', code: 'Bash' },
  { path: 'kimi_cli.tools.background:TaskList', cli: 'TaskList', code: 'TaskList' },
  { path: 'kimi_cli.tools.background:TaskOutput', cli: 'TaskOutput', code: 'TaskOutput' },
  { path: 'kimi_cli.tools.background:TaskStop', cli: 'TaskStop', code: 'TaskStop' },
  { path: 'kimi_cli.tools.file:ReadFile', cli: 'ReadFile', code: 'Read' },
  { path: 'kimi_cli.tools.file:ReadMediaFile', cli: 'ReadMediaFile', code: 'ReadMediaFile' },
  { path: 'kimi_cli.tools.file:Glob', cli: 'Glob', code: 'Glob' },
  { path: 'kimi_cli.tools.file:Grep', cli: 'Grep', code: 'Grep' },
  { path: 'kimi_cli.tools.file:WriteFile', cli: 'WriteFile', code: 'Write' },
  { path: 'kimi_cli.tools.file:StrReplaceFile', cli: 'StrReplaceFile', code: 'Edit' },
  { path: 'kimi_cli.tools.web:SearchWeb', cli: 'SearchWeb', code: 'WebSearch' },
  { path: 'kimi_cli.tools.web:FetchURL', cli: 'FetchURL', code: 'FetchURL' },
  { path: 'kimi_cli.tools.plan:ExitPlanMode', cli: 'ExitPlanMode', code: 'ExitPlanMode' },
  { path: 'kimi_cli.tools.plan.enter:EnterPlanMode', cli: 'EnterPlanMode', code: 'EnterPlanMode' },
];

const BY_PATH = new Map(AGENT_TOOLS.map((t) => [t.path, t]));

/** The tool an agent.yaml entry names, if it is one of Kimi's built-ins. */
export function toolByPath(path: string): AgentTool | undefined {
  return BY_PATH.get(path);
}

/** The shell tool under each target: what a safety hook's matcher names. */
export const SHELL_TOOL = { cli: 'Shell', code: 'Bash' } as const;
