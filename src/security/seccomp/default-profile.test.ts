// docker's default profile as data: what a container with docker's 14 capabilities may call, and how
// CAP_SYS_ADMIN, the architecture and the kernel change that (the compiled program is tested in
// src/runtime/seccomp.test.ts).
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { DEFAULT_SECCOMP_PROFILE } from './default-profile';
import { parseDockerProfile, toOciSeccomp, type SeccompContext } from './docker-profile';
import { DEFAULT_CAPABILITIES } from '../../engine/oci-spec';
import type { LinuxSeccomp, SeccompSyscall } from '../../runtime/spec';

const oci = (over: Partial<SeccompContext> = {}): LinuxSeccomp => {
  const spec = toOciSeccomp(DEFAULT_SECCOMP_PROFILE, { capabilities: DEFAULT_CAPABILITIES, arch: 'x64', kernel: '6.18.0', ...over });
  assert.ok(spec);
  return spec;
};
const rulesFor = (spec: LinuxSeccomp, name: string): SeccompSyscall[] => (spec.syscalls ?? []).filter((s) => s.names.includes(name));
const allowedAlways = (spec: LinuxSeccomp, name: string) => rulesFor(spec, name).some((r) => r.action === 'SCMP_ACT_ALLOW' && !r.args?.length);
const mentioned = (spec: LinuxSeccomp, name: string) => rulesFor(spec, name).length > 0;
const NEVER = ['keyctl', 'add_key', 'request_key', 'userfaultfd', 'io_uring_setup', 'io_uring_enter', 'io_uring_register',
  'kexec_load', 'kexec_file_load', 'init_module', 'finit_module', 'delete_module', 'reboot', 'swapon', 'pivot_root', 'nfsservctl'];
const ADMIN_ONLY = ['mount', 'umount2', 'unshare', 'setns', 'bpf', 'perf_event_open', 'fsopen', 'open_tree', 'move_mount'];

test('defaults: EPERM for anything not listed, on x86_64 with its 32-bit and x32 ABIs', () => {
  const spec = oci();
  assert.equal(spec.defaultAction, 'SCMP_ACT_ERRNO');
  assert.equal(spec.defaultErrnoRet, 1);
  assert.deepEqual(spec.architectures, ['SCMP_ARCH_X86_64', 'SCMP_ARCH_X86', 'SCMP_ARCH_X32']);
  assert.deepEqual(oci({ arch: 'arm64' }).architectures, ['SCMP_ARCH_AARCH64', 'SCMP_ARCH_ARM']);
  assert.equal(spec.flags, undefined);
});

test('with docker capabilities: no keys, bpf, perf, io_uring, mounts, namespaces, reboot or modules', () => {
  const spec = oci();
  for (const name of [...NEVER, ...ADMIN_ONLY]) assert.ok(!mentioned(spec, name), `${name} must not be allowed`);
  for (const name of ['read', 'openat', 'execve', 'futex', 'chroot', 'rseq', 'statx', 'pidfd_open']) assert.ok(allowedAlways(spec, name), name);
  assert.deepEqual(rulesFor(spec, 'clone3'), [{ names: ['clone3'], action: 'SCMP_ACT_ERRNO', errnoRet: 38 }], 'ENOSYS: libcs fall back to clone');
  // clone only without namespace flags: (flags & 0x7e020000) == 0.
  assert.deepEqual(rulesFor(spec, 'clone'), [{ names: ['clone'], action: 'SCMP_ACT_ALLOW', args: [{ index: 0, value: 2114060288, op: 'SCMP_CMP_MASKED_EQ' }] }]);
  assert.ok(allowedAlways(spec, 'ptrace'), 'allowed from kernel 4.8 on');
  assert.ok(!mentioned(oci({ kernel: '4.4.0' }), 'ptrace'));
  assert.ok(!mentioned(oci({ capabilities: DEFAULT_CAPABILITIES.filter((c) => c !== 'CAP_SYS_CHROOT') }), 'chroot'));
});

test('with CAP_SYS_ADMIN: mounts, namespaces, bpf and unrestricted clone', () => {
  const spec = oci({ capabilities: [...DEFAULT_CAPABILITIES, 'CAP_SYS_ADMIN'] });
  for (const name of [...ADMIN_ONLY, 'clone', 'clone3']) assert.ok(allowedAlways(spec, name), name);
  assert.ok(!rulesFor(spec, 'clone3').some((r) => r.action === 'SCMP_ACT_ERRNO'));
  assert.ok(!rulesFor(spec, 'clone').some((r) => r.args?.length));
  for (const name of NEVER) assert.ok(!mentioned(spec, name), name);
});

test('sockets: every family but AF_ALG (38) and AF_VSOCK (40)', () => {
  const conds = rulesFor(oci(), 'socket').map((r) => r.args);
  assert.deepEqual(conds, [
    [{ index: 0, value: 38, op: 'SCMP_CMP_LT' }],
    [{ index: 0, value: 39, op: 'SCMP_CMP_EQ' }],
    [{ index: 0, value: 40, op: 'SCMP_CMP_GT' }],
  ]);
});

test('architecture-specific calls follow the native architecture', () => {
  assert.ok(allowedAlways(oci(), 'arch_prctl'));
  assert.ok(allowedAlways(oci(), 'modify_ldt'));
  assert.ok(!mentioned(oci(), 'set_tls'));
  assert.ok(allowedAlways(oci({ arch: 'arm64' }), 'set_tls'));
  assert.ok(!mentioned(oci({ arch: 'arm64' }), 'arch_prctl'));
  // s390 passes clone's flags second.
  assert.deepEqual(rulesFor(oci({ arch: 's390x' }), 'clone')[0]?.args, [{ index: 1, value: 2114060288, op: 'SCMP_CMP_MASKED_EQ' }]);
});

test('the always-allowed list has no duplicates and no capability-gated call', () => {
  const base = DEFAULT_SECCOMP_PROFILE.syscalls[0]!;
  assert.equal(new Set(base.names).size, base.names.length);
  assert.ok(base.names.length > 350, `${base.names.length} names`);
  const gated = DEFAULT_SECCOMP_PROFILE.syscalls.filter((r) => r.includes?.caps).flatMap((r) => r.names);
  assert.deepEqual(base.names.filter((n) => gated.includes(n)), []);
});

test('the default profile is valid docker JSON and survives a round trip through the parser', () => {
  const text = JSON.stringify(DEFAULT_SECCOMP_PROFILE);
  assert.deepEqual(parseDockerProfile(text, 'default'), DEFAULT_SECCOMP_PROFILE);
});
