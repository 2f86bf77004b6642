// mydocker info [--format]: docker info's layout (a Client section, then the Server's facts from
// Engine.info(), which the API's GET /info serves too), or the facts through a template.
import { str } from '../argv';
import type { CliContext, CommandDefinition } from '../command';
import { InvalidArgumentError } from '../../errors/errors';
import { engineFor } from '../engine-deps';
import { renderFormat } from '../format/template';
import { VERSION } from '../main';
import type { SystemInfo } from '../../engine/info';

/** go-units BytesSize: binary units, 4 significant digits ("1.953GiB"). */
export function bytesSize(n: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB', 'EiB'];
  let v = n;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  const s = v.toPrecision(4);
  return `${s.includes('.') && !s.includes('e') ? s.replace(/\.?0+$/, '') : s}${units[i]}`;
}

/** Go's fmt.Println: operands joined by one space (so an empty value leaves "Name: "). */
const line = (...parts: (string | number | boolean)[]) => `${parts.map(String).join(' ')}\n`;
const nonEmpty = (label: string, v: string) => (v ? line(label, v) : '');

export function renderInfo(info: SystemInfo, client: { version: string; debug: boolean }): string {
  let out = 'Client:\n';
  out += line(' Version:   ', client.version) + line(' Context:   ', 'default') + line(' Debug Mode:', client.debug);
  out += '\nServer:\n';
  out += line(' Containers:', info.Containers) + line('  Running:', info.ContainersRunning) + line('  Paused:', info.ContainersPaused);
  out += line('  Stopped:', info.ContainersStopped) + line(' Images:', info.Images);
  out += nonEmpty(' Server Version:', info.ServerVersion) + nonEmpty(' Storage Driver:', info.Driver);
  out += info.DriverStatus.map(([k, v]) => `  ${k}: ${v}\n`).join('');
  out += nonEmpty(' Logging Driver:', info.LoggingDriver) + nonEmpty(' Cgroup Driver:', info.CgroupDriver) + nonEmpty(' Cgroup Version:', info.CgroupVersion);
  out += ' Plugins:\n' + line('  Volume:', info.Plugins.Volume.join(' ')) + line('  Network:', info.Plugins.Network.join(' '));
  out += line('  Log:', info.Plugins.Log.join(' '));
  out += line(' Swarm:', info.Swarm.LocalNodeState);
  const runtimes = Object.keys(info.Runtimes);
  if (runtimes.length) out += line(' Runtimes:', runtimes.join(' ')) + line(' Default Runtime:', info.DefaultRuntime);
  out += line(' Init Binary:', info.InitBinary) + line(' containerd version:', info.ContainerdCommit.ID);
  out += line(' runc version:', info.RuncCommit.ID) + line(' init version:', info.InitCommit.ID);
  if (info.SecurityOptions.length) {
    out += ' Security Options:\n';
    for (const opt of info.SecurityOptions) {
      const kv = new Map(opt.split(',').map((p) => [p.slice(0, p.indexOf('=')), p.slice(p.indexOf('=') + 1)] as const));
      out += `  ${kv.get('name') ?? opt}\n`;
      if (kv.has('profile')) out += line('   Profile:', kv.get('profile') ?? '');
    }
  }
  if (info.Rootless) {
    const r = info.Rootless;
    out += ' Rootless:\n' + line('  ID Maps:', r.IdMaps) + line('  Network:', r.Network) + line('  Storage:', r.Storage);
    out += line('  Cgroups:', r.Cgroups) + line('  Pause Process:', r.PauseProcess ?? 'none');
  }
  out += nonEmpty(' Kernel Version:', info.KernelVersion) + nonEmpty(' Operating System:', info.OperatingSystem);
  out += nonEmpty(' OSType:', info.OSType) + nonEmpty(' Architecture:', info.Architecture);
  out += line(' CPUs:', info.NCPU) + line(' Total Memory:', bytesSize(info.MemTotal));
  out += nonEmpty(' Name:', info.Name) + nonEmpty(' ID:', info.ID) + line(' Docker Root Dir:', info.DockerRootDir) + line(' Debug Mode:', info.Debug);
  if (info.Debug || client.debug) {
    out += line('  File Descriptors:', info.NFd) + line('  Goroutines:', info.NGoroutines);
    out += line('  System Time:', info.SystemTime) + line('  EventsListeners:', info.NEventsListener);
  }
  out += nonEmpty(' HTTP Proxy:', info.HttpProxy) + nonEmpty(' HTTPS Proxy:', info.HttpsProxy) + nonEmpty(' No Proxy:', info.NoProxy);
  if (info.Labels.length) out += ' Labels:\n' + info.Labels.map((l) => `  ${l}\n`).join('');
  out += line(' Experimental:', info.ExperimentalBuild);
  const reg = info.RegistryConfig;
  if (reg.InsecureRegistryCIDRs.length || Object.keys(reg.IndexConfigs).length) {
    out += ' Insecure Registries:\n';
    out += Object.values(reg.IndexConfigs).filter((c) => !c.Secure).map((c) => `  ${c.Name}\n`).join('');
    out += reg.InsecureRegistryCIDRs.map((c) => `  ${c}\n`).join('');
  }
  out += line(' Live Restore Enabled:', info.LiveRestoreEnabled);
  return `${out}\n`;
}

export const command: CommandDefinition<{ format?: string }> = {
  name: 'info',
  usage: '[OPTIONS]',
  summary: 'Display system-wide information',
  options: [{ name: 'format', short: 'f', type: 'string', description: "Format output using a custom template: 'json' or a Go template" }],
  toOptions(args) {
    if (args.positionals.length) throw new InvalidArgumentError('"mydocker info" accepts no arguments', { hint: "see 'mydocker info --help'" });
    const format = str(args, 'format');
    return format !== undefined ? { format } : {};
  },
  async run(opts, ctx: CliContext) {
    const debug = ctx.log.level === 'debug';
    const info = await engineFor(ctx).info({ serverVersion: VERSION, debug });
    const client = { Debug: debug, Version: VERSION, Context: 'default', Plugins: [] as string[], Warnings: null };
    if (opts.format !== undefined) {
      const doc = { ...info, ClientInfo: client };
      ctx.io.stdout.write(`${opts.format === 'json' ? JSON.stringify(doc) : renderFormat(opts.format, doc)}\n`);
      return 0;
    }
    ctx.io.stdout.write(renderInfo(info, { version: VERSION, debug }));
    for (const w of info.Warnings) ctx.io.stderr.write(`${w}\n`);
    return 0;
  },
};
