// mydocker completion bash|zsh|fish: a completion script generated from the command table.
import type { CommandDefinition } from '../command';
import { InvalidArgumentError } from '../../errors/errors';
import { buildModel, SHELLS } from '../completion';
import { COMMANDS, GLOBAL_OPTIONS } from '../main';

type Shell = keyof typeof SHELLS;

export const command: CommandDefinition<{ shell: Shell }> = {
  name: 'completion',
  usage: 'bash|zsh|fish',
  summary: 'Generate the autocompletion script for the specified shell\n\n'
    + '  bash: source <(mydocker completion bash)\n'
    + '  zsh:  source <(mydocker completion zsh)\n'
    + '  fish: mydocker completion fish | source',
  options: [],
  toOptions(args) {
    const [shell, ...extra] = args.positionals;
    if (shell === undefined || extra.length || !Object.hasOwn(SHELLS, shell)) {
      throw new InvalidArgumentError('"mydocker completion" requires exactly 1 argument: bash, zsh or fish', { hint: "see 'mydocker completion --help'" });
    }
    return { shell: shell as Shell };
  },
  async run(opts, ctx) {
    ctx.io.stdout.write(SHELLS[opts.shell](await buildModel(COMMANDS, GLOBAL_OPTIONS)));
    return 0;
  },
};
