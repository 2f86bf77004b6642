import type { ParsedArgs } from '../argv';
import type { CommandDefinition } from '../command';
import { describeError, ENGINE_FAILURE_EXIT, InvalidArgumentError } from '../../errors/errors';
import { engineFor } from '../engine-deps';

export const command: CommandDefinition<{ refs: string[] }> = {
  name: 'wait',
  usage: 'CONTAINER [CONTAINER...]',
  summary: 'Block until one or more containers stop, then print their exit codes',
  options: [],
  toOptions(args: ParsedArgs) {
    if (!args.positionals.length) throw new InvalidArgumentError('"wait" requires at least 1 argument');
    return { refs: args.positionals };
  },
  async run(opts, ctx) {
    const engine = engineFor(ctx);
    let failed = false;
    for (const ref of opts.refs) {
      try {
        ctx.io.stdout.write(`${await engine.waitContainer(ref)}\n`);
      } catch (err) {
        failed = true;
        ctx.io.stderr.write(`mydocker wait: ${describeError(err)}\n`);
      }
    }
    return failed ? ENGINE_FAILURE_EXIT : 0;
  },
};
