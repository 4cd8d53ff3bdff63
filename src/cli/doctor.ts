/** `hero-team doctor [ROLE...] [--json]`: diagnostics with a fix for each finding; exit 1 on any error. */

import { systemClock } from '../clock.ts';
import type { Finding } from '../controllers/doctor/finding.ts';
import { runDoctor, systemProbes } from '../controllers/doctor/run.ts';
import { defineCommand } from './command.ts';
import { type CliIo, EXIT, out } from './io.ts';
import { checkRoleNames } from './role-args.ts';

const MARK = { error: 'ERROR', warning: 'WARN ', info: 'info ' } as const;

/** Run the checks and print the findings. */
export const doctor = defineCommand({
  name: 'doctor',
  summary: 'diagnostics, each with a fix; exit 1 on any error',
  usage: '[ROLE...] [--json]',
  description: [
    'Checks the registry (reachable, invalid skills, folder and frontmatter names), the roles dir, the store,',
    'secrets.env, the daemon (running, reachable, only one), inotify headroom and the installed kimi against the',
    'target (kimi-code or kimi-cli); per role its manifest and files, config.toml, mcp.json and [[hooks]] under the',
    "target client's rules, its preset's agent file, its hook scripts, skills/, the keys its model needs and file",
    'modes; with Kimi Code installed and targeted, "kimi doctor config" on each role. Each finding has a severity',
    '(error, warning, info), the file, and a fix. Exit 1 on any error.',
  ].join('\n'),
  options: { json: { type: 'boolean', description: 'print the findings as JSON' } },
  positionals: { min: 0, max: Infinity },
  examples: ['doctor', 'doctor backend', 'doctor --json'],
  async run({ values, positionals, io, config }) {
    checkRoleNames(positionals);
    const findings = await runDoctor({
      paths: config.paths,
      env: io.env,
      clock: systemClock,
      probes: systemProbes(),
      roles: positionals.length ? positionals : undefined,
    });
    const errors = findings.filter((x) => x.severity === 'error').length;
    const warnings = findings.filter((x) => x.severity === 'warning').length;
    if (values.json) out(io, JSON.stringify({ ok: errors === 0, errors, warnings, findings }, null, 2));
    else print(io, findings, errors, warnings);
    return errors ? EXIT.failed : EXIT.ok;
  },
});

function print(io: CliIo, findings: Finding[], errors: number, warnings: number): void {
  for (const x of findings) {
    out(io, `${MARK[x.severity]} ${x.role ? `[${x.role}] ` : ''}${x.message}`);
    out(io, `      fix: ${x.fix}`);
  }
  out(io, errors || warnings ? `${errors} error(s), ${warnings} warning(s)` : 'no problems found');
}
