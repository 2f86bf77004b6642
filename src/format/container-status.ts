// docker's Status words for a container ("Up 3 minutes (healthy)", "Exited (0) 2 seconds ago"), which the
// daemon computes: one text for `ps`, `system df -v` and the Engine API's list.
import type { ContainerView } from '../engine/lifecycle/context';
import { ago, humanDuration } from './words';
import { healthSuffix } from './health-words';

export function statusText(view: ContainerView, now = Date.now()): string {
  const d = view.derived;
  const since = (t: string | undefined) => (t ? humanDuration(Math.max(0, now - Date.parse(t))) : '');
  switch (d.status) {
    case 'created': return 'Created';
    case 'running': return `Up ${since(view.started?.startedAt)}${healthSuffix(view.health)}`;
    case 'paused': return `Up ${since(view.started?.startedAt)} (Paused)`;
    case 'restarting': return `Restarting (${view.exit?.exitCode ?? 0}) ${ago(view.exit?.finishedAt ?? '', now)}`;
    case 'exited': return `Exited (${view.exit?.exitCode ?? 255}) ${ago(view.exit?.finishedAt ?? view.started?.startedAt ?? view.record.created, now)}`;
    case 'dead': return 'Dead';
  }
}
