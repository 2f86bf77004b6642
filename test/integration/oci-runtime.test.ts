// bin/mydocker-runtime as runc's callers drive it: the create/start split, the state machine and
// its errors, every hook in order with the state on stdin, --console-socket, --preserve-fds, exec,
// and the same bundle under runc and under mydocker-runtime compared.
import { after, describe, test } from 'node:test';
import * as assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { REPO, useSandbox } from '../helpers/sandbox';
import type { Spec } from '../../src/runtime/spec';

const RUNTIME = path.join(REPO, 'bin', 'mydocker-runtime');
const RUNC = '/usr/sbin/runc';
const CONSOLE_HELPER = path.join(REPO, 'test', 'helpers', 'console-socket.py');
const CGROUP_PARENT = '/mydocker-test-oci';

let rootfs = '';
let runtimeRoot = '';
let runcRoot = '';
const sb = useSandbox('oci-runtime', (s) => {
  rootfs = path.join(s.dir, 'rootfs');
  runtimeRoot = path.join(s.dir, 'runtime-root');
  runcRoot = path.join(s.dir, 'runc-root');
  // one busybox rootfs for every bundle, from the built-in image
  const id = s.ok(['create', 'busybox', 'true']).stdout.trim();
  fs.mkdirSync(rootfs, { recursive: true });
  const tar = spawnSync(REPO + '/bin/mydocker', [...s.globalArgs, 'export', id], { maxBuffer: 64 << 20 });
  assert.equal(spawnSync('tar', ['-x', '-C', rootfs], { input: tar.stdout }).status, 0);
  s.ok(['rm', id]);
});

interface Run { code: number | null; stdout: string; stderr: string }

/**
 * Runs the runtime with its output in files, not pipes: a container made by `create` or `run -d`
 * inherits the runtime's stdio (as with runc), and would hold a pipe open as long as it runs.
 */
function rt(args: string[], opts: { input?: string; bin?: string; root?: string } = {}): Run {
  const out = path.join(sb.dir, `rt-out-${process.pid}`);
  const err = path.join(sb.dir, `rt-err-${process.pid}`);
  const [o, e] = [fs.openSync(out, 'w'), fs.openSync(err, 'w')];
  try {
    const r = spawnSync(opts.bin ?? RUNTIME, ['--root', opts.root ?? runtimeRoot, ...args], {
      timeout: 30_000, input: opts.input, stdio: [opts.input === undefined ? 'ignore' : 'pipe', o, e],
    });
    return { code: r.status, stdout: fs.readFileSync(out, 'utf8'), stderr: fs.readFileSync(err, 'utf8') };
  } finally {
    fs.closeSync(o);
    fs.closeSync(e);
  }
}

