// mydocker login [OPTIONS] [SERVER]: check credentials against a registry and store them (auth.json, 0600).
import { flag, str } from '../argv';
import type { CommandDefinition } from '../command';
import { InvalidArgumentError } from '../../errors/errors';
import { login, registryFromArgument } from '../../image/registry/login';

export interface LoginCommandOptions {
  registry: string;
  username?: string;
  password?: string;
  passwordStdin: boolean;
  tlsVerify?: boolean;
}

export const command: CommandDefinition<LoginCommandOptions> = {
  name: 'login',
  usage: '[OPTIONS] [SERVER]',
  summary: 'Log in to a registry',
  options: [
    { name: 'username', short: 'u', type: 'string', value: 'string', description: 'Username' },
    { name: 'password', short: 'p', type: 'string', value: 'string', description: 'Password' },
    { name: 'password-stdin', type: 'bool', description: 'Take the password from stdin' },
    { name: 'tls-verify', type: 'bool', description: 'Require HTTPS and verify certificates (default true; loopback registries may use http)' },
  ],
  toOptions(args) {
    if (args.positionals.length > 1) throw new InvalidArgumentError('"mydocker login" requires at most 1 argument', { hint: "see 'mydocker login --help'" });
    const username = str(args, 'username');
    const password = str(args, 'password');
    const passwordStdin = flag(args, 'password-stdin');
    if (password !== undefined && passwordStdin) throw new InvalidArgumentError('--password and --password-stdin are mutually exclusive');
    if (passwordStdin && username === undefined) throw new InvalidArgumentError('must provide --username with --password-stdin');
    const tls = args.options.get('tls-verify');
    return {
      registry: registryFromArgument(args.positionals[0]),
      passwordStdin,
      ...(username !== undefined ? { username } : {}),
      ...(password !== undefined ? { password } : {}),
      ...(typeof tls === 'boolean' ? { tlsVerify: tls } : {}),
    };
  },
  async run(opts, ctx) {
    if (opts.password !== undefined) ctx.io.stderr.write('WARNING! Using --password via the CLI is insecure. Use --password-stdin.\n');
    const username = opts.username ?? (await prompt('Username: ', true, ctx.io.stderr));
    const password = opts.passwordStdin ? (await readStdin()).replace(/\r?\n$/, '') : opts.password ?? (await prompt('Password: ', false, ctx.io.stderr));
    await login(ctx.log, opts.registry, { username, password }, opts.tlsVerify !== undefined ? { tlsVerify: opts.tlsVerify } : {});
    ctx.io.stdout.write('Login Succeeded\n');
    return 0;
  },
};

async function readStdin(): Promise<string> {
  const parts: Buffer[] = [];
  for await (const chunk of process.stdin) parts.push(chunk as Buffer);
  return Buffer.concat(parts).toString('utf8');
}

/** Reads one line from the terminal; the password is not echoed. */
function prompt(question: string, echo: boolean, out: NodeJS.WritableStream): Promise<string> {
  const stdin = process.stdin;
  if (!stdin.isTTY) return Promise.reject(new InvalidArgumentError('cannot perform an interactive login from a non-TTY device', { hint: 'use -u and --password-stdin' }));
  out.write(question);
  return new Promise((resolve, reject) => {
    let line = '';
    stdin.setRawMode(true);
    stdin.resume();
    const done = (err?: Error) => {
      stdin.setRawMode(false);
      stdin.pause();
      stdin.off('data', onData);
      out.write('\n');
      if (err) reject(err);
      else resolve(line);
    };
    const onData = (data: Buffer) => {
      for (const ch of data.toString('utf8')) {
        if (ch === '\r' || ch === '\n') return done();
        if (ch === '\u0003') return done(new InvalidArgumentError('login cancelled'));
        if (ch === '\u007f') {
          if (echo && line) out.write('\b \b');
          line = line.slice(0, -1);
        }
        else {
          line += ch;
          if (echo) out.write(ch);
        }
      }
    };
    stdin.on('data', onData);
  });
}
