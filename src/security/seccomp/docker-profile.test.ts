// docker's profile format: what parses, what is refused (one line naming file and field), and how the
// includes/excludes conditions reduce a profile for a given container and host.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { parseDockerProfile, toOciSeccomp, type SeccompContext } from './docker-profile';
import { InvalidArgumentError, MydockerError } from '../../errors/errors';

const SRC = '/x.json';
const parse = (v: unknown) => parseDockerProfile(typeof v === 'string' ? v : JSON.stringify(v), SRC);
const ctx = (over: Partial<SeccompContext> = {}): SeccompContext => ({ capabilities: [], arch: 'x64', kernel: '6.18.0-1-amd64', ...over });
const names = (p: ReturnType<typeof toOciSeccomp>) => (p?.syscalls ?? []).flatMap((s) => s.names);

test('a full profile in the current format parses and keeps every field', () => {
  const p = parse({
    defaultAction: 'SCMP_ACT_ERRNO',
    defaultErrnoRet: 1,
    archMap: [{ architecture: 'SCMP_ARCH_X86_64', subArchitectures: ['SCMP_ARCH_X86', 'SCMP_ARCH_X32'] }],
    flags: ['SECCOMP_FILTER_FLAG_LOG'],
    syscalls: [
      { names: ['read', 'write'], action: 'SCMP_ACT_ALLOW', comment: 'io' },
      { names: ['clone'], action: 'SCMP_ACT_ALLOW', args: [{ index: 0, value: 2114060288, op: 'SCMP_CMP_MASKED_EQ' }],
        excludes: { caps: ['CAP_SYS_ADMIN'] } },
      { names: ['ptrace'], action: 'SCMP_ACT_ALLOW', includes: { minKernel: '4.8' } },
      { names: ['kill'], action: 'SCMP_ACT_ERRNO', errnoRet: 38, unknownField: true },
    ],
  });
  assert.equal(p.defaultAction, 'SCMP_ACT_ERRNO');
  assert.equal(p.defaultErrnoRet, 1);
  assert.deepEqual(p.flags, ['SECCOMP_FILTER_FLAG_LOG']);
  assert.deepEqual(p.syscalls[1], {
    names: ['clone'], action: 'SCMP_ACT_ALLOW', args: [{ index: 0, value: 2114060288, op: 'SCMP_CMP_MASKED_EQ' }],
    excludes: { caps: ['CAP_SYS_ADMIN'] },
  });
  assert.deepEqual(p.syscalls[3], { names: ['kill'], action: 'SCMP_ACT_ERRNO', errnoRet: 38 });
  assert.deepEqual(toOciSeccomp(p, ctx()), {
    defaultAction: 'SCMP_ACT_ERRNO',
    defaultErrnoRet: 1,
    architectures: ['SCMP_ARCH_X86_64', 'SCMP_ARCH_X86', 'SCMP_ARCH_X32'],
    flags: ['SECCOMP_FILTER_FLAG_LOG'],
    syscalls: [
      { names: ['read', 'write'], action: 'SCMP_ACT_ALLOW' },
      { names: ['clone'], action: 'SCMP_ACT_ALLOW', args: [{ index: 0, value: 2114060288, op: 'SCMP_CMP_MASKED_EQ' }] },
      { names: ['ptrace'], action: 'SCMP_ACT_ALLOW' },
      { names: ['kill'], action: 'SCMP_ACT_ERRNO', errnoRet: 38 },
    ],
  });
});

test('the older format: single name, architectures list, keys in any case (as Go decodes them)', () => {
  const p = parse({
    DefaultAction: 'SCMP_ACT_ERRNO',
    architectures: ['SCMP_ARCH_X86_64', 'SCMP_ARCH_X86'],
    syscalls: [{ name: 'accept', action: 'SCMP_ACT_ALLOW', args: [] }, { NAME: 'bind', Action: 'SCMP_ACT_ALLOW' }],
  });
  const oci = toOciSeccomp(p, ctx({ arch: 'arm64' }));
  // architectures is used as written, whatever the native arch.
  assert.deepEqual(oci?.architectures, ['SCMP_ARCH_X86_64', 'SCMP_ARCH_X86']);
  assert.deepEqual(oci?.syscalls, [{ names: ['accept'], action: 'SCMP_ACT_ALLOW' }, { names: ['bind'], action: 'SCMP_ACT_ALLOW' }]);
});

