// OCI start: opening the exec fifo for reading lets the blocked init write its byte and exec the
// user's process. The fifo is opened non-blocking and read until the byte comes or the init dies,
// so a container that died after create makes start fail instead of hang.
import * as fs from 'node:fs';
import { FailedPreconditionError } from '../../errors/errors';
import type { Logger } from '../../log/log';
import type { RuntimeContainer } from '../container';
import { runHooks } from '../hooks';
import { readSpec } from './run';
import { processAlive } from '../state';

export async function startContainer(container: RuntimeContainer, log: Logger, opts: { runPoststart?: boolean } = {}): Promise<void> {
  container.expect('start', log);
  const state = container.state();
  const fd = fs.openSync(container.fifo, fs.constants.O_RDONLY | fs.constants.O_NONBLOCK);
  try {
    const buf = Buffer.alloc(1);
    const readByte = (): boolean => {
      try {
        return fs.readSync(fd, buf, 0, 1, null) === 1;
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EAGAIN') throw err;
        return false;
      }
    };
    for (;;) {
      if (readByte()) break;
      // A short command may get the byte, exec and exit between that read and this check: the byte
      // then still waits in the fifo, and the container did start.
      if (!processAlive(state.pid, state.pidStartTime)) {
        if (readByte()) break;
        throw new FailedPreconditionError(`cannot start container ${container.id}: its init died`);
      }
      await new Promise((r) => setTimeout(r, 1));
    }
  } finally {
    fs.closeSync(fd);
  }
  fs.rmSync(container.fifo, { force: true });
  log.step('runtime', 'start', { id: container.id, pid: state.pid });
  if (opts.runPoststart !== false) {
    const spec = readSpec(state.bundle);
    try {
      await runHooks('poststart', spec.hooks?.poststart, container.ociState(log), log);
    } catch (err) {
      log.warn('runtime', 'a poststart hook failed', { error: (err as Error).message }); // the spec: warn, go on
    }
  }
}
