/** skill → roles index (pure): which roles whitelist a skill or an MCP service. */
import type { RoleSpec } from './schema.ts';

/** Names of roles whose whitelist contains `skill`. */
export function rolesUsingSkill(roles: readonly RoleSpec[], skill: string): string[] {
  return roles.filter((r) => r.skills.includes(skill)).map((r) => r.name);
}

/** Names of roles whose MCP whitelist may include `service` (`*` includes all). */
export function rolesUsingService(roles: readonly RoleSpec[], service: string): string[] {
  return roles.filter((r) => r.mcp.includes('*') || r.mcp.includes(service)).map((r) => r.name);
}

/** A stable key of what a role's render depends on in the store: its spec and the catalog. */
export function specKey(role: RoleSpec | undefined, catalogKey: string): string {
  return role ? JSON.stringify(role) + '\u0000' + catalogKey : 'deleted';
}
