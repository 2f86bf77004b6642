import { pauseContainer, resumeContainer } from '../../runtime/ops/pause';
import type { RuntimeCommand } from '../command';
import { containerOf } from '../context';

export const command: RuntimeCommand<{ id?: string }> = {
  name: 'pause',
  usage: 'CONTAINER-ID',
  summary: 'freeze every process of a container',
  options: [],
  toOptions: (args) => ({ id: args.positionals[0] }),
  async run(o, ctx) {
    pauseContainer(containerOf(ctx, o.id), ctx.log);
    return 0;
  },
};

export const resume: RuntimeCommand<{ id?: string }> = {
  ...command,
  name: 'resume',
  summary: 'thaw a paused container',
  async run(o, ctx) {
    resumeContainer(containerOf(ctx, o.id), ctx.log);
    return 0;
  },
};
