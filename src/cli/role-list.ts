/** `hero-team role list`: the declared roles, one per line. */
import { defineCommand } from './command.ts';
import { EXIT, out } from './io.ts';
import { loadStoreFor } from './store-access.ts';
import { tableLines } from './table.ts';

/** Print a table of roles (or JSON with --json). */
export const roleList = defineCommand({
  name: 'role list',
  summary: 'the declared roles, one per line',
  usage: '[--json]',
  options: { json: { type: 'boolean', description: 'print the roles as JSON' } },
  examples: ['role list', 'role list --json'],
  async run({ values, io, config }) {
    const store = await loadStoreFor(config);
    if (values.json) {
      out(io, JSON.stringify(store.roles, null, 2));
      return EXIT.ok;
    }
    if (!store.roles.length) {
      out(io, 'no roles; add one with "hero-team role add NAME --model MODEL --skills a,b"');
      return EXIT.ok;
    }
    const rows = [['NAME', 'MODEL', 'THINKING', 'SKILLS', 'MCP', 'DRIFT', 'GEN']];
    for (const r of [...store.roles].sort((a, b) => (a.name < b.name ? -1 : 1))) {
      rows.push([
        r.name,
        r.model,
        String(r.thinking),
        String(r.skills.length),
        r.mcp.join(',') || '-',
        r.driftPolicy,
        String(r.generation),
      ]);
    }
    for (const line of tableLines(rows)) out(io, line);
    return EXIT.ok;
  },
});
