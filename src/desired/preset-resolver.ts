/** Resolves a role's preset for rendering: a missing or invalid one stalls the role. */
import { InvalidSpecError, PresetError } from '../errors.ts';
import { loadPreset, type Preset, type PresetRoots } from './presets.ts';

/** Preset lookups of one process; re-reads the small preset files each time. */
export class PresetResolver {
  constructor(readonly roots: PresetRoots) {}

  /** The preset a role names; InvalidSpecError (the role stalls, nothing is written) when missing or invalid. */
  async resolve(role: string, name: string): Promise<Preset> {
    let preset: Preset | undefined;
    try {
      preset = await loadPreset(name, this.roots);
    } catch (err) {
      if (err instanceof PresetError) throw new InvalidSpecError(role, err.message);
      throw err;
    }
    if (!preset)
      throw new InvalidSpecError(
        role,
        `preset "${name}" not found (built-in presets, or ${this.roots.user}/${name}/); see "hero-team preset list"`,
      );
    return preset;
  }
}
