// A command group (docker's `container …`, `image …`, `network …`): the first argument names a
// verb, the rest is parsed by that verb's own definition.
import { flag, parseArgs, type OptionSpec } from './argv';
import type { AnyCommand, CommandDefinition } from './command';
import { renderHelp } from './help';
import { InvalidArgumentError } from '../errors/errors';

export type Loader = () => Promise<{ command: AnyCommand }>;

const HELP: OptionSpec = { name: 'help', type: 'bool', description: 'Print usage', hidden: true };

export function commandGroup(name: string, summary: string, verbs: Record<string, Loader>): CommandDefinition<{ sub?: string; rest: string[] }> {
  const group: CommandDefinition<{ sub?: string; rest: string[] }> = {
    name,
    usage: 'COMMAND',
    summary: `${summary}\n\nCommands:\n${Object.keys(verbs).map((c) => `  ${c}`).join('\n')}`,
    options: [],
    stopAtPositional: true,
    toOptions(args) {
      const [sub, ...rest] = args.positionals;
      return { rest, ...(sub !== undefined ? { sub } : {}) };
    },
    async run(opts, ctx) {
      if (opts.sub === undefined) {
        ctx.io.stdout.write(renderHelp(group as AnyCommand));
        return 0;
      }
      const loader = verbs[opts.sub];
      if (!loader) throw new InvalidArgumentError(`'${opts.sub}' is not a mydocker ${name} command`, { hint: `see 'mydocker ${name} --help'` });
      const verb = (await loader()).command;
      const full = `${name} ${opts.sub}`;
      const args = parseArgs(opts.rest, [...verb.options, HELP], { stopAtPositional: verb.stopAtPositional, command: full });
      if (flag(args, 'help')) {
        ctx.io.stdout.write(renderHelp({ ...verb, name: full }));
        return 0;
      }
      return verb.run(verb.toOptions(args), ctx);
    },
  };
  return group;
}