test('an empty profile disables seccomp, as in docker', () => {
  assert.equal(toOciSeccomp(parse({}), ctx()), undefined);
  assert.equal(toOciSeccomp(parse({ defaultAction: '', syscalls: null }), ctx()), undefined);
  assert.deepEqual(toOciSeccomp(parse({ defaultAction: 'SCMP_ACT_ALLOW' }), ctx()), { defaultAction: 'SCMP_ACT_ALLOW', syscalls: [] });
});

test('includes need every condition; excludes drop a rule on any one', () => {
  const p = parse({
    defaultAction: 'SCMP_ACT_ERRNO',
    syscalls: [
      { names: ['both_caps'], action: 'SCMP_ACT_ALLOW', includes: { caps: ['CAP_SYS_ADMIN', 'CAP_NET_ADMIN'] } },
      { names: ['unless_either'], action: 'SCMP_ACT_ALLOW', excludes: { caps: ['CAP_SYS_ADMIN', 'CAP_NET_ADMIN'] } },
      { names: ['amd64_only'], action: 'SCMP_ACT_ALLOW', includes: { arches: ['amd64', 'x32'] } },
      { names: ['not_arm64'], action: 'SCMP_ACT_ALLOW', excludes: { arches: ['arm64'] } },
      { names: ['from_4_8'], action: 'SCMP_ACT_ALLOW', includes: { minKernel: '4.8' } },
      { names: ['before_5_10'], action: 'SCMP_ACT_ALLOW', excludes: { minKernel: '5.10' } },
      { names: ['mixed'], action: 'SCMP_ACT_ALLOW', includes: { caps: ['CAP_BPF'], arches: ['arm64'] } },
    ],
  });
  assert.deepEqual(names(toOciSeccomp(p, ctx())), ['unless_either', 'amd64_only', 'not_arm64', 'from_4_8']);
  assert.deepEqual(names(toOciSeccomp(p, ctx({ capabilities: ['CAP_SYS_ADMIN'] }))), ['amd64_only', 'not_arm64', 'from_4_8']);
  assert.deepEqual(names(toOciSeccomp(p, ctx({ capabilities: ['CAP_SYS_ADMIN', 'CAP_NET_ADMIN'] }))), ['both_caps', 'amd64_only', 'not_arm64', 'from_4_8']);
  assert.deepEqual(names(toOciSeccomp(p, ctx({ arch: 'arm64', capabilities: ['CAP_BPF'] }))), ['unless_either', 'from_4_8', 'mixed']);
  // Versions compare as numbers, and only the first two count: 4.10 is after 4.8, 5.9.20 before 5.10.
  assert.deepEqual(names(toOciSeccomp(p, ctx({ kernel: '4.10.0' }))), ['unless_either', 'amd64_only', 'not_arm64', 'from_4_8', 'before_5_10']);
  assert.deepEqual(names(toOciSeccomp(p, ctx({ kernel: '5.9.20-gentoo' }))), ['unless_either', 'amd64_only', 'not_arm64', 'from_4_8', 'before_5_10']);
  assert.deepEqual(names(toOciSeccomp(p, ctx({ kernel: '4.7' }))), ['unless_either', 'amd64_only', 'not_arm64', 'before_5_10']);
  assert.deepEqual(names(toOciSeccomp(p, ctx({ kernel: '5.10-1-amd64' }))), ['unless_either', 'amd64_only', 'not_arm64', 'from_4_8']);
});

test('the kernel version is read only when a rule needs it', () => {
  const plain = parse({ defaultAction: 'SCMP_ACT_ERRNO', syscalls: [{ names: ['read'], action: 'SCMP_ACT_ALLOW' }] });
  assert.ok(toOciSeccomp(plain, ctx({ kernel: 'weird' })));
  const versioned = parse({ defaultAction: 'SCMP_ACT_ERRNO', syscalls: [{ names: ['read'], action: 'SCMP_ACT_ALLOW', includes: { minKernel: '4.8' } }] });
  assert.throws(() => toOciSeccomp(versioned, ctx({ kernel: 'weird' })), (e: unknown) =>
    e instanceof MydockerError && e.message === 'seccomp: cannot read the kernel version from "weird"');
});

