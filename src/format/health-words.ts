// docker's words for a container's health in the STATUS column: "Up 5 seconds (healthy)",
// "(health: starting)", "(unhealthy)"; nothing without a health check.
export function healthSuffix(health: { Status: string } | undefined): string {
  if (!health) return '';
  return health.Status === 'starting' ? ' (health: starting)' : ` (${health.Status})`;
}
