import type { RuntimeCommand } from '../command';

export const command: RuntimeCommand<{ id?: string }> = {
  name: 'state',
  usage: 'CONTAINER-ID',
  summary: 'print the state of a container (JSON)',
  options: [],
  toOptions: (args) => ({ id: args.positionals[0] }),
  async run(o, ctx) {
    ctx.stdout.write(`${JSON.stringify(ctx.runtime.container(o.id).ociState(ctx.log), null, 2)}\n`);
    return 0;
  },
};
