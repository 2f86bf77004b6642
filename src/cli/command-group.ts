// A command group (docker's `container …`, `image …`, `network …`): the first argument names a
// verb, the rest is parsed by that verb's own definition. Each verb carries its one-line summary, so
// the group's help lists them without loading a module, and its aliases (`ls`, `list`, `ps`).
import { flag, parseArgs, type OptionSpec } from './argv';
import type { AnyCommand, CommandDefinition } from './command';
import { commandLines, renderHelp } from './help';
import { InvalidArgumentError } from '../errors/errors';

export type Loader = () => Promise<{ command: AnyCommand }>;

export interface Verb {
  summary: string;
  load: Loader;
  /** Other names for this verb (docker's `container ls` is also `list` and `ps`). */
  aliases?: readonly string[];
}

export interface GroupOptions {
  sub?: string;
  rest: string[];
}

export interface CommandGroup extends CommandDefinition<GroupOptions> {
  readonly verbs: Readonly<Record<string, Verb>>;
}

const HELP: OptionSpec = { name: 'help', type: 'bool', description: 'Print usage', hidden: true };

/** A verb whose definition lives in its own module. */
export function lazyVerb(summary: string, load: Loader, aliases: readonly string[] = []): Verb {
  return { summary, load, aliases };
}

/** A verb defined in the group's own file: its summary is the definition's first line. */
export function inlineVerb(cmd: AnyCommand, aliases: readonly string[] = []): Verb {
  return { summary: cmd.summary.split('\n')[0], load: async () => ({ command: cmd }), aliases };
}

export function isCommandGroup(cmd: AnyCommand): cmd is CommandGroup {
  return typeof (cmd as Partial<CommandGroup>).verbs === 'object';
}

/** The verb a name stands for: its own name or one of its aliases. */
export function findVerb(verbs: Readonly<Record<string, Verb>>, name: string): [string, Verb] | undefined {
  if (Object.hasOwn(verbs, name)) return [name, verbs[name]];
  const hit = Object.entries(verbs).find(([, v]) => v.aliases?.includes(name));
  return hit;
}

export function commandGroup(name: string, summary: string, verbs: Record<string, Verb>): CommandGroup {
  const rows = Object.keys(verbs).sort().map((v) => [v, verbs[v].summary] as const);
  const group: CommandGroup = {
    name,
    usage: 'COMMAND',
    summary: `${summary}\n\nCommands:\n${commandLines(rows)}\n\nRun 'mydocker ${name} COMMAND --help' for more information on a command.`,
    options: [],
    stopAtPositional: true,
    verbs,
    toOptions(args) {
      const [sub, ...rest] = args.positionals;
      return { rest, ...(sub !== undefined ? { sub } : {}) };
    },
    async run(opts, ctx) {
      if (opts.sub === undefined) {
        ctx.io.stdout.write(renderHelp(group as AnyCommand));
        return 0;
      }
      const found = findVerb(verbs, opts.sub);
      if (!found) throw new InvalidArgumentError(`'${opts.sub}' is not a mydocker ${name} command`, { hint: `see 'mydocker ${name} --help'` });
      const [verbName, entry] = found;
      const verb = (await entry.load()).command;
      const full = `${name} ${opts.sub}`;
      const args = parseArgs(opts.rest, [...verb.options, HELP], { stopAtPositional: verb.stopAtPositional, command: full });
      if (flag(args, 'help')) {
        const aliases = entry.aliases?.length ? [verbName, ...entry.aliases].map((a) => `mydocker ${name} ${a}`) : [];
        ctx.io.stdout.write(renderHelp({ ...verb, name: full }, aliases));
        return 0;
      }
      return verb.run(verb.toOptions(args), ctx);
    },
  };
  return group;
}
