// `mydocker system service` for one test file, on a socket in the test's sandbox (its --root and
// --runroot), with the real docker CLI pointed at it (DOCKER_HOST) and a docker config directory of
// its own (logins never touch ~/.docker). stop() sends SIGTERM and reports a service that did not
// go or a socket it left; the sandbox's own cleanup removes what the containers left.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as path from 'node:path';
import { MYDOCKER, PTY_RUN, type Result, type Sandbox } from './sandbox';

/** docker 28 (API 1.50) and Debian's docker.io 20.10 (API 1.41). */
export const DOCKER = '/usr/local/bin/docker';
export const DOCKER_OLD = '/usr/bin/docker';

export class ApiServiceProcess {
  readonly socket: string;
  readonly logFile: string;
  readonly dockerConfig: string;
  private child?: ChildProcess;
  private exited?: Promise<number | null>;

  constructor(readonly sb: Sandbox) {
    this.socket = path.join(sb.dir, 'docker.sock');
    this.logFile = path.join(sb.dir, 'service.log');
    this.dockerConfig = path.join(sb.dir, 'docker-config');
  }

  get host(): string {
    return `unix://${this.socket}`;
  }

  /** Starts the service and waits for /_ping. */
  async start(timeoutMs = 20_000): Promise<void> {
    fs.mkdirSync(this.dockerConfig, { recursive: true });
    const log = fs.openSync(this.logFile, 'a');
    const child = spawn(MYDOCKER, [...this.sb.globalArgs, 'system', 'service', '--host', this.host, '--time', '0'], { stdio: ['ignore', log, log] });
    fs.closeSync(log);
    this.child = child;
    this.exited = new Promise((resolve) => child.once('exit', (code) => resolve(code)));
    const deadline = Date.now() + timeoutMs;
    while (!(await this.ping())) {
      if (child.exitCode !== null || Date.now() > deadline) throw new Error(`the service did not come up:\n${this.logTail()}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  ping(): Promise<boolean> {
    return new Promise((resolve) => {
      const req = http.get({ socketPath: this.socket, path: '/_ping', timeout: 1000 }, (res) => {
        res.resume();
        resolve(res.statusCode === 200);
      });
      req.on('error', () => resolve(false));
      req.on('timeout', () => req.destroy());
    });
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }

  logTail(lines = 40): string {
    try {
      return fs.readFileSync(this.logFile, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
    } catch {
      return '(no log)';
    }
  }

  env(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
    return { ...process.env, DOCKER_HOST: this.host, DOCKER_CONFIG: this.dockerConfig, ...extra };
  }

  /** Runs a docker CLI (28.x by default) against the service. */
  docker(args: string[], opts: { input?: string | Buffer; timeoutMs?: number; cli?: string; env?: NodeJS.ProcessEnv } = {}): Result {
    const res = spawnSync(opts.cli ?? DOCKER, args, {
      encoding: 'utf8', env: this.env(opts.env), input: opts.input ?? '', timeout: opts.timeoutMs ?? 60_000, killSignal: 'SIGKILL',
    });
    return { code: res.status, signal: res.signal, stdout: String(res.stdout ?? ''), stderr: String(res.stderr ?? '') + (res.error ? `\n[spawn] ${res.error.message}` : '') };
  }

  /** The docker CLI on a pseudo-terminal, driven by pty-run.py steps. */
  dockerPty(args: string[], steps: object[], opts: { rows?: number; cols?: number; timeoutS?: number; cli?: string } = {}): Result {
    const timeoutS = opts.timeoutS ?? 20;
    const res = spawnSync('python3', [
      PTY_RUN, '--rows', String(opts.rows ?? 24), '--cols', String(opts.cols ?? 80), '--timeout', String(timeoutS),
      JSON.stringify(steps), '--', opts.cli ?? DOCKER, ...args,
    ], { encoding: 'utf8', env: this.env(), timeout: (timeoutS + 10) * 1000, killSignal: 'SIGKILL' });
    return { code: res.status, signal: res.signal, stdout: String(res.stdout ?? ''), stderr: String(res.stderr ?? '') };
  }

  /** SIGTERM; what was wrong about the way it went (empty when it stopped cleanly and removed its socket). */
  async stop(graceMs = 15_000): Promise<string[]> {
    const problems: string[] = [];
    const child = this.child;
    if (child && child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      const timer = new Promise<'timeout'>((r) => setTimeout(() => r('timeout'), graceMs).unref());
      const how = await Promise.race([this.exited!, timer]);
      if (how === 'timeout') {
        problems.push(`the service was still running ${graceMs} ms after SIGTERM:\n${this.logTail()}`);
        child.kill('SIGKILL');
        await this.exited;
      } else if (how !== 0) {
        problems.push(`the service exited ${how}:\n${this.logTail()}`);
      }
    }
    if (fs.existsSync(this.socket)) problems.push(`the service left its socket ${this.socket}`);
    return problems;
  }
}
