// mydocker-runtime: runc's command line over the OCI runtime core (src/runtime/). podman (through
// conmon), containerd's runc shim and dockerd call it as they call runc; every verb is a thin
// adapter. Errors: one line on stderr and, with --log, runc's JSON log line; exit status 1.
import * as fs from 'node:fs';
import { flag, parseArgs, str, type OptionSpec } from '../cli/argv';
import { describeError, InvalidArgumentError, MydockerError } from '../errors/errors';
import { Logger } from '../log/log';
import type { AnyRuntimeCommand, RuntimeContext } from './command';
import { OciRuntime } from '../engine/oci-runtime';

export const VERSION = '0.1.0';
const SPEC_VERSION = '1.0.2';

type Loader = () => Promise<AnyRuntimeCommand>;

const COMMANDS: Record<string, Loader> = {
  create: async () => (await import('./commands/create')).command,
  start: async () => (await import('./commands/start')).command,
  run: async () => (await import('./commands/run')).command,
  state: async () => (await import('./commands/state')).command,
  kill: async () => (await import('./commands/kill')).command,
  delete: async () => (await import('./commands/delete')).command,
  exec: async () => (await import('./commands/exec')).command,
  ps: async () => (await import('./commands/ps')).command,
  list: async () => (await import('./commands/list')).command,
  pause: async () => (await import('./commands/pause')).command,
  resume: async () => (await import('./commands/pause')).resume,
  update: async () => (await import('./commands/update')).command,
  events: async () => (await import('./commands/events')).command,
  features: async () => (await import('./commands/features')).command,
  spec: async () => (await import('./commands/spec')).command,
};

const GLOBAL: OptionSpec[] = [
  { name: 'root', type: 'string', description: 'state directory of the containers (default /run/mydocker-runtime)' },
  { name: 'log', type: 'string', description: 'log file (default: stderr)' },
  { name: 'log-format', type: 'string', description: 'text or json' },
  { name: 'debug', type: 'bool', description: 'debug logging' },
  { name: 'systemd-cgroup', type: 'bool', description: 'cgroupsPath is "slice:prefix:name" (made on cgroupfs: no systemd here)' },
  { name: 'rootless', type: 'string', description: 'accepted: auto, true or false' },
  { name: 'criu', type: 'string', description: 'accepted, not used (no checkpoint/restore)' },
  { name: 'help', short: 'h', type: 'bool', description: 'show help' },
  { name: 'version', short: 'v', type: 'bool', description: 'print the version' },
];

function usage(): string {
  return `mydocker-runtime: a runc-compatible OCI runtime\n\nUSAGE: mydocker-runtime [global options] COMMAND [options] ARGS\n\nCOMMANDS:\n  ${Object.keys(COMMANDS).join(', ')}\n\nGLOBAL OPTIONS:\n${GLOBAL.map((o) => `  --${o.name}  ${o.description}`).join('\n')}\n`;
}

export async function main(argv: string[]): Promise<number> {
  let log = new Logger();
  let logFile: string | undefined;
  let format: 'text' | 'json' = 'text';
  try {
    const g = parseArgs(argv, GLOBAL, { stopAtPositional: true, command: '', program: 'mydocker-runtime' });
    if (flag(g, 'version')) {
      process.stdout.write(`mydocker-runtime version ${VERSION}\nspec: ${SPEC_VERSION}\n`);
      return 0;
    }
    const [name, ...rest] = g.positionals;
    if (!name || flag(g, 'help')) {
      process.stdout.write(usage());
      return name || flag(g, 'help') ? 0 : 1;
    }
    logFile = str(g, 'log');
    const fmt = str(g, 'log-format') ?? 'text';
    if (fmt !== 'text' && fmt !== 'json') throw new InvalidArgumentError(`invalid --log-format ${JSON.stringify(fmt)}: use text or json`);
    format = fmt;
    const sink = logFile ? (line: string) => fs.appendFileSync(logFile!, `${line}\n`) : undefined;
    log = new Logger({ level: flag(g, 'debug') ? 'debug' : 'warn', format, ...(sink ? { sink } : {}) });
    const loader = COMMANDS[name];
    if (!loader) throw new InvalidArgumentError(`no such command: ${name}`);
    const command = await loader();
    const args = parseArgs(rest, [...command.options, { name: 'help', short: 'h', type: 'bool', description: '', hidden: true }], { command: name, program: 'mydocker-runtime', stopAtPositional: true });
    if (flag(args, 'help')) {
      process.stdout.write(`USAGE: mydocker-runtime ${name} ${command.usage}\n\n${command.summary}\n\n${command.options.map((o) => `  --${o.name}  ${o.description}`).join('\n')}\n`);
      return 0;
    }
    const root = str(g, 'root') ?? process.env.MYDOCKER_RUNTIME_ROOT ?? '/run/mydocker-runtime';
    const ctx: RuntimeContext = { runtime: new OciRuntime({ root, log, systemdCgroup: flag(g, 'systemd-cgroup') }), log, stdout: process.stdout };
    log.debug('runtime', 'command', { argv: argv.join(' ') });
    return await command.run(command.toOptions(args), ctx);
  } catch (err) {
    const message = describeError(err);
    // runc's callers read the last error from the log file (containerd) or stderr (podman, conmon)
    if (logFile) log.error('runtime', message);
    process.stderr.write(`mydocker-runtime: ${message}\n`);
    if (!(err instanceof MydockerError) && process.env.MYDOCKER_TRACE) process.stderr.write(`${(err as Error).stack}\n`);
    return 1;
  }
}
