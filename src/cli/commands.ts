/** Every CLI command, in the order `hero-team help` lists them. Adding a command: its file, plus one line here. */

import { backups } from './backups.ts';
import type { CommandSpec } from './command.ts';
import { completeNames, completion } from './completion.ts';
import { diff } from './diff.ts';
import { doctor } from './doctor.ts';
import { init } from './init.ts';
import { modelAdd } from './model-add.ts';
import { modelList } from './model-list.ts';
import { modelRm } from './model-rm.ts';
import { presetList, presetShow } from './preset.ts';
import { providerAdd } from './provider-add.ts';
import { providerList } from './provider-list.ts';
import { providerRm } from './provider-rm.ts';
import { render } from './render.ts';
import { restore } from './restore.ts';
import { roleAdd } from './role-add.ts';
import { roleList } from './role-list.ts';
import { roleRm } from './role-rm.ts';
import { roleSet } from './role-set.ts';
import { roleShow } from './role-show.ts';
import { rollback } from './rollback.ts';
import { run } from './run.ts';
import { serve } from './serve.ts';
import { skillList } from './skill-list.ts';
import { status } from './status.ts';
import { sync } from './sync.ts';
import { target } from './target.ts';

/** The command table: dispatch and help both read it. */
export const COMMANDS: readonly CommandSpec[] = [
  init,
  serve,
  sync,
  render,
  diff,
  doctor,
  backups,
  restore,
  rollback,
  roleList,
  roleShow,
  roleAdd,
  roleSet,
  roleRm,
  skillList,
  status,
  modelList,
  modelAdd,
  modelRm,
  providerList,
  providerAdd,
  providerRm,
  presetList,
  presetShow,
  run,
  completion,
  completeNames,
  target,
] as CommandSpec[];
