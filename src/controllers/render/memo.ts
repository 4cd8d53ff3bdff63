/**
 * The last render of each role, reused while every input is the same: render is pure, so equal inputs give
 * an equal DesiredRole. Inputs compare by identity (the store, catalog and services objects are replaced on
 * every reload; a registry skill keeps its object while a rescan finds it unchanged) and secrets by value.
 * A no-op resync and the roles an edit does not touch then skip rendering and hashing their files.
 */
import type { Catalog } from '../../desired/schema.ts';
import type { DesiredRole } from '../artifacts.ts';
import { type RenderRoleInput, renderRole } from './role.ts';

interface Entry {
  inputs: unknown[];
  secrets: Readonly<Record<string, string>>;
  out: DesiredRole;
}

/** Render with memory of each role's last inputs and output. */
export class RenderMemo {
  private readonly last = new Map<string, Entry>();
  hits = 0;

  /** `catalogSource`: the stored catalog the effective one was built from (the effective one is rebuilt per call). */
  render(input: RenderRoleInput, catalogSource: Catalog): DesiredRole {
    const { index } = input;
    const inputs: unknown[] = [
      input.role,
      catalogSource,
      input.rolesDir,
      input.services,
      index.exists,
      input.preset,
      input.target,
      input.keys,
    ];
    for (const name of input.role.skills) inputs.push(index.skills.get(name), index.invalid.get(name));
    const prev = this.last.get(input.role.name);
    if (prev && sameList(prev.inputs, inputs) && sameRecord(prev.secrets, input.secrets)) {
      this.hits++;
      return prev.out;
    }
    const out = renderRole(input);
    this.last.set(input.role.name, { inputs, secrets: { ...input.secrets }, out });
    return out;
  }

  /** Forget a role (deleted). */
  forget(role: string): void {
    this.last.delete(role);
  }
}

function sameList(a: readonly unknown[], b: readonly unknown[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

function sameRecord(a: Readonly<Record<string, string>>, b: Readonly<Record<string, string>>): boolean {
  const ka = Object.keys(a);
  return ka.length === Object.keys(b).length && ka.every((k) => a[k] === b[k]);
}
