import { flag, type ParsedArgs } from '../argv';
import type { CommandDefinition } from '../command';
import { confirm } from '../confirm';
import { engineFor } from '../engine-deps';

export const command: CommandDefinition<{ force: boolean }> = {
  name: 'system reset',
  usage: '[OPTIONS]',
  summary: 'Remove all containers, networks (the default bridge too), volumes, images and state',
  options: [{ name: 'force', short: 'f', type: 'bool', description: 'Do not prompt for confirmation' }],
  toOptions: (args: ParsedArgs) => ({ force: flag(args, 'force') }),
  async run(opts, ctx) {
    const warning = `this will remove all containers, networks, volumes and images, and ${ctx.layout.root} and ${ctx.layout.runroot}.`;
    if (!opts.force && !(await confirm(ctx, warning))) return 0;
    await engineFor(ctx).resetSystem();
    return 0;
  },
};
