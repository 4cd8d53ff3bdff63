/** What a registry skill says about itself for listing: frontmatter name, description and tags. */
import { open } from 'node:fs/promises';
import { parseFrontmatter } from './frontmatter.ts';
import type { Skill } from './registry-types.ts';

/** A skill's self-description (anything unreadable is simply absent). */
export interface SkillMeta {
  /** The frontmatter `name`, which Kimi uses instead of the folder name when set. */
  name?: string;
  description?: string;
  /** `tags` or `metadata.tags`: a list or comma-separated string (Kimi ignores them; they help people find skills). */
  tags: string[];
}

/** Bytes of SKILL.md read for its frontmatter; a listing never needs more. */
const META_BYTES = 64 * 1024;

/** Read a valid skill's frontmatter for display. */
export async function readSkillMeta(skill: Skill): Promise<SkillMeta> {
  const file = skill.kind === 'flat' ? skill.source : skill.files.find((f) => f.rel === 'SKILL.md')?.abs;
  if (!file) return { tags: [] };
  let text: string;
  try {
    const handle = await open(file, 'r');
    try {
      const buf = Buffer.alloc(META_BYTES);
      const { bytesRead } = await handle.read(buf, 0, META_BYTES, 0);
      text = buf.subarray(0, bytesRead).toString('utf8');
    } finally {
      await handle.close();
    }
  } catch {
    return { tags: [] };
  }
  const fm = parseFrontmatter(text);
  const data = fm.ok ? (fm.data ?? {}) : {};
  const metadata = data.metadata && typeof data.metadata === 'object' ? (data.metadata as Record<string, unknown>) : {};
  const meta: SkillMeta = { tags: tagList(Object.hasOwn(data, 'tags') ? data.tags : metadata.tags) };
  if (typeof data.name === 'string' && data.name) meta.name = data.name;
  const description = typeof data.description === 'string' && data.description ? data.description : skill.description;
  if (description) meta.description = description;
  return meta;
}

function tagList(value: unknown): string[] {
  const items = Array.isArray(value) ? value : typeof value === 'string' ? value.split(',') : [];
  return [
    ...new Set(
      items
        .filter((t): t is string => typeof t === 'string')
        .map((t) => t.trim())
        .filter(Boolean),
    ),
  ];
}
