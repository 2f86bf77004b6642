// docker inspect for containers: docker's JSON shape, from the record and the derived status.
import { buildSettings, networkConfigOf } from '../network-record';
import type { ContainerConfig, HostConfig } from '../container-config';
import { dockerMountPoint } from '../container-mounts';
import type { ContainerView, EngineDeps } from './context';
import type { Health } from '../health/health-state';
import { store, viewContainer } from './context';
import { heldCapabilities, securityInspect, type SecurityInspect } from '../security/container-security';

export interface ContainerInspect {
  Id: string;
  Created: string;
  Path: string;
  Args: string[];
  State: {
    Status: string; Running: boolean; Paused: boolean; Restarting: boolean; OOMKilled: boolean; Dead: boolean;
    Pid: number; ExitCode: number; Error: string; StartedAt: string; FinishedAt: string;
    Health?: Health;
  };
  Image: string;
  ResolvConfPath: string;
  HostnamePath: string;
  HostsPath: string;
  LogPath: string;
  Name: string;
  RestartCount: number;
  Driver: string;
  Platform: string;
  HostConfig: HostConfig;
  GraphDriver: { Name: string; Data: Record<string, string> };
  Mounts: ReturnType<typeof dockerMountPoint>[];
  Config: ContainerConfig;
  NetworkSettings: unknown;
  /** mydocker's own: the effective seccomp, capabilities, no_new_privs, user namespace, keyring. */
  Security: SecurityInspect;
}

const ZERO_TIME = '0001-01-01T00:00:00Z';

export function inspectView(view: ContainerView): ContainerInspect {
  const { record: r, paths: p, derived: d } = view;
  const alive = d.status === 'running' || d.status === 'paused';
  return {
    Id: r.id,
    Created: r.created,
    Path: r.path,
    Args: r.args,
    State: {
      Status: d.status,
      Running: alive,
      Paused: d.status === 'paused',
      Restarting: d.status === 'restarting',
      OOMKilled: view.exit?.oomKilled ?? false,
      Dead: d.status === 'dead',
      Pid: alive ? view.state?.pid ?? 0 : 0,
      ExitCode: alive ? 0 : view.exit?.exitCode ?? (d.status === 'created' ? 0 : 255),
      Error: d.status === 'dead' ? d.reason ?? '' : '',
      StartedAt: view.started?.startedAt ?? ZERO_TIME,
      FinishedAt: alive ? ZERO_TIME : view.exit?.finishedAt ?? ZERO_TIME,
      ...(view.health ? { Health: view.health } : {}),
    },
    Image: r.imageId,
    ResolvConfPath: `${p.dir}/resolv.conf`,
    HostnamePath: `${p.dir}/hostname`,
    HostsPath: `${p.dir}/hosts`,
    LogPath: r.hostConfig.LogConfig?.Type === 'none' ? '' : p.logFile, // docker's: no file with --log-driver none
    Name: `/${r.name}`,
    RestartCount: view.started?.restartCount ?? 0,
    Driver: 'overlay2',
    Platform: 'linux',
    HostConfig: r.hostConfig,
    GraphDriver: {
      Name: 'overlay2',
      Data: { LowerDir: [...r.lowerDirs].reverse().join(':'), UpperDir: p.upper, WorkDir: p.work, MergedDir: p.rootfs },
    },
    Mounts: (r.mounts ?? []).map(dockerMountPoint),
    Config: r.config,
    NetworkSettings: r.networkSettings ?? buildSettings(networkConfigOf(r), undefined, [], r.id),
    Security: securityInspect(r.hostConfig, r.idMappings, heldCapabilities()),
  };
}

export function inspectContainer(deps: EngineDeps, ref: string): ContainerInspect {
  return inspectView(viewContainer(deps, store(deps).resolve(ref)));
}