function rtOk(args: string[], opts: { input?: string; bin?: string; root?: string } = {}): string {
  const r = rt(args, opts);
  assert.equal(r.code, 0, `${opts.bin ?? 'mydocker-runtime'} ${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
}

let n = 0;
/** A bundle dir whose config.json is `mydocker-runtime spec`'s, changed by tweak; its rootfs is shared. */
function bundle(tweak: (s: Spec) => void): { dir: string; id: string } {
  const id = `oci-${process.pid}-${++n}`;
  const dir = path.join(sb.dir, 'bundles', id);
  fs.mkdirSync(dir, { recursive: true });
  rtOk(['spec', '--bundle', dir]);
  const spec = JSON.parse(fs.readFileSync(path.join(dir, 'config.json'), 'utf8')) as Spec;
  spec.root = { path: rootfs, readonly: false };
  spec.process!.terminal = false;
  spec.linux!.cgroupsPath = `${CGROUP_PARENT}/${id}`;
  tweak(spec);
  fs.writeFileSync(path.join(dir, 'config.json'), JSON.stringify(spec));
  return { dir, id };
}

const status = (id: string) => JSON.parse(rtOk(['state', id])).status as string;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

after(() => {
  // containers a failed test left: delete them (their cgroups go with them)
  for (const [bin, root] of [[RUNTIME, runtimeRoot], [RUNC, runcRoot]]) {
    for (const id of fs.existsSync(root) ? fs.readdirSync(root).filter((d) => !d.startsWith('.')) : []) rt(['delete', '--force', id], { bin, root });
  }
  for (const h of fs.readdirSync('/sys/fs/cgroup')) {
    const dir = path.join('/sys/fs/cgroup', h, CGROUP_PARENT);
    if (fs.existsSync(dir)) fs.rmdirSync(dir);
  }
});

describe('the OCI lifecycle', () => {
  test('create sets the container up but runs nothing until start', async () => {
    const marker = `started-${process.pid}`;
    const { dir, id } = bundle((s) => (s.process!.args = ['sh', '-c', `touch /tmp/${marker}; sleep 60`]));
    const pidFile = path.join(dir, 'init.pid');
    rtOk(['create', '--bundle', dir, '--pid-file', pidFile, id]);
    const state = JSON.parse(rtOk(['state', id]));
    assert.equal(state.status, 'created');
    assert.equal(state.pid, Number(fs.readFileSync(pidFile, 'utf8')));
    assert.equal(state.bundle, dir);
    await sleep(300);
    assert.equal(fs.existsSync(path.join(rootfs, 'tmp', marker)), false, 'the process ran before start');
    rtOk(['start', id]);
    for (let i = 0; i < 100 && !fs.existsSync(path.join(rootfs, 'tmp', marker)); i++) await sleep(20);
    assert.ok(fs.existsSync(path.join(rootfs, 'tmp', marker)), 'the process runs after start');
    assert.equal(status(id), 'running');
    rtOk(['delete', '--force', id]);
    fs.rmSync(path.join(rootfs, 'tmp', marker));
  });

  test('illegal transitions are refused with runc\'s words; delete --force ends anything', async () => {
    const { dir, id } = bundle((s) => (s.process!.args = ['sleep', '60']));
    rtOk(['create', '--bundle', dir, id]);
    const dup = rt(['create', '--bundle', dir, id]);
    assert.equal(dup.code, 1);
    assert.match(dup.stderr, /already exists/);
    assert.match(rt(['resume', id]).stderr, /container not paused/);
    rtOk(['start', id]);
    assert.match(rt(['start', id]).stderr, /cannot start an already running container/);
    rtOk(['pause', id]);
    assert.equal(status(id), 'paused');
    assert.match(rt(['delete', id]).stderr, /cannot delete container .* that is not stopped: paused/);
    rtOk(['resume', id]);
    assert.equal(status(id), 'running');
    assert.deepEqual(JSON.parse(rtOk(['ps', '--format', 'json', id])).length, 1);
    rtOk(['kill', id, 'KILL']);
    for (let i = 0; i < 100 && status(id) !== 'stopped'; i++) await sleep(20);
    assert.equal(status(id), 'stopped');
    assert.match(rt(['kill', id, 'TERM']).stderr, /container not running/);
    assert.match(rt(['start', id]).stderr, /cannot start a container that has stopped/);
    rtOk(['delete', id]);
    const gone = rt(['state', id]);
    assert.equal(gone.code, 1);
    assert.match(gone.stderr, /does not exist/);
    assert.equal(rt(['delete', '--force', id]).code, 0, 'deleting what is gone is fine with --force');
    assert.ok(!fs.existsSync(`/sys/fs/cgroup/memory${CGROUP_PARENT}/${id}`), 'its cgroup is gone');
  });

  test('kill --all reaches every process; list shows the containers', async () => {
    const { dir, id } = bundle((s) => (s.process!.args = ['sh', '-c', 'trap "" TERM; sleep 60 & sleep 60 & wait']));
    rtOk(['run', '-d', '--bundle', dir, id]);
    for (let i = 0; i < 100 && JSON.parse(rtOk(['ps', '--format', 'json', id])).length < 3; i++) await sleep(20);
    assert.equal(JSON.parse(rtOk(['ps', '--format', 'json', id])).length, 3);
    assert.ok(JSON.parse(rtOk(['list', '--format', 'json'])).some((c: { id: string }) => c.id === id));
    rtOk(['kill', '--all', id, 'KILL']);
    for (let i = 0; i < 100 && status(id) !== 'stopped'; i++) await sleep(20);
    assert.equal(status(id), 'stopped');
    rtOk(['delete', id]);
  });

  test('run in the foreground passes the exit code through and deletes everything', () => {
    const { dir, id } = bundle((s) => (s.process!.args = ['sh', '-c', 'echo out; echo err >&2; exit 3']));
    const r = rt(['run', '--bundle', dir, id]);
    assert.equal(r.code, 3);
    assert.equal(r.stdout, 'out\n');
    assert.equal(r.stderr, 'err\n');
    assert.equal(rt(['state', id]).code, 1);
  });

  test('a command that does not exist fails create, as with runc', () => {
    const { dir, id } = bundle((s) => (s.process!.args = ['/no/such/binary']));
    const r = rt(['create', '--bundle', dir, id]);
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /no such file or directory/);
    assert.equal(rt(['state', id]).code, 1, 'nothing is left of a failed create');
  });
});

describe('hooks, console socket, fds, exec', () => {
  test('every hook runs, in the order of the spec, with the state on stdin', async () => {
    const log = path.join(sb.dir, 'hooks.log');
    fs.writeFileSync(log, '');
    // a host script (prestart, createRuntime, createContainer run before pivot_root; poststart, poststop) and one in the rootfs
    const hostHook = path.join(sb.dir, 'hook.sh');
    fs.writeFileSync(hostHook, `#!/bin/sh\nstate=$(cat)\necho "$1 $(echo "$state" | jq -r '.status + " " + .id')" >> ${log}\n`, { mode: 0o755 });
    fs.writeFileSync(path.join(rootfs, 'hook.sh'), '#!/bin/sh\nstate=$(cat)\necho "$1 $(echo "$state" | grep -o \'"status": *"[a-z]*"\' | cut -d\\" -f4)" >> /hooklog/hooks.log\n', { mode: 0o755 });
    const { dir, id } = bundle((s) => {
      s.process!.args = ['sh', '-c', 'echo user-process >> /hooklog/hooks.log; sleep 60'];
      s.mounts!.push({ destination: '/hooklog', type: 'bind', source: sb.dir, options: ['rbind'] });
      const host = (stage: string) => ({ path: hostHook, args: ['hook.sh', stage] });
      s.hooks = {
        prestart: [host('prestart')], createRuntime: [host('createRuntime')], createContainer: [host('createContainer')],
        startContainer: [{ path: '/hook.sh', args: ['hook.sh', 'startContainer'] }], poststart: [host('poststart')], poststop: [host('poststop')],
      };
    });
    rtOk(['create', '--bundle', dir, id]);
    rtOk(['start', id]);
    for (let i = 0; i < 100 && !fs.readFileSync(log, 'utf8').includes('user-process'); i++) await sleep(20);
    rtOk(['delete', '--force', id]);
    const lines = fs.readFileSync(log, 'utf8').trim().split('\n');
    const stages = lines.map((l) => l.split(' ')[0]);
    // the user process and poststart race (both follow start): each is checked against the others
    assert.deepEqual(stages.filter((s) => s !== 'user-process'), ['prestart', 'createRuntime', 'createContainer', 'startContainer', 'poststart', 'poststop']);
    assert.ok(stages.indexOf('startContainer') < stages.indexOf('user-process'), 'startContainer before the user process');
    assert.ok(stages.indexOf('user-process') < stages.indexOf('poststop'));
    assert.match(lines.find((l) => l.startsWith('prestart'))!, new RegExp(`created ${id}$`));
    assert.match(lines.find((l) => l.startsWith('poststop'))!, new RegExp(`stopped ${id}$`));
    fs.rmSync(path.join(rootfs, 'hook.sh'));
  });

  test('a failing createRuntime hook fails create and leaves nothing', () => {
    const { dir, id } = bundle((s) => (s.hooks = { createRuntime: [{ path: '/bin/false' }] }));
    const r = rt(['create', '--bundle', dir, id]);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /createRuntime hook \/bin\/false failed/);
    assert.equal(rt(['state', id]).code, 1);
  });

  test('--console-socket hands the pty master over SCM_RIGHTS, for create and for exec', async () => {
    const { dir, id } = bundle((s) => {
      s.process!.terminal = true;
      s.process!.args = ['sh', '-c', 'tty; read line; echo "got $line"; sleep 60'];
    });
    const sock = path.join(sb.dir, 'console.sock');
    const helper = spawn('python3', [CONSOLE_HELPER, sock, 'typed-in\n'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    helper.stdout.on('data', (d) => (out += d));
    await new Promise<void>((resolve) => helper.stderr.once('data', () => resolve()));
    rtOk(['create', '--bundle', dir, '--console-socket', sock, id]);
    rtOk(['start', id]);
    for (let i = 0; i < 200 && !/got typed-in/.test(out); i++) await sleep(20);
    assert.match(out, /\/dev\/pts\/0/);
    assert.match(out, /got typed-in/);

    const execSock = path.join(sb.dir, 'exec.sock');
    const execHelper = spawn('python3', [CONSOLE_HELPER, execSock], { stdio: ['ignore', 'pipe', 'pipe'] });
    let execOut = '';
    execHelper.stdout.on('data', (d) => (execOut += d));
    await new Promise<void>((resolve) => execHelper.stderr.once('data', () => resolve()));
    const proc = path.join(sb.dir, 'process.json');
    fs.writeFileSync(proc, JSON.stringify({ terminal: true, args: ['sh', '-c', 'tty; echo exec-done'], cwd: '/', user: { uid: 0, gid: 0 }, env: ['PATH=/bin'] }));
    rtOk(['exec', '--process', proc, '--detach', '--console-socket', execSock, '--pid-file', path.join(sb.dir, 'exec.pid'), id]);
    for (let i = 0; i < 200 && !/exec-done/.test(execOut); i++) await sleep(20);
    assert.match(execOut, /\/dev\/pts\/1/);
    assert.ok(Number(fs.readFileSync(path.join(sb.dir, 'exec.pid'), 'utf8')) > 0);
    rtOk(['delete', '--force', id]);
    helper.kill();
    execHelper.kill();
  });

  test('--preserve-fds passes our descriptor 3 into the container', () => {
    const { dir, id } = bundle((s) => (s.process!.args = ['sh', '-c', 'cat <&3']));
    const file = path.join(sb.dir, 'fd3.txt');
    fs.writeFileSync(file, 'through fd 3\n');
    const fd = fs.openSync(file, 'r');
    const r = spawnSync(RUNTIME, ['--root', runtimeRoot, 'run', '--preserve-fds', '1', '--bundle', dir, id], { stdio: ['ignore', 'pipe', 'pipe', fd], encoding: 'utf8' });
    fs.closeSync(fd);
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stdout, 'through fd 3\n');
  });

  test('exec with arguments runs with the container\'s process settings, and its exit code comes back', () => {
    const { dir, id } = bundle((s) => {
      s.process!.args = ['sleep', '60'];
      s.process!.env = [...(s.process!.env ?? []), 'FROM_SPEC=yes'];
    });
    rtOk(['run', '-d', '--bundle', dir, id]);
    const r = rt(['exec', '--env', 'EXTRA=1', id, 'sh', '-c', 'echo $FROM_SPEC $EXTRA; grep CapEff /proc/self/status; exit 4']);
    assert.equal(r.code, 4);
    assert.match(r.stdout, /^yes 1\nCapEff:\s+0000000020000420\n$/);
    assert.match(rt(['exec', id, 'nosuchcmd']).stderr, /executable file not found/);
    rtOk(['delete', '--force', id]);
  });
});

