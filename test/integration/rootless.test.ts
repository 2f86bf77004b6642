// Rootless mode: a user made for this test (useradd, with the subordinate ids useradd gives it) runs the
// real CLI through runuser. It must get containers, logs, exec, volumes, import, a pull from a loopback
// registry and a published port, and leave nothing outside its home, its runtime dir and its ids.
// after() removes the user with everything it started (the pause process too), also when a test failed.
import { after, before, describe, test } from 'node:test';
import * as assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import * as http from 'node:http';
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { freePort, LocalRegistry } from '../../src/image/registry/testing/local-registry';
import { saveBusybox } from '../helpers/host';
import { MYDOCKER, PTY_RUN, type Result } from '../helpers/sandbox';

const USER = `mdrl${randomBytes(3).toString('hex')}`;
let uid = -1;
let home = '';
let runtimeDir = '';
let subuid: { start: number; size: number } | undefined;
let work = '';
let reg: LocalRegistry | undefined;
const missing = ['newuidmap', 'pasta', 'slirp4netns'].filter((b) => !['/usr/bin', '/usr/sbin', '/bin'].some((d) => fs.existsSync(path.join(d, b))));

function sh(cmd: string, args: string[]): string {
  const r = spawnSync(cmd, args, { encoding: 'utf8', timeout: 120_000 });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')}: ${r.stderr || r.error}`);
  return r.stdout;
}

/** mydocker as the test user, with the environment a login session would give it. */
function md(args: string[], extraEnv: Record<string, string> = {}): Result {
  const env = [`HOME=${home}`, `XDG_RUNTIME_DIR=${runtimeDir}`, 'PATH=/usr/local/bin:/usr/bin:/bin', `USER=${USER}`,
    ...Object.entries(extraEnv).map(([k, v]) => `${k}=${v}`)];
  const r = spawnSync('runuser', ['-u', USER, '--', 'env', '-i', ...env, MYDOCKER, ...args], { encoding: 'utf8', timeout: 90_000, cwd: home });
  return { code: r.status, signal: r.signal, stdout: String(r.stdout ?? ''), stderr: String(r.stderr ?? '') };
}

function ok(args: string[], extraEnv: Record<string, string> = {}): Result {
  const r = md(args, extraEnv);
  assert.equal(r.code, 0, `mydocker ${args.join(' ')} failed (${r.code}): ${r.stderr}`);
  return r;
}

/** A rootfs tarball with the host's static busybox and a marker file (files owned by root, as in any image). */
function busyboxRootfs(dir: string, marker: string): string {
  const rootfs = path.join(dir, 'rootfs');
  for (const d of ['bin', 'etc', 'tmp']) fs.mkdirSync(path.join(rootfs, d), { recursive: true });
  fs.copyFileSync('/bin/busybox', path.join(rootfs, 'bin', 'busybox'));
  fs.chmodSync(path.join(rootfs, 'bin', 'busybox'), 0o755);
  for (const a of ['sh', 'cat']) fs.symlinkSync('busybox', path.join(rootfs, 'bin', a));
  fs.writeFileSync(path.join(rootfs, 'etc', 'marker'), `${marker}\n`);
  const tarball = path.join(dir, 'rootfs.tar');
  sh('tar', ['-C', rootfs, '-cf', tarball, '.']);
  return tarball;
}

function subordinateRange(file: string): { start: number; size: number } | undefined {
  const line = fs.readFileSync(file, 'utf8').split('\n').find((l) => l.startsWith(`${USER}:`));
  if (!line) return undefined;
  const [, start, size] = line.split(':').map(Number);
  return { start, size };
}

/** The test user's ids on the host: its own uid and its subordinate range. */
function ownedByUser(id: number): boolean {
  return id === uid || (subuid !== undefined && id >= subuid.start && id < subuid.start + subuid.size);
}

/**
 * Every live process under one of the user's ids (containers, monitors, pasta, the pause process). A zombie
 * counts as gone: it holds no socket or mount, and daemons (pasta) are reaped by whoever adopted them.
 */
function userProcesses(): number[] {
  const pids: number[] = [];
  for (const entry of fs.readdirSync('/proc')) {
    const pid = Number(entry);
    if (!Number.isInteger(pid)) continue;
    try {
      const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
      const m = /^Uid:\s+(\d+)/m.exec(status);
      if (m && ownedByUser(Number(m[1])) && !/^State:\s+Z/m.test(status)) pids.push(pid);
    } catch {
      // exited meanwhile
    }
  }
  return pids;
}

