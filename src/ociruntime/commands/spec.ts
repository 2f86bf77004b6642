import * as fs from 'node:fs';
import * as path from 'node:path';
import { flag, str } from '../../cli/argv';
import { ConflictError } from '../../errors/errors';
import { DEFAULT_MASKED_PATHS, DEFAULT_READONLY_PATHS } from '../../engine/security/container-security';
import type { Spec } from '../../runtime/spec';
import { OCI_VERSION } from '../../engine/oci-runtime';
import type { RuntimeCommand } from '../command';

/** A starting config.json, as runc spec writes one: a shell in a read-only rootfs with few privileges. */
export function defaultSpec(rootless: boolean): Spec {
  const caps = ['CAP_AUDIT_WRITE', 'CAP_KILL', 'CAP_NET_BIND_SERVICE'];
  const uid = process.getuid?.() ?? 0;
  const gid = process.getgid?.() ?? 0;
  const ro = ['nosuid', 'noexec', 'nodev', 'ro'];
  return {
    ociVersion: OCI_VERSION,
    process: {
      terminal: true, user: { uid: 0, gid: 0 }, args: ['sh'],
      env: ['PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin', 'TERM=xterm'], cwd: '/',
      capabilities: { bounding: caps, effective: caps, permitted: caps, ambient: caps },
      rlimits: [{ type: 'RLIMIT_NOFILE', hard: 1024, soft: 1024 }], noNewPrivileges: true,
    },
    root: { path: 'rootfs', readonly: true },
    hostname: 'mydocker',
    mounts: [
      { destination: '/proc', type: 'proc', source: 'proc' },
      { destination: '/dev', type: 'tmpfs', source: 'tmpfs', options: ['nosuid', 'strictatime', 'mode=755', 'size=65536k'] },
      { destination: '/dev/pts', type: 'devpts', source: 'devpts', options: ['nosuid', 'noexec', 'newinstance', 'ptmxmode=0666', 'mode=0620', ...(rootless ? [] : ['gid=5'])] },
      { destination: '/dev/shm', type: 'tmpfs', source: 'shm', options: ['nosuid', 'noexec', 'nodev', 'mode=1777', 'size=65536k'] },
      { destination: '/dev/mqueue', type: 'mqueue', source: 'mqueue', options: ['nosuid', 'noexec', 'nodev'] },
      rootless ? { destination: '/sys', type: 'none', source: '/sys', options: ['rbind', ...ro] } : { destination: '/sys', type: 'sysfs', source: 'sysfs', options: ro },
      ...(rootless ? [] : [{ destination: '/sys/fs/cgroup', type: 'cgroup', source: 'cgroup', options: ['nosuid', 'noexec', 'nodev', 'relatime', 'ro'] }]),
    ],
    linux: {
      ...(rootless ? { uidMappings: [{ containerID: 0, hostID: uid, size: 1 }], gidMappings: [{ containerID: 0, hostID: gid, size: 1 }] } : {}),
      resources: rootless ? {} : { devices: [{ allow: false, access: 'rwm' }] },
      namespaces: [
        { type: 'pid' }, ...(rootless ? [] : [{ type: 'network' as const }]), { type: 'ipc' }, { type: 'uts' }, { type: 'mount' }, { type: 'cgroup' },
        ...(rootless ? [{ type: 'user' as const }] : []),
      ],
      maskedPaths: DEFAULT_MASKED_PATHS,
      readonlyPaths: DEFAULT_READONLY_PATHS,
    },
  };
}

export const command: RuntimeCommand<{ bundle: string; rootless: boolean }> = {
  name: 'spec',
  usage: '[--bundle DIR] [--rootless]',
  summary: 'write a starting config.json into the bundle directory',
  options: [
    { name: 'bundle', short: 'b', type: 'string', description: 'where to write config.json (default: the current directory)' },
    { name: 'rootless', type: 'bool', description: 'a config for an unprivileged user (a user namespace mapping the caller)' },
  ],
  toOptions: (args) => ({ bundle: path.resolve(str(args, 'bundle') ?? '.'), rootless: flag(args, 'rootless') }),
  async run(o) {
    const file = path.join(o.bundle, 'config.json');
    if (fs.existsSync(file)) throw new ConflictError(`File ${file} exists. Remove it first`);
    fs.writeFileSync(file, `${JSON.stringify(defaultSpec(o.rootless), null, '\t')}\n`);
    return 0;
  },
};
