// Entry point of the docker-like CLI: global flags, then one lazily loaded command module.
import { parseArgs, str, flag, type OptionSpec } from './argv';
import type { AnyCommand, CliContext } from './command';
import * as fs from 'node:fs';
import { describeError, exitCodeFor, InvalidArgumentError, MydockerError, PermissionDeniedError } from '../errors/errors';
import { Logger, type Level } from '../log/log';
import { Layout } from '../store/layout';
import { renderHelp, renderMainHelp } from './help';
import { visibleCommands } from './command-summaries';

export const VERSION = '0.1.0';

export function versionLine(): string {
  return `mydocker version ${VERSION} (node ${process.version})\n`;
}

type Loader = () => Promise<{ command: AnyCommand }>;

export const COMMANDS: Record<string, Loader> = {
  run: () => import('./commands/run'),
  import: () => import('./commands/import'),
  images: () => import('./commands/images'),
  version: () => import('./commands/version'),
  internal: () => import('./commands/internal'),
  healthcheck: () => import('./commands/healthcheck'),
  create: () => import('./commands/create'),
  start: () => import('./commands/start'),
  stop: () => import('./commands/stop'),
  restart: () => import('./commands/restart'),
  kill: () => import('./commands/kill'),
  rm: () => import('./commands/rm'),
  pause: () => import('./commands/pause'),
  unpause: () => import('./commands/unpause'),
  wait: () => import('./commands/wait'),
  rename: () => import('./commands/rename'),
  update: () => import('./commands/update'),
  ps: () => import('./commands/ps'),
  logs: () => import('./commands/logs'),
  exec: () => import('./commands/exec'),
  inspect: () => import('./commands/inspect'),
  attach: () => import('./commands/attach'),
  top: () => import('./commands/top'),
  stats: () => import('./commands/stats'),
  cp: () => import('./commands/cp'),
  events: () => import('./commands/events'),
  container: () => import('./commands/container'),
  network: () => import('./commands/network'),
  port: () => import('./commands/port'),
  pull: () => import('./commands/pull'),
  push: () => import('./commands/push'),
  login: () => import('./commands/login'),
  logout: () => import('./commands/logout'),
  save: () => import('./commands/save'),
  load: () => import('./commands/load'),
  tag: () => import('./commands/tag'),
  rmi: () => import('./commands/rmi'),
  history: () => import('./commands/history'),
  image: () => import('./commands/image'),
  volume: () => import('./commands/volume'),
  commit: () => import('./commands/commit'),
  build: () => import('./commands/build'),
  export: () => import('./commands/export'),
  system: () => import('./commands/system'),
  info: () => import('./commands/info'),
  diff: () => import('./commands/diff'),
  completion: () => import('./commands/completion'),
};

export const GLOBAL_OPTIONS: OptionSpec[] = [
  { name: 'root', type: 'string', value: 'DIR', description: 'Persistent state: images, layers, containers (env MYDOCKER_ROOT)' },
  { name: 'runroot', type: 'string', value: 'DIR', description: 'Runtime state: pids, locks (env MYDOCKER_RUNROOT)' },
  { name: 'explain', type: 'bool', description: 'Narrate every step the engine and the C core take, on stderr' },
  { name: 'log-level', short: 'l', type: 'string', value: 'LEVEL', description: 'debug, info, warn or error (default warn)' },
  { name: 'log-format', type: 'string', value: 'FORMAT', description: 'text or json' },
  { name: 'debug', short: 'D', type: 'bool', description: 'Same as --log-level debug' },
  { name: 'help', short: 'h', type: 'bool', description: 'Print usage' },
  { name: 'version', short: 'v', type: 'bool', description: 'Print version information and quit' },
];

/** Commands that never touch the engine: no user namespace needed for them. */
const LOCAL_COMMANDS = new Set(['version', 'completion']);

const LEVELS = new Set(['debug', 'info', 'warn', 'error']);

export async function main(argv: string[]): Promise<number> {
  // made on first use: each is a stream over a tty, pipe or file that costs a few ms to set up, and
  // a quiet command (run --rm … true) never writes to them
  const io = {
    get stdout(): NodeJS.WriteStream {
      return process.stdout;
    },
    get stderr(): NodeJS.WriteStream {
      return process.stderr;
    },
  };
  let commandName = '';
  try {
    const global = parseArgs(argv, GLOBAL_OPTIONS, { stopAtPositional: true, command: '' });
    if (flag(global, 'version')) {
      io.stdout.write(versionLine());
      return 0;
    }
    const [name, ...rest] = global.positionals;
    if (!name || flag(global, 'help')) {
      io.stdout.write(renderMainHelp(GLOBAL_OPTIONS, visibleCommands(Object.keys(COMMANDS))));
      return name || flag(global, 'help') ? 0 : 1;
    }
    commandName = name;
    const loader = COMMANDS[name];
    if (!loader) throw new InvalidArgumentError(`'${name}' is not a mydocker command`, { hint: "see 'mydocker --help'" });
    if (process.geteuid?.() !== 0 && !LOCAL_COMMANDS.has(name)) {
      assertStateAccess(str(global, 'root') ?? process.env.MYDOCKER_ROOT, str(global, 'runroot') ?? process.env.MYDOCKER_RUNROOT);
      const { runRootless } = await import('../rootless/enter');
      return await runRootless(argv);
    }
    const level = flag(global, 'debug') ? 'debug' : str(global, 'log-level') ?? 'warn';
    if (!LEVELS.has(level)) throw new InvalidArgumentError(`invalid --log-level ${JSON.stringify(level)}: use debug, info, warn or error`);
    const format = str(global, 'log-format') ?? 'text';
    if (format !== 'text' && format !== 'json') throw new InvalidArgumentError(`invalid --log-format ${JSON.stringify(format)}: use text or json`);
    const log = new Logger({ level: level as Level, explain: flag(global, 'explain'), format });
    const layout = new Layout({ root: str(global, 'root'), runroot: str(global, 'runroot') });
    const { command } = await loader();
    const args = parseArgs(rest, [...command.options, HELP], { stopAtPositional: command.stopAtPositional, command: name });
    if (flag(args, 'help')) {
      io.stdout.write(renderHelp(command));
      return 0;
    }
    const ctx: CliContext = { layout, log, io };
    return await command.run(command.toOptions(args), ctx);
  } catch (err) {
    return reportError(err, commandName, io.stderr);
  }
}

/**
 * A user who points --root/--runroot at root's store (mode 0700) would otherwise see an empty `ps` or a
 * silent `events` from its user namespace. Say why instead; without those flags it gets a store of its own.
 */
function assertStateAccess(...dirs: (string | undefined)[]): void {
  for (const dir of dirs) {
    if (dir === undefined) continue;
    try {
      fs.accessSync(dir, fs.constants.R_OK | fs.constants.X_OK);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') continue;
      throw new PermissionDeniedError(`permission denied: ${dir} is not yours; run mydocker as root, or leave out --root/--runroot for a rootless store of your own`);
    }
  }
}

const HELP: OptionSpec = { name: 'help', type: 'bool', description: 'Print usage', hidden: true };

export function reportError(err: unknown, command: string, stderr: NodeJS.WritableStream): number {
  const prefix = command ? `mydocker ${command}` : 'mydocker';
  stderr.write(`${prefix}: ${describeError(err)}\n`);
  if (!(err instanceof MydockerError) && process.env.MYDOCKER_TRACE) stderr.write(`${(err as Error).stack}\n`);
  return exitCodeFor(err);
}
