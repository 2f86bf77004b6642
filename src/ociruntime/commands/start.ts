import type { RuntimeCommand } from '../command';

export const command: RuntimeCommand<{ id?: string }> = {
  name: 'start',
  usage: 'CONTAINER-ID',
  summary: 'run the user process of a created container',
  options: [],
  toOptions: (args) => ({ id: args.positionals[0] }),
  async run(o, ctx) {
    await ctx.runtime.start(o.id);
    return 0;
  },
};
