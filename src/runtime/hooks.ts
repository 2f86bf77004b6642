// The OCI hooks the runtime runs itself, in its own namespaces: prestart and createRuntime (after the
// init exists, before it may go on), poststart (after start), poststop (after delete). Each gets the
// container's state JSON on stdin; createContainer and startContainer run inside the container
// (the init runs them: native/src/hooks.c).
import { spawn } from 'node:child_process';
import { InternalError } from '../errors/errors';
import type { Logger } from '../log/log';
import type { Hook } from './spec';

export async function runHooks(stage: string, hooks: Hook[] | undefined, state: object, log: Logger): Promise<void> {
  for (const h of hooks ?? []) await runHook(stage, h, JSON.stringify(state), log);
}

function runHook(stage: string, h: Hook, state: string, log: Logger): Promise<void> {
  return new Promise((resolve, reject) => {
    const [argv0, ...args] = h.args?.length ? h.args : [h.path];
    const child = spawn(h.path, args, { argv0, env: Object.fromEntries((h.env ?? []).map((e) => [e.slice(0, e.indexOf('=')), e.slice(e.indexOf('=') + 1)])), stdio: ['pipe', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    child.stdin.on('error', () => undefined); // a hook need not read the state
    child.stdin.end(state);
    const timer = h.timeout ? setTimeout(() => child.kill('SIGKILL'), h.timeout * 1000) : undefined;
    child.on('error', (err) => reject(new InternalError(`${stage} hook ${h.path}: ${err.message}`)));
    child.on('exit', (code, signal) => {
      if (timer) clearTimeout(timer);
      log.step('runtime', 'hook', { stage, path: h.path, code, signal });
      if (code === 0) resolve();
      else reject(new InternalError(`${stage} hook ${h.path} failed (${signal ? `signal ${signal}` : `exit status ${code}`})${stderr ? `: ${stderr.trim()}` : ''}`));
    });
  });
}
