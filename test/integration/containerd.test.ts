// containerd drives the runtime under test, as it would on a Kubernetes node: through `ctr` (runc shim v2 with
// --runc-binary) and through the CRI plugin (runtime handler "mydocker" whose options.BinaryName is the runtime).
// The runtime is MYDOCKER_TEST_RUNTIME, default REPO/bin/mydocker-runtime; MYDOCKER_TEST_RUNTIME=/usr/sbin/runc runs
// the same tests against runc. One private containerd per file (test/helpers/containerd.ts); every test checks that
// what it made is gone, and the file ends by checking that the host holds nothing of the instance.
import { after, before, describe, test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { spawnSync } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  BUSYBOX_IMAGE, CRI_NAMESPACE, DEFAULT_RUNTIME, PrivateContainerd, RUNTIME_HANDLER, cgroupDirs,
} from '../helpers/containerd';
import type { ContainerConfig, PodSandboxConfig } from '../helpers/cri-client';

const RUNTIME = process.env.MYDOCKER_TEST_RUNTIME ?? DEFAULT_RUNTIME;
const skip = fs.existsSync(RUNTIME) ? false
  : `runtime ${RUNTIME} does not exist yet (MYDOCKER_TEST_RUNTIME=/usr/sbin/runc runs these tests against runc)`;

