// A real registry for integration tests: Debian's docker-registry (distribution 2.8) on 127.0.0.1:<free port>,
// with its own config, storage and access log in a directory the caller owns. stop() kills it (SIGTERM, then
// SIGKILL) and is also run if the test process exits first.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import { createPrivateKey, randomBytes, sign, X509Certificate } from 'node:crypto';
import * as http from 'node:http';
import * as https from 'node:https';
import * as net from 'node:net';
import * as path from 'node:path';

export const REGISTRY_BINARY = '/usr/bin/docker-registry';

export interface LocalRegistryOptions {
  /** Everything goes below it: config.yml, storage/, registry.log, htpasswd. */
  dir: string;
  /** Basic auth (htpasswd with a bcrypt hash). */
  user?: { name: string; password: string };
  /** Address to listen on (default 127.0.0.1). */
  address?: string;
  /** Serve https with this certificate and key (PEM files). */
  tls?: { cert: string; key: string };
  /** Bearer tokens from a TokenServer: the registry trusts tokens signed by rootCert. */
  token?: { realm: string; service: string; issuer: string; rootCert: string };
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
      `  addr: ${opts.address ?? '127.0.0.1'}:${port}`,
    ];
    if (opts.tls) lines.push('  tls:', `    certificate: ${opts.tls.cert}`, `    key: ${opts.tls.key}`);
    if (opts.token) {
      lines.push('auth:', '  token:', `    realm: ${opts.token.realm}`, `    service: ${opts.token.service}`, `    issuer: ${opts.token.issuer}`, `    rootcertbundle: ${opts.token.rootCert}`);
    }
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
    const reg = new LocalRegistry(`${opts.address ?? '127.0.0.1'}:${port}`, opts.dir, proc);
    const deadline = Date.now() + 15_000;
    for (;;) {
      if (proc.exitCode !== null) throw new Error(`docker-registry exited: ${fs.readFileSync(path.join(opts.dir, 'registry.log'), 'utf8').slice(-500)}`);
      if (await answers(reg.host, opts.tls !== undefined)) return reg;
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

function answers(host: string, tls: boolean): Promise<boolean> {
  return new Promise((resolve) => {
    const req = (tls ? https : http).get(`${tls ? 'https' : 'http'}://${host}/v2/`, { rejectUnauthorized: false }, (res) => {
      res.resume();
      resolve(true);
    });
    req.on('error', () => resolve(false));
    req.setTimeout(1000, () => req.destroy());
  });
}

/** A self-signed EC certificate for `ip` (and a key), made with openssl. */
export function makeCertificate(dir: string, ip: string): { cert: string; key: string } {
  fs.mkdirSync(dir, { recursive: true });
  const cert = path.join(dir, 'cert.pem');
  const key = path.join(dir, 'key.pem');
  const r = spawnSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', key, '-out', cert,
    '-days', '1', '-subj', '/CN=mydocker-test', '-addext', `subjectAltName=IP:${ip}`], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`openssl: ${r.stderr}`);
  return { cert, key };
}

/**
 * A token server for distribution's token auth: GET /token?service=&scope=… with basic auth from `users` (or
 * anonymous) answers {"token": <ES256 JWT>} granting what each scope asks for (anonymous users get pull only).
 * The JWT carries its certificate in x5c; the registry trusts it through rootcertbundle. It runs in a child
 * process: tests call the CLI with spawnSync, which blocks this process's event loop.
 */
export class TokenServer {
  realm = '';
  private proc: ChildProcess | undefined;
  private readonly log: string;

  constructor(private readonly cert: { cert: string; key: string }, readonly service: string, readonly issuer: string, private readonly users: Record<string, string>) {
    this.log = path.join(path.dirname(cert.cert), 'token-requests.log');
  }

  /** Query strings of the token requests so far. */
  get requests(): string[] {
    return fs.existsSync(this.log) ? fs.readFileSync(this.log, 'utf8').split('\n').filter(Boolean) : [];
  }

  async start(): Promise<void> {
    const args = JSON.stringify({ cert: this.cert, service: this.service, issuer: this.issuer, users: this.users, log: this.log });
    const proc = spawn(process.execPath, ['-e', `require(${JSON.stringify(__filename)}).serveTokens(${args})`], { stdio: ['ignore', 'pipe', 'inherit'] });
    this.proc = proc;
    live.add(proc);
    this.realm = await new Promise<string>((resolve, reject) => {
      proc.stdout!.once('data', (d: Buffer) => resolve(d.toString().trim()));
      proc.once('exit', (code) => reject(new Error(`token server exited with ${code}`)));
    });
  }

  async stop(): Promise<void> {
    const proc = this.proc;
    if (!proc || proc.exitCode !== null || proc.signalCode !== null) return;
    const exited = new Promise((r) => proc.once('exit', r));
    proc.kill('SIGTERM');
    await exited;
    live.delete(proc);
  }
}

/** The token server's process (see TokenServer). */
export function serveTokens(o: { cert: { cert: string; key: string }; service: string; issuer: string; users: Record<string, string>; log: string }): void {
  const key = createPrivateKey(fs.readFileSync(o.cert.key));
  const der = new X509Certificate(fs.readFileSync(o.cert.cert)).raw.toString('base64');
  const b64 = (v: object | Buffer) => (Buffer.isBuffer(v) ? v : Buffer.from(JSON.stringify(v))).toString('base64url');
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    fs.appendFileSync(o.log, `${url.search}\n`);
    let user = '';
    const h = req.headers.authorization ?? '';
    if (h.startsWith('Basic ')) {
      const text = Buffer.from(h.slice(6), 'base64').toString('utf8');
      const i = text.indexOf(':');
      if (i < 0 || o.users[text.slice(0, i)] !== text.slice(i + 1)) {
        res.writeHead(401, { 'Content-Type': 'application/json' });
        return void res.end('{"details":"bad credentials"}');
      }
      user = text.slice(0, i);
    }
    const access = url.searchParams.getAll('scope').map((sc) => {
      const [type, name, actions] = sc.split(':');
      const wanted = (actions ?? '').split(',').filter(Boolean);
      return { type, name, actions: user ? wanted : wanted.filter((a) => a === 'pull') };
    });
    const now = Math.floor(Date.now() / 1000);
    const header = { typ: 'JWT', alg: 'ES256', x5c: [der] };
    const claims = { iss: o.issuer, sub: user, aud: o.service, exp: now + 300, nbf: now - 10, iat: now, jti: randomBytes(8).toString('hex'), access };
    const input = `${b64(header)}.${b64(claims)}`;
    const signature = sign('sha256', Buffer.from(input), { key, dsaEncoding: 'ieee-p1363' });
    res.writeHead(200, { 'Content-Type': 'application/json' });
    res.end(JSON.stringify({ token: `${input}.${b64(signature)}`, expires_in: 300 }));
  });
  server.listen(0, '127.0.0.1', () => {
    process.stdout.write(`http://127.0.0.1:${(server.address() as net.AddressInfo).port}/token\n`);
  });
  process.on('SIGTERM', () => process.exit(0));
}
