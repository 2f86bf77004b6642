// docker's words for containers: the status column, the quoted command, ps rows.
import type { ContainerView } from '../../engine/lifecycle/context';
import { ago, goTime } from '../../format/words';
import { statusText } from '../../format/container-status';


/** docker quotes the command and cuts it at 20 characters with an ellipsis. */
export function commandText(view: ContainerView, noTrunc: boolean): string {
  const cmd = JSON.stringify([view.record.path, ...view.record.args].join(' '));
  return noTrunc || cmd.length <= 20 ? cmd : `${cmd.slice(0, 19)}…`;
}

export interface PsRow {
  ID: string;
  Image: string;
  Command: string;
  CreatedAt: string;
  RunningFor: string;
  Ports: string;
  State: string;
  Status: string;
  Names: string;
  Labels: string;
  Mounts: string;
  Networks: string;
}

export function psRow(view: ContainerView, noTrunc: boolean, ports = ''): PsRow {
  const r = view.record;
  return {
    ID: noTrunc ? r.id : r.id.slice(0, 12),
    Image: r.image,
    Command: commandText(view, noTrunc),
    CreatedAt: goTime(r.created),
    RunningFor: ago(r.created),
    Ports: ports,
    State: view.derived.status,
    Status: statusText(view),
    Names: r.name,
    Labels: Object.entries(r.config.Labels).map(([k, v]) => `${k}=${v}`).join(','),
    Mounts: (r.mounts ?? []).map((m) => m.Name ?? m.Source).join(','),
    Networks: r.hostConfig.NetworkMode,
  };
}

export const PS_TABLE = 'table {{.ID}}\t{{.Image}}\t{{.Command}}\t{{.RunningFor}}\t{{.Status}}\t{{.Ports}}\t{{.Names}}';
export const PS_HEADERS: Record<string, string> = {
  '.ID': 'CONTAINER ID', '.Image': 'IMAGE', '.Command': 'COMMAND', '.CreatedAt': 'CREATED AT', '.RunningFor': 'CREATED',
  '.Ports': 'PORTS', '.State': 'STATE', '.Status': 'STATUS', '.Names': 'NAMES', '.Labels': 'LABELS', '.Mounts': 'MOUNTS',
  '.Networks': 'NETWORKS',
};
