// For the API's unit tests: the service on a temp socket over an engine on a temp root whose
// containers are fakes (no kernel work: a status machine, log entries, and a fake monitor speaking
// the attach protocol), while images, volumes and networks are the real engine's on that root.
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { PassThrough } from 'node:stream';
import { Engine, type ContainerSpec } from '../engine';
import type { ContainerRecord } from '../engine/container-store';
import type { ContainerView } from '../engine/lifecycle/context';
import type { ContainerInspect } from '../engine/lifecycle/inspect';
import type { LogEntry } from '../engine/lifecycle/logs';
import type { Status } from '../engine/container-status';
import { NotFoundError } from '../errors/errors';
import { ImageStore } from '../image/store';
import { silentLogger } from '../log/log';
import { AttachClient } from '../monitor/attach-client';
import type { InitResult, InitStreams } from '../runtime/nsexec';
import { Layout } from '../store/layout';
import { ApiService } from './server';

/** A container's monitor, as far as the attach socket goes: frames in and out. */
export class FakeMonitor {
  readonly socket: string;
  private readonly server: net.Server;
  private readonly clients = new Set<net.Socket>();
  readonly stdin: Buffer[] = [];
  readonly resizes: [number, number][] = [];
  stdinClosed = false;

  constructor(dir: string, name: string) {
    this.socket = path.join(dir, `${name}.sock`);
    this.server = net.createServer((c) => {
      this.clients.add(c);
      let pending = Buffer.alloc(0);
      c.on('data', (d: Buffer) => {
        pending = Buffer.concat([pending, d]);
        while (pending.length >= 5) {
          const len = pending.readUInt32LE(1);
          if (pending.length < 5 + len) break;
          const type = String.fromCharCode(pending[0]);
          const payload = pending.subarray(5, 5 + len);
          pending = pending.subarray(5 + len);
          if (type === 'I') this.stdin.push(payload);
          if (type === 'C') this.stdinClosed = true;
          if (type === 'W') this.resizes.push([payload.readUInt16LE(0), payload.readUInt16LE(2)]);
        }
      });
      c.on('close', () => this.clients.delete(c));
      c.on('error', () => undefined);
    });
  }

  listen(): Promise<void> {
    return new Promise((resolve) => this.server.listen(this.socket, () => resolve()));
  }

  get connected(): number {
    return this.clients.size;
  }

  private send(type: string, payload: Buffer): void {
    const head = Buffer.alloc(5);
    head.write(type, 0, 'latin1');
    head.writeUInt32LE(payload.length, 1);
    for (const c of this.clients) c.write(Buffer.concat([head, payload]));
  }

  output(stream: 'stdout' | 'stderr', text: string): void {
    this.send(stream === 'stdout' ? 'O' : 'E', Buffer.from(text));
  }

  exit(code: number): void {
    this.send('X', Buffer.from(JSON.stringify({ exitCode: code, signal: 0, oomKilled: false, finishedAt: new Date().toISOString() })));
  }

