// The Engine API service: node:http on a unix socket (0660 root:root, removed on exit) or a
// loopback TCP port; one router for plain requests and upgrades (docker's hijack); an idle timer
// (podman's --time); a graceful stop that refuses new connections, ends streams, lets requests
// in flight finish and then goes.
import { setMaxListeners } from 'node:events';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as net from 'node:net';
import * as path from 'node:path';
import { Readable } from 'node:stream';
import type { Engine } from '../engine';
import { ConflictError, InvalidArgumentError } from '../errors/errors';
import type { Logger } from '../log/log';
import { AttachHub } from './attach-hub';
import type { ApiContext, Handler } from './context';
import { toApiError } from './errors';
import { ExecStore } from './exec-store';
import { commonHeaders, HttpReply, UpgradeReply, type Reply } from './http/reply';
import type { ApiRequest } from './http/request';
import { API_VERSION, checkVersion, splitVersion, type Router } from './router';
import { apiRoutes } from './routes';

export type Listen = { kind: 'unix'; path: string } | { kind: 'tcp'; host: string; port: number };

/** unix:///path or tcp://host:port; TCP only on loopback unless insecure is allowed. */
export function parseHost(uri: string, insecure: boolean): Listen {
  if (uri.startsWith('unix://')) {
    const p = uri.slice('unix://'.length);
    if (!p.startsWith('/')) throw new InvalidArgumentError(`invalid --host ${JSON.stringify(uri)}: the socket path must be absolute`);
    return { kind: 'unix', path: p };
  }
  const m = /^tcp:\/\/(\[[0-9a-fA-F:]+\]|[^:/]+):(\d+)\/?$/.exec(uri);
  if (!m) throw new InvalidArgumentError(`invalid --host ${JSON.stringify(uri)}: use unix:///path/to.sock or tcp://127.0.0.1:PORT`);
  const host = m[1].replace(/^\[|\]$/g, '');
  const port = Number(m[2]);
  if (port < 1 || port > 65535) throw new InvalidArgumentError(`invalid --host ${JSON.stringify(uri)}: bad port`);
  if (!insecure && !isLoopback(host)) {
    throw new InvalidArgumentError(`refusing to listen on ${host}: the API gives root on this machine to anyone who reaches it`, {
      hint: 'listen on 127.0.0.1 or a unix socket, or pass --insecure-listen',
    });
  }
  return { kind: 'tcp', host, port };
}

export function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);
}

export interface ServiceOptions {
  engine: Engine;
  log: Logger;
  listen: Listen;
  /** Exit after this many seconds without a connection (0: never). */
  idleSeconds: number;
  version: string;
}

export class ApiService {
  private readonly server: http.Server;
  private readonly ctx: ApiContext;
  private readonly router: Router<Handler>;
  private readonly stopping = new AbortController();
  private readonly sockets = new Set<net.Socket>();
  private idleTimer: NodeJS.Timeout | undefined;
  /** Plain requests in flight (a stop lets them finish). */
  private busy = 0;
  private notBusy: (() => void)[] = [];
  private socketIno: number | undefined;
  private closing: Promise<void> | undefined;
  private resolveDone!: () => void;
  /** Resolves when the service has stopped (idle timeout or stop()). */
  readonly done: Promise<void>;
  private readonly headers: Record<string, string>;

  private constructor(private readonly opts: ServiceOptions) {
    this.done = new Promise((resolve) => (this.resolveDone = resolve));
    setMaxListeners(0, this.stopping.signal); // one listener per request in flight
    this.headers = commonHeaders({ apiVersion: API_VERSION, serverVersion: opts.version });
    this.ctx = {
      engine: opts.engine, log: opts.log, execs: new ExecStore(), attach: new AttachHub(opts.log), shutdown: this.stopping.signal,
      service: { version: opts.version, startedAt: new Date() },
    };
    this.router = apiRoutes();
    this.server = http.createServer({ keepAlive: true });
    this.server.on('request', (req, res) => void this.onRequest(req, res));
    this.server.on('upgrade', (req: http.IncomingMessage, socket: net.Socket, head: Buffer) => void this.onUpgrade(req, socket, head));
    this.server.on('connection', (s: net.Socket) => this.onConnection(s));
    this.server.on('clientError', (_err, socket: net.Socket) => {
      if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n');
    });
  }

