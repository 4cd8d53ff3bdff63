/** `hero-team skill list [--role NAME]`: registry skills with digest, validity and the roles using them. */
import { RoleNotFoundError } from '../errors.ts';
import { DigestCache } from '../observed/digest.ts';
import { scanRegistry } from '../observed/registry.ts';
import { EXIT, out, type Command } from './io.ts';
import { parseFlags } from './args.ts';
import { loadStoreFor } from './store-access.ts';

/** List registry skills (only the role's whitelist with --role). */
export const skillList: Command = async (args, io, config) => {
  const { values } = parseFlags(args, { role: { type: 'string' }, json: { type: 'boolean' } }, false);
  const [store, index] = await Promise.all([loadStoreFor(config), scanRegistry(config.paths.skillsDir, new DigestCache())]);
  const role = values.role === undefined ? undefined : store.roles.find((r) => r.name === values.role);
  if (values.role !== undefined && !role) throw new RoleNotFoundError(values.role);
  const names = role ? [...role.skills].sort() : [...new Set([...index.skills.keys(), ...index.invalid.keys()])].sort();
  const rows = names.map((name) => {
    const skill = index.skills.get(name);
    const invalid = index.invalid.get(name);
    const usedBy = store.roles.filter((r) => r.skills.includes(name)).map((r) => r.name);
    return { name, md5: skill?.digest, files: skill?.files.length ?? 0, state: skill ? 'valid' : invalid ? 'invalid' : 'missing', reason: invalid?.reason, usedBy };
  });
  if (values.json) {
    out(io, JSON.stringify({ registry: config.paths.skillsDir, exists: index.exists, skills: rows }, null, 2));
    return EXIT.ok;
  }
  if (!index.exists) out(io, `registry ${config.paths.skillsDir} does not exist`);
  for (const r of rows) {
    const detail = r.state === 'valid' ? `${r.md5}  ${r.files} file(s)` : r.state === 'invalid' ? `INVALID: ${r.reason}` : 'MISSING from the registry';
    out(io, `${r.name.padEnd(24)} ${detail}${r.usedBy.length ? `  roles: ${r.usedBy.join(',')}` : ''}`);
  }
  out(io, `${index.skills.size} valid, ${index.invalid.size} invalid skill(s) in ${config.paths.skillsDir}`);
  return EXIT.ok;
};
