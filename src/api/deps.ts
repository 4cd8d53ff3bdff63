/** What createApp needs, injected (tests build it over a real manager aimed at a temp tree). */
import type { Logger } from '../log.ts';
import type { Control } from './control.ts';
import type { ApiMetrics } from './metrics.ts';
import type { MethodTable } from './rpc/method.ts';

/** Dependencies of the control-plane app. */
export interface ApiDeps {
  /** The daemon's control plane: status book (and `subscribe` to its changes), store writes, converge-and-wait. */
  control: Control;
  log: Logger;
  /** The method table (default: METHODS); tests and later issues may extend it. */
  methods?: MethodTable;
  /** Metrics of this app (default: a fresh Registry over `control`). */
  metrics?: ApiMetrics;
}
