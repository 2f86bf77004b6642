import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { detectFrom, parseProcCgroup } from './hierarchy';

const hybridMountinfo = [
  '31 23 0:28 / /sys/fs/cgroup rw,relatime - tmpfs tmpfs rw,mode=755',
  '32 31 0:29 / /sys/fs/cgroup/cpu rw,relatime - cgroup cgroup rw,cpu',
  '35 31 0:32 / /sys/fs/cgroup/memory rw,relatime - cgroup cgroup rw,memory',
  '40 31 0:37 / /sys/fs/cgroup/systemd rw,relatime - cgroup cgroup rw,xattr,name=systemd',
  '41 31 0:38 / /sys/fs/cgroup/unified rw,relatime - cgroup2 cgroup2 rw',
].join('\n');

test('a host with v1 controllers and a cgroup2 mount is hybrid', () => {
  const host = detectFrom(hybridMountinfo, '4:memory:/a/b\n1:cpu:/\n9:name=systemd:/\n0::/', () => 'hugetlb\n');
  assert.equal(host.mode, 'hybrid');
  assert.deepEqual(host.hierarchies.map((h) => h.controllers.join(',')), ['cpu', 'memory', 'name=systemd', 'hugetlb']);
  assert.equal(host.hierarchies[1].ownPath, '/a/b');
  assert.equal(host.hierarchies[3].version, 2);
});

test('a cgroup2 mount alone is v2; v1 mounts alone are v1', () => {
  const v2 = detectFrom('30 23 0:26 / /sys/fs/cgroup rw - cgroup2 cgroup2 rw,nsdelegate', '0::/user.slice', () => 'cpu memory pids');
  assert.equal(v2.mode, 'v2');
  assert.deepEqual(v2.hierarchies[0].controllers, ['cpu', 'memory', 'pids']);
  assert.equal(v2.hierarchies[0].ownPath, '/user.slice');
  const v1 = detectFrom('32 31 0:29 / /sys/fs/cgroup/cpu,cpuacct rw - cgroup cgroup rw,cpu,cpuacct', '2:cpu,cpuacct:/x', () => '');
  assert.equal(v1.mode, 'v1');
  assert.deepEqual(v1.hierarchies[0].controllers, ['cpu', 'cpuacct']);
  assert.equal(v1.hierarchies[0].ownPath, '/x');
});

test('mountinfo octal escapes are decoded', () => {
  const host = detectFrom('1 2 0:1 / /sys/fs/cgroup/my\\040cg rw - cgroup cgroup rw,pids', '', () => '');
  assert.equal(host.hierarchies[0].mountpoint, '/sys/fs/cgroup/my cg');
});

test('parseProcCgroup maps controllers to paths', () => {
  const m = parseProcCgroup('12:pids:/p\n0::/unified\n');
  assert.equal(m.get('pids'), '/p');
  assert.equal(m.get(''), '/unified');
});
