// Container health checks without a daemon: the monitor's timer runs `mydocker internal healthcheck`,
// which probes inside the container and records State.Health; ps, inspect, events, filters, the
// image's HEALTHCHECK, --no-healthcheck, podman's `healthcheck run`, and nothing left behind.
import { after, before, describe, test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Sandbox } from '../helpers/sandbox';
import { ApiServiceProcess } from '../helpers/api-service';

let sb: Sandbox;
before(() => {
  sb = new Sandbox('health');
});
after(() => {
  sb.cleanup();
  assert.deepEqual(sb.leftovers(), []);
});

interface Health { Status: string; FailingStreak: number; Log: { Start: string; End: string; ExitCode: number; Output: string }[] }

const ok = (args: string[]) => sb.ok(args).stdout;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const health = (ref: string): Health | null => JSON.parse(ok(['inspect', ref]))[0].State.Health ?? null;
const psStatus = (name: string) => ok(['ps', '-a', '--filter', `name=^${name}$`, '--format', '{{.Status}}']).trim();
const psNames = (filter: string) => ok(['ps', '-a', '--filter', filter, '--format', '{{.Names}}']).trim().split('\n').filter(Boolean);

/** Polls (no timed assertion): returns once fn's answer passes, or the last answer after 30 s. */
async function poll<T>(fn: () => T, done: (v: T) => boolean, ms = 30_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = fn();
    if (done(v) || Date.now() > end) return v;
    await sleep(200);
  }
}

/** Processes running a health check of this sandbox (`mydocker … internal healthcheck ID`). */
function healthProcesses(): string[] {
  return fs.readdirSync('/proc').filter((p) => /^\d+$/.test(p)).flatMap((p) => {
    try {
      const cmd = fs.readFileSync(path.join('/proc', p, 'cmdline'), 'utf8').split('\0');
      return cmd.includes(sb.root) && cmd.includes('healthcheck') ? [`${p} ${cmd.join(' ')}`] : [];
    } catch {
      return [];
    }
  });
}

const monitorArgs = (id: string): string[] => {
  const state = JSON.parse(fs.readFileSync(path.join(sb.runroot, 'runtime', id, 'state.json'), 'utf8'));
  return fs.readFileSync(`/proc/${state.monitorPid}/cmdline`, 'utf8').split('\0');
};

