// What a container asked for (ContainerNetworkConfig, in its record from create on) and what it got
// (docker's NetworkSettings, as `inspect` shows them, rewritten at every connect and disconnect).
import type { PortBinding, PortMap } from './ports';
import type { LinkRequest } from './links';

/** pasta, slirp4netns: user-mode networking (src/network/pasta.ts, slirp4netns.ts), rootless mode's default. */
export type NetworkMode = 'none' | 'host' | 'bridge' | 'container' | 'pasta' | 'slirp4netns';

/** One network the container joins, with its network-scoped options (--network-alias, --ip). */
export interface EndpointRequest {
  name: string;
  aliases: string[];
  ipv4Address?: string;
  /** --ip6, canonical text (a dual-stack network only). */
  ipv6Address?: string;
  /** --mac-address: the interface's MAC (the bridge plugin's "mac" capability). */
  macAddress?: string;
}

export interface ContainerNetworkConfig {
  /** bridge: the container gets interfaces on CNI networks (the default bridge or user networks). */
  mode: NetworkMode;
  /** container mode: the id of the container whose network namespace is shared. */
  container?: string;
  /** bridge mode: in interface order (eth0 first); published ports go to the first. */
  networks: EndpointRequest[];
  /** -p, as docker's HostConfig.PortBindings. */
  ports: PortMap;
  /** --expose, as "80/tcp" keys. */
  exposed: string[];
  publishAll: boolean;
  /** --link: the linked containers by id, with the alias each answers to (src/network/links.ts). */
  links?: LinkRequest[];
}

export interface EndpointSettings {
  /** docker leaves out the family that was not asked for. */
  IPAMConfig: { IPv4Address?: string; IPv6Address?: string } | null;
  Links: null;
  Aliases: string[] | null;
  NetworkID: string;
  EndpointID: string;
  Gateway: string;
  IPAddress: string;
  IPPrefixLen: number;
  IPv6Gateway: string;
  GlobalIPv6Address: string;
  GlobalIPv6PrefixLen: number;
  MacAddress: string;
  DriverOpts: null;
}

/** docker's NetworkSettings, as `inspect` shows them. */
export interface NetworkSettings {
  Bridge: string;
  SandboxID: string;
  HairpinMode: boolean;
  LinkLocalIPv6Address: string;
  LinkLocalIPv6PrefixLen: number;
  Ports: Record<string, PortBinding[] | null>;
  SandboxKey: string;
  SecondaryIPAddresses: null;
  SecondaryIPv6Addresses: null;
  EndpointID: string;
  Gateway: string;
  GlobalIPv6Address: string;
  GlobalIPv6PrefixLen: number;
  IPAddress: string;
  IPPrefixLen: number;
  IPv6Gateway: string;
  MacAddress: string;
  Networks: Record<string, EndpointSettings>;
}

export function emptyEndpoint(networkId: string, req?: EndpointRequest): EndpointSettings {
  return {
    IPAMConfig: req?.ipv4Address || req?.ipv6Address
      ? { ...(req.ipv4Address ? { IPv4Address: req.ipv4Address } : {}), ...(req.ipv6Address ? { IPv6Address: req.ipv6Address } : {}) }
      : null,
    Links: null,
    Aliases: req?.aliases.length ? [...req.aliases] : null,
    NetworkID: networkId,
    EndpointID: '',
    Gateway: '',
    IPAddress: '',
    IPPrefixLen: 0,
    IPv6Gateway: '',
    GlobalIPv6Address: '',
    GlobalIPv6PrefixLen: 0,
    MacAddress: '',
    DriverOpts: null,
  };
}

export function emptySettings(): NetworkSettings {
  return {
    Bridge: '', SandboxID: '', HairpinMode: false, LinkLocalIPv6Address: '', LinkLocalIPv6PrefixLen: 0, Ports: {}, SandboxKey: '',
    SecondaryIPAddresses: null, SecondaryIPv6Addresses: null, EndpointID: '', Gateway: '', GlobalIPv6Address: '', GlobalIPv6PrefixLen: 0,
    IPAddress: '', IPPrefixLen: 0, IPv6Gateway: '', MacAddress: '', Networks: {},
  };
}
