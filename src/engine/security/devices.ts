// --device, --device-cgroup-rule and --privileged's host devices: device nodes made inside the
// container and the device cgroup rules that let it use them (docker's formats).
import * as fs from 'node:fs';
import * as path from 'node:path';
import { InvalidArgumentError } from '../../errors/errors';
import type { Device, DeviceRule } from '../../runtime/spec';
import { splitDev } from '../../sys/dev-numbers';

/** docker's HostConfig.Devices entry. */
export interface DeviceMapping {
  PathOnHost: string;
  PathInContainer: string;
  CgroupPermissions: string;
}

const PERMS = /^[rwm]{1,3}$/;

/** HOST[:CONTAINER][:PERMS], as docker reads it; the container path defaults to the host path. */
export function parseDeviceFlag(value: string): DeviceMapping {
  const parts = value.split(':');
  let [src, dst, perms] = [parts[0], parts[0], 'rwm'];
  if (parts.length === 2) {
    if (PERMS.test(parts[1])) perms = parts[1];
    else dst = parts[1];
  } else if (parts.length === 3) {
    [src, dst, perms] = parts;
  } else if (parts.length > 3) {
    throw new InvalidArgumentError(`invalid device specification: ${value}`);
  }
  if (!PERMS.test(perms)) throw new InvalidArgumentError(`invalid device specification: ${value}: bad permissions "${perms}"`);
  for (const p of [src, dst]) if (!p.startsWith('/')) throw new InvalidArgumentError(`invalid device specification: ${value}: ${p} is not an absolute path`);
  return { PathOnHost: path.normalize(src), PathInContainer: path.normalize(dst), CgroupPermissions: perms };
}

/** "c 1:3 rwm", "b *:* m", "a": docker's --device-cgroup-rule. */
export function parseDeviceCgroupRule(value: string): DeviceRule {
  const m = /^([acb])(?: (\d+|\*):(\d+|\*))?(?: ([rwm]{1,3}))?$/.exec(value.trim());
  if (!m || (m[1] !== 'a' && m[2] === undefined)) throw new InvalidArgumentError(`invalid device cgroup rule "${value}": expected e.g. "c 1:3 rwm"`);
  const num = (s: string | undefined) => (s === undefined || s === '*' ? undefined : Number(s));
  return {
    allow: true, type: m[1] as 'a' | 'c' | 'b', access: m[4] ?? 'rwm',
    ...(num(m[2]) !== undefined ? { major: num(m[2]) } : {}), ...(num(m[3]) !== undefined ? { minor: num(m[3]) } : {}),
  };
}

function nodeAt(st: fs.Stats, containerPath: string, perms: string): { device: Device; rule: DeviceRule } {
  const type = st.isBlockDevice() ? 'b' : 'c';
  const { major, minor } = splitDev(st.rdev);
  return {
    device: { type, path: containerPath, major, minor, fileMode: st.mode & 0o7777, uid: st.uid, gid: st.gid },
    rule: { allow: true, type, major, minor, access: perms },
  };
}

/** The nodes and rules a mapping stands for; a directory brings every device below it. */
export function resolveDeviceMapping(m: DeviceMapping): { device: Device; rule: DeviceRule }[] {
  let st: fs.Stats;
  try {
    st = fs.statSync(m.PathOnHost);
  } catch {
    throw new InvalidArgumentError(`error gathering device information while adding custom device "${m.PathOnHost}": no such file or directory`);
  }
  if (st.isCharacterDevice() || st.isBlockDevice()) return [nodeAt(st, m.PathInContainer, m.CgroupPermissions)];
  if (!st.isDirectory()) throw new InvalidArgumentError(`error gathering device information while adding custom device "${m.PathOnHost}": not a device node`);
  const out: { device: Device; rule: DeviceRule }[] = [];
  for (const entry of walkDevices(m.PathOnHost)) {
    out.push(nodeAt(entry.st, path.join(m.PathInContainer, path.relative(m.PathOnHost, entry.path)), m.CgroupPermissions));
  }
  return out;
}

/** Everything in the host's /dev a privileged container gets (not the host's ptys or console). */
export function hostDevices(): Device[] {
  const skip = new Set(['/dev/pts', '/dev/shm', '/dev/mqueue', '/dev/fd', '/dev/console', '/dev/ptmx']);
  return walkDevices('/dev', skip).map((e) => nodeAt(e.st, e.path, 'rwm').device);
}

function walkDevices(dir: string, skip = new Set<string>()): { path: string; st: fs.Stats }[] {
  const out: { path: string; st: fs.Stats }[] = [];
  let names: string[];
  try {
    names = fs.readdirSync(dir);
  } catch {
    return out;
  }
  for (const name of names) {
    const p = path.join(dir, name);
    if (skip.has(p)) continue;
    let st: fs.Stats;
    try {
      st = fs.lstatSync(p);
    } catch {
      continue;
    }
    if (st.isDirectory()) out.push(...walkDevices(p, skip));
    else if (st.isCharacterDevice() || st.isBlockDevice()) out.push({ path: p, st });
  }
  return out;
}