describe(`containerd with runtime ${RUNTIME}`, { skip }, () => {
  let ctd: PrivateContainerd;

  before(async () => {
    ctd = await PrivateContainerd.start({ name: 'ctd', runtimeBinary: RUNTIME });
  });

  after(async () => {
    if (!ctd) return;
    await ctd.stop();
    assert.deepEqual(ctd.leftovers(), [], 'the private containerd left things behind');
  });

  test('ctr run --rm prints, and its command runs as pid 1', { timeout: 60_000 }, () => {
    const id = 'run-rm';
    const script = 'echo hi; cat /proc/1/cmdline';
    const r = ctd.ctr(['run', '--rm', ...ctd.runtimeFlags(), BUSYBOX_IMAGE, id, 'sh', '-c', script]);
    assert.equal(r.code, 0, `ctr run failed: ${r.stderr}`);
    // busybox sh execs its last command, so pid 1 of the new pid namespace is `cat` by then
    assert.equal(r.stdout, 'hi\ncat\0/proc/1/cmdline\0');
    assert.deepEqual(ctd.remains(id), []);
  });

  test('detached: run -d, exec, kill, delete leaves nothing', { timeout: 90_000 }, async () => {
    const id = 'detached';
    ctd.ctrOk(['run', '-d', ...ctd.runtimeFlags(), BUSYBOX_IMAGE, id, 'sleep', '1000']);
    const task = ctd.taskStatus(id);
    assert.equal(task?.status, 'RUNNING');
    // the task's pid is a host pid in the cgroup ctr asked for (/<namespace>/<id>, absolute)
    const memLine = fs.readFileSync(`/proc/${task!.pid}/cgroup`, 'utf8').split('\n').find((l) => /:memory:/.test(l));
    assert.equal(memLine?.split(':')[2], `/${ctd.namespace}/${id}`);

    const exec = ctd.ctr(['tasks', 'exec', '--exec-id', 'e1', '--fifo-dir', ctd.fifoDir, id,
      'sh', '-c', 'echo exec-ok; cat /proc/1/comm; echo to-stderr >&2']);
    assert.equal(exec.code, 0, `exec failed: ${exec.stderr}`);
    assert.equal(exec.stdout, 'exec-ok\nsleep\n');
    assert.equal(exec.stderr, 'to-stderr\n');
    const failing = ctd.ctr(['tasks', 'exec', '--exec-id', 'e2', '--fifo-dir', ctd.fifoDir, id, 'sh', '-c', 'exit 3']);
    assert.equal(failing.code, 3, 'the exit code of an exec passes through');

    ctd.ctrOk(['tasks', 'kill', '--signal', 'SIGKILL', id]);
    const deadline = Date.now() + 10_000;
    while (ctd.taskStatus(id)?.status !== 'STOPPED') {
      assert.ok(Date.now() < deadline, `task ${id} did not stop after SIGKILL: ${ctd.taskStatus(id)?.status}`);
      await sleep(50);
    }
    ctd.ctrOk(['tasks', 'delete', id]);
    ctd.ctrOk(['containers', 'delete', id]);
    assert.deepEqual(await ctd.waitGone(id), []);
  });

  test('CRI: a pod with the mydocker handler, as a kubelet runs it', { timeout: 120_000 }, async (t) => {
    const cri = ctd.cri();
    const marker = `marker-${process.pid}`;
    const hostNs = { network: 'NODE', pid: 'CONTAINER', ipc: 'POD' } as const;
    // A host-network pod, as the kubelet sends it: no hostname (the pod shares the host's UTS namespace; runc refuses
    // a hostname without one) and an absolute cgroup parent (the cgroupfs driver).
    const sandboxConfig: PodSandboxConfig = {
      metadata: { name: 'pod1', uid: `uid-${process.pid}`, namespace: 'default', attempt: 0 },
      log_directory: path.join(ctd.podLogDir, 'pod1'),
      labels: { app: 'mydocker-test' },
      linux: { cgroup_parent: ctd.cgroupParent, security_context: { namespace_options: hostNs } },
    };
    const containerConfig: ContainerConfig = {
      metadata: { name: 'c1', attempt: 0 },
      image: { image: BUSYBOX_IMAGE },
      command: ['sh', '-c', `echo ${marker} > /tmp/marker; echo started; trap 'echo stopping; exit 0' TERM; sleep 1000 & wait`],
      log_path: 'c1/0.log',
      linux: { security_context: { namespace_options: hostNs } },
    };
    let podId = '';
    let ctrId = '';
    let podRemoved = false;
    try {
      const version = await cri.version();
      assert.equal(version.runtime_name, 'containerd');
      assert.equal(version.runtime_api_version, 'v1');

      podId = await cri.runPodSandbox(sandboxConfig, RUNTIME_HANDLER);
      const pod = await cri.podSandboxStatus(podId);
      assert.equal(pod.state, 'SANDBOX_READY');
      assert.equal(pod.runtime_handler, RUNTIME_HANDLER);
      assert.notDeepEqual(cgroupDirs(`${ctd.cgroupParent}/${podId}`), [], 'the sandbox is in <cgroup_parent>/<id>');

      ctrId = await cri.createContainer(podId, containerConfig, sandboxConfig);
      await cri.startContainer(ctrId);
      const status = await cri.containerStatus(ctrId);
      assert.equal(status.state, 'CONTAINER_RUNNING', `container ${ctrId}: ${status.reason} ${status.message}`);

      // the handler's options reached the shim: BinaryName is the runtime under test, and it knows the container
      const info = JSON.parse(ctd.ctrOk(['containers', 'info', ctrId], { namespace: CRI_NAMESPACE }).stdout);
      assert.ok(Buffer.from(info.Runtime.Options.value, 'base64').includes(RUNTIME), 'runtime options name the runtime under test');
      const state = spawnSync(RUNTIME, ['--root', path.join(ctd.runtimeRoot, CRI_NAMESPACE), 'state', ctrId], { encoding: 'utf8' });
      assert.equal(state.status, 0, `${RUNTIME} state ${ctrId}: ${state.stderr}`);
      assert.equal(JSON.parse(state.stdout).status, 'running');

      const exec = await cri.execSync(ctrId, ['cat', '/tmp/marker']);
      assert.equal(exec.exit_code, 0, `exec failed: ${exec.stderr.toString()}`);
      assert.equal(exec.stdout.toString(), `${marker}\n`);
      assert.equal((await cri.execSync(ctrId, ['sh', '-c', 'exit 7'])).exit_code, 7);

      // the kubelet's order when a pod is deleted: StopContainer (grace period), StopPodSandbox, then the removals
      await cri.stopContainer(ctrId, 10);
      const stopped = await cri.containerStatus(ctrId);
      assert.equal(stopped.state, 'CONTAINER_EXITED');
      assert.equal(stopped.exit_code, 0, 'SIGTERM reached the trap of the container process');
      const log = fs.readFileSync(path.join(ctd.podLogDir, 'pod1', 'c1', '0.log'), 'utf8');
      assert.match(log, / stdout F started\n/);
      assert.match(log, / stdout F stopping\n/);

      await cri.stopPodSandbox(podId);
      assert.equal((await cri.podSandboxStatus(podId)).state, 'SANDBOX_NOTREADY');
      await cri.removeContainer(ctrId);
      await cri.removePodSandbox(podId);
      podRemoved = true;

      const cgroup = (id: string) => ({ namespace: CRI_NAMESPACE, cgroup: `${ctd.cgroupParent}/${id}` });
      assert.deepEqual(await ctd.waitGone(ctrId, cgroup(ctrId)), []);
      assert.deepEqual(await ctd.waitGone(podId, cgroup(podId)), []);
      assert.equal(ctd.ctrOk(['containers', 'ls', '-q'], { namespace: CRI_NAMESPACE }).stdout, '');
      for (const dir of cgroupDirs(ctd.cgroupParent)) {
        assert.deepEqual(fs.readdirSync(dir, { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => e.name), [],
          `nothing left under ${dir}`);
      }
    } finally {
      // on failure, hand the pod back to the CRI first; stop() in after() removes whatever still remains
      if (podId && !podRemoved) {
        try {
          await cri.stopPodSandbox(podId);
          await cri.removePodSandbox(podId);
        } catch (err) {
          t.diagnostic(`cleanup of pod ${podId} through the CRI failed too: ${String(err)}`);
        }
      }
      cri.close();
    }
  });
});
