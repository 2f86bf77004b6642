// run/create's --init, --pid/--ipc/--uts/--cgroupns, --shm-size, --volumes-from, --link, --domainname,
// --dns-option, --mac-address and --annotation, as docker's CLI sends them: Config.Domainname and
// Config.MacAddress, the rest in HostConfig (sizes in bytes). Modes are checked by the engine, so the
// Engine API gets the same errors.
import { flag, list, str, type OptionSpec, type ParsedArgs } from './argv';
import type { SpecConfig, SpecHostConfig } from '../engine/container-spec';
import { parseAnnotations } from '../engine/host-extras';
import { parseBytes } from '../engine/resources';

export const NAMESPACE_OPTIONS: OptionSpec[] = [
  { name: 'init', type: 'bool', description: 'Run an init inside the container that forwards signals and reaps processes' },
  { name: 'pid', type: 'string', value: 'string', description: 'PID namespace to use (host, private, container:NAME|ID)' },
  { name: 'ipc', type: 'string', value: 'string', description: 'IPC mode to use (private, shareable, host, none, container:NAME|ID)' },
  { name: 'uts', type: 'string', value: 'string', description: 'UTS namespace to use (host, private, container:NAME|ID)' },
  { name: 'cgroupns', type: 'string', value: 'string', description: 'Cgroup namespace to use (host, private)' },
  { name: 'shm-size', type: 'string', value: 'bytes', description: 'Size of /dev/shm (default 64m)' },
  { name: 'volumes-from', type: 'list', value: 'list', description: 'Mount volumes from the specified container(s) (CONTAINER[:ro|rw])' },
  { name: 'link', type: 'list', value: 'list', description: 'Add link to another container (NAME[:ALIAS])' },
  { name: 'domainname', type: 'string', value: 'string', description: 'Container NIS domain name' },
  { name: 'dns-option', type: 'list', value: 'list', description: 'Set DNS options' },
  { name: 'mac-address', type: 'string', value: 'string', description: 'Container MAC address (e.g., 92:d0:c6:0a:29:33)' },
  { name: 'annotation', type: 'list', value: 'map', description: 'Add an annotation to the container (passed through to the OCI runtime)' },
];

export function namespaceFlagsSpec(args: ParsedArgs): { config: Partial<SpecConfig>; hostConfig: Partial<SpecHostConfig> } {
  const shm = str(args, 'shm-size');
  const annotations = parseAnnotations(list(args, 'annotation'));
  const set = <K extends string, V>(key: K, v: V | undefined) => (v === undefined ? {} : { [key]: v } as Record<K, V>);
  return {
    config: { ...set('Domainname', str(args, 'domainname')), ...set('MacAddress', str(args, 'mac-address')) },
    hostConfig: {
      ...(flag(args, 'init') ? { Init: true } : {}),
      ...set('PidMode', str(args, 'pid')),
      ...set('IpcMode', str(args, 'ipc')),
      ...set('UTSMode', str(args, 'uts')),
      ...set('CgroupnsMode', str(args, 'cgroupns')),
      ...set('ShmSize', shm === undefined ? undefined : parseBytes(shm, '--shm-size')),
      VolumesFrom: list(args, 'volumes-from'),
      Links: list(args, 'link'),
      DnsOptions: list(args, 'dns-option'),
      ...(annotations ? { Annotations: annotations } : {}),
    },
  };
}
