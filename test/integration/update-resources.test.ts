// --memory-swappiness, the per-device blkio flags and --cpu-rt-* on this hybrid host, read back from the
// container's cgroup files on the host; and `mydocker update`, live in the cgroup files and inspect, kept by a
// restart, recorded only for a stopped container, refused with one line (exit 125) for bad values.
import { after, before, describe, test } from 'node:test';
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { useSandbox } from '../helpers/sandbox';
import { EngineService, serviceSkipReason } from '../helpers/engine-service';

const sb = useSandbox('update-resources', (sb) => {
  assert.equal(sb.run(['run', '--rm', 'busybox', 'true']).code, 0);
});
const ok = sb.ok;

/** A file of the container's cgroup on the host, under the default parent (as test/helpers/sandbox's cgroupDirs). */
const cg = (id: string, controller: string, file: string, parent = 'mydocker') =>
  fs.readFileSync(path.join('/sys/fs/cgroup', controller, parent, id, file), 'utf8').trim();
const inspect = (id: string, template: string) => ok(['inspect', '-f', template, id]).stdout.trim();
const hostConfig = (id: string) => JSON.parse(inspect(id, '{{json .HostConfig}}'));
const runDetached = (...args: string[]) => ok(['run', '-d', ...args]).stdout.trim();
const MiB = 1024 * 1024;

function oneLineFailure(args: string[], pattern: RegExp): void {
  const r = sb.run(args);
  assert.equal(r.code, 125, `${args.join(' ')}: ${r.stdout}${r.stderr}`);
  assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
  assert.match(r.stderr, pattern);
}

