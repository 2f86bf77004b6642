// Global flags: --root/--runroot (and their env vars), --explain, --log-level debug, help.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { spawnSync } from 'node:child_process';
import { MYDOCKER, useSandbox } from '../helpers/sandbox';

const sb = useSandbox('cli');

test('--explain narrates namespaces, mounts, pivot_root, cgroup writes and the execve', () => {
  const r = sb.run(['--explain', 'run', '--rm', 'busybox', 'true']);
  assert.equal(r.code, 0, r.stderr);
  for (const pattern of [
    /created a new pid namespace/, /created a new mnt namespace/, /created a new uts namespace/,
    // on the default bridge the engine makes the net namespace first (its CNI plugins run meanwhile) and the init joins it
    /made a new network namespace pinned on \S+\/netns\/[a-f0-9]{64}/, /joined the existing net namespace \S+\/netns\/[a-f0-9]{64}/,
    /created a new ipc namespace/, /created a new cgroup namespace/, /made mount propagation of \/ MS_REC\|MS_PRIVATE before mounting anything/,
    /mounted proc on \/proc \(proc; MS_NOSUID\|MS_NODEV\|MS_NOEXEC\)/, /mounted overlayfs on /, /pivot_root into /,
    /the init moved itself into \/sys\/fs\/cgroup\/memory\/mydocker\/[a-f0-9]{64}/, /execve \/bin\/true/, /wrote the OCI runtime bundle/,
  ]) assert.match(r.stderr, pattern);
  const none = sb.run(['--explain', 'run', '--rm', '--network', 'none', 'busybox', 'true']);
  assert.equal(none.code, 0, none.stderr);
  assert.match(none.stderr, /created a new net namespace/);
});

test('--log-level debug gives the same steps as structured events', () => {
  const r = sb.run(['--log-level', 'debug', '--log-format', 'json', 'run', '--rm', 'busybox', 'true']);
  assert.equal(r.code, 0, r.stderr);
  const events = r.stderr.trim().split('\n').map((l) => JSON.parse(l));
  assert.ok(events.some((e) => e.component === 'nsexec' && e.msg === 'mount' && e.dst === '/proc'));
  assert.ok(events.some((e) => e.component === 'nsexec' && e.msg === 'execve'));
  assert.ok(events.some((e) => e.component === 'cgroups' && e.msg === 'cgroup-write'));
  assert.ok(events.some((e) => e.component === 'nsexec' && e.msg === 'cgroup-join'));
});

test('--root and --runroot place all state; MYDOCKER_ROOT and MYDOCKER_RUNROOT do the same', () => {
  assert.equal(sb.run(['run', 'busybox', 'true']).code, 0);
  assert.ok(fs.existsSync(path.join(sb.root, 'containers')));
  assert.ok(fs.existsSync(path.join(sb.root, 'images')));
  const root2 = path.join(sb.dir, 'env-root');
  const r = spawnSync(MYDOCKER, ['run', 'busybox', 'true'], {
    env: { ...process.env, MYDOCKER_ROOT: root2, MYDOCKER_RUNROOT: path.join(sb.dir, 'env-run') }, encoding: 'utf8',
  });
  assert.equal(r.status, 0, r.stderr);
  assert.equal(fs.readdirSync(path.join(root2, 'containers')).length, 1);
});

test('help and version', () => {
  const h = sb.run(['--help']);
  assert.equal(h.code, 0);
  assert.match(h.stdout, /Usage:\s+mydocker \[OPTIONS\] COMMAND/);
  const rh = sb.run(['run', '--help']);
  assert.match(rh.stdout, /Usage:\s+mydocker run \[OPTIONS\] IMAGE \[COMMAND\] \[ARG\.\.\.\]/);
  assert.match(sb.run(['--version']).stdout, /^mydocker version /);
});
