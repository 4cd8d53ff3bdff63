/**
 * The rules a role's config.toml and mcp.json are judged by, per Kimi client: kimi-cli's (kimi-cli-format) or
 * Kimi Code's (kimi-code-format), hooks included. Each problem says whether the client drops or misreads the
 * setting (error) or only ignores something (warning).
 */
import type { KimiTargetId } from '../desired/schema.ts';
import { checkKimiCodeConfig, checkKimiCodeMcpJson } from './kimi-code-config-rules.ts';
import { checkKimiConfig, checkMcpJson } from './kimi-config-rules.ts';
import { checkKimiHooks } from './kimi-native-rules.ts';

/** One violation of a client's rules. */
export interface RuleProblem {
  severity: 'error' | 'warning';
  text: string;
}

/** The checks of one client. */
export interface KimiFileRules {
  config(text: string): RuleProblem[];
  mcp(text: string): RuleProblem[];
}

/** Unknown keys are ignored by both clients; an over-broad hook matcher still works. */
const ADVISORY = /^unknown key |\.matcher must be anchored|\.matcher matches more than/;
/** kimi-cli ignores extra hook fields; Kimi Code drops every hook for one (kimi-code-format §6). */
const CLI_ADVISORY = /^unknown key |: unknown field |\.matcher must be anchored|\.matcher matches more than/;

function classify(problems: string[], advisory: RegExp): RuleProblem[] {
  return problems.map((text) => ({ severity: advisory.test(text) ? 'warning' : 'error', text }));
}

/** Hook rules apply once the file parses (the config check reports a syntax error itself). */
function hooks(text: string, target: KimiTargetId): string[] {
  try {
    return checkKimiHooks(text, target);
  } catch {
    return [];
  }
}

/** The rules of each target. */
export const KIMI_FILE_RULES: Readonly<Record<KimiTargetId, KimiFileRules>> = {
  'kimi-cli': {
    config: (text) => classify([...checkKimiConfig(text), ...hooks(text, 'kimi-cli')], CLI_ADVISORY),
    mcp: (text) => classify(checkMcpJson(text), ADVISORY),
  },
  'kimi-code': {
    config: (text) => classify([...checkKimiCodeConfig(text), ...hooks(text, 'kimi-code')], ADVISORY),
    mcp: (text) => classify(checkKimiCodeMcpJson(text), ADVISORY),
  },
};
