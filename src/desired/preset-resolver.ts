/** Resolves a role's preset for rendering, one object per unchanged preset (the render memo compares by identity). */
import { InvalidSpecError, PresetError } from '../errors.ts';
import { loadPreset, type Preset, type PresetRoots } from './presets.ts';

/** Preset lookups of one process; re-reads the small preset files each time and reuses the object while equal. */
export class PresetResolver {
  private readonly last = new Map<string, { key: string; preset: Preset }>();

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
    const key = JSON.stringify(preset);
    const prev = this.last.get(name);
    if (prev?.key === key) return prev.preset;
    this.last.set(name, { key, preset });
    return preset;
  }
}