function comm(pid: number): string {
  try {
    return fs.readFileSync(`/proc/${pid}/comm`, 'utf8').trim();
  } catch {
    return '';
  }
}

before(async () => {
  if (missing.length) return;
  sh('useradd', ['--create-home', '--shell', '/bin/sh', USER]);
  uid = Number(sh('id', ['-u', USER]).trim());
  home = sh('getent', ['passwd', USER]).split(':')[5];
  // Debian's useradd hands out subordinate ids itself (SUB_UID_COUNT); add a range where it did not
  if (!subordinateRange('/etc/subuid')) sh('usermod', ['--add-subuids', '2200000000-2200065535', '--add-subgids', '2200000000-2200065535', USER]);
  subuid = subordinateRange('/etc/subuid');
  // what logind makes at login: the user's own runtime directory
  runtimeDir = `/run/user/${uid}`;
  fs.mkdirSync(runtimeDir, { recursive: true, mode: 0o700 });
  fs.chownSync(runtimeDir, uid, Number(sh('id', ['-g', USER]).trim()));
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'mydocker-test-rootless-'));
  fs.chmodSync(work, 0o755);
});

after(async () => {
  if (missing.length || uid < 0) return;
  await reg?.stop();
  // the user's own rm first (monitors, pasta, mounts in its namespace), then whatever still runs under its ids
  md(['rm', '-f', ...md(['ps', '-aq']).stdout.split('\n').filter(Boolean)]);
  for (let round = 0; round < 20; round++) {
    const left = userProcesses();
    if (!left.length) break;
    for (const pid of left) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // gone
      }
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  const survivors = userProcesses();
  // the mounts lived in the pause process's mount namespace: they went with its last process
  spawnSync('userdel', ['--remove', USER], { encoding: 'utf8' });
  fs.rmSync(home, { recursive: true, force: true });
  fs.rmSync(runtimeDir, { recursive: true, force: true });
  for (const f of ['/etc/subuid', '/etc/subgid']) {
    const text = fs.readFileSync(f, 'utf8');
    const kept = text.split('\n').filter((l) => !l.startsWith(`${USER}:`)).join('\n');
    if (kept !== text) fs.writeFileSync(f, kept);
  }
  if (work) fs.rmSync(work, { recursive: true, force: true });
  assert.deepEqual(survivors.map((p) => `${p} ${comm(p)}`), [], 'processes of the test user outlived the cleanup');
});

