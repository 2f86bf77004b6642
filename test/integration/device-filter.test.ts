// The cgroup v2 device filter against the real kernel: a cgroup of our own under the host's cgroup2
// mount, docker's default rules attached as eBPF, and a process inside it trying device nodes.
// Our v1 devices cgroup is the root one (it allows everything), so any EPERM here is the program's.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { CgroupManager } from '../../src/cgroups/manager';
import type { HostCgroups } from '../../src/cgroups/hierarchy';
import { DEFAULT_DEVICE_RULES } from '../../src/engine/oci-spec';
import { silentLogger } from '../../src/log/log';
import type { DeviceRule } from '../../src/runtime/spec';

const UNIFIED = '/sys/fs/cgroup/unified';

function skipReason(): string | false {
  if (process.getuid?.() !== 0) return 'needs root';
  try {
    if (!fs.readFileSync('/proc/self/mountinfo', 'utf8').split('\n').some((l) => l.split(' ')[4] === UNIFIED && / - cgroup2 /.test(l))) {
      return `no cgroup2 mount at ${UNIFIED}`;
    }
  } catch {
    return 'no /proc/self/mountinfo';
  }
  return false;
}
const skip = skipReason();

/** Only the cgroup2 mount: the manager must take the eBPF path, as on a pure v2 host. */
const unifiedOnly: HostCgroups = { mode: 'v2', hierarchies: [{ version: 2, mountpoint: UNIFIED, controllers: [], ownPath: '/' }] };

/** Node code run by the process inside the cgroup: it moves itself in, then reports each attempt. */
const PROBE = `
const fs = require('node:fs');
const { spawnSync } = require('node:child_process');
const [cgroup, nodes, made] = process.argv.slice(1);
fs.writeFileSync(cgroup + '/cgroup.procs', String(process.pid));
const open = (p, flags) => { try { fs.closeSync(fs.openSync(p, flags)); return 'ok'; } catch (e) { return e.code; } };
const mknod = (name, type, major, minor) => {
  const r = spawnSync('mknod', [made + '/' + name, type, major, minor], { encoding: 'utf8' });
  return r.status === 0 ? 'ok' : r.stderr.trim();
};
process.stdout.write(JSON.stringify({
  cgroup: fs.readFileSync('/proc/self/cgroup', 'utf8').split('\\n').find((l) => l.startsWith('0::')),
  devNull: open('/dev/null', 'r+'),
  memRead: open(nodes + '/mem', 'r'),
  loopWrite: open(nodes + '/loop0', 'w'),
  nullCopyRead: open(nodes + '/null', 'r'),
  mknodNull: mknod('null', 'c', '1', '3'),
  mknodMem: mknod('mem', 'c', '1', '1'),
  mknodLoop: mknod('loop0', 'b', '7', '0'),
}));
`;

interface ProbeResult { cgroup: string; devNull: string; memRead: string; loopWrite: string; nullCopyRead: string; mknodNull: string; mknodMem: string; mknodLoop: string }

/** Makes a cgroup named after the test, attaches the rules, runs PROBE inside; always cleans up. */
async function probeWith(label: string, rules: DeviceRule[]): Promise<ProbeResult> {
  const name = `mydocker-test-devfilter-${label}-${process.pid}`;
  const dir = path.join(UNIFIED, name);
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), `mydocker-test-devfilter-${label}-`));
  const m = new CgroupManager(unifiedOnly, `/${name}`, silentLogger);
  let created: string[] = [];
  try {
    created = m.create();
    assert.deepEqual(created, [dir]);
    m.apply({ devices: rules });
    // Nodes made outside the cgroup (the filter only judges the process that uses them).
    const nodes = path.join(tmp, 'nodes');
    const made = path.join(tmp, 'made');
    fs.mkdirSync(nodes);
    fs.mkdirSync(made);
    for (const [n, t, maj, min] of [['mem', 'c', '1', '1'], ['loop0', 'b', '7', '0'], ['null', 'c', '1', '3']]) {
      const r = spawnSync('mknod', [path.join(nodes, n), t, maj, min], { encoding: 'utf8' });
      assert.equal(r.status, 0, `mknod ${n} outside the cgroup: ${r.stderr}`);
    }
    // Outside the cgroup these opens pass the device check (the driver may still say ENXIO).
    for (const [n, flags] of [['mem', 'r'], ['loop0', 'w']]) {
      const code = tryOpen(path.join(nodes, n), flags);
      assert.notEqual(code, 'EPERM', `${n} outside the cgroup`);
    }
    const r = spawnSync(process.execPath, ['-e', PROBE, dir, nodes, made], { encoding: 'utf8', timeout: 30_000, killSignal: 'SIGKILL' });
    assert.equal(r.status, 0, `probe failed: ${r.stderr}`);
    return JSON.parse(r.stdout) as ProbeResult;
  } finally {
    killMembers(dir);
    await m.destroy(created);
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

function tryOpen(p: string, flags: string): string {
  try {
    fs.closeSync(fs.openSync(p, flags));
    return 'ok';
  } catch (err) {
    return (err as NodeJS.ErrnoException).code ?? 'unknown';
  }
}

/** Whatever is still in the test's cgroup is a probe we started (a timed-out one): kill it before rmdir. */
function killMembers(dir: string): void {
  let pids: string[] = [];
  try {
    pids = fs.readFileSync(path.join(dir, 'cgroup.procs'), 'utf8').split('\n').filter(Boolean);
  } catch {
    return;
  }
  for (const pid of pids) {
    try {
      process.kill(Number(pid), 'SIGKILL');
    } catch {
      // already gone
    }
  }
}

test('docker\'s default rules as eBPF: /dev/null opens, mem and a block device are refused, mknod is allowed', { skip }, async () => {
  const r = await probeWith('defaults', DEFAULT_DEVICE_RULES);
  assert.match(r.cgroup, /^0::\/mydocker-test-devfilter-defaults-\d+$/, 'the probe ran inside the test cgroup');
  assert.equal(r.devNull, 'ok');
  assert.equal(r.nullCopyRead, 'ok', 'c 1:3 is allowed wherever its node is');
  assert.equal(r.memRead, 'EPERM');
  assert.equal(r.loopWrite, 'EPERM');
  assert.equal(r.mknodNull, 'ok');
  assert.equal(r.mknodMem, 'ok', 'docker allows mknod of any character device (c *:* m)');
  assert.equal(r.mknodLoop, 'ok', 'and of any block device (b *:* m)');
});

test('without the mknod rules, mknod of a device the rules do not name is refused', { skip }, async () => {
  const r = await probeWith('nomknod', [{ allow: false }, { allow: true, type: 'c', major: 1, minor: 3, access: 'rwm' }]);
  assert.equal(r.devNull, 'ok');
  assert.equal(r.mknodNull, 'ok');
  assert.match(r.mknodMem, /Operation not permitted/);
  assert.match(r.mknodLoop, /Operation not permitted/);
  assert.equal(r.memRead, 'EPERM');
});

test('allow all (privileged) refuses nothing', { skip }, async () => {
  const r = await probeWith('privileged', [{ allow: true, access: 'rwm' }]);
  assert.equal(r.devNull, 'ok');
  assert.notEqual(r.memRead, 'EPERM');
  assert.notEqual(r.loopWrite, 'EPERM');
  assert.equal(r.mknodMem, 'ok');
});
