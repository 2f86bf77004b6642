// docker logs --details (the API's details=1): each line is preceded by the entry's attributes — the
// json-file "attrs" that --log-opt labels=/env= add — sorted, "k=v" comma-joined, and a space; with no
// attributes, by the space alone (as dockerd writes it). A timestamp, when asked for, comes first.

/** Go's url.QueryEscape: unreserved characters stay, a space becomes "+", the rest %XX. */
function queryEscape(s: string): string {
  return encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`).replace(/%20/g, '+');
}

export function detailsPrefix(attrs: Record<string, string> | undefined): string {
  const pairs = Object.entries(attrs ?? {}).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `${pairs.map(([k, v]) => `${queryEscape(k)}=${queryEscape(v)}`).join(',')} `;
}

/** The attributes a log entry carries, if any (the json-file line's "attrs"). */
export function entryAttrs(entry: object): Record<string, string> | undefined {
  const attrs = (entry as { attrs?: unknown }).attrs;
  return attrs && typeof attrs === 'object' ? (attrs as Record<string, string>) : undefined;
}
