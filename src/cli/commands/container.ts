// mydocker container COMMAND: docker's container management group.
import type { CommandDefinition } from '../command';
import { commandGroup } from '../command-group';
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

export const command = commandGroup('container', 'Manage containers', {
  ls: () => import('./ps'), list: () => import('./ps'), ps: () => import('./ps'),
  create: () => import('./create'), run: () => import('./run'), start: () => import('./start'), stop: () => import('./stop'),
  restart: () => import('./restart'), kill: () => import('./kill'), rm: () => import('./rm'), remove: () => import('./rm'),
  pause: () => import('./pause'), unpause: () => import('./unpause'), wait: () => import('./wait'), rename: () => import('./rename'),
  logs: () => import('./logs'), exec: () => import('./exec'), attach: () => import('./attach'), inspect: () => import('./inspect'),
  top: () => import('./top'), stats: () => import('./stats'), cp: () => import('./cp'),
  prune: async () => ({ command: prune }),
});
