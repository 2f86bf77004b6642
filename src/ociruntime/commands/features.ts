import { CAPABILITIES } from '../../sys/linux-constants';
import { SECCOMP_ACTIONS, SECCOMP_ARCHES, SECCOMP_OPERATORS } from '../../engine/oci-runtime';
import type { RuntimeCommand } from '../command';

/** What this runtime implements, in the OCI features format (runc features). */
export const command: RuntimeCommand<Record<string, never>> = {
  name: 'features',
  usage: '',
  summary: 'print what this runtime supports (JSON)',
  options: [],
  toOptions: () => ({}),
  async run(_o, ctx) {
    const features = {
      ociVersionMin: '1.0.0',
      ociVersionMax: '1.1.0',
      hooks: ['prestart', 'createRuntime', 'createContainer', 'startContainer', 'poststart', 'poststop'],
      mountOptions: ['ro', 'rw', 'nosuid', 'suid', 'nodev', 'dev', 'noexec', 'exec', 'sync', 'async', 'dirsync', 'remount', 'mand', 'nomand',
        'atime', 'noatime', 'diratime', 'nodiratime', 'relatime', 'norelatime', 'strictatime', 'nostrictatime', 'nosymfollow', 'bind', 'rbind',
        'private', 'rprivate', 'shared', 'rshared', 'slave', 'rslave', 'unbindable', 'runbindable', 'tmpcopyup'],
      linux: {
        namespaces: ['cgroup', 'ipc', 'mount', 'network', 'pid', 'user', 'uts'],
        capabilities: [...CAPABILITIES],
        cgroup: { v1: true, v2: true, systemd: false, systemdUser: false },
        seccomp: { enabled: true, actions: Object.keys(SECCOMP_ACTIONS).filter((a) => a !== 'SCMP_ACT_NOTIFY'), operators: Object.keys(SECCOMP_OPERATORS), archs: [...SECCOMP_ARCHES] },
        apparmor: { enabled: false },
        selinux: { enabled: false },
      },
      annotations: { 'org.mydocker.runtime': 'mydocker-runtime' },
    };
    ctx.stdout.write(`${JSON.stringify(features, null, 2)}\n`);
    return 0;
  },
};
