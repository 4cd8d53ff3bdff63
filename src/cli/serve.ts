/** `hero-team serve`: the daemon (watch, converge). */
import { defineCommand } from './command.ts';

/** Run the daemon in the foreground until SIGTERM/SIGINT. */
export const serve = defineCommand({
  name: 'serve',
  summary: 'the daemon: watch the registry, the store and the role dirs, converge',
  usage: '',
  description:
    'Runs in the foreground until SIGTERM or SIGINT (running reconciles finish). One daemon per HERO_TEAM_HOME.',
  options: {},
  examples: ['serve'],
  async run({ io, config }) {
    // Loaded here: the daemon's modules (the API included) are not evaluated by the other commands.
    const { runDaemon } = await import('../main.ts');
    return runDaemon(config, io.env);
  },
});
