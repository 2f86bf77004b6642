// A default container is safe to hand an untrusted image: seccomp on (for exec too), no caller fd
// handed in, a session keyring of its own; and the flags that change that (--privileged,
// --cap-add/--cap-drop, --security-opt, --device, --sysctl, --group-add, --oom-score-adj, --userns).
import { describe, test } from 'node:test';
import * as assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { MYDOCKER, REPO, useSandbox } from '../helpers/sandbox';

// User-namespaced containers reach their rootfs as an unprivileged host id: the sandbox must be searchable.
const sb = useSandbox('security', (s) => fs.chmodSync(s.dir, 0o711));
const ok = sb.ok;
const PROBE = path.join(REPO, 'native', 'build', 'syscall-probe');
const probeMount = ['-v', `${PROBE}:/probe:ro`];
const BLOCKED = ['unshare-user', 'keyctl', 'bpf', 'perf_event_open', 'userfaultfd', 'io_uring_setup', 'mount', 'reboot'];

function probe(flags: string[], calls: string[]): Record<string, string> {
  const out = ok(['run', '--rm', ...flags, ...probeMount, 'busybox', '/probe', ...calls]).stdout;
  return Object.fromEntries(out.trim().split('\n').map((l) => l.split('=') as [string, string]));
}

const status = (flags: string[], field: string) =>
  ok(['run', '--rm', ...flags, 'busybox', 'grep', `^${field}:`, '/proc/self/status']).stdout.split(':')[1].trim();

describe('seccomp', () => {
  test('a default container runs under seccomp: the dangerous calls fail with EPERM', () => {
    assert.equal(status([], 'Seccomp'), '2');
    const r = probe([], BLOCKED);
    for (const call of BLOCKED) assert.equal(r[call], 'EPERM', `${call} in a default container`);
  });

  test('exec runs under the container seccomp filter too', () => {
    ok(['run', '-d', '--name', 'sec-exec', ...probeMount, 'busybox', 'sleep', '60']);
    try {
      assert.match(ok(['exec', 'sec-exec', 'grep', '^Seccomp:', '/proc/self/status']).stdout, /Seccomp:\s+2/);
      assert.match(ok(['exec', 'sec-exec', '/probe', 'keyctl', 'mount']).stdout, /keyctl=EPERM\nmount=EPERM/);
    } finally {
      sb.run(['rm', '-f', 'sec-exec']);
    }
  });

  test('--privileged lifts them: no seccomp, every capability, host devices, no masked paths', () => {
    const r = probe(['--privileged'], BLOCKED);
    for (const call of BLOCKED) assert.notEqual(r[call], 'EPERM', `${call} with --privileged`);
    assert.equal(status(['--privileged'], 'Seccomp'), '0');
    const inside = ok(['run', '--rm', '--privileged', 'busybox', 'sh', '-c', 'grep CapEff /proc/self/status; ls /dev; grep -c " /proc/kcore " /proc/self/mountinfo; true']).stdout;
    const held = /CapPrm:\s*([0-9a-f]+)/.exec(fs.readFileSync('/proc/self/status', 'utf8'))![1];
    assert.match(inside, new RegExp(`CapEff:\\s+${held}`));
    assert.ok(inside.split('\n').length > 30, 'the host devices are there');
    assert.match(inside, /^0$/m, '/proc/kcore is not masked');
  });

  test('--security-opt seccomp=unconfined turns it off; no-new-privileges sets the flag', () => {
    assert.equal(status(['--security-opt', 'seccomp=unconfined'], 'Seccomp'), '0');
    assert.equal(status([], 'NoNewPrivs'), '0');
    assert.equal(status(['--security-opt', 'no-new-privileges'], 'NoNewPrivs'), '1');
    assert.equal(status(['--security-opt', 'no-new-privileges:true'], 'Seccomp'), '2');
  });

  test('a profile in docker\'s JSON format loads and is applied', () => {
    const file = path.join(sb.dir, 'no-mkdir.json');
    fs.writeFileSync(file, JSON.stringify({
      defaultAction: 'SCMP_ACT_ALLOW',
      archMap: [{ architecture: 'SCMP_ARCH_X86_64', subArchitectures: ['SCMP_ARCH_X86', 'SCMP_ARCH_X32'] }],
      syscalls: [{ names: ['mkdir', 'mkdirat'], action: 'SCMP_ACT_ERRNO', errnoRet: 1 }],
    }));
    const r = sb.run(['run', '--name', 'profiled', '--security-opt', `seccomp=${file}`, 'busybox', 'sh', '-c', 'mkdir /x; echo rc=$?; touch /y && echo touched']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /Operation not permitted/);
    assert.match(r.stdout, /rc=1\ntouched/);
    // the record keeps the profile's content (as docker does): a later edit of the file changes nothing
    fs.writeFileSync(file, '{}');
    assert.match(ok(['start', '-a', 'profiled']).stdout, /rc=1/);
    ok(['rm', 'profiled']);
  });

  test('a malformed profile is one clear line, exit 125, and nothing is created', () => {
    const cases: [string, RegExp][] = [
      ['{"defaultAction": "SCMP_ACT_NOPE", "syscalls": []}', /seccomp profile .*defaultAction.*unknown action "SCMP_ACT_NOPE"/],
      ['{"defaultAction": "SCMP_ACT_ERRNO", "syscalls": [{"names": ["read"], "action": "SCMP_ACT_ALLOW", "args": [{"index": 9, "value": 1, "op": "SCMP_CMP_EQ"}]}]}', /index/],
      ['{ not json', /invalid JSON/],
    ];
    for (const [text, re] of cases) {
      const file = path.join(sb.dir, 'bad.json');
      fs.writeFileSync(file, text);
      const before = sb.containerIds().length;
      const r = sb.run(['run', '--rm', '--security-opt', `seccomp=${file}`, 'busybox', 'true']);
      assert.equal(r.code, 125, r.stderr);
      assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
      assert.match(r.stderr, re);
      assert.equal(sb.containerIds().length, before);
    }
    const missing = sb.run(['run', '--rm', '--security-opt', 'seccomp=/nonexistent.json', 'busybox', 'true']);
    assert.equal(missing.code, 125);
    assert.match(missing.stderr, /no such file or directory/);
  });
});

