// Resource limits against the real kernel of this (hybrid) host: OOM, pids, cpuset, cpu quota,
// memory limit visible inside, ulimits, cgroup removal, and flags refused before anything exists.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { cgroupDirs, mountsUnder, useSandbox } from '../helpers/sandbox';

const sb = useSandbox('cgroups', (sb) => {
  assert.equal(sb.run(['run', '--rm', 'busybox', 'true']).code, 0);
});
const ok = sb.ok;

test('a container over its memory limit is OOM-killed: 137, a clear line, and the record says so', () => {
  const r = sb.run(['run', '-m', '32m', 'busybox', 'dd', 'if=/dev/zero', 'of=/dev/null', 'bs=64M', 'count=1']);
  assert.equal(r.code, 137, r.stderr);
  assert.match(r.stderr, /^mydocker: container [a-f0-9]{12} was killed: out of memory \(limit 32 MiB\)$/m);
  const id = sb.containerIds().find((i) => r.stderr.includes(i.slice(0, 12)))!;
  const exit = JSON.parse(fs.readFileSync(path.join(sb.root, 'containers', id, 'exit.json'), 'utf8'));
  assert.equal(exit.oomKilled, true);
  assert.equal(exit.exitCode, 137);
  const inspect = sb.run(['inspect', '-f', '{{.State.OOMKilled}} {{.State.ExitCode}}', id]);
  assert.equal(inspect.stdout.trim(), 'true 137');
});

test('a container within its memory limit is not marked OOM-killed', () => {
  const r = sb.run(['run', '-m', '64m', 'busybox', 'dd', 'if=/dev/zero', 'of=/dev/null', 'bs=8M', 'count=1']);
  assert.equal(r.code, 0, r.stderr);
  assert.doesNotMatch(r.stderr, /out of memory/);
});

test('the memory limit is visible inside, through the container\'s own cgroup namespace', () => {
  const r = ok(['run', '--rm', '-m', '48m', '--memory-reservation', '16m', 'busybox', 'sh', '-c',
    'cat /sys/fs/cgroup/memory/memory.limit_in_bytes /sys/fs/cgroup/memory/memory.soft_limit_in_bytes; grep memory /proc/self/cgroup']);
  assert.deepEqual(r.stdout.trim().split('\n'), [String(48 * 1024 * 1024), String(16 * 1024 * 1024), '4:memory:/']);
});

test('a fork bomb stops at --pids-limit', () => {
  // The bomb runs in a background subshell (which dies at its first failed fork); the main shell
  // then uses builtins only, since at the limit nothing more can fork.
  const r = sb.run(['run', '--rm', '--pids-limit', '10', 'busybox', 'sh', '-c', [
    'read max < /sys/fs/cgroup/pids/pids.max; echo $max',
    '(while :; do sleep 10 & done) 2>/dev/null &',
    'i=0; while [ $i -lt 300000 ]; do i=$((i+1)); done',
    'set -- /proc/[0-9]*; echo $#',
    'read ev < /sys/fs/cgroup/pids/pids.events; echo $ev',
  ].join('\n')]);
  const [max, count, events] = r.stdout.trim().split('\n');
  assert.equal(max, '10');
  // at most the limit; the subshell that hit it has exited, so one slot may be free again
  assert.ok(Number(count) <= 10 && Number(count) >= 8, `${count} processes with a limit of 10: ${r.stderr}`);
  assert.match(events, /^max [1-9]\d*$/, 'the kernel refused forks at the limit');
});

test('--cpuset-cpus 0 leaves only CPU 0', () => {
  const r = ok(['run', '--rm', '--cpuset-cpus', '0', 'busybox', 'sh', '-c', 'grep Cpus_allowed_list /proc/self/status; cat /sys/fs/cgroup/cpuset/cpuset.cpus']);
  assert.match(r.stdout, /^Cpus_allowed_list:\s+0$/m);
  assert.match(r.stdout, /^0$/m);
});

test('--cpus 0.5 is quota 50000 over period 100000, and caps a busy loop at about half a CPU', () => {
  const r = ok(['run', '--rm', '--cpus', '0.5', 'busybox', 'sh', '-c', [
    'cat /sys/fs/cgroup/cpu/cpu.cfs_quota_us /sys/fs/cgroup/cpu/cpu.cfs_period_us',
    'read a < /sys/fs/cgroup/cpuacct/cpuacct.usage; read s x < /proc/uptime',
    '(while :; do :; done) & p=$!; sleep 2; kill $p',
    'read b < /sys/fs/cgroup/cpuacct/cpuacct.usage; read e x < /proc/uptime',
    'awk -v a=$a -v b=$b -v s=$s -v e=$e "BEGIN { printf \\"%d\\n\\", (b - a) / 1e7 / (e - s) }"',
  ].join('; ')]);
  const [quota, period, percent] = r.stdout.trim().split('\n');
  assert.equal(quota, '50000');
  assert.equal(period, '100000');
  // unlimited it would be ~100; the quota holds it at or below ~50 (a little over from timer slack)
  assert.ok(Number(percent) <= 60 && Number(percent) >= 10, `busy loop used ${percent}% of a CPU`);
});