  static async start(opts: ServiceOptions): Promise<ApiService> {
    const svc = new ApiService(opts);
    await svc.listen();
    svc.armIdle();
    return svc;
  }

  get context(): ApiContext {
    return this.ctx;
  }

  /** Where it listens, as a DOCKER_HOST value. */
  get address(): string {
    const l = this.opts.listen;
    if (l.kind === 'unix') return `unix://${l.path}`;
    const a = this.server.address();
    const port = a && typeof a === 'object' ? a.port : l.port;
    return `tcp://${l.host.includes(':') ? `[${l.host}]` : l.host}:${port}`;
  }

  private async listen(): Promise<void> {
    const l = this.opts.listen;
    if (l.kind === 'tcp') {
      await new Promise<void>((resolve, reject) => {
        this.server.once('error', reject);
        this.server.listen(l.port, l.host, () => resolve());
      });
      return;
    }
    fs.mkdirSync(path.dirname(l.path), { recursive: true, mode: 0o755 });
    await removeStaleSocket(l.path);
    // Created 0660 from the start (no window with wider permissions), then given to root:root.
    const umask = process.umask(0o117);
    try {
      await new Promise<void>((resolve, reject) => {
        this.server.once('error', reject);
        this.server.listen(l.path, () => resolve());
      });
    } finally {
      process.umask(umask);
    }
    fs.chownSync(l.path, 0, 0);
    fs.chmodSync(l.path, 0o660);
    this.socketIno = fs.statSync(l.path).ino;
  }

  private onConnection(s: net.Socket): void {
    this.sockets.add(s);
    this.disarmIdle();
    s.on('close', () => {
      this.sockets.delete(s);
      if (!this.sockets.size) this.armIdle();
    });
  }

  private armIdle(): void {
    if (this.opts.idleSeconds <= 0 || this.closing) return;
    this.disarmIdle();
    this.idleTimer = setTimeout(() => {
      this.opts.log.info('api', 'idle timeout: stopping', { seconds: this.opts.idleSeconds });
      void this.stop();
    }, this.opts.idleSeconds * 1000);
  }

  private disarmIdle(): void {
    if (this.idleTimer) clearTimeout(this.idleTimer);
    this.idleTimer = undefined;
  }

  private async onRequest(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const abort = new AbortController();
    const onStop = () => abort.abort();
    this.stopping.signal.addEventListener('abort', onStop);
    this.busy++;
    res.on('close', () => {
      abort.abort();
      this.stopping.signal.removeEventListener('abort', onStop);
      if (--this.busy === 0) for (const fn of this.notBusy.splice(0)) fn();
    });
    if (this.closing) res.shouldKeepAlive = false;
    await this.dispatch(req, req, new HttpReply(res, this.headers), abort.signal);
  }

  private async onUpgrade(req: http.IncomingMessage, socket: net.Socket, head: Buffer): Promise<void> {
    const abort = new AbortController();
    const onStop = () => abort.abort();
    this.stopping.signal.addEventListener('abort', onStop);
    socket.on('close', () => {
      abort.abort();
      this.stopping.signal.removeEventListener('abort', onStop);
    });
    socket.on('error', () => undefined);
    const reply = new UpgradeReply(socket, this.headers);
    let body: Buffer;
    try {
      body = await readUpgradeBody(req, socket, head);
    } catch (err) {
      const e = toApiError(err);
      reply.json(e.status, { message: e.message });
      return;
    }
    await this.dispatch(req, Readable.from([body]), reply, abort.signal);
  }

