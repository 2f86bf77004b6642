// docker's sig-proxy: signals the CLI receives go to the container's init; SIGWINCH goes to
// whoever holds the pty (nsexec's stage-0 in the foreground), which reads the new size itself.
const FORWARDED: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGQUIT', 'SIGUSR1', 'SIGUSR2'];

function sendTo(pid: number, sig: NodeJS.Signals): void {
  try {
    process.kill(pid, sig);
  } catch {
    // already gone
  }
}

/** Returns the function that stops forwarding. */
export function forwardSignals(pid: number, proxy: boolean, winchTo?: number): () => void {
  const handlers = new Map<NodeJS.Signals, () => void>();
  if (proxy) for (const sig of FORWARDED) handlers.set(sig, () => sendTo(pid, sig));
  if (winchTo !== undefined) handlers.set('SIGWINCH', () => sendTo(winchTo, 'SIGWINCH'));
  for (const [sig, h] of handlers) process.on(sig, h);
  return () => {
    for (const [sig, h] of handlers) process.off(sig, h);
  };
}
