import { describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import { InvalidArgumentError } from '../errors/errors';
import { parseChanges, shellWords } from './changes';

describe('import --change', () => {
  it('parses CMD and ENTRYPOINT in exec and shell form', () => {
    assert.deepEqual(parseChanges(['CMD ["nginx", "-g", "daemon off;"]']), { Cmd: ['nginx', '-g', 'daemon off;'] });
    assert.deepEqual(parseChanges(['CMD echo "hi there"']), { Cmd: ['/bin/sh', '-c', 'echo "hi there"'] });
    assert.deepEqual(parseChanges(['entrypoint ["/init"]']), { Entrypoint: ['/init'] });
    assert.deepEqual(parseChanges(['ENTRYPOINT [not json']), { Entrypoint: ['/bin/sh', '-c', '[not json'] });
  });

  it('parses ENV in both forms, later values win', () => {
    assert.deepEqual(parseChanges(['ENV A=1 B="two words" C=x\\ y', 'ENV D some value', 'ENV A=3']), { Env: ['A=3', 'B=two words', 'C=x y', 'D=some value'] });
  });

  it('parses LABEL, EXPOSE, WORKDIR, USER, VOLUME, STOPSIGNAL', () => {
    assert.deepEqual(
      parseChanges(['LABEL a=b "c d"=\'e f\'', 'EXPOSE 80 53/udp 8000-8001', 'WORKDIR /app', 'WORKDIR sub', 'USER nobody:nogroup', 'VOLUME ["/data"]', 'VOLUME /a /b', 'STOPSIGNAL SIGINT']),
      {
        Labels: { a: 'b', 'c d': 'e f' },
        ExposedPorts: { '80/tcp': {}, '53/udp': {}, '8000/tcp': {}, '8001/tcp': {} },
        WorkingDir: '/app/sub',
        User: 'nobody:nogroup',
        Volumes: { '/data': {}, '/a': {}, '/b': {} },
        StopSignal: 'SIGINT',
      },
    );
  });

  it('refuses unknown instructions and bad arguments', () => {
    const invalid = (re: RegExp) => (err: unknown) => err instanceof InvalidArgumentError && re.test(err.message);
    assert.throws(() => parseChanges(['RUN rm -rf /']), invalid(/RUN is not a valid change command/));
    assert.throws(() => parseChanges(['CMD']), invalid(/CMD requires an argument/));
    assert.throws(() => parseChanges(['EXPOSE 99999']), invalid(/invalid port/));
    assert.throws(() => parseChanges(['LABEL novalue']), invalid(/needs key=value/));
    assert.throws(() => parseChanges(['ENV A="open']), invalid(/unterminated quote/));
  });

  it('splits words like a shell', () => {
    assert.deepEqual(shellWords(` a  'b c' "d \\"e\\"" f\\ g `), ['a', 'b c', 'd "e"', 'f g']);
  });
});
