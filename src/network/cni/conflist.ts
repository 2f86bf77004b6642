// A network configuration list executed as the CNI spec says (what libcni does for nerdctl, podman 4 and
// Kubernetes): ADD runs the plugins in order, each getting the previous result; DEL runs them in reverse with
// the cached result of the ADD; CHECK in order with it. Every plugin gets the list's name and cniVersion, and
// runtimeConfig holds only the capability arguments it declared.
import type { Logger } from '../../log/log';
import { CniError, defaultPluginDirs, findPlugin, invokePlugin, spawnPlugin, type CniCommand, type PluginExec } from './plugin';
import { CNI_ERRORS, type CniResult, type NetworkConfigList, type PluginConf, type RuntimeConf } from './types';

export interface CniRuntimeOptions {
  pluginDirs?: string[];
  exec?: PluginExec;
  log?: Logger;
  timeoutMs?: number;
}

/** "1.0.0" → [1, 0, 0] for comparisons. */
function version(v: string): number[] {
  return v.split('.').map((p) => Number(p) || 0);
}

export function versionAtLeast(v: string, min: string): boolean {
  const a = version(v);
  const b = version(min);
  for (let i = 0; i < 3; i++) if ((a[i] ?? 0) !== (b[i] ?? 0)) return (a[i] ?? 0) > (b[i] ?? 0);
  return true;
}

/** The stdin of one plugin: its own keys, then name, cniVersion, runtimeConfig and prevResult from the runtime. */
export function pluginConfig(list: NetworkConfigList, plugin: PluginConf, rt: RuntimeConf, prevResult?: CniResult): Record<string, unknown> {
  const config: Record<string, unknown> = { ...plugin, name: list.name, cniVersion: list.cniVersion };
  const runtimeConfig: Record<string, unknown> = {};
  for (const [cap, enabled] of Object.entries(plugin.capabilities ?? {})) {
    if (enabled && rt.capabilityArgs?.[cap] !== undefined) runtimeConfig[cap] = rt.capabilityArgs[cap];
  }
  if (Object.keys(runtimeConfig).length) config.runtimeConfig = runtimeConfig;
  else delete config.runtimeConfig;
  if (prevResult) config.prevResult = prevResult;
  else delete config.prevResult;
  return config;
}

function asResult(value: unknown, plugin: string, list: NetworkConfigList): CniResult {
  if (typeof value !== 'object' || value === null) {
    throw new CniError(plugin, 'ADD', CNI_ERRORS.decodeFailure, `CNI plugin ${plugin} returned no result for network ${list.name}`);
  }
  const r = value as CniResult;
  if (r.ips !== undefined && !Array.isArray(r.ips)) {
    throw new CniError(plugin, 'ADD', CNI_ERRORS.decodeFailure, `CNI plugin ${plugin} returned a malformed result for network ${list.name}`);
  }
  return { ...r, cniVersion: r.cniVersion ?? list.cniVersion };
}

export class CniRuntime {
  readonly pluginDirs: string[];
  private readonly exec: PluginExec;

  constructor(private readonly opts: CniRuntimeOptions = {}) {
    this.pluginDirs = opts.pluginDirs ?? defaultPluginDirs();
    this.exec = opts.exec ?? spawnPlugin;
  }

  /** Every plugin of the list is installed (checked before anything runs). */
  validate(list: NetworkConfigList): void {
    if (!versionAtLeast(list.cniVersion, '0.3.0')) {
      throw new CniError(list.name, 'ADD', CNI_ERRORS.incompatibleVersion, `network ${list.name}: CNI version ${list.cniVersion} is not supported (0.3.0 or later)`);
    }
    if (!Array.isArray(list.plugins) || list.plugins.length === 0) {
      throw new CniError(list.name, 'ADD', CNI_ERRORS.invalidConfig, `network ${list.name}: the configuration list has no plugins`);
    }
    for (const p of list.plugins) findPlugin(p.type, this.pluginDirs);
  }

  private async run(command: CniCommand, list: NetworkConfigList, plugin: PluginConf, rt: RuntimeConf, prev?: CniResult): Promise<unknown> {
    const binary = findPlugin(plugin.type, this.pluginDirs);
    const started = Date.now();
    try {
      return await invokePlugin(this.exec, binary, command, rt, this.pluginDirs, pluginConfig(list, plugin, rt, prev), this.opts.timeoutMs);
    } finally {
      this.opts.log?.step('network', 'cni-exec', {
        plugin: plugin.type, command, network: list.name, container: rt.containerId.slice(0, 12), ifname: rt.ifname, ms: Date.now() - started,
      });
    }
  }

  /** ADD: the final plugin's result is the network's result (cache it for DEL and CHECK). */
  async add(list: NetworkConfigList, rt: RuntimeConf): Promise<CniResult> {
    let prev: CniResult | undefined;
    for (const plugin of list.plugins) prev = asResult(await this.run('ADD', list, plugin, rt, prev), plugin.type, list);
    return prev!;
  }

  /**
   * DEL, in reverse order, with the cached ADD result. Every plugin runs even when one fails (they must
   * tolerate missing state); the first error is thrown at the end.
   */
  async del(list: NetworkConfigList, rt: RuntimeConf, cached?: CniResult): Promise<void> {
    const prev = cached && versionAtLeast(list.cniVersion, '0.4.0') ? cached : undefined;
    let first: unknown;
    for (const plugin of [...list.plugins].reverse()) {
      try {
        await this.run('DEL', list, plugin, rt, prev);
      } catch (err) {
        first ??= err;
      }
    }
    if (first !== undefined) throw first;
  }

  /** CHECK (CNI 0.4.0 and later, unless the list disables it): every plugin confirms the container is as ADD left it. */
  async check(list: NetworkConfigList, rt: RuntimeConf, cached: CniResult): Promise<void> {
    if (!versionAtLeast(list.cniVersion, '0.4.0') || list.disableCheck) return;
    for (const plugin of list.plugins) await this.run('CHECK', list, plugin, rt, cached);
  }
}
