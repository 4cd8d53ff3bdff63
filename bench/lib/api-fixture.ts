/** The fixture of the control-plane benches: the run's roles × skills, no hot skill, and the daemon's socket path. */
import { join } from 'node:path';
import { rpcSocketPath } from '../../src/api/socket-probe.ts';
import { type Fixture, makeFixture } from './fixture.ts';
import type { BenchOptions } from './options.ts';

/** A fresh fixture sized by `opts`, and where its daemon's rpc.sock will be. */
export function apiFixture(opts: BenchOptions): { fx: Fixture; socket: string } {
  const fx = makeFixture({
    roles: opts.roles,
    skillsPerRole: opts.skillsPerRole,
    registrySkills: opts.registrySkills,
    hotRoles: 0,
  });
  return { fx, socket: rpcSocketPath(join(fx.root, 'sock')) };
}
