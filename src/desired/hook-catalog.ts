/** The built-in hooks a role can pick (`--hooks a,b`): which Kimi events each is wired to, and its timeout. */

/** Names of the built-in hooks. */
export const HOOK_NAMES = ['safety-check', 'completion-check', 'notify'] as const;
export type HookName = (typeof HOOK_NAMES)[number];

/** One `[[hooks]]` wiring of a built-in hook, before target-specific names are filled in. */
export interface HookWiring {
  event: 'PreToolUse' | 'Stop' | 'Notification';
  /** `shell`: anchored on the target's shell tool name; `all`: the empty matcher (Stop fires only with it). */
  matcher: 'shell' | 'all';
  /** Seconds; Kimi accepts 1-600 (kimi-cli-format §1.8, kimi-code-format §6). */
  timeout: number;
}

/**
 * Event wiring per hook. safety-check guards every shell call (fast, pure pattern matching: 10 s is plenty);
 * completion-check runs `git status` once at Stop (30 s for large trees); notify runs on Notification and on
 * Stop (a desktop notifier answers in well under 10 s, and a timeout only drops the notification).
 */
export const HOOK_WIRING: Readonly<Record<HookName, readonly HookWiring[]>> = {
  'safety-check': [{ event: 'PreToolUse', matcher: 'shell', timeout: 10 }],
  'completion-check': [{ event: 'Stop', matcher: 'all', timeout: 30 }],
  notify: [
    { event: 'Notification', matcher: 'all', timeout: 10 },
    { event: 'Stop', matcher: 'all', timeout: 10 },
  ],
};

/** What each hook does, for help text and `preset show`. */
export const HOOK_DESCRIPTIONS: Readonly<Record<HookName, string>> = {
  'safety-check':
    'blocks destructive shell commands (recursive deletes of / or ~, force pushes, curl | sh, disk formatting, chmod -R 777)',
  'completion-check': 'at Stop, asks for one more turn to verify when files changed and the work was not yet checked',
  notify: 'a desktop notification (notify-send / osascript) on Notification and Stop, else a line in a log',
};

/** True for a built-in hook name. */
export function isHookName(name: string): name is HookName {
  return (HOOK_NAMES as readonly string[]).includes(name);
}
