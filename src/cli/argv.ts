// docker-style argument parsing: combined short flags (-ti), --flag=value and --flag value,
// repeated list flags, `--` honoured, and (for commands like run) options stop at the first
// positional argument so everything after the image belongs to the container command.
import { InvalidArgumentError } from '../errors/errors';

export type OptionType = 'bool' | 'string' | 'list';

export interface OptionSpec {
  name: string;
  short?: string;
  type: OptionType;
  description: string;
  /** Placeholder shown in help, e.g. "NAME". */
  value?: string;
  hidden?: boolean;
}

export interface ParsedArgs {
  /** Last value for bool/string options, every value for list options. */
  options: Map<string, string | boolean | string[]>;
  positionals: string[];
}

export interface ParseConfig {
  /** Stop option parsing at the first positional argument (docker run, exec). */
  stopAtPositional?: boolean;
  command: string;
  /** Named in the hint of an unknown flag (default mydocker). */
  program?: string;
}

const TRUE_WORDS = new Set(['true', '1', 't', 'T', 'TRUE', 'True']);
const FALSE_WORDS = new Set(['false', '0', 'f', 'F', 'FALSE', 'False']);

export function parseArgs(argv: readonly string[], specs: readonly OptionSpec[], config: ParseConfig): ParsedArgs {
  const byName = new Map(specs.map((s) => [s.name, s]));
  const byShort = new Map(specs.filter((s) => s.short).map((s) => [s.short!, s]));
  const options = new Map<string, string | boolean | string[]>();
  const positionals: string[] = [];
  const unknown = (flag: string) =>
    new InvalidArgumentError(`unknown flag: ${flag}`, { hint: `see '${config.program ?? 'mydocker'} ${config.command} --help'` });

  const set = (spec: OptionSpec, value: string | boolean) => {
    if (spec.type === 'list') {
      const list = (options.get(spec.name) as string[] | undefined) ?? [];
      list.push(String(value));
      options.set(spec.name, list);
    } else {
      options.set(spec.name, value);
    }
  };

  let i = 0;
  const takeValue = (flag: string): string => {
    if (i + 1 >= argv.length) throw new InvalidArgumentError(`flag needs an argument: ${flag}`);
    return argv[++i];
  };

  for (; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--') {
      positionals.push(...argv.slice(i + 1));
      break;
    }
    if (arg.startsWith('--') && arg.length > 2) {
      const eq = arg.indexOf('=');
      const name = arg.slice(2, eq < 0 ? undefined : eq);
      const spec = byName.get(name);
      if (!spec) throw unknown(`--${name}`);
      if (spec.type === 'bool') {
        if (eq < 0) set(spec, true);
        else set(spec, parseBool(arg.slice(eq + 1), `--${name}`));
      } else {
        set(spec, eq < 0 ? takeValue(`--${name}`) : arg.slice(eq + 1));
      }
      continue;
    }
    if (arg.startsWith('-') && arg.length > 1) {
      // -ti, -it, -e FOO=bar, -eFOO=bar, -p=80 (pflag accepts "-p=80" too)
      for (let j = 1; j < arg.length; j++) {
        const ch = arg[j];
        const spec = byShort.get(ch);
        if (!spec) throw unknown(j === 1 ? `-${ch}` : `-${ch} in ${arg}`);
        if (spec.type === 'bool') {
          if (arg[j + 1] === '=') {
            set(spec, parseBool(arg.slice(j + 2), `-${ch}`));
            break;
          }
          set(spec, true);
          continue;
        }
        const rest = arg.slice(j + 1);
        set(spec, rest === '' ? takeValue(`-${ch}`) : rest.startsWith('=') ? rest.slice(1) : rest);
        break;
      }
      continue;
    }
    if (config.stopAtPositional) {
      positionals.push(...argv.slice(i));
      break;
    }
    positionals.push(arg);
  }
  return { options, positionals };
}

function parseBool(text: string, flag: string): boolean {
  if (TRUE_WORDS.has(text)) return true;
  if (FALSE_WORDS.has(text)) return false;
  throw new InvalidArgumentError(`invalid argument "${text}" for "${flag}" flag: strconv.ParseBool: parsing "${text}": invalid syntax`);
}

export function flag(args: ParsedArgs, name: string): boolean {
  return args.options.get(name) === true;
}

export function str(args: ParsedArgs, name: string): string | undefined {
  const v = args.options.get(name);
  return typeof v === 'string' ? v : undefined;
}

export function list(args: ParsedArgs, name: string): string[] {
  const v = args.options.get(name);
  return Array.isArray(v) ? v : [];
}
