/** The Skills tab's data: one page of the filtered registry and the role columns shown beside it. */
import type { RoleSkillView, RoleView, SkillView } from '../data.ts';

/** Rows per page: 10,000 skills never render at once. */
export const PAGE_SIZE = 50;
/** Role columns shown at once (50 rows × 100 roles would be 5,000 checkboxes); the user picks which. */
export const MAX_COLUMNS = 12;

/** One page of the filtered registry. */
export interface SkillsPageData {
  q: string;
  page: number;
  pages: number;
  /** Names of every role (the matrix shows `roles`, a chosen subset). */
  allRoles: string[];
  total: number;
  registrySize: number;
  skills: SkillView[];
  roles: RoleView[];
  /** Per role, its whitelisted skills with md5 and staleness. */
  roleSkills: Map<string, Map<string, RoleSkillView>>;
}

/** Skills whose name, description or tags contain `q` (case-insensitive). */
export function filterSkills(skills: SkillView[], q: string): SkillView[] {
  const needle = q.trim().toLowerCase();
  if (!needle) return skills;
  return skills.filter(
    (s) =>
      s.name.includes(needle) ||
      s.description?.toLowerCase().includes(needle) ||
      s.tags.some((t) => t.toLowerCase().includes(needle)),
  );
}

/** Cut one page out of the filtered registry. */
export function pageOf(
  all: SkillView[],
  q: string,
  page: number,
): Pick<SkillsPageData, 'q' | 'page' | 'pages' | 'total' | 'registrySize' | 'skills'> {
  const filtered = filterSkills(all, q);
  const pages = Math.max(1, Math.ceil(filtered.length / PAGE_SIZE));
  const p = Math.min(Math.max(1, page), pages);
  return {
    q,
    page: p,
    pages,
    total: filtered.length,
    registrySize: all.length,
    skills: filtered.slice((p - 1) * PAGE_SIZE, p * PAGE_SIZE),
  };
}
