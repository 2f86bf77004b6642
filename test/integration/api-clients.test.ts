// Real clients of the Engine API against mydocker's service (`mydocker system service --host unix://SOCK`,
// one per client on a store of its own): dockerode, testcontainers-node and docker-compose 1.29 (Debian's,
// python docker-py), each doing what its users do. Skipped with the reason while the service does not exist.
// The same tests run against a private dockerd, to check the tests themselves:
//   MYDOCKER_TEST_API_TARGET=dockerd node --test build/test/integration/api-clients.test.js
// Every test removes what it made (containers, its compose project's networks), also when it fails; stopping
// the service then finds the store empty and nothing of it left on the host (mounts, cgroups, devices, rules).
import { after, before, describe, test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as http from 'node:http';
import * as net from 'node:net';
import * as path from 'node:path';
import { PassThrough, type Readable } from 'node:stream';
import { once } from 'node:events';
import Docker from 'dockerode';
import { API_TARGET, startTarget, targetSkipReason, type ApiTarget } from '../helpers/api-target';
import { appImagesSkipReason, COMPOSE_APP, FLASK_IMAGE, REDIS_IMAGE } from '../helpers/app-images';
import { runCommand } from '../helpers/host';
import type { Result } from '../helpers/sandbox';
import { hostFootprint, networkNames, type OurNames } from './network-helpers';

const skip = targetSkipReason();

/** Text written to a stream, with a way to wait for what is expected in it. */
class Collected extends PassThrough {
  text = '';

  constructor() {
    super();
    this.on('data', (c: Buffer) => {
      this.text += c.toString('utf8');
    });
  }

  async waitFor(pattern: RegExp, what: string, timeoutMs = 10_000): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    while (!pattern.test(this.text)) {
      if (Date.now() > deadline) throw new Error(`no ${what} matching ${pattern} within ${timeoutMs} ms; got ${JSON.stringify(this.text)}`);
      await new Promise((r) => setTimeout(r, 20));
    }
    return this.text;
  }
}

/** Starts the target before the first test of the block and checks, after the last, that it left nothing. */
function useTarget(name: string, setup?: (t: ApiTarget) => void): () => ApiTarget {
  let target: ApiTarget | undefined;
  before(async () => {
    target = await startTarget(name);
    setup?.(target);
  });
  after(async () => {
    if (!target) return;
    const left = await target.stop();
    assert.deepEqual(left, [], `the ${API_TARGET} engine left things behind`);
  });
  return () => {
    assert.ok(target, 'the engine did not start');
    return target;
  };
}

/** The containers the engine still has (all states), as "name image". */
async function containerList(docker: Docker): Promise<string[]> {
  return (await docker.listContainers({ all: true })).map((c) => `${c.Names.join(',')} ${c.Image}`);
}

describe('dockerode', { skip }, () => {
  const target = useTarget('dockerode');

  test('create, attach, start, stdin to stdout and stderr (demultiplexed), exec, wait, remove', async () => {
    const docker = new Docker({ socketPath: target().socket });
    assert.equal(String(await docker.ping()), 'OK');
    const container = await docker.createContainer({
      name: 'dockerode-attach', Image: 'busybox', Tty: false, OpenStdin: true, StdinOnce: true,
      AttachStdin: true, AttachStdout: true, AttachStderr: true,
      Cmd: ['sh', '-c', 'read a; echo "got $a"; echo "err $a" >&2; read b; exit $b'],
    });
    try {
      const stream = await container.attach({ stream: true, stdin: true, stdout: true, stderr: true, hijack: true });
      const out = new Collected();
      const err = new Collected();
      docker.modem.demuxStream(stream, out, err);
      await container.start();
      stream.write('hello\n');
      await out.waitFor(/got hello\n/, 'stdout');
      await err.waitFor(/err hello\n/, 'stderr');
      assert.equal(out.text, 'got hello\n', 'stderr kept off stdout');
      assert.equal(err.text, 'err hello\n', 'stdout kept off stderr');

      // exec, hijacked as docker's CLI does it, while the container waits for its second line
      const exec = await container.exec({
        Cmd: ['sh', '-c', 'echo "exec-out $(cat /proc/1/comm)"; echo exec-err >&2; exit 3'], AttachStdout: true, AttachStderr: true,
      });
      const execStream = await exec.start({ hijack: true, stdin: false });
      const execOut = new Collected();
      const execErr = new Collected();
      const execEnded = once(execStream, 'end');
      docker.modem.demuxStream(execStream, execOut, execErr);
      await execEnded;
      assert.equal(execOut.text, 'exec-out sh\n');
      assert.equal(execErr.text, 'exec-err\n');
      const execInfo = await exec.inspect();
      assert.equal(execInfo.ExitCode, 3);
      assert.equal(execInfo.Running, false);

      const waited = container.wait(); // asked before the container ends: blocks until it does
      stream.write('7\n');
      assert.equal((await waited).StatusCode, 7);
      const info = await container.inspect();
      assert.equal(info.State.Status, 'exited');
      assert.equal(info.State.ExitCode, 7);
      await container.remove();
      await assert.rejects(container.inspect(), (e: { statusCode?: number }) => e.statusCode === 404);
      assert.deepEqual(await containerList(docker), []);
    } finally {
      await container.remove({ force: true }).catch(() => undefined);
    }
  });
});

