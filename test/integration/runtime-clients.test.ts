// The real clients of an OCI runtime, driving the runtime under test: podman (through conmon) and
// dockerd (through containerd's runc shim). The runtime is MYDOCKER_TEST_RUNTIME, else
// bin/mydocker-runtime; run it against runc to check the tests themselves:
//   MYDOCKER_TEST_RUNTIME=/usr/sbin/runc node --test build/test/integration/runtime-clients.test.js
// Every runtime call goes through a recording stand-in (helpers/runtime-trace.sh); with
// MYDOCKER_TEST_TRACE_OUT=DIR the call logs are kept there (podman.jsonl, dockerd.jsonl), the
// material of docs/runtime-callers.md.
import { after, before, describe, test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { REPO } from '../helpers/sandbox';
import { cgroupDirsOf, runCommand } from '../helpers/host';
import { Podman } from '../helpers/podman';
import { Dockerd } from '../helpers/dockerd';
import { verbs, type RuntimeCall } from '../helpers/runtime-trace';

const RUNTIME = process.env.MYDOCKER_TEST_RUNTIME ?? path.join(REPO, 'bin', 'mydocker-runtime');

function skipReason(engine: string): string | false {
  if (!fs.existsSync(RUNTIME)) return `runtime ${RUNTIME} does not exist yet (MYDOCKER_TEST_RUNTIME=/usr/sbin/runc runs these tests against runc)`;
  if (process.getuid?.() !== 0) return 'needs root';
  if (runCommand('sh', ['-c', `command -v ${engine}`]).code !== 0) return `${engine} is not installed`;
  return false;
}

/**
 * Polls `check` until it returns [] or the time is up; returns the last answer. Generous: on a loaded
 * host the `podman container cleanup` that conmon starts at exit can take several seconds to finish.
 */
async function settle(check: () => string[], timeoutMs = 30_000): Promise<string[]> {
  const deadline = Date.now() + timeoutMs;
  let left = check();
  while (left.length && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 200));
    left = check();
  }
  return left;
}

async function waitForOutput(read: () => string, pattern: RegExp, timeoutMs = 10_000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  let out = read();
  while (!pattern.test(out) && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 100));
    out = read();
  }
  return out;
}

/** The container's calls in order, as "verb verb …", for one container id. */
function verbsOf(calls: RuntimeCall[], id: string): string {
  return verbs(calls.filter((c) => c.argv.includes(id)));
}

// A container that says when it starts and when SIGTERM stops it.
const SERVICE = ['sh', '-c', 'echo started; trap "echo stopping; exit 0" TERM; while true; do sleep 0.1; done'];
// One that answers SIGHUP and otherwise only stops on SIGKILL.
const HUP_SERVICE = ['sh', '-c', 'trap "echo got-hup" HUP; echo started; while true; do sleep 0.1; done'];

/** A cgroup v1 file of the container, read in the hierarchy of `controller`. */
function cgroupValues(rel: string, controller: string, file: string): string[] {
  return cgroupDirsOf(rel).filter((d) => d.split('/')[4] === controller)
    .map((d) => fs.readFileSync(path.join(d, file), 'utf8').trim());
}

