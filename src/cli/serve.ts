/** `hero-team serve`: the daemon (watch, converge). */
import { runDaemon } from '../main.ts';
import { parseFlags } from './args.ts';
import type { Command } from './io.ts';

/** Run the daemon in the foreground until SIGTERM/SIGINT. */
export const serve: Command = async (args, io, config) => {
  parseFlags(args, {}, false);
  return runDaemon(config, io.env);
};
