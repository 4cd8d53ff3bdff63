/** Checks a generated config.toml / mcp.json against the Kimi CLI fact sheet (the same rules doctor applies). */
export { checkKimiConfig, checkMcpJson } from '../../src/observed/kimi-config-rules.ts';