describe('podman --runtime RUNTIME', { skip: skipReason('podman') }, () => {
  let pm: Podman;

  before(() => {
    pm = new Podman('clients', { runtime: RUNTIME });
    pm.loadBusybox();
  });

  after(() => {
    if (!pm) return;
    pm.trace.keep('podman');
    const residue = pm.cleanup();
    assert.deepEqual(residue, [], 'cleanup left things on the host');
  });

  test('run --rm: output and exit code, through create, start and delete', () => {
    const mark = pm.trace.calls().length;
    const r = pm.run(['run', '--rm', 'busybox', 'echo', 'hi']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, 'hi\n');
    const calls = pm.trace.since(mark);
    const create = calls.find((c) => c.verb === 'create');
    assert.ok(create, `the runtime was never asked to create: ${verbs(calls)}`);
    const id = create.argv[create.argv.length - 1];
    assert.match(verbsOf(calls, id), /^create start .*delete/);
  });

  test('run --rm: a non-zero exit code passes through', () => {
    assert.equal(pm.run(['run', '--rm', 'busybox', 'sh', '-c', 'exit 42']).code, 42);
  });

  test('run --rm: a missing command gives 127, a non-executable one 126 (podman matches the runtime\'s error text)', () => {
    const missing = pm.run(['run', '--rm', 'busybox', '/no/such/cmd']);
    assert.equal(missing.code, 127, missing.stderr);
    const notExec = pm.run(['run', '--rm', 'busybox', '/etc/passwd']);
    assert.equal(notExec.code, 126, notExec.stderr);
  });

  test('run -d, logs, exec, stop, rm', async () => {
    const mark = pm.trace.calls().length;
    const id = pm.ok(['run', '-d', '--name', 'svc', 'busybox', ...SERVICE]).stdout.trim();
    assert.match(id, /^[0-9a-f]{64}$/);
    assert.match(await waitForOutput(() => pm.run(['logs', 'svc']).stdout, /started/), /^started$/m);

    const ex = pm.ok(['exec', 'svc', 'sh', '-c', 'echo exec-out pid1=$(cat /proc/1/comm)']);
    assert.equal(ex.stdout, 'exec-out pid1=sh\n');
    assert.equal(pm.run(['exec', 'svc', 'sh', '-c', 'exit 3']).code, 3, 'exec exit code');

    pm.ok(['stop', '--time', '10', 'svc']);
    assert.equal(pm.ok(['inspect', '--format', '{{.State.ExitCode}}', 'svc']).stdout.trim(), '0', 'stopped by SIGTERM, exit 0');
    assert.match(pm.ok(['logs', 'svc']).stdout, /started\nstopping/);
    pm.ok(['rm', 'svc']);
    assert.equal(pm.run(['inspect', 'svc']).code, 125);

    const calls = pm.trace.since(mark).filter((c) => c.argv.includes(id));
    assert.match(verbs(calls), /^create start exec exec kill .*delete/);
    const exec = calls.find((c) => c.verb === 'exec');
    assert.ok(exec?.process, 'exec got a --process file');
    assert.deepEqual(JSON.parse(exec.process).args, ['sh', '-c', 'echo exec-out pid1=$(cat /proc/1/comm)']);
  });

  test('run -t: the container gets a terminal with our window size', () => {
    const r = pm.runPty(['run', '--rm', '-t', 'busybox', 'sh', '-c', 'tty; stty size; test -t 1 && echo out-is-tty; exit 4'], [],
      { rows: 30, cols: 100 });
    assert.equal(r.code, 4, r.stdout);
    assert.match(r.stdout, /\/dev\/pts\/0/);
    assert.match(r.stdout, /30 100/);
    assert.match(r.stdout, /out-is-tty/);
  });

  test('exec -it: an interactive shell on a terminal in a running container', () => {
    pm.ok(['run', '-d', '--name', 'term', 'busybox', 'sleep', '1000']);
    const r = pm.runPty(['exec', '-it', 'term', 'sh'], [
      { expect: '# ' },
      { send: 'tty; echo in-exec-$((6*7))\r' },
      { expect: 'in-exec-42' },
      { send: 'exit 6\r' },
    ]);
    assert.equal(r.code, 6, r.stdout);
    assert.match(r.stdout, /\/dev\/pts\/\d+/);
    pm.ok(['rm', '--force', '--time', '0', 'term']);
  });

  test('run -i: stdin from a pipe reaches the container, and its end is seen', () => {
    const r = pm.run(['run', '--rm', '-i', 'busybox', 'sh', '-c', 'test -t 0 || echo not-a-tty; tr a-z A-Z; echo eof'],
      { input: 'line one\nline two\n' });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, 'not-a-tty\nLINE ONE\nLINE TWO\neof\n');
  });

  test('pause, unpause, kill -s, update, restart of a running container', async () => {
    const mark = pm.trace.calls().length;
    const id = pm.ok(['run', '-d', '--name', 'misc', 'busybox', ...HUP_SERVICE]).stdout.trim();
    await waitForOutput(() => pm.run(['logs', 'misc']).stdout, /started/);
    const status = () => pm.ok(['inspect', '--format', '{{.State.Status}}', 'misc']).stdout.trim();
    pm.ok(['pause', 'misc']);
    assert.equal(status(), 'paused');
    pm.ok(['unpause', 'misc']);
    assert.equal(status(), 'running');
    pm.ok(['kill', '--signal', 'HUP', 'misc']);
    assert.match(await waitForOutput(() => pm.run(['logs', 'misc']).stdout, /got-hup/), /got-hup/);
    pm.ok(['update', '--cpu-shares', '512', 'misc']);
    assert.deepEqual(cgroupValues(`${pm.cgroupParent}/libpod-${id}`, 'cpu', 'cpu.shares'), ['512']);
    pm.ok(['restart', '--time', '1', 'misc']);
    assert.equal(status(), 'running');
    pm.ok(['rm', '--force', '--time', '0', 'misc']);
    const seen = verbs(pm.trace.since(mark).filter((c) => c.argv.includes(id)));
    for (const verb of ['pause', 'resume', 'kill', 'update']) assert.match(seen, new RegExp(`\\b${verb}\\b`), seen);
    assert.match(seen, /create start .*create start/, `restart creates the container again: ${seen}`);
  });

  test('removed containers leave no process, cgroup, mount or runtime state', async () => {
    pm.run(['rm', '--all', '--force', '--time', '0']);
    assert.deepEqual(await settle(() => pm.leftovers()), []);
  });
});