  private async dispatch(raw: http.IncomingMessage, body: Readable, reply: Reply, signal: AbortSignal): Promise<void> {
    const method = raw.method ?? 'GET';
    const url = new URL(raw.url ?? '/', 'http://mydocker');
    const { version, path: route } = splitVersion(url.pathname);
    this.opts.log.debug('api', 'request', { method, url: raw.url });
    try {
      if (version) checkVersion(version);
      const m = this.router.match(method, route);
      if (m === 'not-found') {
        reply.json(404, { message: 'page not found' });
        return;
      }
      if (m === 'method') {
        reply.json(405, { message: 'method not allowed' });
        return;
      }
      const req: ApiRequest = {
        method, path: route, version: version ?? API_VERSION, params: m.params, query: url.searchParams, headers: raw.headers, body, signal,
      };
      await m.handler(this.ctx, req, reply);
    } catch (err) {
      const e = toApiError(err);
      if (e.status >= 500) this.opts.log.warn('api', 'request failed', { method, url: raw.url, error: e.message });
      else this.opts.log.debug('api', 'request refused', { method, url: raw.url, status: e.status, error: e.message });
      if (!reply.started) reply.json(e.status, { message: e.message });
    } finally {
      // a body nobody read (an error before the handler got to it) must not stall the connection
      if (!body.readableEnded) body.resume();
    }
  }

  /** Stops accepting, ends streams and sessions, lets other requests finish, removes the socket. */
  stop(opts: { force?: boolean } = {}): Promise<void> {
    if (opts.force) for (const s of this.sockets) s.destroy();
    if (this.closing) return this.closing;
    this.disarmIdle();
    this.closing = (async () => {
      const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
      this.stopping.abort();
      this.ctx.attach.close();
      this.server.closeIdleConnections();
      // requests in flight finish; streams and sessions were told to end; what is left then goes
      if (this.busy) await new Promise<void>((resolve) => this.notBusy.push(resolve));
      for (const s of this.sockets) s.destroy();
      await closed;
      this.removeSocket();
      this.resolveDone();
    })();
    return this.closing;
  }

  private removeSocket(): void {
    const l = this.opts.listen;
    if (l.kind !== 'unix') return;
    try {
      if (fs.statSync(l.path).ino === this.socketIno) fs.unlinkSync(l.path);
    } catch {
      // already gone
    }
  }
}

/** A socket file nobody listens on is removed; one somebody listens on is a conflict. */
async function removeStaleSocket(p: string): Promise<void> {
  let st: fs.Stats;
  try {
    st = fs.lstatSync(p);
  } catch {
    return;
  }
  if (!st.isSocket()) throw new ConflictError(`${p} exists and is not a socket`);
  const live = await new Promise<boolean>((resolve) => {
    const c = net.createConnection(p);
    c.once('connect', () => {
      c.destroy();
      resolve(true);
    });
    c.once('error', () => resolve(false));
  });
  if (live) throw new ConflictError(`another service is listening on ${p}`);
  fs.unlinkSync(p);
}

/** An upgrade request's body (exec start's JSON): Content-Length bytes; what follows is the client's stdin. */
async function readUpgradeBody(req: http.IncomingMessage, socket: net.Socket, head: Buffer): Promise<Buffer> {
  if (req.headers['transfer-encoding']) throw new InvalidArgumentError('a chunked body on an upgrade request is not supported');
  const length = Number(req.headers['content-length'] ?? 0);
  if (!Number.isInteger(length) || length < 0 || length > 1 << 20) throw new InvalidArgumentError('bad Content-Length on an upgrade request');
  let buf = head;
  while (buf.length < length) {
    const chunk = await new Promise<Buffer | undefined>((resolve) => {
      const onData = (d: Buffer) => {
        cleanup();
        socket.pause();
        resolve(d);
      };
      const onEnd = () => {
        cleanup();
        resolve(undefined);
      };
      const cleanup = () => {
        socket.off('data', onData);
        socket.off('end', onEnd);
        socket.off('close', onEnd);
      };
      socket.on('data', onData);
      socket.on('end', onEnd);
      socket.on('close', onEnd);
      socket.resume();
    });
    if (!chunk) throw new InvalidArgumentError('the request body ended early');
    buf = Buffer.concat([buf, chunk]);
  }
  // Paused from here: whoever takes the connection (attach, exec) resumes it once it listens.
  socket.pause();
  const rest = buf.subarray(length);
  if (rest.length) socket.unshift(rest);
  return buf.subarray(0, length);
}