test('--cpu-shares, --cpu-period/--cpu-quota and --blkio-weight reach their files', () => {
  const r = ok(['run', '--rm', '--cpu-shares', '512', '--cpu-period', '50000', '--cpu-quota', '25000', '--blkio-weight', '300',
    'busybox', 'sh', '-c', 'cat /sys/fs/cgroup/cpu/cpu.shares /sys/fs/cgroup/cpu/cpu.cfs_period_us /sys/fs/cgroup/cpu/cpu.cfs_quota_us /sys/fs/cgroup/blkio/blkio.bfq.weight']);
  assert.deepEqual(r.stdout.trim().split('\n'), ['512', '50000', '25000', '300']);
});

test('--ulimit sets soft and hard limits', () => {
  const r = ok(['run', '--rm', '--ulimit', 'nofile=1024:2048', '--ulimit', 'nproc=500', 'busybox', 'sh', '-c', 'ulimit -n; ulimit -Hn; ulimit -u']);
  assert.deepEqual(r.stdout.trim().split('\n'), ['1024', '2048', '500']);
});

test('--oom-kill-disable and --memory-swap reach memory.oom_control and memsw', () => {
  const r = ok(['run', '--rm', '-m', '32m', '--memory-swap', '48m', '--oom-kill-disable', 'busybox', 'sh', '-c',
    'grep oom_kill_disable /sys/fs/cgroup/memory/memory.oom_control; cat /sys/fs/cgroup/memory/memory.memsw.limit_in_bytes']);
  assert.match(r.stdout, /oom_kill_disable 1/);
  assert.match(r.stdout, new RegExp(`^${48 * 1024 * 1024}$`, 'm'));
});

test('the container cgroup holds only the container and is gone after --rm; --cgroup-parent is honoured', () => {
  // the shell (1) and cat (2), in the container's pid namespace: nothing else is in the cgroup
  const r = ok(['run', '--rm', '--cgroup-parent', 'mydocker-test-parent', 'busybox', 'sh', '-c', 'cat /sys/fs/cgroup/pids/cgroup.procs; grep pids /proc/1/cgroup']);
  assert.deepEqual(r.stdout.trim().split('\n'), ['1', '2', '8:pids:/']);
  for (const h of fs.readdirSync('/sys/fs/cgroup')) {
    assert.equal(fs.existsSync(path.join('/sys/fs/cgroup', h, 'mydocker-test-parent')), false, `parent left in ${h}`);
  }
  for (const id of sb.containerIds()) assert.deepEqual(cgroupDirs(id), []);
});

const refused: [string[], RegExp][] = [
  [['-m', '-5m'], /invalid value "-5m" for --memory/],
  [['-m', '1m'], /minimum memory limit allowed is 6MB/],
  [['--cpus', '-1'], /invalid value "-1" for --cpus/],
  [['--cpus', '99'], /as there are only \d+ CPUs available/],
  [['--cpuset-cpus', '99'], /requested CPUs are not available - requested 99/],
  [['--memory-swap', '64m'], /always set the memory limit/],
  [['--pids-limit', 'lots'], /invalid value "lots" for --pids-limit/],
  [['--blkio-weight', '5'], /from 10 to 1000/],
  [['--ulimit', 'nofile=30000:30000'], /needs CAP_SYS_RESOURCE/],
  [['--cpu-period', '10'], /invalid value "10" for --cpu-period/],
];
for (const [flags, pattern] of refused) {
  test(`refused before anything exists: ${flags.join(' ')}`, () => {
    const before = sb.containerIds().length;
    const r = sb.run(['run', '--rm', ...flags, 'busybox', 'true']);
    assert.equal(r.code, 125);
    assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
    assert.match(r.stderr, pattern);
    assert.equal(sb.containerIds().length, before);
    assert.deepEqual(mountsUnder(sb.dir), []);
  });
}

test('--explain shows each cgroup file written with its value', () => {
  const r = sb.run(['--explain', 'run', '--rm', '-m', '32m', 'busybox', 'true']);
  assert.match(r.stderr, /\[cgroups\] wrote 33554432 to \/sys\/fs\/cgroup\/memory\/mydocker\/[a-f0-9]{64}\/memory\.limit_in_bytes/);
});
