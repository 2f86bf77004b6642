// Images in docker's wire types: the list entry (ImageSummary) and history rows.
import type { ImageRecord } from '../../image/store';
import { unixSeconds } from './containers';

export function imageSummary(img: ImageRecord) {
  return {
    Id: img.id,
    ParentId: '',
    RepoTags: img.repoTags,
    RepoDigests: img.repoDigests,
    Created: unixSeconds(img.created),
    Size: img.size,
    SharedSize: -1,
    VirtualSize: img.size,
    Labels: img.config.Labels ?? {},
    Containers: -1,
  };
}

/** Go's time.Time String() ("2024-01-02 15:04:05 +0000 UTC", what history rows carry) back to unix seconds. */
export function goTimeSeconds(text: string): number {
  const m = /^(\d{4}-\d{2}-\d{2}) (\d{2}:\d{2}:\d{2}) \+0000 UTC$/.exec(text);
  return m ? Math.floor(Date.parse(`${m[1]}T${m[2]}Z`) / 1000) : 0;
}

export interface HistoryItem {
  Id: string;
  Created: number;
  CreatedBy: string;
  Tags: string[] | null;
  Size: number;
  Comment: string;
}

export function historyItems(rows: { ID: string; CreatedAt: string; CreatedBy: string; Size: string; Comment: string }[], tags: string[]): HistoryItem[] {
  return rows.map((r, i) => ({
    Id: r.ID,
    Created: goTimeSeconds(r.CreatedAt),
    CreatedBy: r.CreatedBy,
    Tags: i === 0 && tags.length ? tags : null,
    Size: Number(r.Size) || 0,
    Comment: r.Comment,
  }));
}
