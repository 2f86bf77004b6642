// A real registry for integration tests: Debian's docker-registry (distribution 2.8) on 127.0.0.1:<free port>,
// with its own config, storage and access log in a directory the caller owns. stop() kills it (SIGTERM, then
// SIGKILL) and is also run if the test process exits first.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as net from 'node:net';
import * as path from 'node:path';

export const REGISTRY_BINARY = '/usr/bin/docker-registry';

export interface LocalRegistryOptions {
  /** Everything goes below it: config.yml, storage/, registry.log, htpasswd. */
  dir: string;
  /** Basic auth (htpasswd with a bcrypt hash). */
  user?: { name: string; password: string };
}

export async function freePort(): Promise<number> {
  const srv = net.createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const port = (srv.address() as net.AddressInfo).port;
  await new Promise<void>((r) => srv.close(() => r()));
  return port;
}

/** A bcrypt hash for htpasswd: Python's crypt (libxcrypt), else htpasswd from apache2-utils. */
export function bcrypt(password: string): string {
  const py = spawnSync('python3', ['-W', 'ignore', '-c', 'import crypt,sys; print(crypt.crypt(sys.argv[1], crypt.mksalt(crypt.METHOD_BLOWFISH, rounds=16)))', password], { encoding: 'utf8' });
  const hash = py.stdout.trim();
  if (py.status === 0 && hash.startsWith('$2')) return hash;
  const ht = spawnSync('htpasswd', ['-nbB', 'u', password], { encoding: 'utf8' });
  if (ht.status === 0) return ht.stdout.trim().split(':')[1];
  throw new Error('cannot make a bcrypt hash: neither python3 crypt nor htpasswd (apache2-utils) works');
}

const live = new Set<ChildProcess>();
process.on('exit', () => {
  for (const p of live) p.kill('SIGKILL');
});

export class LocalRegistry {
  private constructor(readonly host: string, readonly dir: string, private readonly proc: ChildProcess) {}

  static async start(opts: LocalRegistryOptions): Promise<LocalRegistry> {
    fs.mkdirSync(path.join(opts.dir, 'storage'), { recursive: true });
    const port = await freePort();
    const lines = [
      'version: 0.1',
      'log:',
      '  level: warn',
      '  accesslog:',
      '    disabled: false',
      'storage:',
      '  filesystem:',
      `    rootdirectory: ${path.join(opts.dir, 'storage')}`,
      '  delete:',
      '    enabled: true',
      'http:',
      `  addr: 127.0.0.1:${port}`,
    ];
    if (opts.user) {
      fs.writeFileSync(path.join(opts.dir, 'htpasswd'), `${opts.user.name}:${bcrypt(opts.user.password)}\n`);
      lines.push('auth:', '  htpasswd:', '    realm: mydocker-test', `    path: ${path.join(opts.dir, 'htpasswd')}`);
    }
    const config = path.join(opts.dir, 'config.yml');
    fs.writeFileSync(config, lines.join('\n') + '\n');
    const log = fs.openSync(path.join(opts.dir, 'registry.log'), 'a');
    const proc = spawn(REGISTRY_BINARY, ['serve', config], { stdio: ['ignore', log, log] });
    fs.closeSync(log);
    live.add(proc);
    const reg = new LocalRegistry(`127.0.0.1:${port}`, opts.dir, proc);
    const deadline = Date.now() + 15_000;
    for (;;) {
      if (proc.exitCode !== null) throw new Error(`docker-registry exited: ${fs.readFileSync(path.join(opts.dir, 'registry.log'), 'utf8').slice(-500)}`);
      if (await answers(reg.host)) return reg;
      if (Date.now() > deadline) {
        await reg.stop();
        throw new Error('docker-registry did not come up');
      }
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  /** Lines of the access log for requests starting with e.g. 'GET /v2/x/blobs/sha256:…'. */
  requests(prefix: string): string[] {
    const text = fs.readFileSync(path.join(this.dir, 'registry.log'), 'utf8');
    return text.split('\n').filter((l) => l.includes(`"${prefix}`));
  }

  async stop(): Promise<void> {
    if (this.proc.exitCode !== null || this.proc.signalCode !== null) {
      live.delete(this.proc);
      return;
    }
    const exited = new Promise((r) => this.proc.once('exit', r));
    this.proc.kill('SIGTERM');
    const timer = setTimeout(() => this.proc.kill('SIGKILL'), 3000);
    await exited;
    clearTimeout(timer);
    live.delete(this.proc);
  }
}

function answers(host: string): Promise<boolean> {
  return new Promise((resolve) => {
    const req = http.get(`http://${host}/v2/`, (res) => {
      res.resume();
      resolve(true);
    });
    req.on('error', () => resolve(false));
    req.setTimeout(1000, () => req.destroy());
  });
}
