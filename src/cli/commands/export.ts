// mydocker export [-o FILE] CONTAINER: the container's filesystem as a tar archive (STDOUT by default).
import { str } from '../argv';
import type { CommandDefinition } from '../command';
import { engineFor } from '../engine-deps';
import { writeFileAtomically } from '../output-file';
import { InvalidArgumentError } from '../../errors/errors';

export const command: CommandDefinition<{ container: string; output?: string }> = {
  name: 'export',
  usage: '[OPTIONS] CONTAINER',
  summary: "Export a container's filesystem as a tar archive",
  options: [{ name: 'output', short: 'o', type: 'string', value: 'string', description: 'Write to a file, instead of STDOUT' }],
  toOptions(args) {
    if (args.positionals.length !== 1) throw new InvalidArgumentError('"mydocker export" requires exactly 1 argument', { hint: "see 'mydocker export --help'" });
    const output = str(args, 'output');
    return { container: args.positionals[0], ...(output !== undefined ? { output } : {}) };
  },
  async run(opts, ctx) {
    const engine = engineFor(ctx);
    if (opts.output !== undefined) {
      await writeFileAtomically(opts.output, (out) => engine.exportContainer(opts.container, out));
      return 0;
    }
    const stdout = ctx.io.stdout as NodeJS.WritableStream & { isTTY?: boolean };
    if (stdout.isTTY) throw new InvalidArgumentError('cowardly refusing to save to a terminal', { hint: 'use the -o flag or redirect' });
    await engine.exportContainer(opts.container, stdout);
    return 0;
  },
};
