// Churn under parallel load, repeated: the failures seen once in a while before (a `run -d` exiting 125
// among 20 parallel runs; a veth or bridge left after `rm -f` of 31 containers plus `network rm`) only
// show when many rounds run. Every round is checked on its own, so a round that leaks says which.
// Subnet 10.233.0.0/24 belongs to this file.
import { after, before, test } from 'node:test';
import * as assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { MYDOCKER, Sandbox, cgroupDirs, mountsUnder } from '../helpers/sandbox';
import { hostFootprint, networkNames, ok, removeEverything, type OurNames } from './network-helpers';

const ROUNDS = Number(process.env.MYDOCKER_CHURN_ROUNDS ?? 4);

let sb: Sandbox;
const everSeen: OurNames = { bridges: [], networkIds: [], subnets: [], containerIds: [], veths: [] };
before(() => {
  sb = new Sandbox('churn');
  ok(sb, ['run', '--rm', '--network', 'none', 'busybox', 'true']);
});
after(() => {
  removeEverything(sb);
  const left = hostFootprint(everSeen);
  const mounts = sb.leftovers();
  sb.cleanup();
  assert.deepEqual(left, [], 'networking left things on the host');
  assert.deepEqual(mounts, [], 'mounts or cgroups left');
});

function runAsync(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string; args: string[] }> {
  return new Promise((resolve) => {
    const child = spawn(MYDOCKER, [...sb.globalArgs, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (b: Buffer) => (stdout += b.toString()));
    child.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
    child.on('close', (code) => resolve({ code, stdout, stderr, args }));
  });
}

function remember(names: OurNames): void {
  for (const k of Object.keys(everSeen) as (keyof OurNames)[]) everSeen[k].push(...names[k]);
}

function assertRoundClean(round: number, names: OurNames): void {
  const where = `round ${round}`;
  assert.deepEqual(sb.containerIds(), [], `${where}: containers left`);
  assert.deepEqual(hostFootprint(names), [], `${where}: networking left things on the host`);
  assert.deepEqual(mountsUnder(sb.dir), [], `${where}: mounts (rootfs or pinned netns) left`);
  for (const id of names.containerIds) assert.deepEqual(cgroupDirs(id), [], `${where}: cgroups of ${id} left`);
  const ipam = path.join(sb.runroot, 'networks', 'ipam', 'churn');
  assert.ok(!fs.existsSync(ipam) || fs.readdirSync(ipam).every((f) => !/^\d+\./.test(f)), `${where}: leases left`);
  const atts = path.join(sb.runroot, 'networks', 'containers');
  assert.deepEqual(fs.existsSync(atts) ? fs.readdirSync(atts) : [], [], `${where}: attachments left`);
}

test(`${ROUNDS} rounds: 31 parallel run -d on a network (some exit on their own), parallel rm -f, network rm; nothing left after any round`, async () => {
  for (let round = 1; round <= ROUNDS; round++) {
    ok(sb, ['network', 'create', '--subnet', '10.233.0.0/24', 'churn']);
    // every third container exits while the removals run, so the monitor's own clean-up races with rm -f
    const started = await Promise.all(Array.from({ length: 31 }, (_, i) =>
      runAsync(['run', '-d', '--network', 'churn', ...(i % 5 === 0 ? ['-p', '127.0.0.1::80'] : []), 'busybox', 'sleep', i % 3 === 0 ? '0.3' : '60'])));
    for (const r of started) assert.equal(r.code, 0, `round ${round}: run ${r.args.join(' ')}: ${r.stderr}`);
    const names = networkNames(sb);
    remember(names);
    const removed = await Promise.all(sb.containerIds().map((id) => runAsync(['rm', '-f', id])));
    for (const r of removed) assert.equal(r.code, 0, `round ${round}: rm -f: ${r.stderr}`);
    ok(sb, ['network', 'rm', 'churn']);
    assertRoundClean(round, names);
  }
});

test(`${ROUNDS} rounds: 20 parallel run -d on the default bridge with a published port all exit 0; rm -f of all in one command`, async () => {
  for (let round = 1; round <= ROUNDS; round++) {
    const started = await Promise.all(Array.from({ length: 20 }, () => runAsync(['run', '-d', '-p', '127.0.0.1::8080', 'busybox', 'sleep', '60'])));
    for (const r of started) assert.equal(r.code, 0, `round ${round}: run -d: ${r.stderr}`);
    const names = networkNames(sb);
    remember(names);
    const rm = await runAsync(['rm', '-f', ...sb.containerIds()]);
    assert.equal(rm.code, 0, rm.stderr);
    assert.deepEqual(sb.containerIds(), [], `round ${round}: containers left`);
    assert.deepEqual(mountsUnder(sb.dir), [], `round ${round}: mounts left`);
    // the default network stays; what the containers held on it must not
    assert.deepEqual(hostFootprint({ ...names, bridges: [], networkIds: [], subnets: [] }), [], `round ${round}: networking left things on the host`);
  }
});
