// mydocker's Engine API service for one client test on a sandbox of its own (helpers/sandbox.ts): the
// process is helpers/api-service.ts's; this adds the sandbox, so clients (dockerode, testcontainers,
// docker-compose) talk to it through DOCKER_HOST and the test can still look at the store with the CLI.
// stop() ends the service and then removes whatever the clients left (containers, networks, mounts,
// cgroups) through the sandbox, reporting what was still there.
import * as http from 'node:http';
import { ApiServiceProcess } from './api-service';
import { Sandbox } from './sandbox';

/** Why the service cannot be tested here, or false. */
export function serviceSkipReason(): string | false {
  return process.getuid?.() === 0 ? false : 'needs root';
}

export interface ApiResponse {
  status: number;
  body: string;
}

/**
 * One plain request to a unix-socket HTTP API; the body is sent as JSON when given. A connection of its own
 * (agent: false): a kept-alive one may be closed by the server while a test blocks in spawnSync, and reused.
 */
export function apiRequest(socket: string, method: string, urlPath: string, body?: unknown): Promise<ApiResponse> {
  return new Promise((resolve, reject) => {
    const data = body === undefined ? undefined : JSON.stringify(body);
    const req = http.request({
      socketPath: socket, method, path: urlPath, timeout: 30_000, agent: false,
      headers: data === undefined ? {} : { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(data) },
    }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.on('timeout', () => req.destroy(new Error(`${method} ${urlPath}: no answer within 30 s`)));
    req.end(data);
  });
}

export class EngineService {
  readonly sb: Sandbox;
  private readonly proc: ApiServiceProcess;

  private constructor(name: string) {
    this.sb = new Sandbox(`api-${name}`);
    this.proc = new ApiServiceProcess(this.sb);
  }

  get socket(): string {
    return this.proc.socket;
  }

  /** DOCKER_HOST for the clients. */
  get host(): string {
    return this.proc.host;
  }

  /** Starts the service and waits until GET /_ping answers; a failed start has cleaned up after itself. */
  static async start(name: string, timeoutMs = 30_000): Promise<EngineService> {
    const svc = new EngineService(name);
    try {
      await svc.proc.start(timeoutMs);
    } catch (e) {
      await svc.stop();
      throw e;
    }
    return svc;
  }

  request(method: string, urlPath: string, body?: unknown): Promise<ApiResponse> {
    return apiRequest(this.socket, method, urlPath, body);
  }

  logTail(lines = 30): string {
    return this.proc.logTail(lines);
  }

  /**
   * SIGTERM (SIGKILL after `graceMs`), then the sandbox's cleanup: containers, networks, monitors, cgroups,
   * mounts and the store. Returns what was left on the machine before that cleanup (empty when the clients
   * removed everything they made) plus a service that did not stop cleanly.
   */
  async stop(graceMs = 15_000): Promise<string[]> {
    const found = await this.proc.stop(graceMs);
    found.push(...this.sb.leftovers());
    this.sb.cleanup();
    return found;
  }
}
