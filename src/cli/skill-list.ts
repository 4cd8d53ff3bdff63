/** `hero-team skill list [--role NAME]`: registry skills with description, tags, validity and the roles using them. */
import type { StoreData } from '../desired/schema.ts';
import { errorMessage, RoleNotFoundError, StoreError } from '../errors.ts';
import { DigestCache } from '../observed/digest.ts';
import { scanRegistry } from '../observed/registry.ts';
import { readSkillMeta } from '../observed/skill-meta.ts';
import { defineCommand } from './command.ts';
import { EXIT, out } from './io.ts';
import { loadStoreFor } from './store-access.ts';

/** One line of the listing. */
interface SkillRow {
  name: string;
  state: 'valid' | 'invalid' | 'missing';
  md5?: string;
  files: number;
  description?: string;
  tags: string[];
  /** The frontmatter name when it differs from the folder (or file stem) name: Kimi shows the skill under it. */
  frontmatterName?: string;
  reason?: string;
  usedBy: string[];
}

/** List registry skills (only the role's whitelist with --role). */
export const skillList = defineCommand({
  name: 'skill list',
  summary: 'registry skills: description, tags, validity (and why not), the roles using them',
  usage: '[--role NAME] [--json]',
  description: 'Works without a store, and with a corrupt one (roles are then not shown).',
  options: {
    role: { type: 'string', value: 'NAME', description: "only this role's whitelist" },
    json: { type: 'boolean', description: 'print the listing as JSON' },
  },
  examples: ['skill list', 'skill list --role backend', 'skill list --json'],
  async run({ values, io, config }) {
    const [storeRead, index] = await Promise.all([
      readStoreOrError(config),
      scanRegistry(config.paths.skillsDir, new DigestCache()),
    ]);
    const store = storeRead.store;
    if (storeRead.error)
      io.stderr.write(`hero-team: warning: ${storeRead.error.message}; listing the registry without roles\n`);
    if (values.role !== undefined && !store) throw storeRead.error ?? new RoleNotFoundError(values.role);
    const role = values.role === undefined ? undefined : store?.roles.find((r) => r.name === values.role);
    if (values.role !== undefined && !role) throw new RoleNotFoundError(values.role);
    const names = role
      ? [...role.skills].sort()
      : [...new Set([...index.skills.keys(), ...index.invalid.keys()])].sort();
    const rows: SkillRow[] = [];
    for (const name of names) {
      const skill = index.skills.get(name);
      const invalid = index.invalid.get(name);
      const meta = skill ? await readSkillMeta(skill) : { tags: [] };
      rows.push({
        name,
        state: skill ? 'valid' : invalid ? 'invalid' : 'missing',
        ...(skill ? { md5: skill.digest } : {}),
        files: skill?.files.length ?? 0,
        ...(meta.description ? { description: meta.description } : {}),
        tags: meta.tags,
        ...(meta.name && meta.name !== name ? { frontmatterName: meta.name } : {}),
        ...(invalid ? { reason: invalid.reason } : {}),
        usedBy: (store?.roles ?? []).filter((r) => r.skills.includes(name)).map((r) => r.name),
      });
    }
    if (values.json) {
      out(io, JSON.stringify({ registry: config.paths.skillsDir, exists: index.exists, skills: rows }, null, 2));
      return EXIT.ok;
    }
    if (!index.exists)
      out(
        io,
        `registry ${config.paths.skillsDir} does not exist ("hero-team init --example-skills" creates one with examples)`,
      );
    for (const r of rows) for (const line of rowLines(r)) out(io, line);
    out(io, `${index.skills.size} valid, ${index.invalid.size} invalid skill(s) in ${config.paths.skillsDir}`);
    return EXIT.ok;
  },
});

async function readStoreOrError(
  config: Parameters<typeof loadStoreFor>[0],
): Promise<{ store?: StoreData; error?: StoreError }> {
  try {
    return { store: await loadStoreFor(config) };
  } catch (err) {
    if (err instanceof StoreError) return { error: err };
    throw new Error(errorMessage(err), { cause: err });
  }
}

function rowLines(r: SkillRow): string[] {
  const state =
    r.state === 'valid'
      ? `${r.files} file(s)`
      : r.state === 'invalid'
        ? `INVALID: ${r.reason}`
        : 'MISSING from the registry';
  const lines = [
    `${r.name.padEnd(24)} ${state}${r.tags.length ? `  [${r.tags.join(', ')}]` : ''}${r.usedBy.length ? `  roles: ${r.usedBy.join(',')}` : ''}`,
  ];
  if (r.description) lines.push(`    ${oneLine(r.description, 100)}`);
  if (r.frontmatterName)
    lines.push(
      `    warning: SKILL.md names it "${r.frontmatterName}": Kimi lists it under that name; whitelists use the folder name "${r.name}"`,
    );
  return lines;
}

function oneLine(text: string, max: number): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}