describe('the same bundle under runc and mydocker-runtime', () => {
  // What a process sees of its container, normalized: ids and numbers that differ per run are left out.
  const PROBE = [
    'grep -E "^(Cap|NoNewPrivs|Seccomp:)" /proc/self/status',
    'echo "--- mounts"; awk \'{print $5, $9}\' /proc/self/mountinfo | sort',
    'echo "--- limits"; cat /proc/self/limits',
    'echo "--- env"; env | sort',
    'echo "--- hostname"; hostname',
    'echo "--- id"; id',
    'echo "--- cgroup"; cat /sys/fs/cgroup/memory/memory.limit_in_bytes /sys/fs/cgroup/pids/pids.max',
    'echo "--- devices"; ls /dev | sort',
    'echo "--- namespaces"; for n in cgroup ipc mnt net pid user uts; do echo "$n $(readlink /proc/self/ns/$n)"; done',
  ].join('; ');

  /** Which namespaces the container got of its own (its link differs from ours) rather than the inode numbers. */
  const ownNamespaces = (out: string) => out.replace(/^(\w+) (\w+:\[\d+\])$/gm, (_l, n: string, link: string) =>
    `${n} ${link === fs.readlinkSync(`/proc/self/ns/${n}`) ? 'shared' : 'own'}`);

  test('capabilities, mounts, rlimits, env, hostname, user, cgroup limits and devices match runc', () => {
    const results: Record<string, string> = {};
    for (const [name, bin, root] of [['runc', RUNC, runcRoot], ['mydocker-runtime', RUNTIME, runtimeRoot]] as const) {
      const { dir, id } = bundle((s) => {
        s.process!.args = ['sh', '-c', PROBE];
        s.process!.rlimits = [{ type: 'RLIMIT_NOFILE', hard: 1024, soft: 512 }, { type: 'RLIMIT_NPROC', hard: 500, soft: 500 }];
        s.process!.env = ['PATH=/bin:/usr/bin', 'A=1'];
        s.hostname = 'same-bundle';
        s.linux!.resources = { ...s.linux!.resources, memory: { limit: 64 << 20 }, pids: { limit: 42 } };
      });
      const r = rt(['run', '--bundle', dir, id], { bin, root });
      assert.equal(r.code, 0, `${name}: ${r.stderr}`);
      results[name] = ownNamespaces(r.stdout);
    }
    assert.equal(results['mydocker-runtime'], results.runc);
    assert.match(results.runc, /^pid own$/m);
    assert.match(results.runc, /^user shared$/m);
  });

  test('a user namespace from uidMappings and gidMappings: the same ids inside as under runc', () => {
    fs.chmodSync(sb.dir, 0o711); // the container's root is an unprivileged host id: it must reach the rootfs
    const results: Record<string, string> = {};
    for (const [name, bin, root] of [['runc', RUNC, runcRoot], ['mydocker-runtime', RUNTIME, runtimeRoot]] as const) {
      const { dir, id } = bundle((s) => {
        s.process!.args = ['sh', '-c', 'id; cat /proc/self/uid_map /proc/self/gid_map; readlink /proc/self/ns/user'];
        s.linux!.namespaces = [...s.linux!.namespaces!, { type: 'user' }];
        s.linux!.uidMappings = [{ containerID: 0, hostID: 500000, size: 65536 }];
        s.linux!.gidMappings = [{ containerID: 0, hostID: 500000, size: 65536 }];
        // cgroup v1 hierarchies cannot be mounted in a user namespace, and sysfs needs its network namespace
        s.mounts = s.mounts!.filter((m) => m.type !== 'cgroup');
      });
      const r = rt(['run', '--bundle', dir, id], { bin, root });
      assert.equal(r.code, 0, `${name}: ${r.stderr}`);
      results[name] = ownNamespaces(r.stdout.replace(/^user:\[\d+\]$/m, (l) => `user ${l}`));
    }
    assert.equal(results['mydocker-runtime'], results.runc);
    assert.match(results.runc, /uid=0\(root\)/);
    assert.match(results.runc, /^\s+0\s+500000\s+65536$/m);
    assert.match(results.runc, /^user own$/m);
  });
});