describe('rootless mode: an unprivileged user runs containers', { skip: missing.length ? `not installed: ${missing.join(', ')}` : false }, () => {
  test('four first commands at once make one pause process', async () => {
    const env = [`HOME=${home}`, `XDG_RUNTIME_DIR=${runtimeDir}`, 'PATH=/usr/bin:/bin'];
    const codes = await Promise.all([0, 1, 2, 3].map((i) => new Promise<number | null>((resolve) => {
      const p = spawn('runuser', ['-u', USER, '--', 'env', '-i', ...env, MYDOCKER, 'run', '--rm', '--network', 'none', 'busybox', 'echo', String(i)],
        { stdio: 'ignore', cwd: home });
      p.on('exit', (code) => resolve(code));
    })));
    assert.deepEqual(codes, [0, 0, 0, 0]);
    assert.equal(userProcesses().filter((p) => comm(p) === 'mydocker-pause').length, 1);
  });

  test('run --rm busybox id: root in the container, the user on the host; state under XDG dirs', () => {
    const r = ok(['run', '--rm', 'busybox', 'sh', '-c', 'id; cat /proc/self/uid_map']);
    assert.match(r.stdout, /^uid=0\(root\) gid=0\(root\)/);
    const map = r.stdout.split('\n').slice(1).filter(Boolean).map((l) => l.trim().split(/\s+/).map(Number));
    assert.deepEqual(map[0], [0, uid, 1], 'container root is the user itself');
    assert.deepEqual(map[1], [1, subuid!.start, subuid!.size - 0], 'then its subordinate ids');
    const data = path.join(home, '.local', 'share', 'mydocker');
    assert.equal(fs.statSync(data).uid, uid);
    assert.ok(fs.existsSync(path.join(data, 'images')), 'images are under $XDG_DATA_HOME/mydocker');
    const pause = Number(fs.readFileSync(path.join(runtimeDir, 'mydocker', 'pause.pid'), 'utf8'));
    assert.equal(comm(pause), 'mydocker-pause');
    assert.ok(ownedByUser(Number(/^Uid:\s+(\d+)/m.exec(fs.readFileSync(`/proc/${pause}/status`, 'utf8'))![1])));
  });

  test('run -d, logs, exec, ps, stop, rm; the container runs under the user\'s id on the host', () => {
    const id = ok(['run', '-d', '--name', 'app', 'busybox', 'sh', '-c', 'echo started; exec sleep 1000']).stdout.trim();
    assert.match(id, /^[a-f0-9]{64}$/);
    assert.equal(ok(['exec', 'app', 'sh', '-c', 'echo from exec; id -u']).stdout, 'from exec\n0\n');
    for (let i = 0; i < 50 && !md(['logs', 'app']).stdout.includes('started'); i++) spawnSync('sleep', ['0.1']);
    assert.equal(ok(['logs', 'app']).stdout, 'started\n');
    const pid = Number(ok(['inspect', '-f', '{{.State.Pid}}', 'app']).stdout.trim());
    assert.equal(comm(pid), 'sleep');
    assert.equal(Number(/^Uid:\s+(\d+)/m.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'))![1]), uid, 'container root is the user on the host');
    assert.match(ok(['ps']).stdout, /Up .* app\n/);
    // no cgroup lists its processes: top finds them by pid namespace
    assert.match(ok(['top', 'app']).stdout, new RegExp(`\\n\\S+\\s+${pid}\\s.*sleep 1000\\n`));
    const paused = md(['pause', 'app']);
    assert.equal(paused.code, 125);
    assert.match(paused.stderr, /cannot freeze: rootless mode cannot use cgroups/);
    // commit pauses a container where a freezer exists; here it reads the upper dir live
    ok(['exec', 'app', 'sh', '-c', 'echo committed > /state']);
    ok(['commit', 'app', 'rl/snap:1']);
    assert.equal(ok(['run', '--rm', '--network', 'none', 'rl/snap:1', 'cat', '/state']).stdout, 'committed\n');
    ok(['stop', '-t', '1', 'app']);
    assert.match(ok(['ps', '-a']).stdout, /Exited \(\d+\) .* app\n/);
    ok(['rm', 'app']);
    assert.equal(ok(['ps', '-aq']).stdout, '');
  });

  test('run -it: the container\'s own terminal, its size, and the exit code', () => {
    const steps = [{ expect: '# ' }, { send: 'tty; stty size; id -u\r' }, { expect: '\\d+ \\d+\\r?\\n0' }, { send: 'exit 3\r' }];
    const env = [`HOME=${home}`, `XDG_RUNTIME_DIR=${runtimeDir}`, 'PATH=/usr/bin:/bin', 'TERM=xterm'];
    const r = spawnSync('python3', [PTY_RUN, '--rows', '30', '--cols', '90', '--timeout', '20', JSON.stringify(steps), '--',
      'runuser', '-u', USER, '--', 'env', '-i', ...env, MYDOCKER, 'run', '-it', '--rm', 'busybox', 'sh'], { encoding: 'utf8', timeout: 40_000, cwd: home });
    assert.equal(r.status, 3, r.stdout + r.stderr);
    assert.match(r.stdout, /\/dev\/pts\/0\r?\n30 90\r?\n0\r?\n/);
  });

  test('limits need cgroups this host cannot delegate: refused with one line, nothing created', () => {
    for (const flags of [['--memory', '64m'], ['--cpus', '0.5'], ['--pids-limit', '10']]) {
      const r = md(['run', '--rm', ...flags, 'busybox', 'true']);
      assert.equal(r.code, 125, r.stderr);
      assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
      assert.match(r.stderr, /cannot set .* limits: rootless mode cannot use cgroups on this .* host/);
    }
    assert.equal(ok(['ps', '-aq']).stdout, '');
    const userns = md(['run', '--rm', '--userns=auto', 'busybox', 'true']);
    assert.equal(userns.code, 125);
    assert.match(userns.stderr, /--userns and --uidmap\/--gidmap are not supported in rootless mode/);
    const net = md(['network', 'create', 'mynet']);
    assert.equal(net.code, 125);
    assert.match(net.stderr, /cannot create network mynet in rootless mode/);
  });

  test('a pause process that died is replaced by the next command', () => {
    const file = path.join(runtimeDir, 'mydocker', 'pause.pid');
    const old = Number(fs.readFileSync(file, 'utf8'));
    process.kill(old, 'SIGKILL');
    for (let i = 0; i < 50 && comm(old) === 'mydocker-pause' && !/^State:\s+Z/m.test(fs.readFileSync(`/proc/${old}/status`, 'utf8')); i++) spawnSync('sleep', ['0.05']);
    assert.equal(ok(['run', '--rm', 'busybox', 'echo', 'again']).stdout, 'again\n');
    const now = Number(fs.readFileSync(file, 'utf8'));
    assert.notEqual(now, old);
    assert.equal(comm(now), 'mydocker-pause');
  });

  test('a named volume keeps data between containers', () => {
    ok(['volume', 'create', 'data']);
    ok(['run', '--rm', '-v', 'data:/data', 'busybox', 'sh', '-c', 'echo persisted > /data/f; chown 1000:1000 /data/f']);
    assert.equal(ok(['run', '--rm', '-v', 'data:/data', 'busybox', 'sh', '-c', 'cat /data/f; stat -c %u /data/f']).stdout, 'persisted\n1000\n');
    const mountpoint = ok(['volume', 'inspect', '-f', '{{.Mountpoint}}', 'data']).stdout.trim();
    assert.ok(mountpoint.startsWith(`${home}/`), mountpoint);
    // id 1000 in the container is the user's subordinate id 999 above its range start on the host
    assert.equal(fs.statSync(path.join(mountpoint, 'f')).uid, subuid!.start + 999);
    ok(['volume', 'rm', 'data']);
  });

  test('import a rootfs tarball and run it', () => {
    const tarball = busyboxRootfs(fs.mkdtempSync(path.join(work, 'import-')), 'imported rootless');
    fs.chmodSync(path.dirname(tarball), 0o755);
    ok(['import', tarball, 'rl/imported:v1']);
    assert.equal(ok(['run', '--rm', 'rl/imported:v1', '/bin/cat', '/etc/marker']).stdout, 'imported rootless\n');
  });

  test('pull from a registry on loopback and run it; fuse-overlayfs serves the same rootfs', async () => {
    reg = await LocalRegistry.start({ dir: path.join(work, 'registry') });
    const archive = saveBusybox(work);
    sh('skopeo', ['copy', '-q', '--dest-tls-verify=false', `docker-archive:${archive}`, `docker://${reg.host}/rl/busybox:latest`]);
    const pulled = ok(['pull', `${reg.host}/rl/busybox`]);
    assert.match(pulled.stdout, /Status: Downloaded newer image/);
    assert.equal(ok(['run', '--rm', `${reg.host}/rl/busybox`, 'echo', 'pulled']).stdout, 'pulled\n');
    const fuse = ok(['run', '--rm', `${reg.host}/rl/busybox`, 'sh', '-c', 'echo x > /new; cat /new; grep " / " /proc/mounts'], { MYDOCKER_OVERLAY: 'fuse-overlayfs' });
    assert.match(fuse.stdout, /^x\nfuse-overlayfs \/ fuse\.fuse-overlayfs /);
  });

  test('published port: pasta forwards the host\'s loopback port to the container; gone after rm', async () => {
    const port = await freePort();
    ok(['run', '-d', '--name', 'web', '-p', `127.0.0.1:${port}:80`, 'busybox', 'sh', '-c',
      'echo hello from rootless > /tmp/index.html; exec httpd -f -p 80 -h /tmp']);
    assert.equal(ok(['port', 'web']).stdout, `80/tcp -> 127.0.0.1:${port}\n`);
    let body = '';
    for (let i = 0; i < 50 && body === ''; i++) {
      body = spawnSync('curl', ['-s', '-m', '2', `http://127.0.0.1:${port}/`], { encoding: 'utf8' }).stdout;
      if (body === '') spawnSync('sleep', ['0.1']);
    }
    assert.equal(body, 'hello from rootless\n');
    assert.ok(userProcesses().some((p) => /^pas(ta|st)/.test(comm(p))), 'pasta runs as the user');
    assert.match(ok(['info']).stdout, /Rootless:\n {2}ID Maps: 0:\d+:1 1:\d+:\d+\n {2}Network: pasta/);
    ok(['rm', '-f', 'web']);
    const pastas = userProcesses().filter((p) => /^pas(ta|st)/.test(comm(p)));
    assert.deepEqual(pastas.map((p) => fs.readFileSync(`/proc/${p}/cmdline`, 'utf8').replace(/\0/g, ' ')), [], 'pasta ended with its container');
    assert.notEqual(spawnSync('curl', ['-s', '-m', '2', `http://127.0.0.1:${port}/`]).status, 0);
  });

  test('--network slirp4netns: the same published port through slirp4netns\'s API; gone after rm', async () => {
    const port = await freePort();
    ok(['run', '-d', '--name', 'slirp', '--network', 'slirp4netns', '-p', `127.0.0.1:${port}:80`, 'busybox', 'sh', '-c',
      'echo via slirp4netns > /tmp/index.html; exec httpd -f -p 80 -h /tmp']);
    assert.match(ok(['exec', 'slirp', 'ip', 'addr', 'show', 'tap0']).stdout, /inet 10\.0\.2\.100\/24/);
    let body = '';
    for (let i = 0; i < 50 && body === ''; i++) {
      body = spawnSync('curl', ['-s', '-m', '2', `http://127.0.0.1:${port}/`], { encoding: 'utf8' }).stdout;
      if (body === '') spawnSync('sleep', ['0.1']);
    }
    assert.equal(body, 'via slirp4netns\n');
    assert.ok(userProcesses().some((p) => comm(p) === 'slirp4netns'));
    ok(['rm', '-f', 'slirp']);
    assert.ok(!userProcesses().some((p) => comm(p) === 'slirp4netns'), 'slirp4netns ended with its container');
    assert.deepEqual(fs.readdirSync(path.join(runtimeDir, 'mydocker', 'usernet')), []);
  });

  test('system service listens in the user\'s runtime dir, reports rootless, and serves the docker CLI', async () => {
    const env = [`HOME=${home}`, `XDG_RUNTIME_DIR=${runtimeDir}`, 'PATH=/usr/bin:/bin'];
    const service = spawn('runuser', ['-u', USER, '--', 'env', '-i', ...env, MYDOCKER, 'system', 'service', '--time', '30'], { stdio: 'ignore', cwd: home });
    const exited = new Promise((r) => service.on('exit', r));
    try {
      const socketPath = path.join(runtimeDir, 'mydocker', 'docker.sock');
      for (let i = 0; i < 100 && !fs.existsSync(socketPath); i++) await new Promise((r) => setTimeout(r, 50));
      const body = await new Promise<string>((resolve, reject) => {
        http.get({ socketPath, path: '/v1.41/info' }, (res) => {
          let data = '';
          res.on('data', (c) => (data += c));
          res.on('end', () => resolve(data));
        }).on('error', reject);
      });
      const info = JSON.parse(body) as { SecurityOptions: string[]; DockerRootDir: string; Rootless?: { Network: string } };
      assert.ok(info.SecurityOptions.includes('name=rootless'));
      assert.equal(info.DockerRootDir, path.join(home, '.local', 'share', 'mydocker'));
      assert.match(info.Rootless?.Network ?? '', /^pasta/);
      // the real docker CLI (Debian's docker.io) against the user's service: attach, exit code, removal
      if (fs.existsSync('/usr/bin/docker')) {
        const d = spawnSync('/usr/bin/docker', ['run', '--rm', 'busybox', 'sh', '-c', 'echo via docker; exit 4'],
          { encoding: 'utf8', timeout: 60_000, env: { ...process.env, DOCKER_HOST: `unix://${socketPath}` } });
        assert.equal(d.status, 4, d.stderr);
        assert.equal(d.stdout, 'via docker\n');
      }
    } finally {
      service.kill('SIGTERM');
      await exited;
    }
  });

  test('system reset removes the store and ends the pause process; the next command starts afresh', () => {
    const file = path.join(runtimeDir, 'mydocker', 'pause.pid');
    const old = Number(fs.readFileSync(file, 'utf8'));
    ok(['system', 'reset', '--force']);
    for (let i = 0; i < 50 && userProcesses().includes(old); i++) spawnSync('sleep', ['0.05']);
    assert.ok(!userProcesses().includes(old), 'the pause process ended');
    assert.ok(!fs.existsSync(path.join(home, '.local', 'share', 'mydocker', 'images')));
    assert.equal(ok(['run', '--rm', '--network', 'none', 'busybox', 'echo', 'fresh']).stdout, 'fresh\n');
    assert.deepEqual(userProcesses().filter((p) => comm(p) === 'mydocker-pause'), [Number(fs.readFileSync(file, 'utf8'))], 'one pause process');
  });

  test('nothing outside its home and runtime dir belongs to the user or its subordinate ids', () => {
    const dirs = ['/tmp', '/var/tmp', '/run', '/dev/shm', '/etc', '/home', '/var/lib/mydocker', '/root'].filter((d) => fs.existsSync(d));
    const r = spawnSync('find', [...dirs, '-xdev', '-not', '-uid', '0', '-printf', '%U\t%p\n'], { encoding: 'utf8', maxBuffer: 256 << 20 });
    const foreign = r.stdout.split('\n').filter(Boolean).map((l) => l.split('\t')).filter(([u, p]) =>
      ownedByUser(Number(u)) && !p.startsWith(`${home}/`) && p !== home && !p.startsWith(`${runtimeDir}/`) && p !== runtimeDir);
    assert.deepEqual(foreign, []);
  });
});