  close(): Promise<void> {
    for (const c of this.clients) c.destroy();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

export interface FakeContainer {
  record: ContainerRecord;
  status: Status;
  exitCode: number;
  startedAt?: string;
  finishedAt?: string;
  logs: LogEntry[];
  monitor?: FakeMonitor;
}

/** What the fake engine was asked to do, for assertions. */
export type Call = [string, ...unknown[]];

export class FakeEngine extends Engine {
  readonly containers = new Map<string, FakeContainer>();
  readonly calls: Call[] = [];
  /** What exec does: given the streams, resolves with the exit status. */
  execBehaviour: (streams: InitStreams) => Promise<InitResult> = async () => ({ status: { code: 0 } });

  constructor(readonly dir: string) {
    const layout = new Layout({ root: path.join(dir, 'root'), runroot: path.join(dir, 'run') });
    super({ layout, log: silentLogger, images: new ImageStore(layout, silentLogger) });
  }

  add(name: string, over: { status?: Status; tty?: boolean; openStdin?: boolean; exitCode?: number; logs?: LogEntry[] } = {}): FakeContainer {
    const id = `${name.padEnd(12, '0')}${'f'.repeat(52)}`.replace(/[^a-f0-9]/g, 'a').slice(0, 64);
    const now = new Date().toISOString();
    const record = {
      schemaVersion: 1, id, name, created: now, path: 'sh', args: ['-c', 'true'], image: 'busybox', imageId: 'sha256:' + 'b'.repeat(64),
      config: { Tty: over.tty ?? false, OpenStdin: over.openStdin ?? false, Labels: { app: name }, Env: [], Cmd: ['sh'], Image: 'busybox' },
      hostConfig: { RestartPolicy: { Name: 'no', MaximumRetryCount: 0 }, AutoRemove: false, NetworkMode: 'bridge' },
      lowerDirs: [], mounts: [], networkSettings: { Ports: { '80/tcp': [{ HostIp: '0.0.0.0', HostPort: '8080' }] }, Networks: {} },
    } as unknown as ContainerRecord;
    const c: FakeContainer = { record, status: over.status ?? 'created', exitCode: over.exitCode ?? 0, logs: over.logs ?? [] };
    if (c.status === 'running') c.startedAt = now;
    this.containers.set(id, c);
    return c;
  }

  private find(ref: string): FakeContainer {
    for (const c of this.containers.values()) if (c.record.name === ref || c.record.id.startsWith(ref)) return c;
    throw new NotFoundError(`no such container: ${ref}`);
  }

  override resolveContainer(ref: string): ContainerRecord {
    return this.find(ref).record;
  }

  override containerView(ref: string): ContainerView {
    const c = this.find(ref);
    return {
      record: c.record, derived: { status: c.status, stale: false },
      ...(c.startedAt ? { started: { startedAt: c.startedAt, restartCount: 0 } } : {}),
      ...(c.finishedAt ? { exit: { exitCode: c.exitCode, signal: 0, oomKilled: false, finishedAt: c.finishedAt } } : {}),
    } as ContainerView;
  }

  override inspectContainer(ref: string): ContainerInspect {
    const c = this.find(ref);
    const alive = c.status === 'running' || c.status === 'paused';
    return {
      Id: c.record.id, Name: `/${c.record.name}`, Config: c.record.config, HostConfig: c.record.hostConfig,
      State: {
        Status: c.status, Running: alive, Paused: c.status === 'paused', Restarting: false, OOMKilled: false, Dead: false, Pid: 0,
        ExitCode: alive ? 0 : c.exitCode, Error: '', StartedAt: c.startedAt ?? '0001-01-01T00:00:00Z', FinishedAt: c.finishedAt ?? '0001-01-01T00:00:00Z',
      },
    } as unknown as ContainerInspect;
  }

  override async listContainers(opts: { all: boolean; filters: string[] }): Promise<ContainerView[]> {
    this.calls.push(['list', opts]);
    return [...this.containers.values()].filter((c) => opts.all || c.status === 'running').map((c) => this.containerView(c.record.id));
  }

  override async createContainer(spec: ContainerSpec): Promise<ContainerRecord> {
    this.calls.push(['create', spec]);
    this.deps.warn?.('a warning for the create reply');
    return this.add(spec.name ?? 'created').record;
  }

  override async startContainer(ref: string): Promise<void> {
    this.calls.push(['start', ref]);
    const c = this.find(ref);
    c.status = 'running';
    c.startedAt = new Date().toISOString();
  }

  override async startAttached(ref: string, opts: { stdin: boolean }) {
    this.calls.push(['startAttached', ref, opts]);
    const c = this.find(ref);
    if (!c.monitor) throw new Error('test: give the container a monitor first');
    const client = await AttachClient.connect(c.monitor.socket, { stdin: opts.stdin, cleansUp: true });
    c.status = 'running';
    c.startedAt = new Date().toISOString();
    return { client, state: {} as never };
  }

  override async attachContainer(ref: string, stdin: boolean) {
    this.calls.push(['attach', ref, stdin]);
    const c = this.find(ref);
    if (!c.monitor) throw new Error('test: give the container a monitor first');
    const client = await AttachClient.connect(c.monitor.socket, { stdin, cleansUp: false });
    return { client, record: c.record, state: {} as never };
  }

  override async cleanupAfterExit(id: string) {
    this.calls.push(['cleanup', id]);
    return { removed: false };
  }

  /** The container stopped with this code (what its monitor would record). */
  finish(c: FakeContainer, code: number): void {
    c.status = 'exited';
    c.exitCode = code;
    c.finishedAt = new Date().toISOString();
  }

  override async stopContainer(ref: string): Promise<string> {
    this.calls.push(['stop', ref]);
    const c = this.find(ref);
    this.finish(c, 143);
    return c.record.name;
  }

  override async killContainer(ref: string, signal?: string): Promise<string> {
    this.calls.push(['kill', ref, signal]);
    const c = this.find(ref);
    this.finish(c, 137);
    return c.record.name;
  }

  override async pauseContainer(ref: string): Promise<string> {
    this.find(ref).status = 'paused';
    return ref;
  }

  override async unpauseContainer(ref: string): Promise<string> {
    this.find(ref).status = 'running';
    return ref;
  }

  override async renameContainer(ref: string, name: string): Promise<void> {
    this.find(ref).record.name = name;
  }

  override async removeContainer(ref: string, opts: { force: boolean; volumes: boolean }): Promise<string> {
    this.calls.push(['rm', ref, opts]);
    const c = this.find(ref);
    this.containers.delete(c.record.id);
    return c.record.name;
  }

  override async *logs(ref: string, opts: { follow: boolean; tail?: number }): AsyncGenerator<LogEntry> {
    this.calls.push(['logs', ref, opts]);
    const entries = this.find(ref).logs;
    yield* opts.tail !== undefined ? entries.slice(-opts.tail) : entries;
  }

  override async stats(refs: string[]) {
    return refs.flatMap((r) => {
      const c = this.find(r);
      return c.status !== 'running' ? [] : [{
        id: c.record.id, name: c.record.name, cpuPercent: 50, memUsage: 1000, memLimit: 4000, memPercent: 25, netRx: 10, netTx: 20,
        blockRead: 30, blockWrite: 40, pids: 3,
      }];
    });
  }

  override async exec(opts: Parameters<Engine['exec']>[0], _stdio: Parameters<Engine['exec']>[1], onStreams?: (s: InitStreams) => void) {
    this.calls.push(['exec', opts]);
    const streams: InitStreams = { stdin: new PassThrough(), stdout: new PassThrough(), stderr: new PassThrough() };
    onStreams?.(streams);
    if (opts.detach) return undefined;
    const result = await this.execBehaviour(streams);
    (streams.stdout as PassThrough).end();
    (streams.stderr as PassThrough).end();
    return result;
  }

  override async statContainerPath(ref: string, p: string): Promise<{ name: string; stats: fs.Stats; linkTarget: string }> {
    this.find(ref);
    throw new NotFoundError(`could not find the file ${p} in container ${ref}`);
  }
}

export interface Response {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
  text: string;
  json(): unknown;
}

export class TestService {
  private constructor(readonly svc: ApiService, readonly socket: string, readonly dir: string, readonly engine: FakeEngine) {}

  static async start(name: string, opts: { idleSeconds?: number } = {}): Promise<TestService> {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), `mydocker-test-api-${name}-`));
    const engine = new FakeEngine(dir);
    const socket = path.join(dir, 'api.sock');
    const svc = await ApiService.start({
      engine, log: silentLogger, listen: { kind: 'unix', path: socket }, idleSeconds: opts.idleSeconds ?? 0, version: '0.0.0-test',
    });
    return new TestService(svc, socket, dir, engine);
  }

  request(method: string, urlPath: string, body?: unknown, headers: Record<string, string> = {}): Promise<Response> {
    return new Promise((resolve, reject) => {
      const data = body === undefined ? undefined : Buffer.isBuffer(body) ? body : Buffer.from(typeof body === 'string' ? body : JSON.stringify(body));
      const req = http.request({
        socketPath: this.socket, method, path: urlPath,
        headers: { ...(data ? { 'Content-Type': 'application/json', 'Content-Length': String(data.length) } : {}), ...headers },
      }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const b = Buffer.concat(chunks);
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: b, text: b.toString(), json: () => JSON.parse(b.toString()) });
        });
      });
      req.on('error', reject);
      req.end(data);
    });
  }

  /** An upgrade request as the docker CLI sends it; resolves with the status line's code and the raw socket. */
  upgrade(urlPath: string, body: unknown = {}): Promise<{ status: number; socket: net.Socket; head: Buffer; response?: Response }> {
    return new Promise((resolve, reject) => {
      const data = Buffer.from(JSON.stringify(body));
      const req = http.request({
        socketPath: this.socket, method: 'POST', path: urlPath,
        headers: { Connection: 'Upgrade', Upgrade: 'tcp', 'Content-Type': 'application/json', 'Content-Length': String(data.length) },
      });
      req.on('upgrade', (res, socket, head) => resolve({ status: res.statusCode ?? 0, socket, head }));
      req.on('response', (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const b = Buffer.concat(chunks);
          resolve({ status: res.statusCode ?? 0, socket: res.socket, head: Buffer.alloc(0), response: { status: res.statusCode ?? 0, headers: res.headers, body: b, text: b.toString(), json: () => JSON.parse(b.toString()) } });
        });
      });
      req.on('error', reject);
      req.end(data);
    });
  }

  async monitorFor(c: FakeContainer): Promise<FakeMonitor> {
    const m = new FakeMonitor(this.dir, c.record.name);
    await m.listen();
    c.monitor = m;
    return m;
  }

  async stop(): Promise<void> {
    await this.svc.stop();
    for (const c of this.engine.containers.values()) await c.monitor?.close();
    fs.rmSync(this.dir, { recursive: true, force: true });
  }
}

/** Reads a socket until it ends (or `ms` pass). */
export function readAll(socket: net.Socket, head: Buffer = Buffer.alloc(0), ms = 5000): Promise<Buffer> {
  return new Promise((resolve) => {
    const chunks = [head];
    const done = () => {
      clearTimeout(timer);
      resolve(Buffer.concat(chunks));
    };
    const timer = setTimeout(done, ms);
    socket.on('data', (d: Buffer) => chunks.push(d));
    socket.on('end', done);
    socket.on('close', done);
  });
}

export function until(fn: () => boolean, ms = 3000): Promise<void> {
  const deadline = Date.now() + ms;
  return new Promise((resolve, reject) => {
    const poll = () => {
      if (fn()) return resolve();
      if (Date.now() > deadline) return reject(new Error('condition not met in time'));
      setTimeout(poll, 10);
    };
    poll();
  });
}