describe('testcontainers-node', { skip }, () => {
  const target = useTarget('testcontainers');

  test('GenericContainer busybox: start (no pull, Ryuk off), exec, logs, stop', async () => {
    const t = target();
    // read when testcontainers first needs a client, so set before it is loaded
    process.env.DOCKER_HOST = t.host;
    process.env.TESTCONTAINERS_RYUK_DISABLED = 'true';
    // the engine is on this host; without it a /.dockerenv (there is one on some CI machines) makes testcontainers
    // look for the gateway of network "bridge", or run alpine:3.14 to find one
    process.env.TESTCONTAINERS_HOST_OVERRIDE = 'localhost';
    const docker = new Docker({ socketPath: t.socket });
    // testcontainers pulls unless the image answers here; busybox is the engine's built-in image
    assert.equal((await docker.getImage('busybox:latest').inspect()).RepoTags?.includes('busybox:latest'), true);
    const { GenericContainer } = await import('testcontainers');
    const started = await new GenericContainer('busybox')
      .withCommand(['sh', '-c', 'echo tc-started; trap "echo tc-stopping; exit 0" TERM; while true; do sleep 0.1; done'])
      .withLabels({ 'mydocker.test': 'api-clients' })
      .start();
    const id = started.getId();
    try {
      assert.match(id, /^[0-9a-f]{64}$/);
      const ex = await started.exec(['sh', '-c', 'echo out-$(cat /proc/1/comm); echo err >&2; exit 4']);
      assert.equal(ex.exitCode, 4);
      assert.equal(ex.stdout, 'out-sh\n');
      assert.equal(ex.stderr, 'err\n');
      assert.equal((await started.exec(['true'])).exitCode, 0);

      const logs = new Collected();
      const stream: Readable = await started.logs();
      stream.pipe(logs);
      await logs.waitFor(/tc-started/, 'log line');
      stream.destroy();

      const labels = (await docker.getContainer(id).inspect()).Config.Labels;
      assert.equal(labels['mydocker.test'], 'api-clients');
      assert.equal(labels['org.testcontainers'], 'true', 'testcontainers labels its containers');

      const stopped = await started.stop({ timeout: 10_000 }); // SIGTERM, then removes the container and its volumes
      assert.equal(stopped.getId(), id);
      await assert.rejects(docker.getContainer(id).inspect(), (e: { statusCode?: number }) => e.statusCode === 404);
      assert.deepEqual(await containerList(docker), []);
    } finally {
      await docker.getContainer(id).remove({ force: true, v: true }).catch(() => undefined);
    }
  });
});

/** A TCP port free on 127.0.0.1 just now. */
async function freePort(): Promise<number> {
  const server = net.createServer().listen(0, '127.0.0.1');
  await once(server, 'listening');
  const port = (server.address() as net.AddressInfo).port;
  server.close();
  await once(server, 'close');
  return port;
}

