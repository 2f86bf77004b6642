// The CNI spec's types (https://github.com/containernetworking/cni/blob/main/SPEC.md), the parts a runtime
// reads and writes: network configuration lists, plugin configurations, results and errors.

/** One plugin of a list: `type` names the executable, `capabilities` the runtimeConfig keys it accepts. */
export interface PluginConf {
  type: string;
  capabilities?: Record<string, boolean>;
  [key: string]: unknown;
}

/** A network configuration list (a .conflist file). Runtimes may keep their own keys beside the standard ones. */
export interface NetworkConfigList {
  cniVersion: string;
  name: string;
  disableCheck?: boolean;
  plugins: PluginConf[];
  [key: string]: unknown;
}

export interface CniInterface {
  name: string;
  mac?: string;
  mtu?: number;
  /** The netns path for interfaces inside the container; absent on the host side. */
  sandbox?: string;
}

export interface CniIpConfig {
  /** CIDR notation: "10.1.0.2/24". */
  address: string;
  gateway?: string;
  /** Index into interfaces. */
  interface?: number;
}

export interface CniRoute {
  dst: string;
  gw?: string;
}

export interface CniDns {
  nameservers?: string[];
  domain?: string;
  search?: string[];
  options?: string[];
}

export interface CniResult {
  cniVersion: string;
  interfaces?: CniInterface[];
  ips?: CniIpConfig[];
  routes?: CniRoute[];
  dns?: CniDns;
}

/** What a failing plugin prints on stdout. */
export interface CniErrorReply {
  cniVersion?: string;
  code: number;
  msg: string;
  details?: string;
}

/** The container side of one invocation (CNI_CONTAINERID, CNI_NETNS, CNI_IFNAME, CNI_ARGS) plus capability arguments. */
export interface RuntimeConf {
  containerId: string;
  /** Path of the network namespace; "" when it no longer exists (DEL only). */
  netns: string;
  ifname: string;
  args?: [string, string][];
  /** runtimeConfig values, passed to plugins that declare the capability (portMappings, ips, mac, ...). */
  capabilityArgs?: Record<string, unknown>;
}

/** Well-known error codes of the spec. */
export const CNI_ERRORS = {
  incompatibleVersion: 1,
  unsupportedField: 2,
  unknownContainer: 3,
  invalidEnv: 4,
  ioFailure: 5,
  decodeFailure: 6,
  invalidConfig: 7,
  tryAgainLater: 11,
} as const;
