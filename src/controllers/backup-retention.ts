/** Backup retention: which backup directories of a role may go (pure), and removing them. First backups always stay. */
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import type { Clock } from '../clock.ts';
import { type BackupEntry, protectedBackups, readBackupIndex, roleBackupsDir } from '../observed/backup-index.ts';

/** How long backups are kept: a directory goes only when not among the newest `keep` nor younger than `maxAgeDays`. */
export interface RetentionRule {
  /** Newest backup directories per role always kept (0: the count keeps none). */
  keep: number;
  /** Backup directories younger than this many days always kept (0: age keeps none). */
  maxAgeDays: number;
}

/** Generous default: the newest 100 backup directories of a role, and every one of the last 90 days. */
export const DEFAULT_RETENTION: RetentionRule = { keep: 100, maxAgeDays: 90 };

const DAY_MS = 86_400_000;

/**
 * The backup directory ids to remove under `rule` at time `now`. A directory holding the first backup of any
 * path, or a path's original (the user's file from before hero_team), is never chosen, whatever its age.
 */
export function planRetention(entries: readonly BackupEntry[], rule: RetentionRule, now: number): string[] {
  const keepIds = new Set([...protectedBackups(entries)].map((e) => e.id));
  const newest = new Map<string, number>();
  for (const e of entries) newest.set(e.id, Math.max(newest.get(e.id) ?? 0, Date.parse(e.at) || 0));
  const byAge = [...newest].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? 1 : -1));
  return byAge
    .filter(([id, at], rank) => !keepIds.has(id) && rank >= rule.keep && now - at >= rule.maxAgeDays * DAY_MS)
    .map(([id]) => id)
    .sort();
}

/** Apply the rule to one role's backups; returns the ids removed. Directories not backups of ours are never touched. */
export function pruneBackups(backupsRoot: string, role: string, rule: RetentionRule, clock: Clock): string[] {
  const index = readBackupIndex(backupsRoot, role);
  const drop = planRetention(index.entries, rule, clock.now());
  for (const id of drop) rmSync(join(roleBackupsDir(backupsRoot, role), id), { recursive: true, force: true });
  return drop;
}