describe('health checks', () => {
  test('a passing check makes the container healthy; it runs inside the container as its user', async () => {
    ok(['run', '-d', '--name', 'good', '--hostname', 'hcbox', '--user', '1000', '--health-cmd', 'echo "$(id -u) $(hostname) $(cat /proc/1/cmdline)"',
      '--health-interval', '1s', 'busybox', 'sleep', '300']);
    const h = await poll(() => health('good'), (v) => v?.Status === 'healthy');
    assert.equal(h?.Status, 'healthy');
    assert.equal(h.FailingStreak, 0);
    const last = h.Log[h.Log.length - 1];
    assert.equal(last.ExitCode, 0);
    // the container's user, UTS and pid namespaces: pid 1 is the container's sleep
    assert.equal(last.Output, '1000 hcbox sleep300\n');
    assert.ok(Date.parse(last.End) >= Date.parse(last.Start));
    assert.match(psStatus('good'), /^Up .* \(healthy\)$/);
    assert.ok(psNames('health=healthy').includes('good'));
    assert.ok(!psNames('health=unhealthy').includes('good'));
  });

  test('before its first check a container is starting', () => {
    ok(['run', '-d', '--name', 'later', '--health-cmd', 'true', '--health-interval', '1h', 'busybox', 'sleep', '300']);
    assert.deepEqual(health('later'), { Status: 'starting', FailingStreak: 0, Log: [] });
    assert.match(psStatus('later'), /^Up .* \(health: starting\)$/);
    assert.deepEqual(psNames('health=starting'), ['later']);
  });

  test('retries consecutive failures make it unhealthy, with the output and exit code kept', async () => {
    ok(['run', '-d', '--name', 'bad', '--health-cmd', 'echo broken; exit 3', '--health-interval', '1s', '--health-retries', '2', 'busybox', 'sleep', '300']);
    const h = await poll(() => health('bad'), (v) => v?.Status === 'unhealthy');
    assert.equal(h?.Status, 'unhealthy');
    assert.ok(h.FailingStreak >= 2, `streak ${h.FailingStreak}`);
    assert.ok(h.Log.length >= 2 && h.Log.length <= 5);
    assert.deepEqual(h.Log.map((r) => [r.ExitCode, r.Output]).slice(-1), [[3, 'broken\n']]);
    assert.match(psStatus('bad'), /^Up .* \(unhealthy\)$/);
    assert.deepEqual(psNames('health=unhealthy'), ['bad']);
  });

  test('a check over its timeout fails with docker\'s message and is killed', async () => {
    ok(['run', '-d', '--name', 'slow', '--health-cmd', 'echo started; sleep 20', '--health-timeout', '500ms', '--health-interval', '1s',
      '--health-retries', '1', 'busybox', 'sleep', '300']);
    const h = await poll(() => health('slow'), (v) => v?.Status === 'unhealthy');
    assert.equal(h?.Status, 'unhealthy');
    const r = h.Log[0];
    assert.equal(r.ExitCode, -1);
    assert.equal(r.Output, 'Health check exceeded timeout (500ms): started\n');
    // not waited out: the check (and its sleep) was killed long before 20 s
    assert.ok(Date.parse(r.End) - Date.parse(r.Start) < 15_000, `${r.Start} → ${r.End}`);
  });

  test('a timed-out check is killed with what it started (one check, triggered by hand)', () => {
    ok(['run', '-d', '--name', 'stuck', '--health-cmd', 'sleep 20 & sleep 21', '--health-timeout', '300ms', '--health-interval', '1h',
      '--health-retries', '1', 'busybox', 'sleep', '300']);
    const r = sb.run(['healthcheck', 'run', 'stuck']);
    assert.deepEqual([r.code, r.stdout], [1, 'unhealthy\n']);
    assert.equal(health('stuck')?.Log[0].Output, 'Health check exceeded timeout (300ms)');
    const procs = ok(['exec', 'stuck', 'ps', '-o', 'args']);
    assert.ok(!/sleep 2[01]/.test(procs), procs);
  });

  test('failures within the start period do not count', async () => {
    ok(['run', '-d', '--name', 'warming', '--health-cmd', 'exit 1', '--health-interval', '1s', '--health-retries', '1',
      '--health-start-period', '5m', '--health-start-interval', '1s', 'busybox', 'sleep', '300']);
    const h = await poll(() => health('warming'), (v) => (v?.Log.length ?? 0) >= 2);
    assert.ok(h && h.Log.length >= 2, JSON.stringify(h));
    assert.equal(h.Status, 'starting');
    assert.equal(h.FailingStreak, 0);
    assert.ok(h.Log.every((r) => r.ExitCode === 1));
  });

  test('health_status events in docker\'s words, also under --filter event=health_status', () => {
    const out = ok(['events', '--since', '0', '--until', String(Math.ceil(Date.now() / 1000) + 1), '--filter', 'event=health_status',
      '--format', '{{.Action}} {{.Actor.Attributes.name}}']);
    const lines = out.trim().split('\n');
    assert.ok(lines.includes('health_status: healthy good'), out);
    assert.ok(lines.includes('health_status: unhealthy bad'), out);
  });

  test('podman\'s healthcheck run: exit 0 healthy, 1 unhealthy, 125 without a health check', () => {
    assert.equal(sb.run(['healthcheck', 'run', 'good']).code, 0);
    const bad = sb.run(['healthcheck', 'run', 'bad']);
    assert.deepEqual([bad.code, bad.stdout], [1, 'unhealthy\n']);
    ok(['run', '-d', '--name', 'plain', 'busybox', 'sleep', '300']);
    const none = sb.run(['healthcheck', 'run', 'plain']);
    assert.equal(none.code, 125);
    assert.match(none.stderr, /has no defined healthcheck/);
    // a container without a health check: no Health, no words in ps, filter "none", no timer in its monitor
    assert.equal(health('plain'), null);
    assert.match(psStatus('plain'), /^Up [^(]*$/);
    assert.ok(psNames('health=none').includes('plain'));
    assert.ok(!monitorArgs(ok(['inspect', '-f', '{{.Id}}', 'plain']).trim()).includes('-k'));
  });

  test('the image\'s HEALTHCHECK applies without flags; --no-healthcheck disables it', async () => {
    ok(['commit', 'good', 'hc-image']);
    assert.deepEqual(JSON.parse(ok(['image', 'inspect', '-f', '{{json .Config.Healthcheck}}', 'hc-image'])).Interval, 1e9);
    ok(['run', '-d', '--name', 'inherits', '--user', '0', 'hc-image', 'sleep', '300']);
    const h = await poll(() => health('inherits'), (v) => v?.Status === 'healthy');
    assert.equal(h?.Status, 'healthy');
    assert.equal(h.Log[h.Log.length - 1].Output.split(' ')[0], '0');

    ok(['run', '-d', '--name', 'disabled', '--no-healthcheck', 'hc-image', 'sleep', '300']);
    assert.deepEqual(JSON.parse(ok(['inspect', '-f', '{{json .Config.Healthcheck}}', 'disabled'])).Test, ['NONE']);
    assert.equal(health('disabled'), null);
    assert.ok(psNames('health=none').includes('disabled'));
    assert.ok(!monitorArgs(ok(['inspect', '-f', '{{.Id}}', 'disabled']).trim()).includes('-k'));
  });

  test('checks stop with the container; rm -f leaves nothing behind', async () => {
    const id = ok(['inspect', '-f', '{{.Id}}', 'good']).trim();
    ok(['stop', '-t', '1', 'good']);
    const ofGood = () => healthProcesses().filter((l) => l.endsWith(id));
    assert.deepEqual(await poll(ofGood, (p) => p.length === 0), []);
    // a stopped container keeps its last health record, as docker's inspect shows it
    assert.equal(health('good')?.Status, 'healthy');
    assert.match(psStatus('good'), /^Exited/);

    const ids = sb.containerIds();
    ok(['rm', '-f', ...ids]);
    assert.deepEqual(await poll(healthProcesses, (p) => p.length === 0), []);
    assert.deepEqual(sb.containerIds(), []);
    assert.deepEqual(sb.leftovers(), []);
  });
});

describe('through the Engine API (docker CLI 28 against mydocker system service)', () => {
  let api: ApiServiceProcess;
  before(async () => {
    api = new ApiServiceProcess(sb);
    await api.start();
  });
  after(async () => {
    assert.deepEqual(await api.stop(), []);
  });
  const docker = (args: string[]) => {
    const r = api.docker(args);
    assert.equal(r.code, 0, `docker ${args.join(' ')}: ${r.stderr}\n${api.logTail(10)}`);
    return r.stdout.trim();
  };

  test('docker run --health-* reaches Config.Healthcheck; inspect, ps --filter health= and events show the result', async () => {
    const since = String(Math.floor(Date.now() / 1000) - 1);
    docker(['run', '-d', '--name', 'viaapi', '--health-cmd', 'echo api', '--health-interval', '1s', 'busybox', 'sleep', '300']);
    assert.deepEqual(JSON.parse(docker(['inspect', '-f', '{{json .Config.Healthcheck}}', 'viaapi'])), { Test: ['CMD-SHELL', 'echo api'], Interval: 1e9 });
    const status = await poll(() => docker(['inspect', '-f', '{{.State.Health.Status}}', 'viaapi']), (s) => s === 'healthy');
    assert.equal(status, 'healthy');
    assert.equal(docker(['inspect', '-f', '{{(index .State.Health.Log 0).Output}}', 'viaapi']), 'api');
    assert.match(docker(['ps', '--filter', 'health=healthy', '--format', '{{.Names}} {{.Status}}']), /^viaapi Up .* \(healthy\)$/);
    assert.equal(docker(['ps', '--filter', 'health=unhealthy', '--format', '{{.Names}}']), '');
    const events = docker(['events', '--since', since, '--until', String(Math.ceil(Date.now() / 1000) + 1), '--filter', 'container=viaapi',
      '--filter', 'event=health_status', '--format', '{{.Action}}']);
    assert.equal(events, 'health_status: healthy');
    docker(['rm', '-f', 'viaapi']);
    assert.deepEqual(await poll(healthProcesses, (p) => p.length === 0), []);
  });
});
