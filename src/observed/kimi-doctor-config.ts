/** Kimi Code's own verdict on a role's config (`kimi doctor config`). */
import { join } from 'node:path';
import { type KimiCommand, runKimi } from './kimi-command.ts';

/** Kimi Code's verdict on one config.toml: errors (exit 1) and warnings (unknown keys and the like). */
export interface DoctorConfigResult {
  ok: boolean;
  errors: string[];
  warnings: string[];
  output: string;
}

/** Run `kimi doctor config <roleDir>/config.toml` with the role directory as its home. */
export async function kimiDoctorConfig(
  command: KimiCommand,
  roleDir: string,
  env: NodeJS.ProcessEnv,
): Promise<DoctorConfigResult> {
  const r = await runKimi(
    command,
    ['doctor', 'config', join(roleDir, 'config.toml')],
    { ...env, KIMI_CODE_HOME: roleDir, KIMI_CODE_NO_AUTO_UPDATE: '1' },
    60_000,
  );
  const output = `${r.stdout}${r.stderr}`;
  // Detail lines are indented under their file's "OK"/"ERROR" line.
  const details = output
    .split('\n')
    .filter((line) => /^\s+\S/.test(line))
    .map((line) => line.trim());
  const failed = r.code !== 0;
  return {
    ok: !failed && details.length === 0,
    errors: failed ? (details.length ? details : [output.trim() || `exit ${r.code}`]) : [],
    warnings: failed ? [] : details,
    output,
  };
}
