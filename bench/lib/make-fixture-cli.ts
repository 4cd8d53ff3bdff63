/**
 * Generate a benchmark fixture and leave it in place (for profiling and A/B runs by hand):
 *   npx tsx bench/lib/make-fixture-cli.ts [--quick]   → prints the root and the environment to use
 */
import { makeFixture } from './fixture.ts';
import { parseOptions } from './options.ts';

const opts = parseOptions(process.argv.slice(2));
const fx = makeFixture({ roles: opts.roles, skillsPerRole: opts.skillsPerRole, registrySkills: opts.registrySkills });
console.log(fx.root);
for (const [k, v] of Object.entries(fx.env)) if (v !== undefined) console.log(`${k}=${v}`);
