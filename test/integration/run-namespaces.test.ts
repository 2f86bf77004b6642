// run/create --init, --pid/--ipc/--uts/--cgroupns host|container:X|private, --shm-size and --ipc shareable|none,
// checked inside the container against the host's own /proc/self/ns (never /proc/1: PID 1 of this machine is
// not ours) and in inspect; bad input refused with one line, exit 125, nothing left.
import { describe, test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { mountsUnder, useSandbox } from '../helpers/sandbox';

const sb = useSandbox('run-ns');
const ok = sb.ok;
const KINDS = ['pid', 'ipc', 'uts', 'cgroup'] as const;
const nsOf = (out: string) => Object.fromEntries(out.trim().split('\n').map((l) => [l.split(':')[0], l]));
const SHOW_NS = KINDS.map((k) => `readlink /proc/self/ns/${k}`).join('; ');
const host = Object.fromEntries(KINDS.map((k) => [k, fs.readlinkSync(`/proc/self/ns/${k}`)]));

/** Polls a condition on the container's process table (no timed assertion: the deadline only bounds a hang). */
async function until(fn: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 20_000;
  while (!fn()) {
    if (Date.now() > deadline) assert.fail(`gave up waiting: ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('--init', () => {
  test('the init is PID 1, bound read-only at /sbin/docker-init, and the command is its child', () => {
    const r = ok(['run', '--rm', '--init', 'busybox', 'sh', '-c', 'tr "\\0" " " </proc/1/cmdline; echo; echo ppid=$PPID pid=$$; touch /sbin/docker-init 2>&1; true']);
    assert.match(r.stdout, /^\/sbin\/docker-init -- sh -c /m);
    assert.match(r.stdout, /^ppid=1 pid=2$/m);
    assert.match(r.stdout, /Read-only file system/);
  });

  test('exit codes pass through the init', () => {
    assert.equal(sb.run(['run', '--rm', '--init', 'busybox', 'sh', '-c', 'exit 7']).code, 7);
  });

  test('an orphaned zombie is reaped by the init (and is not without it)', async () => {
    // the subshell exits at once, so its `sleep 0.3` is re-parented to PID 1, which then must wait for it
    const script = '(sleep 0.3 &); exec sleep 1000';
    const zombies = (name: string) => sb.run(['exec', name, 'ps', '-o', 'stat,args']).stdout.split('\n').filter((l) => /^Z/.test(l));
    const orphan = (name: string) => sb.run(['exec', name, 'ps', '-o', 'args']).stdout.split('\n').some((l) => /^sleep 0\.3/.test(l));
    ok(['run', '-d', '--name', 'reaped', '--init', 'busybox', 'sh', '-c', script]);
    ok(['run', '-d', '--name', 'unreaped', 'busybox', 'sh', '-c', script]);
    // without an init, PID 1 is `sleep 1000`, which never waits: the zombie shows (this is what the test can catch)
    await until(() => zombies('unreaped').length > 0, 'the zombie under a plain PID 1');
    await until(() => !orphan('reaped'), 'the orphan to end under the init');
    assert.deepEqual(zombies('reaped'), []);
    ok(['rm', '-f', 'reaped', 'unreaped']);
  });

  test('stop delivers SIGTERM to the app through the init (143, not the 137 of a kill after the timeout)', () => {
    ok(['run', '-d', '--name', 'stopped-init', '--init', 'busybox', 'sleep', '1000']);
    ok(['stop', '-t', '60', 'stopped-init']);
    assert.equal(ok(['inspect', '--format', '{{.State.ExitCode}}', 'stopped-init']).stdout.trim(), '143');
    ok(['rm', 'stopped-init']);
  });

  test('inspect shows HostConfig.Init; the record keeps the command as given', () => {
    const id = ok(['create', '--init', 'busybox', 'sleep', '1']).stdout.trim();
    const r = JSON.parse(ok(['inspect', id]).stdout)[0];
    assert.equal(r.HostConfig.Init, true);
    assert.equal(r.Path, 'sleep');
    assert.equal(JSON.parse(ok(['inspect', ok(['create', 'busybox', 'true']).stdout.trim()]).stdout)[0].HostConfig.Init, null);
  });
});

describe('--pid, --ipc, --uts, --cgroupns', () => {
  test('host: the host\'s namespaces, its processes and its hostname', () => {
    const r = ok(['run', '--rm', '--pid', 'host', '--ipc', 'host', '--uts', 'host', '--cgroupns', 'host', 'busybox', 'sh', '-c',
      `${SHOW_NS}; hostname; test -d /proc/${process.pid} && echo sees-host-process`]);
    const inside = nsOf(r.stdout.split('\n').slice(0, 4).join('\n'));
    for (const k of KINDS) assert.equal(inside[k], host[k], k);
    assert.match(r.stdout, new RegExp(`^${fs.readFileSync('/proc/sys/kernel/hostname', 'utf8').trim()}$`, 'm'));
    assert.match(r.stdout, /sees-host-process/);
  });

  test('private (and the default): namespaces of the container\'s own', () => {
    for (const extra of [[], ['--pid', 'private', '--ipc', 'private', '--uts', 'private', '--cgroupns', 'private']]) {
      const inside = nsOf(ok(['run', '--rm', ...extra, 'busybox', 'sh', '-c', SHOW_NS]).stdout);
      for (const k of KINDS) assert.notEqual(inside[k], host[k], k);
    }
  });

  test('container:X joins X\'s PID, IPC and UTS namespaces, /dev/shm included (X shareable)', () => {
    ok(['run', '-d', '--name', 'donor', '--hostname', 'donorhost', '--ipc', 'shareable', 'busybox', 'sh', '-c', 'echo shared > /dev/shm/mark; exec sleep 1000']);
    const theirs = nsOf(ok(['exec', 'donor', 'sh', '-c', SHOW_NS]).stdout);
    const r = ok(['run', '--rm', '--pid', 'container:donor', '--ipc', 'container:donor', '--uts', 'container:donor', 'busybox', 'sh', '-c',
      `${SHOW_NS}; hostname; cat /dev/shm/mark; ps -o pid,args`]);
    const mine = nsOf(r.stdout.split('\n').slice(0, 4).join('\n'));
    for (const k of ['pid', 'ipc', 'uts'] as const) assert.equal(mine[k], theirs[k], k);
    assert.notEqual(mine.cgroup, theirs.cgroup);
    assert.match(r.stdout, /^donorhost$/m);
    assert.match(r.stdout, /^shared$/m);
    assert.match(r.stdout, /^\s*1\s+sleep 1000$/m, 'the donor\'s PID 1 is visible');
    const hc = JSON.parse(ok(['inspect', 'donor']).stdout)[0].HostConfig;
    assert.equal(hc.IpcMode, 'shareable');
    ok(['rm', '-f', 'donor']);
    assert.deepEqual(mountsUnder(sb.dir).filter((m) => m.endsWith('/shm')), [], 'the shareable /dev/shm left the host');
  });

  test('container:X refuses a stopped or missing X, and joining a non-shareable IPC, leaving nothing', () => {
    ok(['create', '--name', 'idle', 'busybox', 'true']);
    ok(['run', '-d', '--name', 'private-ipc', 'busybox', 'sleep', '1000']);
    const before = sb.containerIds().length;
    const cases: [string[], RegExp][] = [
      [['--pid', 'container:idle'], /cannot join PID of a non running container: idle/],
      [['--uts', 'container:idle'], /cannot join UTS of a non running container: idle/],
      [['--ipc', 'container:private-ipc'], /cannot join IPC of container private-ipc: non-shareable IPC/],
      [['--pid', 'container:missing'], /no such container: missing/],
    ];
    for (const [flags, message] of cases) {
      const r = sb.run(['run', '--rm', ...flags, 'busybox', 'true']);
      assert.equal(r.code, 125, r.stderr);
      assert.match(r.stderr, message);
      assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
    }
    assert.equal(sb.containerIds().length, before, 'a refused run left a container');
    ok(['rm', '-f', 'idle', 'private-ipc']);
  });

  test('removing the PID namespace\'s owner ends the containers that joined it, and both go cleanly', async () => {
    ok(['run', '-d', '--name', 'owner', 'busybox', 'sleep', '1000']);
    ok(['run', '-d', '--name', 'joiner', '--pid', 'container:owner', 'busybox', 'sleep', '1000']);
    ok(['rm', '-f', 'owner']);
    await until(() => ok(['inspect', '--format', '{{.State.Running}}', 'joiner']).stdout.trim() === 'false', 'the joiner to end');
    ok(['rm', 'joiner']);
  });

  test('bad modes and combinations docker refuses: one line, exit 125, nothing created', () => {
    const before = sb.containerIds().length;
    const cases: [string[], RegExp][] = [
      [['--pid', 'bogus'], /invalid value "bogus" for --pid/],
      [['--ipc', 'container:'], /--ipc: invalid IPC mode/],
      [['--uts', 'shareable'], /--uts: invalid UTS mode/],
      [['--cgroupns', 'container:x'], /--cgroupns: invalid cgroup mode/],
      [['--uts', 'host', '--hostname', 'x'], /conflicting options: hostname and the UTS mode/],
      [['--pid', 'host', '--userns', 'auto'], /conflicting options: --pid host and a user namespace/],
      [['--shm-size', 'lots'], /--shm-size/],
    ];
    for (const [flags, message] of cases) {
      for (const verb of ['run', 'create']) {
        const r = sb.run([verb, ...flags, 'busybox', 'true']);
        assert.equal(r.code, 125, `${flags.join(' ')}: ${r.stderr}`);
        assert.match(r.stderr, message);
        assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
      }
    }
    assert.equal(sb.containerIds().length, before);
  });
});

describe('--shm-size and --ipc none', () => {
  test('/dev/shm is 64 MiB by default, --shm-size sizes it, and inspect shows the bytes', () => {
    const kb = (flags: string[]) => ok(['run', '--rm', ...flags, 'busybox', 'df', '-k', '/dev/shm']).stdout.trim().split('\n')[1].split(/\s+/)[1];
    assert.equal(kb([]), '65536');
    assert.equal(kb(['--shm-size', '16m']), '16384');
    assert.equal(kb(['--ipc', 'shareable', '--shm-size', '8m']), '8192');
    const id = ok(['create', '--shm-size', '2g', 'busybox', 'true']).stdout.trim();
    assert.equal(ok(['inspect', '--format', '{{.HostConfig.ShmSize}} {{.HostConfig.IpcMode}}', id]).stdout.trim(), '2147483648 private');
  });

  test('--ipc none: no /dev/shm mount at all', () => {
    const r = ok(['run', '--rm', '--ipc', 'none', 'busybox', 'sh', '-c', 'grep " /dev/shm " /proc/mounts || echo no-shm']);
    assert.match(r.stdout, /^no-shm$/m);
  });
});
