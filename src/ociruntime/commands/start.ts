import { startContainer } from '../../runtime/ops/start';
import type { RuntimeCommand } from '../command';
import { containerOf } from '../context';

export const command: RuntimeCommand<{ id?: string }> = {
  name: 'start',
  usage: 'CONTAINER-ID',
  summary: 'run the user process of a created container',
  options: [],
  toOptions: (args) => ({ id: args.positionals[0] }),
  async run(o, ctx) {
    await startContainer(containerOf(ctx, o.id), ctx.log);
    return 0;
  },
};