describe('no caller fd and no shared keyring', () => {
  test('exec gets pipes, not our own descriptors: it can neither see nor truncate a file our output goes to', () => {
    ok(['run', '-d', '--name', 'fds', 'busybox', 'sleep', '60']);
    try {
      const outFile = path.join(sb.dir, 'exec-out.txt');
      const fd = fs.openSync(outFile, 'w');
      const r = spawnSync(MYDOCKER, [...sb.globalArgs, 'exec', 'fds', 'sh', '-c', 'echo first; readlink /proc/self/fd/1; (: > /proc/self/fd/1) 2>/dev/null; echo second'], { stdio: ['ignore', fd, 'pipe'] });
      fs.closeSync(fd);
      assert.equal(r.status, 0, String(r.stderr));
      const text = fs.readFileSync(outFile, 'utf8');
      assert.match(text, /^first\n(pipe|socket):\[\d+\]\nsecond\n$/, text);
    } finally {
      sb.run(['rm', '-f', 'fds']);
    }
  });

  test('a process an exec leaves behind cannot read what the caller types next', async () => {
    ok(['run', '-d', '--name', 'leak', 'busybox', 'sleep', '60']);
    try {
      const child = spawn(MYDOCKER, [...sb.globalArgs, 'exec', '-i', 'leak', 'sh', '-c', '(cat > /tmp/stolen &) ; echo started'], { stdio: ['pipe', 'pipe', 'pipe'] });
      let out = '';
      child.stdout.on('data', (d) => (out += d));
      await new Promise<void>((resolve) => child.on('exit', () => resolve()));
      assert.match(out, /started/);
      // with the caller's own stdin handed in, the leftover cat would now get this
      child.stdin.on('error', () => undefined);
      child.stdin.write('typed after exec returned\n');
      child.stdin.end();
      await new Promise((r) => setTimeout(r, 300));
      assert.equal(ok(['exec', 'leak', 'cat', '/tmp/stolen']).stdout, '');
    } finally {
      sb.run(['rm', '-f', 'leak']);
    }
  });

  test('a foreground run writes through pipes too', () => {
    const outFile = path.join(sb.dir, 'run-out.txt');
    const fd = fs.openSync(outFile, 'w');
    const r = spawnSync(MYDOCKER, [...sb.globalArgs, 'run', '--rm', 'busybox', 'readlink', '/proc/self/fd/1'], { stdio: ['ignore', fd, 'pipe'] });
    fs.closeSync(fd);
    assert.equal(r.status, 0);
    assert.match(fs.readFileSync(outFile, 'utf8'), /^pipe:\[\d+\]$/m);
  });

  test('every container has a session keyring of its own, not the host root\'s', () => {
    const host = spawnSync(PROBE, ['keyring'], { encoding: 'utf8' }).stdout.trim();
    const flags = ['--security-opt', 'seccomp=unconfined'];
    const a = probe(flags, ['keyring']).keyring;
    const b = probe(flags, ['keyring']).keyring;
    assert.match(host, /^keyring=\d+$/);
    assert.match(a, /^\d+$/);
    assert.notEqual(`keyring=${a}`, host);
    assert.notEqual(a, b);
  });
});

