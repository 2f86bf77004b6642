// `mydocker run` against the real kernel: namespaces, mounts, stdio, exit codes, signals.
import { describe, test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { mountsUnder, useSandbox, waitForPid } from '../helpers/sandbox';

const sb = useSandbox('run');
const ok = sb.ok;

describe('process and namespaces', () => {
  test('the command is PID 1 and ps shows only the container', () => {
    // `; true` keeps sh from exec'ing ps in its place, so ps is a second process
    const r = ok(['run', '--rm', 'busybox', 'sh', '-c', 'echo pid=$$; ps -o pid,args; true']);
    assert.match(r.stdout, /^pid=1$/m);
    const rows = r.stdout.split('\n').filter((l) => /^\s*\d+\s/.test(l));
    assert.equal(rows.length, 2, r.stdout);
    assert.match(rows[0], /^\s*1\s+sh -c/);
    assert.match(rows[1], /\bps\b/);
  });

  test('every namespace differs from the host', () => {
    const kinds = ['uts', 'pid', 'mnt', 'net', 'ipc', 'cgroup'];
    const r = ok(['run', '--rm', 'busybox', 'sh', '-c', kinds.map((k) => `readlink /proc/self/ns/${k}`).join(';')]);
    const inside = r.stdout.trim().split('\n');
    kinds.forEach((k, i) => {
      const host = fs.readlinkSync(`/proc/self/ns/${k}`);
      assert.match(inside[i], new RegExp(`^${k}:\\[\\d+\\]$`));
      assert.notEqual(inside[i], host, `${k} namespace is shared with the host`);
    });
  });

  test('/proc lists only the container processes', () => {
    const r = ok(['run', '--rm', 'busybox', 'sh', '-c', 'ls /proc | grep -E "^[0-9]+$" | sort -n | tr "\\n" " "']);
    const pids = r.stdout.trim().split(/\s+/).map(Number);
    // sh and the four commands of its pipeline, numbered from 1 in the container's own pid namespace
    assert.ok(pids.length <= 6 && Math.max(...pids) < 20, `unexpected processes: ${pids}`);
    assert.equal(pids[0], 1);
  });

  test('the hostname is the short id unless --hostname is given', () => {
    const r = ok(['run', 'busybox', 'hostname']);
    const id = sb.containerIds().find((i) => i.startsWith(r.stdout.trim()));
    assert.ok(id, `hostname ${r.stdout.trim()} is not a container id prefix`);
    assert.equal(r.stdout.trim().length, 12);
    assert.equal(ok(['run', '--rm', '--hostname', 'box.example', 'busybox', 'hostname']).stdout.trim(), 'box.example');
    assert.equal(ok(['run', '--rm', '--hostname', 'h2', 'busybox', 'cat', '/etc/hostname']).stdout.trim(), 'h2');
  });

  test('--network none has only lo, and it is up', () => {
    const r = ok(['run', '--rm', '--network', 'none', 'busybox', 'sh', '-c', 'ls /sys/class/net; ip -o link show lo']);
    assert.equal(r.stdout.split('\n')[0], 'lo');
    assert.match(r.stdout, /UP/);
  });
});

describe('filesystem', () => {
  test('host mounts are invisible inside and the host mount table is unchanged after a run', () => {
    const before = fs.readFileSync('/proc/self/mountinfo', 'utf8');
    const r = ok(['run', '--rm', 'busybox', 'cat', '/proc/self/mountinfo']);
    const after = fs.readFileSync('/proc/self/mountinfo', 'utf8');
    const targets = r.stdout.split('\n').map((l) => l.split(' ')[4]).filter(Boolean);
    assert.ok(!targets.includes(sb.dir) && !targets.some((t) => t.startsWith('/tmp/') || t.startsWith('/work') || t.startsWith('/mnt')), `host mounts leaked: ${targets}`);
    assert.ok(targets.includes('/proc') && targets.includes('/dev/pts') && targets.includes('/'));
    const ours = (text: string) => text.split('\n').filter((l) => l.includes(sb.dir) || / - proc /.test(l)).sort();
    assert.deepEqual(ours(after), ours(before), 'the host mount table changed');
    assert.deepEqual(mountsUnder(sb.dir), []);
  });

  test('the rootfs is overlayfs, /sys is read-only, /dev has the usual nodes', () => {
    const r = ok(['run', '--rm', 'busybox', 'sh', '-c',
      'grep " / / " /proc/self/mountinfo; touch /sys/x 2>&1; ls /dev | tr "\\n" " "; echo; ls -d /dev/pts/ptmx']);
    assert.match(r.stdout, / - overlay overlay /);
    assert.match(r.stdout, /Read-only file system/);
    for (const d of ['null', 'zero', 'full', 'random', 'urandom', 'tty', 'ptmx', 'pts', 'shm', 'mqueue']) {
      assert.match(r.stdout, new RegExp(`\\b${d}\\b`), `/dev/${d} missing`);
    }
  });

  test('/etc/hostname, /etc/hosts and /etc/resolv.conf are provided', () => {
    const r = ok(['run', '--rm', '--hostname', 'web', 'busybox', 'sh', '-c', 'cat /etc/hostname /etc/hosts /etc/resolv.conf']);
    assert.match(r.stdout, /^web$/m);
    assert.match(r.stdout, /127\.0\.0\.1\s+localhost/);
    assert.match(r.stdout, /nameserver /);
  });

  test('writes go to a per-container upper layer: a second container sees the image unchanged', () => {
    ok(['run', '--rm', 'busybox', 'sh', '-c', 'echo changed > /etc/motd-test; rm /bin/vi']);
    const r = sb.run(['run', '--rm', 'busybox', 'sh', '-c', 'ls /etc/motd-test; ls /bin/vi']);
    assert.match(r.stderr + r.stdout, /motd-test: No such file/);
    assert.match(r.stdout, /\/bin\/vi/);
  });

  test('--rm removes the container and its layer; without it the record stays', () => {
    const before = sb.containerIds().length;
    ok(['run', '--rm', 'busybox', 'true']);
    assert.equal(sb.containerIds().length, before);
    ok(['run', 'busybox', 'true']);
    assert.equal(sb.containerIds().length, before + 1);
  });
});

describe('stdio and arguments', () => {
  test('-i forwards a pipe to the container; without -i stdin is empty', () => {
    assert.equal(ok(['run', '--rm', '-i', 'busybox', 'cat'], 'hi\n').stdout, 'hi\n');
    assert.equal(ok(['run', '--rm', 'busybox', 'cat'], 'hi\n').stdout, '');
  });

  test('stdout and stderr stay separate streams without -t', () => {
    const r = ok(['run', '--rm', 'busybox', 'sh', '-c', 'echo out; echo err >&2']);
    assert.equal(r.stdout, 'out\n');
    assert.equal(r.stderr, 'err\n');
  });

  test('everything after the image is the command, quoting preserved', () => {
    const r = ok(['run', '--rm', 'busybox', 'sh', '-c', 'printf "[%s]" "$@"', '_', 'a b', '', 'c"d', '--rm', '-ti']);
    assert.equal(r.stdout, '[a b][][c"d][--rm][-ti]');
  });

  test('-- ends the options', () => {
    assert.equal(ok(['run', '--rm', '--', 'busybox', 'echo', '-n', 'x']).stdout, 'x');
  });

  test('-e, --env-file, -w and -u', () => {
    const envFile = path.join(sb.dir, 'env.list');
    fs.writeFileSync(envFile, '# comment\nFROM_FILE=yes\n\nFROM_HOST\n');
    const r = sb.run(['run', '--rm', '-e', 'A=1', '--env', 'B=two words', '-e', 'FROM_HOST', '-e', 'UNSET_XYZ', '--env-file', envFile,
      '-w', '/srv/app', '-u', 'www-data', 'busybox', 'sh', '-c', 'echo "$A|$B|$FROM_FILE|$FROM_HOST|${UNSET_XYZ-unset}|$HOME"; pwd; id'],
    { env: { ...process.env, FROM_HOST: 'host-value' } });
    assert.equal(r.code, 0, r.stderr);
    const [env, cwd, id] = r.stdout.trim().split('\n');
    assert.equal(env, '1|two words|yes|host-value|unset|/var/www');
    assert.equal(cwd, '/srv/app');
    assert.match(id, /^uid=33\(www-data\) gid=33\(www-data\)/);
    assert.match(ok(['run', '--rm', '-u', '1234:5678', 'busybox', 'id']).stdout, /^uid=1234 gid=5678/);
  });

  test('--entrypoint replaces the image entrypoint and clears its command', () => {
    assert.equal(ok(['run', '--rm', '--entrypoint', 'echo', 'busybox', 'a', 'b']).stdout, 'a b\n');
    assert.equal(ok(['run', '--rm', '--entrypoint', '/bin/pwd', 'busybox']).stdout, '/\n');
  });

  test('the default environment has PATH and HOSTNAME', () => {
    const r = ok(['run', '--rm', '--hostname', 'envhost', 'busybox', 'env']);
    assert.match(r.stdout, /^PATH=\/usr\/local\/sbin:/m);
    assert.match(r.stdout, /^HOSTNAME=envhost$/m);
    assert.match(r.stdout, /^HOME=\/root$/m);
  });
});

describe('exit codes', () => {
  test('the container exit code passes through (0 and 7)', () => {
    assert.equal(sb.run(['run', '--rm', 'busybox', 'true']).code, 0);
    assert.equal(sb.run(['run', '--rm', 'busybox', 'sh', '-c', 'exit 7']).code, 7);
  });

  test('127 when the command is not found, 126 when it cannot be executed', () => {
    const nf = sb.run(['run', '--rm', 'busybox', 'nosuchcmd']);
    assert.equal(nf.code, 127);
    assert.match(nf.stderr, /"nosuchcmd": executable file not found in \$PATH/);
    const abs = sb.run(['run', '--rm', 'busybox', '/no/such/file']);
    assert.equal(abs.code, 127);
    const ne = sb.run(['run', '--rm', 'busybox', '/etc/passwd']);
    assert.equal(ne.code, 126);
    assert.match(ne.stderr, /permission denied/);
    assert.equal(ne.stderr.trim().split('\n').length, 1);
  });

  test('128+n when the container is killed by signal n (137 for SIGKILL)', async () => {
    const child = sb.spawn(['run', '--rm', 'busybox', 'sleep', '30']);
    const { pid } = await waitForPid(sb);
    process.kill(pid, 'SIGKILL');
    const code = await new Promise((r) => child.on('exit', r));
    assert.equal(code, 137);
  });
});

describe('signals', () => {
  for (const sig of ['SIGTERM', 'SIGINT', 'SIGHUP', 'SIGQUIT', 'SIGUSR1', 'SIGUSR2'] as const) {
    test(`${sig} sent to the CLI reaches the container`, async () => {
      const name = sig.slice(3);
      const child = sb.spawn(['run', '--rm', 'busybox', 'sh', '-c',
        `trap 'echo got-${name}; exit 42' ${name}; echo ready; while true; do sleep 0.05; done`]);
      let out = '';
      child.stdout!.on('data', (d) => (out += d));
      await waitForPid(sb);
      while (!out.includes('ready')) await new Promise((r) => setTimeout(r, 20));
      child.kill(sig);
      const code = await new Promise((r) => child.on('exit', r));
      assert.equal(code, 42);
      assert.match(out, new RegExp(`got-${name}`));
    });
  }
});