/** GET url until it answers 200 (the app takes a moment to listen). */
async function getText(url: string, timeoutMs = 30_000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  let last = '';
  for (;;) {
    try {
      const { status, body } = await new Promise<{ status: number; body: string }>((resolve, reject) => {
        const req = http.get(url, { timeout: 5000 }, (res) => {
          let body = '';
          res.setEncoding('utf8');
          res.on('data', (c: string) => (body += c));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
          res.on('error', reject);
        });
        req.on('error', reject);
        req.on('timeout', () => req.destroy(new Error('timeout')));
      });
      if (status === 200) return body;
      last = `HTTP ${status}: ${body}`;
    } catch (e) {
      last = (e as Error).message;
    }
    if (Date.now() > deadline) throw new Error(`GET ${url}: no 200 within ${timeoutMs} ms (last: ${last})`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** The networks in `now` that were not in `before` (the compose project's), with every container and veth seen. */
function networksAdded(now: OurNames, before: OurNames | undefined): OurNames {
  const old = (k: 'bridges' | 'networkIds' | 'subnets', v: string) => before?.[k].includes(v) ?? false;
  return {
    ...now,
    bridges: now.bridges.filter((b) => !old('bridges', b)),
    networkIds: now.networkIds.filter((id) => !old('networkIds', id)),
    subnets: now.subnets.filter((s) => !old('subnets', s)),
  };
}

const composeSkip = skip || appImagesSkipReason()
  || (runCommand('sh', ['-c', 'command -v docker-compose']).code !== 0 && 'docker-compose (1.29, Debian) is not installed');

describe('docker-compose 1.29', { skip: composeSkip }, () => {
  const target = useTarget('compose', (t) => t.loadAppImages());
  const PROJECT = 'mydockerapitest';

  test('up -d the flask + redis app, GET / twice (redis found by name), ps, port, logs, down', async () => {
    const t = target();
    // a connection per request: while docker-compose runs (spawnSync) the server may close an idle kept-alive one
    const docker = new Docker({ socketPath: t.socket, agent: new http.Agent({ keepAlive: false }) } as Docker.DockerOptions);
    const port = await freePort();
    const env = { PATH: process.env.PATH, HOME: process.env.HOME, DOCKER_HOST: t.host, WEB_PORT: String(port), COMPOSE_INTERACTIVE_NO_CLI: '1' };
    const file = path.join(COMPOSE_APP, 'docker-compose.yml');
    const compose = (args: string[]): Result =>
      runCommand('docker-compose', ['--ansi', 'never', '-p', PROJECT, '-f', file, ...args], { env, cwd: COMPOSE_APP, timeoutMs: 180_000 });
    const ok = (args: string[]): Result => {
      const r = compose(args);
      assert.equal(r.code, 0, `docker-compose ${args.join(' ')} failed (${r.code}):\n${r.stderr}\n--- ${t.kind} log:\n${t.logTail()}`);
      return r;
    };
    const before = t.sandbox && networkNames(t.sandbox);
    try {
      ok(['up', '-d']);
      const first = await getText(`http://127.0.0.1:${port}/`);
      const n = Number(/^Hello World! I have been seen (\d+) times\.\n$/.exec(first)?.[1]);
      assert.ok(n >= 1, `unexpected answer: ${JSON.stringify(first)}`);
      assert.equal(await getText(`http://127.0.0.1:${port}/`), `Hello World! I have been seen ${n + 1} times.\n`);

      const ps = ok(['ps']).stdout;
      for (const svc of ['redis', 'web']) assert.match(ps, new RegExp(`^${PROJECT}_${svc}_1 .* Up `, 'm'), ps);
      assert.match(ps, new RegExp(`127\\.0\\.0\\.1:${port}->5000/tcp`), ps);
      assert.equal(ok(['port', 'web', '5000']).stdout.trim(), `127.0.0.1:${port}`);
      const images = (await docker.listContainers({ filters: { label: [`com.docker.compose.project=${PROJECT}`] } })).map((c) => c.Image).sort();
      assert.deepEqual(images, [FLASK_IMAGE, REDIS_IMAGE]);

      assert.match(ok(['logs', 'web']).stdout, /web_1 +\| .*"GET \/ HTTP\/1\.1" 200/);
      assert.match(ok(['logs', 'redis']).stdout, /redis_1 +\| .*Ready to accept connections/);
      const project = t.sandbox && networksAdded(networkNames(t.sandbox, before), before);

      ok(['down']);
      assert.deepEqual(await containerList(docker), [], 'down removes the containers');
      const networks = (await docker.listNetworks()).map((nw) => nw.Name);
      assert.ok(!networks.includes(`${PROJECT}_default`), `down removes the project's network: ${networks.join(', ')}`);
      if (t.sandbox && project) assert.deepEqual(hostFootprint(project), [], 'down leaves no bridge, veth or rule');
    } finally {
      compose(['down', '--volumes', '--remove-orphans', '--timeout', '1']);
    }
  });
});
