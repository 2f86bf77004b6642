// import --change and commit --change: the Dockerfile instructions land in the image config (inspect) and a
// container of the image behaves by them (command, entrypoint, environment, directory, user, published ports).
import { before, test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { useSandbox } from '../helpers/sandbox';

const sb = useSandbox('change');
const ok = sb.ok;
let tarball = '';

before(() => {
  // a busybox root filesystem as a plain tarball, the input of import
  const id = ok(['create', 'busybox', 'true']).stdout.trim();
  tarball = path.join(sb.dir, 'rootfs.tar');
  ok(['export', '-o', tarball, id]);
  ok(['rm', id]);
});

const json = (args: string[]) => JSON.parse(ok(args).stdout);

test('import --change: CMD, ENTRYPOINT, ENV, WORKDIR, USER, EXPOSE, LABEL, VOLUME, STOPSIGNAL in the image and in a run', () => {
  ok(['import',
    '-c', 'ENV GREETING=hello', '-c', 'ENV MSG="$GREETING world" PATH=/usr/bin:/bin',
    '--change', 'WORKDIR /srv', '--change', 'WORKDIR app',
    '-c', 'USER 1234:5678',
    '-c', 'EXPOSE 8080 53/udp',
    '-c', 'LABEL team=core "build id"=42',
    '-c', 'ENTRYPOINT ["/bin/sh", "-c", "echo \\"$0: $MSG from $(pwd) as $(id -u):$(id -g)\\""]',
    '-c', 'CMD ["greeter"]',
    '-c', 'STOPSIGNAL SIGUSR1',
    '-c', 'VOLUME /data',
    tarball, 'changed:import']);
  const [image] = json(['image', 'inspect', 'changed:import']);
  const c = image.Config;
  assert.deepEqual(c.Entrypoint, ['/bin/sh', '-c', 'echo "$0: $MSG from $(pwd) as $(id -u):$(id -g)"']);
  assert.deepEqual(c.Cmd, ['greeter']);
  assert.deepEqual(c.Env, ['GREETING=hello', 'MSG=hello world', 'PATH=/usr/bin:/bin']);
  assert.equal(c.WorkingDir, '/srv/app');
  assert.equal(c.User, '1234:5678');
  assert.deepEqual(c.ExposedPorts, { '8080/tcp': {}, '53/udp': {} });
  assert.deepEqual(c.Labels, { team: 'core', 'build id': '42' });
  assert.deepEqual(c.Volumes, { '/data': {} });
  assert.equal(c.StopSignal, 'SIGUSR1');

  // the container takes all of it: entrypoint + cmd, env, the (created) workdir, the user
  const name = 'change-import-run';
  const r = ok(['run', '--name', name, 'changed:import']);
  assert.equal(r.stdout, 'greeter: hello world from /srv/app as 1234:5678\n');
  const [ctr] = json(['inspect', name]);
  assert.deepEqual(ctr.Config.Labels, { team: 'core', 'build id': '42' });
  assert.equal(ctr.Config.StopSignal, 'SIGUSR1');
  assert.equal(ctr.Config.User, '1234:5678');
  assert.ok(ctr.Mounts.some((m: { Destination: string; Type: string }) => m.Destination === '/data' && m.Type === 'volume'), JSON.stringify(ctr.Mounts));
  // a command given to run replaces CMD and keeps ENTRYPOINT, as in docker
  assert.equal(ok(['run', '--rm', 'changed:import', 'other']).stdout, 'other: hello world from /srv/app as 1234:5678\n');
  ok(['rm', '-v', name]);
});

test('commit --change: shell-form CMD, ENV expanded from the container\'s, USER, WORKDIR, EXPOSE published by -P, LABEL', () => {
  const src = 'change-commit-src';
  ok(['run', '--name', src, 'busybox', 'sh', '-c', 'mkdir -p /srv/www && echo page > /srv/www/index.txt']);
  ok(['commit',
    '-c', 'CMD cat index.txt; echo "as $(id -un) in $(pwd) with $EXTRA"',
    '-c', 'WORKDIR /srv/www',
    '-c', 'ENV EXTRA=/opt/x:$PATH',
    '-c', 'USER nobody',
    '-c', 'EXPOSE 80',
    '-c', 'LABEL role=web',
    src, 'changed:commit']);
  ok(['rm', src]);
  const [image] = json(['image', 'inspect', 'changed:commit']);
  assert.deepEqual(image.Config.Cmd, ['/bin/sh', '-c', 'cat index.txt; echo "as $(id -un) in $(pwd) with $EXTRA"']);
  const path0 = image.Config.Env.find((e: string) => e.startsWith('PATH=')).slice(5);
  assert.ok(image.Config.Env.includes(`EXTRA=/opt/x:${path0}`), image.Config.Env.join(' '));
  assert.deepEqual(image.Config.Labels, { role: 'web' });
  assert.deepEqual(image.Config.ExposedPorts, { '80/tcp': {} });
  assert.equal(ok(['run', '--rm', 'changed:commit']).stdout, `page\nas nobody in /srv/www with /opt/x:${path0}\n`);

  // EXPOSE in behaviour: -P publishes the image's exposed port on a host port
  const id = ok(['run', '-d', '-P', 'changed:commit', 'sleep', '600']).stdout.trim();
  try {
    assert.match(ok(['port', id]).stdout, /^80\/tcp -> [0-9.]+:\d+$/m);
    assert.equal(ok(['inspect', '-f', '{{.Config.Labels.role}}', id]).stdout.trim(), 'web');
  } finally {
    ok(['rm', '-f', id]);
  }
});

test('bad or unsupported instructions are refused with one line before anything is made', () => {
  const cases: [string, RegExp][] = [
    ['ONBUILD RUN make', /ONBUILD is not supported in --change/],
    ['RUN true', /RUN is not a valid change command/],
    ['STOPSIGNAL SIGNOPE', /invalid signal "SIGNOPE"/],
    ['EXPOSE 99999', /invalid port/],
  ];
  for (const [change, pattern] of cases) {
    for (const args of [['import', '-c', change, tarball, 'changed:bad'], ['commit', '-c', change, 'no-such-container-needed', 'changed:bad']]) {
      const r = sb.run(args);
      assert.equal(r.code, 125, `${args.join(' ')}: ${r.stderr}`);
      assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
      assert.match(r.stderr, pattern);
    }
  }
  assert.doesNotMatch(ok(['images']).stdout, /changed\s+bad/);
});