describe('run flags reach the cgroup files', () => {
  // A loop device of our own: a whole block device with known numbers whose scheduler the test may change.
  let loop = '';
  let numbers = '';
  before(() => {
    const img = path.join(sb.dir, 'disk.img');
    fs.writeFileSync(img, Buffer.alloc(0));
    fs.truncateSync(img, 16 * MiB);
    const r = spawnSync('losetup', ['-f', '--show', img], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    loop = r.stdout.trim();
    numbers = fs.readFileSync(`/sys/block/${path.basename(loop)}/dev`, 'utf8').trim();
  });
  after(() => {
    for (const id of sb.containerIds()) sb.run(['rm', '-f', id]);
    if (loop) spawnSync('losetup', ['-d', loop]);
  });

  test('--memory-swappiness is memory.swappiness, and inspect shows it (null when unset)', () => {
    const id = runDetached('--memory-swappiness', '17', 'busybox', 'sleep', '600');
    assert.equal(cg(id, 'memory', 'memory.swappiness'), '17');
    assert.equal(hostConfig(id).MemorySwappiness, 17);
    const plain = ok(['create', 'busybox', 'true']).stdout.trim();
    assert.equal(hostConfig(plain).MemorySwappiness, null);
  });

  test('--device-{read,write}-{bps,iops} resolve the path to MAJ:MIN in blkio.throttle.*', () => {
    const id = runDetached('--device-read-bps', `${loop}:1mb`, '--device-write-bps', `${loop}:2m`,
      '--device-read-iops', `${loop}:100`, '--device-write-iops', `${loop}:200`, 'busybox', 'sleep', '600');
    assert.equal(cg(id, 'blkio', 'blkio.throttle.read_bps_device'), `${numbers} ${MiB}`);
    assert.equal(cg(id, 'blkio', 'blkio.throttle.write_bps_device'), `${numbers} ${2 * MiB}`);
    assert.equal(cg(id, 'blkio', 'blkio.throttle.read_iops_device'), `${numbers} 100`);
    assert.equal(cg(id, 'blkio', 'blkio.throttle.write_iops_device'), `${numbers} 200`);
    const h = hostConfig(id);
    assert.deepEqual(h.BlkioDeviceReadBps, [{ Path: loop, Rate: MiB }]);
    assert.deepEqual(h.BlkioDeviceWriteBps, [{ Path: loop, Rate: 2 * MiB }]);
    assert.deepEqual(h.BlkioDeviceReadIOps, [{ Path: loop, Rate: 100 }]);
    assert.deepEqual(h.BlkioDeviceWriteIOps, [{ Path: loop, Rate: 200 }]);
  });

  test('--blkio-weight-device: BFQ refuses a device not scheduled by bfq (one line), and takes it once it is', () => {
    const scheduler = `/sys/block/${path.basename(loop)}/queue/scheduler`;
    fs.writeFileSync(scheduler, 'none');
    oneLineFailure(['run', '--rm', '--blkio-weight-device', `${loop}:300`, 'busybox', 'true'], /blkio\.bfq\.weight_device: ENOTSUP: a per-device weight needs the bfq I\/O scheduler/);
    fs.writeFileSync(scheduler, 'bfq');
    const id = runDetached('--blkio-weight-device', `${loop}:300`, 'busybox', 'sleep', '600');
    assert.match(cg(id, 'blkio', 'blkio.bfq.weight_device'), new RegExp(`^${numbers} 300$`, 'm'));
    assert.deepEqual(hostConfig(id).BlkioWeightDevice, [{ Path: loop, Weight: 300 }]);
  });

  test('--cpu-rt-runtime needs a parent with a real-time budget: explained when it has none, set when it has', () => {
    oneLineFailure(['run', '--rm', '--cpu-rt-runtime', '5000', 'busybox', 'true'],
      /cpu\.rt_runtime_us: EINVAL: the parent cgroup \/sys\/fs\/cgroup\/cpu\/mydocker has no real-time budget for 5000 µs.*--cpu-rt-runtime/);
    // a parent of the test's own, given 20 ms per second of the root's 950 ms
    const parentName = `mydocker-test-rt-${process.pid}`;
    const parent = path.join('/sys/fs/cgroup/cpu', parentName);
    fs.mkdirSync(parent);
    let id = '';
    try {
      fs.writeFileSync(path.join(parent, 'cpu.rt_runtime_us'), '20000');
      id = runDetached('--cgroup-parent', `/${parentName}`, '--cpu-rt-period', '500000', '--cpu-rt-runtime', '5000', 'busybox', 'sleep', '600');
      assert.equal(cg(id, 'cpu', 'cpu.rt_period_us', parentName), '500000');
      assert.equal(cg(id, 'cpu', 'cpu.rt_runtime_us', parentName), '5000');
      const h = hostConfig(id);
      assert.deepEqual([h.CpuRealtimePeriod, h.CpuRealtimeRuntime], [500000, 5000]);
      // update takes it live too, within the parent's budget
      ok(['update', '--cpu-rt-runtime', '8000', id]);
      assert.equal(cg(id, 'cpu', 'cpu.rt_runtime_us', parentName), '8000');
      assert.equal(hostConfig(id).CpuRealtimeRuntime, 8000);
    } finally {
      if (id) sb.run(['rm', '-f', id]);
      fs.rmdirSync(parent);
    }
  });

  const refused: [string[], RegExp][] = [
    [['--memory-swappiness', '101'], /invalid value "101" for --memory-swappiness: the valid memory swappiness range is 0-100/],
    [['--device-read-bps', '/dev/mydocker-no-such-disk:1mb'], /--device-read-bps: \/dev\/mydocker-no-such-disk: no such device on this host/],
    [['--device-write-iops', '/dev/null:10'], /--device-write-iops: \/dev\/null: not a block device/],
    [['--device-read-iops', 'sda:10'], /must start with \/dev\//],
    [['--device-write-bps', '/dev/sda:fast'], /--device-write-bps: the rate must be a positive size/],
    [['--blkio-weight-device', '/dev/sda:5'], /between 10 and 1000/],
    [['--cpu-rt-period', '1000', '--cpu-rt-runtime', '5000'], /cpu-rt-runtime cannot be higher than cpu-rt-period/],
  ];
  for (const [flags, pattern] of refused) {
    test(`refused before anything exists: ${flags.join(' ')}`, () => {
      const before = sb.containerIds().length;
      oneLineFailure(['run', '--rm', ...flags, 'busybox', 'true'], pattern);
      assert.equal(sb.containerIds().length, before);
    });
  }
});

describe('mydocker update', () => {
  after(() => {
    for (const id of sb.containerIds()) sb.run(['rm', '-f', id]);
  });

  test('a running container: the cgroup files and inspect change, and a restart keeps the new values', () => {
    const id = runDetached('-m', '64m', '--cpu-shares', '512', 'busybox', 'sleep', '600');
    const out = ok(['update', '--cpus', '0.5', '--cpu-shares', '300', '-m', '96m', '--memory-swap', '192m', '--memory-reservation', '32m',
      '--pids-limit', '50', '--blkio-weight', '300', '--cpuset-cpus', '0', '--cpuset-mems', '0', '--restart', 'on-failure:3', id]).stdout;
    assert.equal(out, `${id}\n`);
    const files = () => [
      cg(id, 'cpu', 'cpu.cfs_quota_us'), cg(id, 'cpu', 'cpu.cfs_period_us'), cg(id, 'cpu', 'cpu.shares'),
      cg(id, 'memory', 'memory.limit_in_bytes'), cg(id, 'memory', 'memory.memsw.limit_in_bytes'), cg(id, 'memory', 'memory.soft_limit_in_bytes'),
      cg(id, 'pids', 'pids.max'), cg(id, 'blkio', 'blkio.bfq.weight'), cg(id, 'cpuset', 'cpuset.cpus'), cg(id, 'cpuset', 'cpuset.mems'),
    ];
    const expected = ['50000', '100000', '300', String(96 * MiB), String(192 * MiB), String(32 * MiB), '50', '300', '0', '0'];
    assert.deepEqual(files(), expected);
    const h = hostConfig(id);
    assert.deepEqual(
      [h.NanoCpus, h.CpuShares, h.Memory, h.MemorySwap, h.MemoryReservation, h.PidsLimit, h.BlkioWeight, h.CpusetCpus, h.CpusetMems, h.RestartPolicy],
      [5e8, 300, 96 * MiB, 192 * MiB, 32 * MiB, 50, 300, '0', '0', { Name: 'on-failure', MaximumRetryCount: 3 }],
    );
    ok(['restart', '-t', '1', id]);
    assert.equal(inspect(id, '{{.State.Status}}'), 'running');
    assert.deepEqual(files(), expected, 'a restart keeps the updated limits');
  });

  test('a stopped container is updated in its record only; its next start uses the new limits', () => {
    const id = ok(['create', 'busybox', 'sleep', '600']).stdout.trim();
    assert.equal(ok(['update', '-m', '48m', '--pids-limit', '33', '--cpu-shares', '700', id]).stdout, `${id}\n`);
    assert.equal(fs.existsSync(path.join('/sys/fs/cgroup/memory/mydocker', id)), false, 'nothing runs, no cgroup');
    assert.equal(inspect(id, '{{.HostConfig.Memory}} {{.HostConfig.PidsLimit}} {{.HostConfig.CpuShares}}'), `${48 * MiB} 33 700`);
    ok(['start', id]);
    assert.deepEqual([cg(id, 'memory', 'memory.limit_in_bytes'), cg(id, 'pids', 'pids.max'), cg(id, 'cpu', 'cpu.shares')], [String(48 * MiB), '33', '700']);
  });

  test('update --pids-limit -1 lifts the limit', () => {
    const id = runDetached('--pids-limit', '20', 'busybox', 'sleep', '600');
    ok(['update', '--pids-limit', '-1', id]);
    assert.equal(cg(id, 'pids', 'pids.max'), 'max');
  });

  test('memory below what the container holds is the kernel\'s EBUSY, one line; nothing changes', () => {
    // tmpfs pages cannot be reclaimed without swap (and memsw forbids swapping them), so the kernel must refuse
    const id = runDetached('-m', '100m', 'busybox', 'sh', '-c', 'head -c 41943040 /dev/zero > /dev/shm/fill && touch /tmp/filled; sleep 600');
    for (let i = 0; i < 200 && sb.run(['exec', id, 'test', '-e', '/tmp/filled']).code !== 0; i++) spawnSync('sleep', ['0.05']);
    oneLineFailure(['update', '-m', '10m', '--memory-swap', '10m', id], /cannot update container .*memory\..*EBUSY: the container uses more memory than the new limit/);
    assert.equal(cg(id, 'memory', 'memory.limit_in_bytes'), String(100 * MiB));
    assert.equal(cg(id, 'memory', 'memory.memsw.limit_in_bytes'), String(200 * MiB));
    assert.equal(inspect(id, '{{.HostConfig.Memory}}'), String(100 * MiB));
  });

  test('bad values: one line, exit 125, the record unchanged', () => {
    const id = runDetached('-m', '64m', '--cpus', '1', 'busybox', 'sleep', '600');
    const before = hostConfig(id);
    const cases: [string[], RegExp][] = [
      [['--memory-swap', '32m'], /the memory\+swap limit must be at least the memory limit/],
      [['-m', '512m'], /must not exceed the memory\+swap limit in force \(134217728\); update --memory-swap at the same time/],
      [['-m', '1m'], /the minimum memory limit allowed is 6MB/],
      [['--cpu-period', '50000'], /--cpu-period cannot be updated as --cpus has already been set/],
      [['--cpus', '99'], /the range of CPUs is from 0\.01/],
      [['--cpuset-cpus', '99'], /requested CPUs are not available/],
      [['--blkio-weight', '5'], /from 10 to 1000/],
      [['--memory', 'lots'], /invalid value "lots" for --memory/],
      [['--restart', 'sometimes'], /invalid restart policy "sometimes"/],
      [[], /you must provide one or more flags/],
    ];
    for (const [flags, pattern] of cases) oneLineFailure(['update', ...flags, id], pattern);
    oneLineFailure(['update', '-m', '64m', 'mydocker-no-such-container'], /no such container: mydocker-no-such-container/);
    assert.deepEqual(hostConfig(id), before);
    assert.equal(cg(id, 'memory', 'memory.limit_in_bytes'), String(64 * MiB));
  });

  test('--restart cannot be set on a --rm container', () => {
    const id = runDetached('--rm', 'busybox', 'sleep', '600');
    oneLineFailure(['update', '--restart', 'always', id], /restart policy cannot be updated because --rm/);
  });
});

describe('the Engine API: the docker CLI sends update and the new create fields', { skip: serviceSkipReason() || (spawnSync('sh', ['-c', 'command -v docker']).status !== 0 && 'no docker CLI') }, () => {
  let svc: EngineService;
  before(async () => {
    svc = await EngineService.start('update');
  });
  after(async () => {
    const left = await svc.stop();
    assert.deepEqual(left, [], 'the API test left something behind');
  });
  const docker = (...args: string[]) => {
    const r = spawnSync('docker', ['-H', svc.host, ...args], { encoding: 'utf8', timeout: 60_000 });
    assert.equal(r.status, 0, `docker ${args.join(' ')}: ${r.stderr}`);
    return r.stdout.trim();
  };

  test('docker run --memory-swappiness and docker update reach the cgroup files; POST /update answers Warnings', async () => {
    const id = docker('run', '-d', '--memory-swappiness', '23', '-m', '64m', 'busybox', 'sleep', '600');
    try {
      assert.equal(cg(id, 'memory', 'memory.swappiness'), '23');
      assert.equal(docker('update', '--memory', '96m', '--memory-swap', '192m', '--cpus', '0.5', '--restart', 'unless-stopped', id), id);
      assert.deepEqual([cg(id, 'memory', 'memory.limit_in_bytes'), cg(id, 'memory', 'memory.memsw.limit_in_bytes'), cg(id, 'cpu', 'cpu.cfs_quota_us')],
        [String(96 * MiB), String(192 * MiB), '50000']);
      assert.equal(docker('inspect', '-f', '{{.HostConfig.Memory}} {{.HostConfig.NanoCpus}} {{.HostConfig.RestartPolicy.Name}} {{.HostConfig.MemorySwappiness}}', id),
        `${96 * MiB} 500000000 unless-stopped 23`);
      const r = await svc.request('POST', `/containers/${id}/update`, { PidsLimit: 40 });
      assert.equal(r.status, 200, r.body);
      assert.deepEqual(JSON.parse(r.body), { Warnings: [] });
      assert.equal(cg(id, 'pids', 'pids.max'), '40');
      const bad = await svc.request('POST', `/containers/${id}/update`, { Memory: 1024 });
      assert.equal(bad.status, 400, bad.body);
      assert.match(JSON.parse(bad.body).message, /minimum memory limit allowed is 6MB/);
    } finally {
      docker('rm', '-f', id);
    }
  });
});
