// --security-opt values in docker's syntax ("key=value", the older "key:value", or a bare
// "no-new-privileges"). Parsing only; what they turn into is decided in container-security.ts.
import { InvalidArgumentError } from '../../errors/errors';

export interface SecurityOpts {
  /** "default", "unconfined", or the path of a profile in docker's JSON format. */
  seccomp: string;
  noNewPrivileges: boolean;
  /** label=… and apparmor=… are kept and reported; this host may have neither LSM to enforce them. */
  labels: string[];
  apparmor?: string;
  /** systempaths=unconfined: no masked or read-only /proc and /sys paths (docker's option). */
  unmaskSystemPaths: boolean;
}

const BOOL: Record<string, boolean> = { true: true, false: false, '1': true, '0': false };

export function parseSecurityOpts(values: string[]): SecurityOpts {
  const out: SecurityOpts = { seccomp: 'default', noNewPrivileges: false, labels: [], unmaskSystemPaths: false };
  for (const raw of values) {
    if (raw === 'no-new-privileges') {
      out.noNewPrivileges = true;
      continue;
    }
    const m = /^([a-z-]+)[=:](.*)$/.exec(raw);
    if (!m) throw new InvalidArgumentError(`invalid --security-opt: "${raw}"`);
    const [, key, value] = m;
    switch (key) {
      case 'seccomp':
        if (value === '') throw new InvalidArgumentError('invalid --security-opt: seccomp needs a profile path or "unconfined"');
        out.seccomp = value === 'builtin' ? 'default' : value;
        break;
      case 'no-new-privileges':
        if (BOOL[value] === undefined) throw new InvalidArgumentError(`invalid --security-opt: no-new-privileges: invalid boolean "${value}"`);
        out.noNewPrivileges = BOOL[value];
        break;
      case 'label':
        if (!/^(disable|nested|(user|role|type|level|filetype):.+)$/.test(value)) {
          throw new InvalidArgumentError(`invalid --security-opt: label "${value}": use disable, user:, role:, type: or level:`);
        }
        out.labels.push(value);
        break;
      case 'apparmor':
        if (value === '') throw new InvalidArgumentError('invalid --security-opt: apparmor needs a profile name');
        out.apparmor = value;
        break;
      case 'systempaths':
        if (value !== 'unconfined') throw new InvalidArgumentError(`invalid --security-opt: systempaths "${value}": only "unconfined" is known`);
        out.unmaskSystemPaths = true;
        break;
      default:
        throw new InvalidArgumentError(`invalid --security-opt: "${raw}"`);
    }
  }
  return out;
}
