import type { RuntimeCommand } from '../command';

export const command: RuntimeCommand<{ id?: string }> = {
  name: 'pause',
  usage: 'CONTAINER-ID',
  summary: 'freeze every process of a container',
  options: [],
  toOptions: (args) => ({ id: args.positionals[0] }),
  async run(o, ctx) {
    ctx.runtime.pause(o.id);
    return 0;
  },
};

export const resume: RuntimeCommand<{ id?: string }> = {
  ...command,
  name: 'resume',
  summary: 'thaw a paused container',
  async run(o, ctx) {
    ctx.runtime.resume(o.id);
    return 0;
  },
};
