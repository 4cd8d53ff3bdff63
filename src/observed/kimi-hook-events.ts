/**
 * The `[[hooks]]` events each Kimi client accepts: any other event (or an extra field) is an error to it. One
 * table for the renderer's target description and for the hook rules doctor applies: the renderer never
 * consults it to decide what to write, so sharing it lets no renderer mistake pass its own check.
 */
import type { KimiTargetId } from '../desired/schema.ts';

/** kimi-cli's 13 hook events (kimi-cli-format §5). */
const KIMI_CLI_HOOK_EVENTS = [
  'PreToolUse',
  'PostToolUse',
  'PostToolUseFailure',
  'UserPromptSubmit',
  'Stop',
  'StopFailure',
  'SessionStart',
  'SessionEnd',
  'SubagentStart',
  'SubagentStop',
  'PreCompact',
  'PostCompact',
  'Notification',
] as const;

/** The hook events of each client: Kimi Code accepts kimi-cli's and 7 more (kimi-code-format §6). */
export const KIMI_HOOK_EVENTS: Readonly<Record<KimiTargetId, readonly string[]>> = {
  'kimi-cli': KIMI_CLI_HOOK_EVENTS,
  'kimi-code': [
    ...KIMI_CLI_HOOK_EVENTS,
    'PermissionRequest',
    'PermissionResult',
    'UserPromptQueued',
    'TurnStarted',
    'Interrupt',
    'SessionHeartbeat',
    'TaskStarted',
  ],
};
