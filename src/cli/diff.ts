/** `hero-team diff [ROLE...] [--json]`: what sync would change as unified diffs (keys redacted); 1 when any differs. */

import { systemClock } from '../clock.ts';
import type { RoleDiff } from '../controllers/diff.ts';
import { diffRoles } from '../controllers/diff-role.ts';
import { createLogger } from '../log.ts';
import { defineCommand } from './command.ts';
import { type CliIo, EXIT, out } from './io.ts';
import { checkRoleNames, loadSources } from './role-args.ts';

/** Diff the named roles (default: every declared role and every managed directory). */
export const diff = defineCommand({
  name: 'diff',
  summary: 'unified diff disk vs desired, keys redacted (exit 1 when they differ)',
  usage: '[ROLE...] [--json]',
  description: [
    'Per role: a unified diff of each file that differs between the role directory and what hero_team would',
    'write now (API keys redacted on both sides), skills added, removed and changed by name, and strays in',
    'skills/. Without ROLE: every declared role and every managed directory.',
    'Exit 0 when everything is converged, 1 when anything differs, 2 on bad input.',
  ].join('\n'),
  options: { json: { type: 'boolean', description: 'print the differences as JSON' } },
  positionals: { min: 0, max: Infinity },
  examples: ['diff', 'diff backend', 'diff backend --json'],
  async run({ values, positionals, io, config }) {
    checkRoleNames(positionals);
    const sources = await loadSources(config, io);
    if (!sources) return EXIT.usage;
    const deps = sources.reconcileDeps({
      paths: config.paths,
      env: io.env,
      clock: systemClock,
      log: createLogger('silent'),
    });
    const result = await diffRoles(positionals.length ? positionals : undefined, deps);
    if (values.json) out(io, JSON.stringify(result, null, 2));
    else print(io, result.roles, result.errors);
    if (result.errors.length) return EXIT.usage;
    return result.converged ? EXIT.ok : EXIT.failed;
  },
});

function print(io: CliIo, diffs: RoleDiff[], errors: { role: string; error: string }[]): void {
  for (const d of diffs) {
    if (d.converged) {
      out(io, `${d.role}: converged`);
      continue;
    }
    out(io, `${d.role}: differs (${d.files.length} file(s)${d.strays.length ? `, ${d.strays.length} stray(s)` : ''})`);
    const { added, removed, changed } = d.skills;
    if (added.length) out(io, `  skills added: ${added.join(', ')}`);
    if (removed.length) out(io, `  skills removed: ${removed.join(', ')}`);
    if (changed.length) out(io, `  skills changed: ${changed.join(', ')}`);
    for (const s of d.strays)
      out(io, `  stray: ${s} (not whitelisted and not ours: Kimi loads it as a skill; sync leaves it)`);
    for (const f of d.files) {
      out(io, `  ${f.change}: ${f.path}${f.note ? ` (${f.note})` : ''}`);
      if (f.patch) io.stdout.write(f.patch.endsWith('\n') ? f.patch : `${f.patch}\n`);
    }
  }
  for (const e of errors) io.stderr.write(`hero-team: ${e.role}: ${e.error}\n`);
}
