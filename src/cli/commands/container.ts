// mydocker container COMMAND: docker's container management group.
import type { CommandDefinition } from '../command';
import { commandGroup, inlineVerb, lazyVerb, type Loader } from '../command-group';
import { COMMAND_SUMMARIES } from '../command-summaries';
import { flag } from '../argv';
import { engineFor } from '../engine-deps';
import { confirm } from '../confirm';

const prune: CommandDefinition<{ force: boolean }> = {
  name: 'container prune',
  usage: '[OPTIONS]',
  summary: 'Remove all stopped containers',
  options: [{ name: 'force', short: 'f', type: 'bool', description: 'Do not prompt for confirmation' }],
  toOptions: (args) => ({ force: flag(args, 'force') }),
  async run(opts, ctx) {
    if (!opts.force && !(await confirm(ctx, 'This will remove all stopped containers.'))) return 0;
    const removed = await engineFor(ctx).pruneContainers();
    if (removed.length) ctx.io.stdout.write(`Deleted Containers:\n${removed.map((id) => `${id}\n`).join('')}\n`);
    ctx.io.stdout.write(`Total reclaimed space: 0B\n`);
    return 0;
  },
};

/** A verb that is also a top-level command, with that command's summary. */
const same = (name: string, load: Loader, aliases: string[] = []) => lazyVerb(COMMAND_SUMMARIES[name]?.summary ?? '', load, aliases);

export const command = commandGroup('container', 'Manage containers', {
  attach: same('attach', () => import('./attach')),
  commit: same('commit', () => import('./commit')),
  cp: same('cp', () => import('./cp')),
  create: same('create', () => import('./create')),
  diff: same('diff', () => import('./diff')),
  exec: same('exec', () => import('./exec')),
  export: same('export', () => import('./export')),
  inspect: lazyVerb('Display detailed information on one or more containers', async () => ({ command: (await import('./inspect')).containerInspect })),
  kill: same('kill', () => import('./kill')),
  logs: same('logs', () => import('./logs')),
  ls: same('ps', () => import('./ps'), ['list', 'ps']),
  pause: same('pause', () => import('./pause')),
  port: same('port', () => import('./port')),
  prune: inlineVerb(prune),
  rename: same('rename', () => import('./rename')),
  restart: same('restart', () => import('./restart')),
  rm: same('rm', () => import('./rm'), ['remove']),
  run: same('run', () => import('./run')),
  start: same('start', () => import('./start')),
  stats: same('stats', () => import('./stats')),
  stop: same('stop', () => import('./stop')),
  top: same('top', () => import('./top')),
  unpause: same('unpause', () => import('./unpause')),
  update: same('update', () => import('./update')),
  wait: same('wait', () => import('./wait')),
});
