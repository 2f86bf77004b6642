import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { toContainerSpec } from './options';
import { specToRunOptions } from '../engine/container-spec';
import { MydockerError } from '../errors/errors';

test('a bare command: attached stdout and stderr, no stdin, the default network, nothing else set', () => {
  assert.deepEqual(toContainerSpec({ cmd: ['true'] }), {
    config: {
      Cmd: ['true'], Env: [], Tty: false, OpenStdin: false, StdinOnce: false,
      AttachStdin: false, AttachStdout: true, AttachStderr: true,
    },
    hostConfig: { NetworkMode: 'bridge', AutoRemove: false },
  });
});

test('limits: memory in bytes or docker size text (swap capped to the same), pids, nano-CPUs', () => {
  const h = toContainerSpec({ memory: '64m', pids: 32, cpus: 0.5 }).hostConfig!;
  assert.equal(h.Memory, 64 * 1024 * 1024);
  assert.equal(h.MemorySwap, 64 * 1024 * 1024);
  assert.equal(h.PidsLimit, 32);
  assert.equal(h.NanoCpus, 500_000_000);
  assert.equal(toContainerSpec({ memory: 10_000_000 }).hostConfig!.Memory, 10_000_000);
});

test('config fields: image, env object, workdir, user, hostname, labels, name, stdin, entrypoint cleared', () => {
  const s = toContainerSpec({
    image: 'alpine:3', env: { A: '1', B: 'x=y' }, workdir: '/w', user: '1000:1000', hostname: 'h', labels: { k: 'v' }, name: 'n1',
    openStdin: true, entrypoint: '', autoRemove: true, network: 'none',
  });
  assert.equal(s.name, 'n1');
  assert.deepEqual(s.config, {
    Image: 'alpine:3', Entrypoint: [''], Env: ['A=1', 'B=x=y'], WorkingDir: '/w', User: '1000:1000', Hostname: 'h', Labels: { k: 'v' },
    Tty: false, OpenStdin: true, StdinOnce: true, AttachStdin: true, AttachStdout: true, AttachStderr: true,
  });
  assert.deepEqual(s.hostConfig, { NetworkMode: 'none', AutoRemove: true });
});

test('volumes: bind, named volume and tmpfs become Mounts', () => {
  const h = toContainerSpec({
    volumes: [{ source: '/src', target: '/in', readOnly: true }, { type: 'volume', source: 'data', target: '/data' }, { type: 'tmpfs', target: '/tmp', sizeBytes: 1 << 20 }],
  }).hostConfig!;
  assert.deepEqual(h.Mounts, [
    { Type: 'bind', Source: '/src', Target: '/in', ReadOnly: true },
    { Type: 'volume', Target: '/data', Source: 'data' },
    { Type: 'tmpfs', Target: '/tmp', TmpfsOptions: { SizeBytes: 1 << 20 } },
  ]);
});

test('the spec reaches the engine as the CLI flags would say it', () => {
  const r = specToRunOptions(toContainerSpec({ cmd: ['sh'], memory: '32m', pids: 16, cpus: 1.5, network: 'none', readOnlyRootfs: true, capDrop: ['ALL'] }));
  assert.equal(r.resources.memory, String(32 << 20));
  assert.equal(r.resources.memorySwap, String(32 << 20));
  assert.equal(r.resources.pidsLimit, '16');
  assert.equal(r.resources.cpus, '1.5');
  assert.equal(r.network, 'none');
  assert.equal(r.readOnly, true);
  assert.deepEqual(r.security.capDrop, ['ALL']);
  assert.equal(r.detach, false);
  assert.equal(r.tty, false);
});

test('bad values are InvalidArgument MydockerErrors, before anything is created', () => {
  for (const bad of [{ memory: 'lots' }, { memory: -1 }, { memory: 1.5 }, { pids: 0 }, { cpus: 0 }, { cpus: Number.NaN }, { tty: true }] as const) {
    assert.throws(() => toContainerSpec(bad as never), (e: unknown) => e instanceof MydockerError && e.kind === 'InvalidArgument', JSON.stringify(bad));
  }
});