describe('capabilities, devices, sysctls, groups, OOM score', () => {
  const capEff = (flags: string[]) => BigInt(`0x${status(flags, 'CapEff')}`);

  test('--cap-drop ALL --cap-add NET_ADMIN leaves exactly CAP_NET_ADMIN; --cap-drop takes one away', () => {
    assert.equal(capEff(['--cap-drop', 'ALL', '--cap-add', 'net_admin']), 1n << 12n);
    const dflt = capEff([]);
    assert.equal(dflt & (1n << 13n), 1n << 13n, 'CAP_NET_RAW is a default');
    assert.equal(capEff(['--cap-drop', 'NET_RAW']), dflt & ~(1n << 13n));
    assert.equal(capEff(['--cap-add', 'SYS_ADMIN']) & (1n << 21n), 1n << 21n);
    const bad = sb.run(['run', '--rm', '--cap-add', 'CAP_NOPE', 'busybox', 'true']);
    assert.equal(bad.code, 125);
    assert.match(bad.stderr, /unknown capability: "CAP_NOPE"/);
  });

  test('--device adds the node (renamed too) and its rule; --device-cgroup-rule adds a rule', () => {
    const r = ok(['run', '--rm', '--device', '/dev/fuse', '--device', '/dev/zero:/dev/myzero:r', '--device-cgroup-rule', 'c 42:* rmw',
      'busybox', 'sh', '-c', 'ls -l /dev/fuse /dev/myzero; head -c 3 /dev/myzero | wc -c; cat /sys/fs/cgroup/devices/devices.list']).stdout;
    assert.match(r, /^c.* 10,\s+229 .*\/dev\/fuse$/m);
    assert.match(r, /^c.* 1,\s+5 .*\/dev\/myzero$/m);
    assert.match(r, /^3$/m);
    assert.match(r, /^c 10:229 rwm$/m);
    assert.match(r, /^c 42:\* rwm$/m);
    assert.doesNotMatch(ok(['run', '--rm', 'busybox', 'ls', '/dev']).stdout, /fuse/);
    const bad = sb.run(['run', '--rm', '--device', '/nonexistent', 'busybox', 'true']);
    assert.equal(bad.code, 125);
    assert.match(bad.stderr, /error gathering device information/);
  });

  test('--sysctl sets namespaced parameters and refuses the host\'s', () => {
    const r = ok(['run', '--rm', '--sysctl', 'net.ipv4.ip_forward=1', '--sysctl', 'kernel.shmmax=1000000', 'busybox', 'sh', '-c',
      'cat /proc/sys/net/ipv4/ip_forward /proc/sys/kernel/shmmax']).stdout;
    assert.equal(r, '1\n1000000\n');
    for (const [args, re] of [
      [['--sysctl', 'vm.swappiness=1'], /vm\.swappiness is not allowed/],
      [['--sysctl', 'net.ipv4.ip_forward=1', '--network', 'host'], /not allowed in the host's network namespace/],
      [['--sysctl', 'novalue'], /expected key=value/],
    ] as [string[], RegExp][]) {
      const bad = sb.run(['run', '--rm', ...args, 'busybox', 'true']);
      assert.equal(bad.code, 125, args.join(' '));
      assert.match(bad.stderr, re);
    }
  });

  test('--group-add joins groups by number or by the container\'s group names', () => {
    assert.match(ok(['run', '--rm', '--group-add', '1234', '--group-add', 'daemon', 'busybox', 'id', '-G']).stdout, /\b1\b.*\b1234\b|\b1234\b.*\b1\b/);
    const bad = sb.run(['run', '--rm', '--group-add', 'nosuchgroup', 'busybox', 'true']);
    assert.equal(bad.code, 125);
    assert.match(bad.stderr, /unable to find group nosuchgroup/);
  });

  test('--oom-score-adj is set; out of range or below ours without CAP_SYS_RESOURCE is refused', () => {
    assert.equal(ok(['run', '--rm', '--oom-score-adj', '500', 'busybox', 'cat', '/proc/self/oom_score_adj']).stdout.trim(), '500');
    const bad = sb.run(['run', '--rm', '--oom-score-adj', '2000', 'busybox', 'true']);
    assert.equal(bad.code, 125);
    assert.match(bad.stderr, /\[-1000, 1000\]/);
  });

  test('apparmor and label options are accepted, and said not to be enforced on this host', () => {
    const r = sb.run(['run', '--rm', '--security-opt', 'apparmor=docker-default', '--security-opt', 'label=type:container_t', 'busybox', 'true']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /apparmor=docker-default \(this host has no AppArmor\) is accepted but not enforced/);
    assert.match(r.stderr, /label=type:container_t \(this host has no SELinux\)/);
    const bad = sb.run(['run', '--rm', '--security-opt', 'frobnicate', 'busybox', 'true']);
    assert.equal(bad.code, 125);
    assert.match(bad.stderr, /invalid --security-opt: "frobnicate"/);
  });

  test('inspect and --explain show the effective security settings', () => {
    ok(['create', '--name', 'insp', '--cap-drop', 'ALL', '--cap-add', 'chown', '--security-opt', 'no-new-privileges', 'busybox', 'true']);
    const hc = JSON.parse(ok(['inspect', '-f', '{{json .HostConfig}}', 'insp']).stdout);
    assert.deepEqual(hc.CapAdd, ['chown']);
    assert.deepEqual(hc.CapDrop, ['ALL']);
    assert.deepEqual(hc.SecurityOpt, ['no-new-privileges']);
    assert.ok(hc.MaskedPaths.includes('/proc/kcore'));
    const sec = JSON.parse(ok(['inspect', '-f', '{{json .Security}}', 'insp']).stdout);
    assert.equal(sec.Seccomp, 'default');
    assert.deepEqual(sec.Capabilities, ['CAP_CHOWN']);
    assert.equal(sec.NoNewPrivileges, true);
    assert.equal(sec.SessionKeyring, 'private');
    ok(['rm', 'insp']);
    const explained = ok(['--explain', 'run', '--rm', 'busybox', 'true']).stderr;
    assert.match(explained, /seccomp/i);
    assert.match(explained, /session keyring/i);
  });
});

describe('user namespaces', () => {
  const hostRoot = (name: string) => Number(/^\s*0\s+(\d+)\s+\d+/m.exec(ok(['exec', name, 'cat', '/proc/self/uid_map']).stdout)![1]);

  test('--userns=auto: root inside is an unprivileged id outside, and the image files keep their owners', () => {
    ok(['run', '-d', '--name', 'un', '--userns=auto', 'busybox', 'sleep', '60']);
    try {
      const outside = hostRoot('un');
      assert.ok(outside >= 65536, `root maps to ${outside}`);
      assert.equal(ok(['exec', 'un', 'id', '-u']).stdout.trim(), '0');
      assert.match(ok(['exec', 'un', 'ls', '-ln', '/bin/busybox']).stdout, /^\S+\s+\d+\s+0\s+0\s/);
      // the init runs as that id on the host
      const pid = JSON.parse(ok(['inspect', '-f', '{{json .State.Pid}}', 'un']).stdout);
      assert.match(fs.readFileSync(`/proc/${pid}/status`, 'utf8'), new RegExp(`^Uid:\\s+${outside}\\b`, 'm'));
      // a second auto container gets a range of its own
      ok(['run', '-d', '--name', 'un2', '--userns=auto', 'busybox', 'sleep', '60']);
      assert.notEqual(hostRoot('un2'), outside);
    } finally {
      sb.run(['rm', '-f', 'un', 'un2']);
    }
  });

  test('a file created on a bind mount is owned by the mapped uid on the host', () => {
    const dir = path.join(sb.dir, 'shared');
    fs.mkdirSync(dir, { mode: 0o777 });
    fs.chmodSync(dir, 0o777);
    ok(['run', '--rm', '--uidmap', '0:300000:65536', '-v', `${dir}:/data`, 'busybox', 'sh', '-c', 'touch /data/f; mkdir /data/d; chown 1000:1000 /data/d']);
    assert.equal(fs.statSync(path.join(dir, 'f')).uid, 300000);
    assert.equal(fs.statSync(path.join(dir, 'f')).gid, 300000);
    assert.equal(fs.statSync(path.join(dir, 'd')).uid, 301000);
  });

  test('without idmapped mounts, shifted copies of the layers give the same view', () => {
    const r = spawnSync(MYDOCKER, [...sb.globalArgs, 'run', '--rm', '--uidmap', '0:400000:65536', 'busybox', 'sh', '-c', 'ls -ln /bin/busybox; cat /proc/self/uid_map'],
      { encoding: 'utf8', env: { ...process.env, MYDOCKER_IDMAP: 'copy' } });
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /^\S+\s+\d+\s+0\s+0\s/m);
    assert.match(r.stdout, /0\s+400000\s+65536/);
  });

  test('commit and export of a user-namespaced container record the ids as the container saw them', () => {
    ok(['run', '--name', 'un-commit', '--userns=auto', 'busybox', 'sh', '-c', 'touch /made-by-root; mkdir /home/u; chown 1000:1000 /home/u']);
    ok(['commit', 'un-commit', 'un-committed:1']);
    assert.match(ok(['run', '--rm', 'un-committed:1', 'ls', '-ln', '/made-by-root']).stdout, /^\S+\s+\d+\s+0\s+0\s/);
    assert.match(ok(['run', '--rm', 'un-committed:1', 'ls', '-lnd', '/home/u']).stdout, /^\S+\s+\d+\s+1000\s+1000\s/);
    const tar = spawnSync(MYDOCKER, [...sb.globalArgs, 'export', 'un-commit'], { maxBuffer: 64 << 20 });
    assert.equal(tar.status, 0);
    const listing = spawnSync('tar', ['-tvf', '-', '--numeric-owner', 'made-by-root', 'home/u'], { input: tar.stdout, encoding: 'utf8' }).stdout;
    assert.match(listing, /0\/0 .*made-by-root/);
    assert.match(listing, /1000\/1000 .*home\/u/);
    ok(['rm', 'un-commit']);
    ok(['rmi', 'un-committed:1']);
  });

  test('bad maps and conflicting flags are one line, exit 125', () => {
    for (const [args, re] of [
      [['--uidmap', '0:100000'], /CONTAINER_ID:HOST_ID:SIZE/],
      [['--uidmap', '0:100000:10', '--uidmap', '5:200000:10'], /overlap/],
      [['--userns', 'auto', '--privileged'], /--privileged cannot be used with a user namespace/],
      [['--userns', 'auto', '--network', 'host'], /--network host cannot be used/],
      [['--userns', 'sideways'], /invalid --userns/],
    ] as [string[], RegExp][]) {
      const r = sb.run(['run', '--rm', ...args, 'busybox', 'true']);
      assert.equal(r.code, 125, args.join(' '));
      assert.match(r.stderr, re);
    }
  });
});

describe('state belongs to root', () => {
  test('events.log and the state directories are not readable by others', () => {
    ok(['run', '--rm', 'busybox', 'true']);
    assert.equal(fs.statSync(path.join(sb.root, 'events.log')).mode & 0o077, 0);
    for (const dir of [sb.root, sb.runroot, path.join(sb.root, 'containers'), path.join(sb.runroot, 'locks')]) {
      assert.equal(fs.statSync(dir).mode & 0o044, 0, `${dir} is readable by others`);
    }
  });

  test('ps and events as another user say "permission denied" instead of printing nothing', () => {
    for (const args of [['ps'], ['events', '--since', '0', '--until', '1']]) {
      const r = spawnSync('setpriv', ['--reuid=65534', '--regid=65534', '--clear-groups', MYDOCKER, ...sb.globalArgs, ...args], { encoding: 'utf8' });
      assert.equal(r.status, 125, `${args[0]}: ${r.stdout} ${r.stderr}`);
      assert.match(r.stderr, /permission denied/);
    }
  });
});
