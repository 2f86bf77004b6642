import { describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import { InvalidArgumentError } from '../errors/errors';
import { buildContainerConfig, defaultRunOptions } from './container-config';
import type { ContainerRecord } from './container-store';
import { commitConfig } from './commit';
import type { ImageConfig } from '../image/store';

const image: ImageConfig = {
  Env: ['PATH=/usr/bin:/bin', 'LANG=C'], Cmd: ['sh'], ExposedPorts: { '80/tcp': {} }, Volumes: { '/data': {} }, StopSignal: 'SIGQUIT',
};

function recordFor(over: Parameters<typeof defaultRunOptions>[0]): ContainerRecord {
  const opts = defaultRunOptions({ image: 'x', ...over });
  const { config, hostConfig } = buildContainerConfig(opts, { ref: 'x', config: image }, 'abc123', opts.env);
  return { config, hostConfig } as ContainerRecord;
}

describe('commitConfig', () => {
  it("takes the container's command, env, workdir, user and labels, keeps the image's ports and volumes", () => {
    const c = commitConfig(recordFor({ command: ['echo', 'hi'], env: ['A=1'], workdir: '/w', user: 'nobody', labels: ['k=v'] }), image, []);
    assert.deepEqual(c.Cmd, ['echo', 'hi']);
    assert.equal(c.Entrypoint, undefined);
    assert.deepEqual(c.Env, ['PATH=/usr/bin:/bin', 'LANG=C', 'A=1']);
    assert.equal(c.WorkingDir, '/w');
    assert.equal(c.User, 'nobody');
    assert.deepEqual(c.Labels, { k: 'v' });
    assert.deepEqual(c.ExposedPorts, { '80/tcp': {} });
    assert.deepEqual(c.Volumes, { '/data': {} });
    assert.equal(c.StopSignal, 'SIGQUIT');
  });

  it('keeps anonymous volumes given with -v, as docker does', () => {
    const c = commitConfig(recordFor({ volumes: ['/cache', 'named:/n', '/host:/h'] }), image, []);
    assert.deepEqual(c.Volumes, { '/data': {}, '/cache': {} });
  });

  it('leaves out what the engine adds (HOSTNAME, TERM for -t)', () => {
    const c = commitConfig(recordFor({ tty: true }), image, []);
    assert.ok(!c.Env!.some((e) => e.startsWith('HOSTNAME=') || e.startsWith('TERM=')), String(c.Env));
  });

  it('applies --change last', () => {
    const c = commitConfig(recordFor({ command: ['echo'] }), image, ['CMD ["cat", "/f"]', 'ENV B=2', 'ENTRYPOINT /bin/x', 'LABEL l=1']);
    assert.deepEqual(c.Cmd, ['cat', '/f']);
    assert.deepEqual(c.Entrypoint, ['/bin/sh', '-c', '/bin/x']);
    assert.ok(c.Env!.includes('B=2'));
    assert.deepEqual(c.Labels, { l: '1' });
    assert.throws(() => commitConfig(recordFor({}), image, ['RUN make']), InvalidArgumentError);
  });
});
