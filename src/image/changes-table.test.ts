// --change, table-driven: each row is the instructions applied in order to a base config, and the config
// (or the error) they must give.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { applyChange, splitChanges } from './changes';
import type { ImageConfig } from './oci';

const BASE: ImageConfig = { Env: ['PATH=/usr/bin:/bin', 'APP=/srv/app'], WorkingDir: '/srv' };

const ROWS: [string, string[], Partial<ImageConfig> | RegExp][] = [
  ['CMD exec form', ['CMD ["/bin/echo", "hi there"]'], { Cmd: ['/bin/echo', 'hi there'] }],
  ['CMD shell form', ['CMD echo $APP'], { Cmd: ['/bin/sh', '-c', 'echo $APP'] }],
  ['cmd is case-insensitive', ['cmd ["true"]'], { Cmd: ['true'] }],
  ['ENTRYPOINT exec form', ['ENTRYPOINT ["/init", "--"]'], { Entrypoint: ['/init', '--'] }],
  ['ENTRYPOINT shell form', ['ENTRYPOINT exec top -b'], { Entrypoint: ['/bin/sh', '-c', 'exec top -b'] }],
  ['ENTRYPOINT with broken JSON is shell form', ['ENTRYPOINT ["x"'], { Entrypoint: ['/bin/sh', '-c', '["x"'] }],
  ['ENV pairs with quotes', ['ENV A=1 B="two words"'], { Env: ['PATH=/usr/bin:/bin', 'APP=/srv/app', 'A=1', 'B=two words'] }],
  ['ENV legacy form', ['ENV GREETING hello world'], { Env: ['PATH=/usr/bin:/bin', 'APP=/srv/app', 'GREETING=hello world'] }],
  ['ENV expands the config\'s variables', ['ENV PATH=/opt/bin:$PATH'], { Env: ['PATH=/opt/bin:/usr/bin:/bin', 'APP=/srv/app'] }],
  ['ENV ${VAR:-default} and ${VAR:+alt}', ['ENV X=${NOPE:-dflt} Y=${APP:+set}'], { Env: ['PATH=/usr/bin:/bin', 'APP=/srv/app', 'X=dflt', 'Y=set'] }],
  ['ENV single quotes and \\$ do not expand', ['ENV A=\'$APP\' B=\\$APP'], { Env: ['PATH=/usr/bin:/bin', 'APP=/srv/app', 'A=$APP', 'B=$APP'] }],
  ['ENV in one instruction sees the values before it', ['ENV APP=/new OLD=$APP'], { Env: ['PATH=/usr/bin:/bin', 'APP=/new', 'OLD=/srv/app'] }],
  ['ENV then ENV sees the new value', ['ENV APP=/new', 'ENV OLD=$APP'], { Env: ['PATH=/usr/bin:/bin', 'APP=/new', 'OLD=/new'] }],
  ['WORKDIR absolute', ['WORKDIR /app'], { WorkingDir: '/app' }],
  ['WORKDIR relative joins the previous one', ['WORKDIR sub', 'WORKDIR ../other'], { WorkingDir: '/srv/other' }],
  ['WORKDIR expands', ['WORKDIR $APP/data'], { WorkingDir: '/srv/app/data' }],
  ['USER name:group', ['USER nobody:nogroup'], { User: 'nobody:nogroup' }],
  ['USER uid', ['USER 1000'], { User: '1000' }],
  ['EXPOSE ports, protocols and a range', ['EXPOSE 80 53/udp 8000-8001/tcp'], { ExposedPorts: { '80/tcp': {}, '53/udp': {}, '8000/tcp': {}, '8001/tcp': {} } }],
  ['LABEL pairs', ['LABEL a=b "c d"=\'e f\''], { Labels: { a: 'b', 'c d': 'e f' } }],
  ['LABEL legacy form', ['LABEL maintainer someone@example.org'], { Labels: { maintainer: 'someone@example.org' } }],
  ['LABEL expands', ['LABEL home=$APP'], { Labels: { home: '/srv/app' } }],
  ['VOLUME JSON', ['VOLUME ["/data", "/logs"]'], { Volumes: { '/data': {}, '/logs': {} } }],
  ['VOLUME words', ['VOLUME /a /b'], { Volumes: { '/a': {}, '/b': {} } }],
  ['STOPSIGNAL name', ['STOPSIGNAL SIGINT'], { StopSignal: 'SIGINT' }],
  ['STOPSIGNAL without SIG', ['STOPSIGNAL QUIT'], { StopSignal: 'QUIT' }],
  ['STOPSIGNAL number', ['STOPSIGNAL 9'], { StopSignal: '9' }],
  ['a continued line', ['CMD echo one \\\n  two'], { Cmd: ['/bin/sh', '-c', 'echo one two'] }],
  ['STOPSIGNAL unknown', ['STOPSIGNAL SIGNOPE'], /invalid signal "SIGNOPE"/],
  ['ONBUILD refused', ['ONBUILD RUN make'], /ONBUILD is not supported in --change/],
  ['RUN refused', ['RUN true'], /RUN is not a valid change command/],
  ['FROM refused', ['FROM busybox'], /FROM is not a valid change command/],
  ['CMD without argument', ['CMD'], /CMD requires an argument/],
  ['ENV legacy without a value', ['ENV LONELY'], /ENV LONELY needs key=value/],
  ['EXPOSE out of range', ['EXPOSE 70000'], /invalid port/],
  ['LABEL without =', ['LABEL a=b c'], /needs key=value/],
];

for (const [name, changes, want] of ROWS) {
  test(`--change: ${name}`, () => {
    const config: ImageConfig = structuredClone(BASE);
    const run = () => {
      for (const c of changes) applyChange(config, c);
    };
    if (want instanceof RegExp) {
      assert.throws(run, want);
      return;
    }
    run();
    assert.deepEqual(config, { ...structuredClone(BASE), ...want });
  });
}

test('the API\'s changes values are read as Dockerfile lines (docker joins them with newlines)', () => {
  assert.deepEqual(splitChanges(['CMD ["a"]\nENV A=1', '', 'LABEL x=y']), ['CMD ["a"]', 'ENV A=1', 'LABEL x=y']);
  assert.deepEqual(splitChanges(['CMD echo one \\\n  two', '# a comment']), ['CMD echo one \\\n  two']);
});