test('archMap picks the native architecture and its sub-architectures', () => {
  const p = parse({
    defaultAction: 'SCMP_ACT_ERRNO',
    archMap: [
      { architecture: 'SCMP_ARCH_X86_64', subArchitectures: ['SCMP_ARCH_X86', 'SCMP_ARCH_X32'] },
      { architecture: 'SCMP_ARCH_AARCH64', subArchitectures: ['SCMP_ARCH_ARM'] },
      { architecture: 'SCMP_ARCH_RISCV64', subArchitectures: null },
    ],
  });
  assert.deepEqual(toOciSeccomp(p, ctx())?.architectures, ['SCMP_ARCH_X86_64', 'SCMP_ARCH_X86', 'SCMP_ARCH_X32']);
  assert.deepEqual(toOciSeccomp(p, ctx({ arch: 'arm64' }))?.architectures, ['SCMP_ARCH_AARCH64', 'SCMP_ARCH_ARM']);
  assert.deepEqual(toOciSeccomp(p, ctx({ arch: 'riscv64' }))?.architectures, ['SCMP_ARCH_RISCV64']);
  assert.equal(toOciSeccomp(p, ctx({ arch: 's390x' }))?.architectures, undefined, 'no entry: the native arch only');
});

test('every problem is one line naming the file and the field', () => {
  const cases: Array<[unknown, string]> = [
    ['{"defaultAction": ', 'invalid JSON: '],
    ['[]', 'must be an object, got []'],
    [{ defaultAction: 'SCMP_ACT_FOO' }, 'defaultAction: unknown action "SCMP_ACT_FOO"'],
    [{ syscalls: [{ names: ['read'], action: 'SCMP_ACT_ALLOW' }] }, 'defaultAction: missing (required when syscalls are listed)'],
    [{ defaultAction: 'SCMP_ACT_ERRNO', defaultErrnoRet: 'EPERM' }, 'defaultErrnoRet: must be an integer from 0 to 4094 (an errno), got "EPERM"'],
    [{ defaultAction: 'SCMP_ACT_ALLOW', syscalls: [{ name: 'syslog', action: 'SCMP_ACT_ERRNO', errnoRet: 12345 }] },
      'syscalls[0].errnoRet: must be an integer from 0 to 4094 (an errno), got 12345'],
    [{ defaultAction: 'SCMP_ACT_ALLOW', syscalls: [{ name: 'syslog', action: 'SCMP_ACT_TRACE', errnoRet: 65536 }] },
      'syscalls[0].errnoRet: must be an integer from 0 to 65535, got 65536'],
    [{ defaultAction: 'SCMP_ACT_ERRNO', architectures: ['SCMP_ARCH_X86'], archMap: [{ architecture: 'SCMP_ARCH_X86_64' }] },
      'archMap: cannot be combined with architectures; use one of them'],
    [{ defaultAction: 'SCMP_ACT_ERRNO', archMap: [{ architecture: 'x86_64' }] }, 'archMap[0].architecture: unknown architecture "x86_64"'],
    [{ defaultAction: 'SCMP_ACT_ERRNO', archMap: [{ architecture: 'SCMP_ARCH_X86_64', subArchitectures: ['SCMP_ARCH_Z80'] }] },
      'archMap[0].subArchitectures[0]: unknown architecture "SCMP_ARCH_Z80"'],
    [{ defaultAction: 'SCMP_ACT_ERRNO', flags: ['SECCOMP_FILTER_FLAG_NEW_LISTENER'] }, 'flags[0]: unsupported flag "SECCOMP_FILTER_FLAG_NEW_LISTENER"'],
    [{ defaultAction: 'SCMP_ACT_ERRNO', syscalls: {} }, 'syscalls: must be a list, got {}'],
    [{ defaultAction: 'SCMP_ACT_ERRNO', syscalls: [{ names: ['a'], action: 'SCMP_ACT_ALLOW' }, {}, {}, { names: ['b'], action: 'SCMP_ACT_FOO' }] },
      'syscalls[1].names: must list at least one system call'],
    [{ defaultAction: 'SCMP_ACT_ERRNO', syscalls: [{ names: ['b'], action: 'SCMP_ACT_FOO' }] }, 'syscalls[0].action: unknown action "SCMP_ACT_FOO"'],
    [{ defaultAction: 'SCMP_ACT_ERRNO', syscalls: [{ names: ['b'] }] }, 'syscalls[0].action: missing'],
    [{ defaultAction: 'SCMP_ACT_ERRNO', syscalls: [{ name: 'a', names: ['b'], action: 'SCMP_ACT_ALLOW' }] }, 'syscalls[0]: has both name and names; use names'],
    [{ defaultAction: 'SCMP_ACT_ERRNO', syscalls: [{ names: ['a b'], action: 'SCMP_ACT_ALLOW' }] }, 'syscalls[0].names[0]: invalid system call name "a b"'],
    [{ defaultAction: 'SCMP_ACT_ERRNO', syscalls: [{ names: ['a'], action: 'SCMP_ACT_ERRNO', errnoRet: 1.5 }] },
      'syscalls[0].errnoRet: must be an integer from 0 to 4094 (an errno), got 1.5'],
    [{ defaultAction: 'SCMP_ACT_ERRNO', syscalls: [{ names: ['a'], action: 'SCMP_ACT_ALLOW', args: [{ index: 6, value: 0, op: 'SCMP_CMP_EQ' }] }] },
      'syscalls[0].args[0].index: must be 0 to 5, got 6'],
    [{ defaultAction: 'SCMP_ACT_ERRNO', syscalls: [{ names: ['a'], action: 'SCMP_ACT_ALLOW', args: [{ index: 0, value: 0, op: 'EQ' }] }] },
      'syscalls[0].args[0].op: unknown operator "EQ"'],
    [{ defaultAction: 'SCMP_ACT_ERRNO', syscalls: [{ names: ['a'], action: 'SCMP_ACT_ALLOW', args: [{ index: 0, value: -1, op: 'SCMP_CMP_EQ' }] }] },
      'syscalls[0].args[0].value: must be an integer from 0 to 2^53-1, got -1'],
    ['{"defaultAction":"SCMP_ACT_ERRNO","syscalls":[{"names":["a"],"action":"SCMP_ACT_ALLOW","args":[{"index":0,"value":18446744073709551615,"op":"SCMP_CMP_EQ"}]}]}',
      'syscalls[0].args[0].value: must be an integer from 0 to 2^53-1, got 18446744073709552000'],
    [{ defaultAction: 'SCMP_ACT_ERRNO', syscalls: [{ names: ['a'], action: 'SCMP_ACT_ALLOW', includes: { minKernel: '4' } }] },
      'syscalls[0].includes.minKernel: invalid kernel version "4", expected "<major>.<minor>"'],
    [{ defaultAction: 'SCMP_ACT_ERRNO', syscalls: [{ names: ['a'], action: 'SCMP_ACT_ALLOW', excludes: { minKernel: '0.0' } }] },
      'syscalls[0].excludes.minKernel: invalid kernel version "0.0", expected "<major>.<minor>"'],
    [{ defaultAction: 'SCMP_ACT_ERRNO', syscalls: [{ names: ['a'], action: 'SCMP_ACT_ALLOW', includes: { caps: 'CAP_SYS_ADMIN' } }] },
      'syscalls[0].includes.caps: must be a list, got "CAP_SYS_ADMIN"'],
  ];
  for (const [input, problem] of cases) {
    assert.throws(() => parse(input), (err: unknown) => {
      assert.ok(err instanceof InvalidArgumentError, String(err));
      assert.ok(err.message.startsWith(`seccomp profile ${SRC}: ${problem}`), `${err.message}\n  wanted: ${problem}`);
      assert.ok(!err.message.includes('\n'), 'one line');
      return true;
    });
  }
});
