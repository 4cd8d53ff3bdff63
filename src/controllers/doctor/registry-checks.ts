/** Doctor check of the skills registry: reachable, its invalid skills, folder names against frontmatter names. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseFrontmatter } from '../../observed/frontmatter.ts';
import type { RegistryIndex } from '../../observed/registry-types.ts';
import type { Findings } from './finding.ts';

/** The registry: reachable, its invalid skills, skills whose folder name and frontmatter name differ. */
export function checkRegistry(index: RegistryIndex, f: Findings): void {
  if (!index.exists) {
    f.add(
      'error',
      'registry.missing',
      `skills registry ${index.root} does not exist or is not a directory`,
      'set HERO_SKILLS_DIR to your registry, or create one with "hero-team init --example-skills"',
      { file: index.root },
    );
    return;
  }
  if (!index.skills.size)
    f.add(
      'warning',
      'registry.empty',
      `skills registry ${index.root} holds no valid skill`,
      'add skill folders (each with a SKILL.md) or point HERO_SKILLS_DIR at your registry',
      { file: index.root },
    );
  for (const bad of [...index.invalid.values()].sort((a, b) => (a.name < b.name ? -1 : 1))) {
    f.add(
      'warning',
      'registry.invalid-skill',
      `skill "${bad.name}" (${bad.source}) is invalid: ${bad.reason}`,
      'fix its SKILL.md; until then roles keep their last good copy',
      { file: bad.source },
    );
  }
  for (const skill of index.skills.values()) {
    const md = skill.kind === 'dir' ? join(skill.source, 'SKILL.md') : skill.source;
    const name = frontmatterName(md);
    if (name !== undefined && name !== skill.name) {
      f.add(
        'warning',
        'registry.name-mismatch',
        `skill folder "${skill.name}" declares name "${name}" in ${md}`,
        `rename the folder or set "name: ${skill.name}" (roles whitelist it by folder name; Kimi shows the frontmatter name)`,
        { file: md },
      );
    }
  }
}

function frontmatterName(file: string): string | undefined {
  try {
    const fm = parseFrontmatter(readFileSync(file, 'utf8'));
    const name = fm.ok && fm.data ? fm.data.name : undefined;
    return typeof name === 'string' ? name : undefined;
  } catch {
    return undefined;
  }
}
