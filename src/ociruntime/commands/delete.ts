import { flag } from '../../cli/argv';
import type { RuntimeCommand } from '../command';

export const command: RuntimeCommand<{ id?: string; force: boolean }> = {
  name: 'delete',
  usage: '[--force] CONTAINER-ID',
  summary: 'delete a stopped (or, with --force, any) container and everything it holds',
  options: [{ name: 'force', short: 'f', type: 'bool', description: 'kill the container first if it is still running' }],
  toOptions: (args) => ({ id: args.positionals[0], force: flag(args, 'force') }),
  async run(o, ctx) {
    // runc: deleting a container that is already gone succeeds with --force
    await ctx.runtime.delete(o.id, { force: o.force });
    return 0;
  },
};