describe('dockerd --add-runtime mydocker=RUNTIME', { skip: skipReason('dockerd') }, () => {
  let dd: Dockerd | undefined;
  const docker = () => {
    assert.ok(dd, 'dockerd did not start');
    return dd;
  };

  before(async () => {
    dd = await Dockerd.start('clients', { runtime: RUNTIME });
    dd.loadBusybox();
  });

  after(() => {
    if (!dd) return;
    dd.trace.keep('dockerd');
    const residue = dd.stop();
    assert.deepEqual(residue, [], 'stop() left things on the host');
  });

  test('run --rm --runtime mydocker: output and exit code', () => {
    const d = docker();
    const mark = d.trace.calls().length;
    const r = d.docker(['run', '--rm', '--runtime', 'mydocker', 'busybox', 'sh', '-c', 'echo ok']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, 'ok\n');
    assert.equal(d.docker(['run', '--rm', '--runtime', 'mydocker', 'busybox', 'sh', '-c', 'exit 42']).code, 42);
    const calls = d.trace.since(mark);
    assert.match(verbs(calls), /^create start delete/, 'the shim called the runtime under test');
    // dockerd 20.10 gives every runtime the same state root, named after runc whatever the runtime is
    const root = path.join(d.execRoot, 'runtime-runc', 'moby');
    for (const c of calls) assert.deepEqual(c.argv.slice(1, 3), ['--root', root], `${c.verb} got the state root dockerd chose`);
  });

  test('run --rm: a missing command gives 127, a non-executable one 126 (dockerd matches the runtime\'s error text)', () => {
    const d = docker();
    const missing = d.docker(['run', '--rm', '--runtime', 'mydocker', 'busybox', '/no/such/cmd']);
    assert.equal(missing.code, 127, missing.stderr);
    const notExec = d.docker(['run', '--rm', '--runtime', 'mydocker', 'busybox', '/etc/passwd']);
    assert.equal(notExec.code, 126, notExec.stderr);
  });

  test('run -d --runtime mydocker, exec, stop, rm', async () => {
    const d = docker();
    const mark = d.trace.calls().length;
    const id = d.ok(['run', '-d', '--runtime', 'mydocker', '--name', 'svc', 'busybox', ...SERVICE]).stdout.trim();
    assert.match(await waitForOutput(() => d.docker(['logs', 'svc']).stdout, /started/), /^started$/m);
    assert.equal(d.ok(['exec', 'svc', 'sh', '-c', 'echo exec-out pid1=$(cat /proc/1/comm)']).stdout, 'exec-out pid1=sh\n');
    assert.equal(d.docker(['exec', 'svc', 'sh', '-c', 'exit 3']).code, 3, 'exec exit code');
    d.ok(['stop', '--time', '10', 'svc']);
    assert.equal(d.ok(['inspect', '--format', '{{.State.ExitCode}}', 'svc']).stdout.trim(), '0', 'stopped by SIGTERM, exit 0');
    assert.match(d.ok(['logs', 'svc']).stdout, /started\nstopping/);
    d.ok(['rm', 'svc']);
    const calls = d.trace.since(mark).filter((c) => c.argv.includes(id));
    assert.match(verbs(calls), /^create start exec exec kill delete/);
    const exec = calls.find((c) => c.verb === 'exec');
    assert.ok(exec?.process, 'exec got a --process file');
    assert.deepEqual(JSON.parse(exec.process).args, ['sh', '-c', 'echo exec-out pid1=$(cat /proc/1/comm)']);
  });

  test('run -t, exec -it and run -i: terminals through --console-socket, stdin through a pipe', () => {
    const d = docker();
    const run = d.runPty(['run', '--rm', '-t', '--runtime', 'mydocker', 'busybox', 'sh', '-c', 'tty; test -t 1 && echo out-is-tty; exit 4'], []);
    assert.equal(run.code, 4, run.stdout);
    assert.match(run.stdout, /\/dev\/pts\/0/);
    assert.match(run.stdout, /out-is-tty/);

    d.ok(['run', '-d', '--runtime', 'mydocker', '--name', 'term', 'busybox', 'sleep', '1000']);
    const ex = d.runPty(['exec', '-it', 'term', 'sh'], [
      { expect: '# ' },
      { send: 'tty; echo in-exec-$((6*7))\r' },
      { expect: 'in-exec-42' },
      { send: 'exit 6\r' },
    ]);
    assert.equal(ex.code, 6, ex.stdout);
    d.ok(['rm', '--force', 'term']);

    const piped = d.docker(['run', '--rm', '-i', '--runtime', 'mydocker', 'busybox', 'sh', '-c', 'test -t 0 || echo not-a-tty; tr a-z A-Z'],
      { input: 'line one\nline two\n' });
    assert.equal(piped.code, 0, piped.stderr);
    assert.equal(piped.stdout, 'not-a-tty\nLINE ONE\nLINE TWO\n');
  });

  test('pause, unpause, kill -s, top, update, restart of a running container', async () => {
    const d = docker();
    const mark = d.trace.calls().length;
    const id = d.ok(['run', '-d', '--runtime', 'mydocker', '--name', 'misc', 'busybox', ...HUP_SERVICE]).stdout.trim();
    await waitForOutput(() => d.docker(['logs', 'misc']).stdout, /started/);
    const status = () => d.ok(['inspect', '--format', '{{.State.Status}}', 'misc']).stdout.trim();
    d.ok(['pause', 'misc']);
    assert.equal(status(), 'paused');
    d.ok(['unpause', 'misc']);
    assert.equal(status(), 'running');
    d.ok(['kill', '--signal', 'HUP', 'misc']);
    assert.match(await waitForOutput(() => d.docker(['logs', 'misc']).stdout, /got-hup/), /got-hup/);
    assert.match(d.ok(['top', 'misc']).stdout, /sleep|sh -c/);
    d.ok(['update', '--cpu-shares', '512', 'misc']);
    assert.deepEqual(cgroupValues(`${d.cgroupParent}/${id}`, 'cpu', 'cpu.shares'), ['512']);
    d.ok(['restart', '--time', '1', 'misc']);
    assert.equal(status(), 'running');
    d.ok(['rm', '--force', 'misc']);
    const seen = verbs(d.trace.since(mark).filter((c) => c.argv.includes(id)));
    for (const verb of ['pause', 'resume', 'kill', 'ps', 'update']) assert.match(seen, new RegExp(`\\b${verb}\\b`), seen);
    assert.match(seen, /create start .*create start/, `restart creates the container again: ${seen}`);
  });

  test('removed containers leave no shim, cgroup or runtime state', async () => {
    const d = docker();
    const ids = d.docker(['ps', '-aq']).stdout.split('\n').filter(Boolean);
    if (ids.length) d.docker(['rm', '--force', ...ids]);
    assert.deepEqual(await settle(() => d.leftovers()), []);
  });
});
