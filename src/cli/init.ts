/** `hero-team init [--example-skills]`: first-run setup of HERO_TEAM_HOME, a secrets.env template, example skills. */
import { existsSync, lstatSync } from 'node:fs';
import { chmod, cp, mkdir, readdir, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { Config } from '../config.ts';
import { statePaths } from '../config.ts';
import { builtinCatalog } from '../desired/catalog-defaults.ts';
import { writeFileAtomic } from '../fs/atomic-write.ts';
import { detectKimiTarget } from '../observed/kimi-install.ts';
import { defineCommand } from './command.ts';
import { EXIT, out } from './io.ts';
import { loadStoreFor, mutateStoreFor } from './store-access.ts';
import { packageRoot } from './version.ts';

/** The secrets.env template: the variable of every built-in provider, commented out. */
export function secretsTemplate(): string {
  const vars = [
    ...new Set(Object.values(builtinCatalog().providers).flatMap((p) => (p.apiKeyEnv ? [p.apiKeyEnv] : []))),
  ];
  return [
    '# hero_team provider keys (dotenv format: VAR=value). The environment wins over this file.',
    '# Keep this file mode 0600. Uncomment and fill the keys of the providers you use:',
    ...vars.map((v) => `# ${v}=`),
    '',
  ].join('\n');
}

/** Create the state dir and a secrets.env template; copy example skills to the registry if asked. Never overwrites. */
export const init = defineCommand({
  name: 'init',
  summary: 'first-run setup: HERO_TEAM_HOME, a secrets.env template (0600), example skills on request',
  usage: '[--example-skills]',
  description:
    'Existing files are kept as they are. Example skills are copied into HERO_SKILLS_DIR only where no skill of that name exists.',
  options: {
    'example-skills': {
      type: 'boolean',
      description: 'copy the example skills shipped with hero_team into the registry',
    },
  },
  examples: ['init', 'init --example-skills'],
  async run({ values, io, config }) {
    const home = config.paths.home;
    await mkdir(home, { recursive: true, mode: 0o700 });
    out(io, `state dir:   ${home}`);
    const secrets = statePaths(home).secrets;
    if (taken(secrets)) {
      // A link whose target is not there (yet) is kept as it is: nothing to chmod.
      const chmodded = existsSync(secrets) ? await chmod(secrets, 0o600).then(() => true) : false;
      out(
        io,
        `secrets.env: ${secrets} exists, kept${chmodded ? ' (mode set to 0600)' : ' (a symlink to a missing file)'}`,
      );
    } else {
      await writeFileAtomic(secrets, secretsTemplate(), 0o600);
      out(io, `secrets.env: ${secrets} created (0600): put your keys there, e.g. KIMI_API_KEY=sk-...`);
    }
    await chooseTarget(config, (line) => out(io, line), io.env);
    if (values['example-skills']) await copyExamples(config.paths.skillsDir, (line) => out(io, line));
    else if (!existsSync(config.paths.skillsDir))
      out(
        io,
        `registry:    ${config.paths.skillsDir} does not exist; "hero-team init --example-skills" creates it with examples, or set HERO_SKILLS_DIR`,
      );
    out(io, 'next: hero-team skill list, then hero-team role add NAME --skills a,b, then hero-team sync');
    return EXIT.ok;
  },
});

/** Copy each example skill the registry lacks; each appears complete or not at all (copied aside, then renamed). */
async function copyExamples(registry: string, say: (line: string) => void): Promise<void> {
  const root = packageRoot();
  const examples = root ? join(root, 'examples', 'skills') : undefined;
  if (!examples || !existsSync(examples))
    throw new Error('the example skills are not installed with this copy of hero_team (examples/skills)');
  await mkdir(registry, { recursive: true });
  const names = (await readdir(examples, { withFileTypes: true }))
    .filter((e) => e.isDirectory())
    .map((e) => e.name)
    .sort();
  const added: string[] = [];
  for (const name of names) {
    const target = join(registry, name);
    if (taken(target)) {
      say(`registry:    ${name} exists in ${registry}, kept`);
      continue;
    }
    const aside = join(registry, `.${name}.hero-init-${process.pid}`);
    await rm(aside, { recursive: true, force: true });
    await cp(join(examples, name), aside, { recursive: true, errorOnExist: true, force: false });
    await rename(aside, target);
    added.push(name);
  }
  say(`registry:    ${registry}: ${added.length ? `added ${added.join(', ')}` : 'no example added'}`);
}

/**
 * Store the target of a store that has none (a new install): the kimi on PATH decides, Kimi Code when there is
 * none. A store that has one (set by hand, or a store from before targets: kimi-cli) keeps it.
 */
async function chooseTarget(config: Config, say: (line: string) => void, env: NodeJS.ProcessEnv): Promise<void> {
  const current = await loadStoreFor(config);
  if (current.settings.kimiTarget) {
    say(`target:      ${current.settings.kimiTarget} (stored), kept; "hero-team target" shows it`);
    return;
  }
  const { target, install } = await detectKimiTarget(env);
  await mutateStoreFor(config, (data) =>
    data.settings.kimiTarget ? undefined : { ...data, settings: { ...data.settings, kimiTarget: target } },
  );
  const found = install
    ? `kimi at ${install.path}${install.version ? ` (${install.version})` : ''}`
    : 'no kimi on PATH';
  say(`target:      ${target} (${found}); change it with "hero-team target set kimi-code|kimi-cli"`);
}

/** Anything at `path`, a dangling symlink included (existsSync follows links and says no). */
function taken(path: string): boolean {
  return lstatSync(path, { throwIfNoEntry: false }) !== undefined;
}
