// mydocker build against the real kernel, from the built-in busybox image: every instruction's effect (in inspect
// and inside a run of the result), multi-stage with COPY --from and --target, the layer cache, .dockerignore,
// --chown/--chmod, ADD of a tar, a failing RUN (exit 1, nothing left), a context symlink pointing outside, build args.
import { describe, test } from 'node:test';
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { useSandbox } from '../helpers/sandbox';
import { COMPOSE_APP } from '../helpers/app-images';
import * as http from 'node:http';
import * as net from 'node:net';

const sb = useSandbox('build');
const ok = sb.ok;
const inspect = (ref: string) => JSON.parse(ok(['image', 'inspect', ref]).stdout)[0];
const run = (ref: string, script: string) => ok(['run', '--rm', '--entrypoint', 'sh', ref, '-c', script]).stdout;

let n = 0;
/** A fresh context dir with these files (a Dockerfile among them). */
function context(files: Record<string, string>): string {
  const dir = path.join(sb.dir, `ctx${n++}`);
  for (const [name, body] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    fs.writeFileSync(path.join(dir, name), body);
  }
  return dir;
}

describe('build', () => {
  test('every config instruction lands in the image config; RUN/COPY/WORKDIR in its files', () => {
    const dir = context({
      'Dockerfile': [
        'FROM busybox',
        'ARG WHO=world',
        'ENV GREETING="hi there" EMPTY=',
        'LABEL org.test=one "two words"=2',
        'WORKDIR /app',
        'WORKDIR sub',
        'COPY a.txt ./',
        'RUN echo "$GREETING $WHO" > run.txt',
        'SHELL ["/bin/sh", "-c"]',
        'USER 1000:1000',
        'EXPOSE 8080 53/udp',
        'VOLUME ["/data"]',
        'STOPSIGNAL SIGUSR1',
        'HEALTHCHECK --interval=5s --retries=4 CMD test -f /app/sub/a.txt',
        'ONBUILD RUN echo triggered > /tmp/onbuild.txt',
        'ENTRYPOINT ["/bin/cat"]',
        'CMD ["/app/sub/run.txt"]',
        '',
      ].join('\n'),
      'a.txt': 'from the context\n',
    });
    ok(['build', '-t', 'cfg:1', '--label', 'extra=yes', dir]);
    const c = inspect('cfg:1').Config;
    assert.equal(c.User, '1000:1000');
    assert.equal(c.WorkingDir, '/app/sub');
    assert.deepEqual(c.Entrypoint, ['/bin/cat']);
    assert.deepEqual(c.Cmd, ['/app/sub/run.txt']);
    assert.ok(c.Env.includes('GREETING=hi there') && c.Env.includes('EMPTY='), JSON.stringify(c.Env));
    assert.ok(!c.Env.some((e: string) => e.startsWith('WHO=')), 'ARG is not kept in the image env');
    assert.deepEqual(c.ExposedPorts, { '8080/tcp': {}, '53/udp': {} });
    assert.deepEqual(c.Volumes, { '/data': {} });
    assert.equal(c.StopSignal, 'SIGUSR1');
    assert.deepEqual(c.Labels, { 'org.test': 'one', 'two words': '2', extra: 'yes' });
    assert.deepEqual(c.Healthcheck, { Test: ['CMD-SHELL', 'test -f /app/sub/a.txt'], Interval: 5_000_000_000, Retries: 4 });
    assert.deepEqual(c.Shell, ['/bin/sh', '-c']);
    assert.deepEqual(c.OnBuild, ['RUN echo triggered > /tmp/onbuild.txt']);
    // metadata steps are empty history entries, RUN/COPY/WORKDIR ones carry a layer
    const history = inspect('cfg:1').RootFS.Layers.length - inspect('busybox').RootFS.Layers.length;
    assert.equal(history, 4, 'WORKDIR /app, WORKDIR sub, COPY, RUN');
    // the default command of the result prints what RUN wrote, with the ENV and the ARG it saw
    assert.equal(ok(['run', '--rm', 'cfg:1']).stdout, 'hi there world\n');
    assert.equal(run('cfg:1', 'cat /app/sub/a.txt; stat -c %u:%g /app/sub/a.txt; id -u'), 'from the context\n0:0\n1000\n');
    // ONBUILD runs when a later build starts FROM the image
    const child = context({ 'Dockerfile': 'FROM cfg:1\nUSER 0\n' });
    ok(['build', '-t', 'child:1', child]);
    assert.equal(run('child:1', 'cat /tmp/onbuild.txt'), 'triggered\n');
    assert.equal(inspect('child:1').Config.OnBuild, null, 'triggers do not carry over to the child');
  });

  test('build args: --build-arg overrides the default, undeclared ones warn; global ARG in FROM', () => {
    const dir = context({ 'Dockerfile': 'ARG BASE=busybox\nFROM $BASE\nARG V=default\nRUN echo "v=$V" > /v.txt\n' });
    const out = ok(['build', '-t', 'args:1', '--build-arg', 'V=given', '--build-arg', 'UNUSED=1', dir]).stdout;
    assert.match(out, /\[Warning\] One or more build-args \[UNUSED\] were not consumed/);
    assert.equal(run('args:1', 'cat /v.txt'), 'v=given\n');
    ok(['build', '-t', 'args:2', dir]);
    assert.equal(run('args:2', 'cat /v.txt'), 'v=default\n');
  });

  test('multi-stage: COPY --from a stage, only the target stage in the result, --target stops early', () => {
    const dir = context({
      'Dockerfile': [
        'FROM busybox AS builder',
        'RUN echo artifact > /artifact && mkdir /out && echo two > /out/two',
        'FROM busybox AS other',
        'RUN echo other > /other',
        'FROM scratch',
        'COPY --from=builder /artifact /out/ /result/',
        'COPY --from=builder /bin/busybox /bin/cat',
        'ENTRYPOINT ["/bin/cat"]',
        '',
      ].join('\n'),
    });
    ok(['build', '-t', 'ms:1', dir]);
    assert.equal(ok(['run', '--rm', 'ms:1', '/result/artifact']).stdout, 'artifact\n');
    assert.equal(ok(['run', '--rm', 'ms:1', '/result/two']).stdout, 'two\n');
    assert.equal(inspect('ms:1').RootFS.Layers.length, 2, 'two COPY layers on scratch, nothing of the builder stage');
    const q = ok(['build', '-q', '--target', 'other', '--iidfile', path.join(sb.dir, 'iid'), '-t', 'ms:other', dir]).stdout.trim();
    assert.match(q, /^sha256:[a-f0-9]{64}$/, '-q prints only the id');
    assert.equal(fs.readFileSync(path.join(sb.dir, 'iid'), 'utf8'), q);
    assert.equal(run('ms:other', 'cat /other'), 'other\n');
    assert.equal(inspect('ms:other').Id, q);
  });

  test('cache: an unchanged rebuild is all CACHED; touching one file rebuilds from its COPY on', () => {
    const dir = context({
      'Dockerfile': 'FROM busybox\nENV A=1\nCOPY one.txt /one.txt\nRUN echo run1 > /r1\nCOPY two.txt /two.txt\nRUN cat /two.txt > /r2\n',
      'one.txt': '1\n', 'two.txt': '2\n',
    });
    // what earlier tests of this file left untagged in the shared store
    const untagged = (args: string[]) => ok(['images', ...args, '--format', '{{.ID}} {{.Repository}}']).stdout.split('\n').filter((l) => l.endsWith(' <none>'));
    const before = untagged(['-a']);
    const first = ok(['build', '-t', 'cache:1', dir]).stdout;
    assert.doesNotMatch(first, /CACHED/);
    const id1 = inspect('cache:1').Id;
    const again = ok(['build', '-t', 'cache:1', dir]).stdout;
    assert.equal((again.match(/CACHED/g) ?? []).length, 5, again);
    assert.equal(inspect('cache:1').Id, id1, 'the same image');
    fs.writeFileSync(path.join(dir, 'two.txt'), 'changed\n');
    const third = ok(['build', '-t', 'cache:1', dir]).stdout;
    assert.equal((third.match(/CACHED/g) ?? []).length, 3, third);
    assert.match(third, /COPY two\.txt \/two\.txt\n(?!#\d+ CACHED)/);
    assert.equal(run('cache:1', 'cat /r2'), 'changed\n');
    // docker's listing: the step images a build was made of only with -a; the replaced cache:1 is dangling, shown
    const added = (args: string[]) => untagged(args).filter((l) => !before.includes(l));
    assert.deepEqual(added([]), [`${id1.slice(7, 19)} <none>`]);
    assert.ok(added(['-a']).length > 3, 'intermediate images are listed with -a');
    const nocache = ok(['build', '--no-cache', '-t', 'cache:2', dir]).stdout;
    assert.doesNotMatch(nocache, /CACHED/);
  });

  test('.dockerignore with an exception; wildcards; a symlink to outside the context is copied as a link only', () => {
    const dir = context({
      'Dockerfile': 'FROM busybox\nCOPY . /ctx/\nCOPY *.md /docs/\n',
      '.dockerignore': '*.log\nsecret/\n!keep.log\n',
      'a.log': 'ignored', 'keep.log': 'kept', 'secret/key': 'nope', 'x.md': 'x', 'y.md': 'y', 'z.txt': 'z',
    });
    fs.writeFileSync(path.join(sb.dir, 'outside-secret'), 'HOST SECRET\n');
    fs.symlinkSync(path.join(sb.dir, 'outside-secret'), path.join(dir, 'escape'));
    ok(['build', '-t', 'ign:1', dir]);
    const listing = run('ign:1', 'ls -A /ctx | sort | tr "\\n" " "; ls /docs | tr "\\n" " "; readlink /ctx/escape; cat /ctx/escape 2>&1; true');
    assert.match(listing, /^\.dockerignore Dockerfile escape keep\.log x\.md y\.md z\.txt x\.md y\.md /);
    assert.ok(listing.includes(path.join(sb.dir, 'outside-secret')), 'the link itself');
    assert.doesNotMatch(listing, /HOST SECRET/, 'never the host file it points to');
    // a path through a symlinked directory that leads out of the context is not in the context
    const through = context({ 'Dockerfile': 'FROM busybox\nCOPY outdir/outside-secret /stolen\n' });
    fs.symlinkSync(sb.dir, path.join(through, 'outdir'));
    const t = sb.run(['build', through]);
    assert.equal(t.code, 1);
    assert.match(t.stderr, /"outdir\/outside-secret": not found in the build context/);
    const r = sb.run(['build', context({ 'Dockerfile': 'FROM busybox\nCOPY a.log /\n', '.dockerignore': 'a.log', 'a.log': 'x' })]);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /Dockerfile:2: .*"a\.log": not found in the build context or excluded by \.dockerignore/);
  });

  test('COPY --chown by name and --chmod; ADD of a local tar extracts; ADD of a URL is a clear error', () => {
    const dir = context({
      'Dockerfile': 'FROM busybox\nCOPY --chown=nobody:nogroup --chmod=0750 f.sh /f.sh\nCOPY --chown=123:456 f.sh /g.sh\nADD t.tar.gz /unpacked/\nADD plain.tar /plain/\n',
      'f.sh': 'echo hi\n',
    });
    const src = path.join(sb.dir, 'tarsrc');
    fs.mkdirSync(path.join(src, 'sub'), { recursive: true });
    fs.writeFileSync(path.join(src, 'sub', 'in-tar'), 'from the tar\n');
    assert.equal(spawnSync('tar', ['-czf', path.join(dir, 't.tar.gz'), '-C', src, 'sub']).status, 0);
    assert.equal(spawnSync('tar', ['-cf', path.join(dir, 'plain.tar'), '-C', src, 'sub']).status, 0);
    ok(['build', '-t', 'own:1', dir]);
    assert.equal(run('own:1', 'stat -c "%U:%G %a" /f.sh; stat -c "%u:%g %a" /g.sh; cat /unpacked/sub/in-tar /plain/sub/in-tar'),
      'nobody:nogroup 750\n123:456 644\nfrom the tar\nfrom the tar\n');
    const r = sb.run(['build', context({ 'Dockerfile': 'FROM busybox\nADD http://example.com/x /x\n' })]);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /Dockerfile:2: ADD from a URL is not supported here: no network/);
  });

  test('a failing RUN: its output and code shown, exit 1, no container or image left', () => {
    const imagesBefore = ok(['images', '-q']).stdout;
    const dir = context({ 'Dockerfile': 'FROM busybox\nRUN echo step-output && exit 7\n' });
    const r = sb.run(['build', '-t', 'bad:1', dir]);
    assert.equal(r.code, 1);
    assert.match(r.stdout, /step-output/);
    assert.match(r.stderr, /Dockerfile:2: RUN echo step-output && exit 7 returned a non-zero code: 7/);
    assert.equal(ok(['ps', '-aq']).stdout, '', 'the RUN container is gone');
    assert.equal(ok(['images', '-q']).stdout, imagesBefore, 'no new image');
    assert.deepEqual(sb.leftovers(), []);
  });

  test('heredocs (RUN <<EOF, COPY <<file), ADD of bzip2/xz tars, a tar context on stdin with -f inside it', () => {
    const dir = context({
      'Other.df': [
        'FROM busybox',
        'ARG NAME=heredoc',
        'ADD a.tar.bz2 /bz/',
        'ADD a.tar.xz /xz',
        'COPY <<greet.txt /etc/',
        'hello $NAME',
        'greet.txt',
        'RUN <<EOF',
        'echo run-body > /hd',
        'echo line2 >> /hd',
        'EOF',
        '',
      ].join('\n'),
      'src/f': 'data\n',
    });
    assert.equal(spawnSync('tar', ['-cjf', 'a.tar.bz2', 'src'], { cwd: dir }).status, 0);
    assert.equal(spawnSync('tar', ['-cJf', 'a.tar.xz', 'src'], { cwd: dir }).status, 0);
    ok(['build', '-f', path.join(dir, 'Other.df'), '-t', 'hd:1', dir]);
    assert.equal(run('hd:1', 'cat /bz/src/f /xz/src/f /etc/greet.txt /hd'), 'data\ndata\nhello heredoc\nrun-body\nline2\n');
    const tar = spawnSync('tar', ['-c', '-C', dir, '.']);
    const r = sb.run(['build', '-q', '-f', 'Other.df', '-'], { input: tar.stdout });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout.trim(), inspect('hd:1').Id, 'the same steps from a tar context: every step cached');
  });

  test('Ctrl-C during a RUN: the build stops, exit 1, its RUN container is killed and removed', async () => {
    const dir = context({ 'Dockerfile': 'FROM busybox\nRUN echo started; sleep 60\nRUN echo never > /never\n' });
    const child = sb.spawn(['build', '-t', 'cancelled:1', dir]);
    let err = '';
    child.stderr?.on('data', (c: Buffer) => (err += c.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    for (let i = 0; i < 300 && ok(['ps', '-q']).stdout === ''; i++) await new Promise((r) => setTimeout(r, 100));
    assert.notEqual(ok(['ps', '-q']).stdout, '', 'the RUN container is running');
    child.kill('SIGINT');
    assert.equal(await exited, 1);
    assert.match(err, /Dockerfile:2: the build was cancelled during RUN echo started; sleep 60/);
    assert.equal(ok(['ps', '-aq']).stdout, '');
    assert.notEqual(sb.run(['image', 'inspect', 'cancelled:1']).code, 0, 'nothing tagged');
  });

  test('RUN with --network none sees no interface but lo; a Dockerfile on stdin', () => {
    const r = sb.run(['build', '--network', 'none', '-t', 'net:1', '-'], { input: 'FROM busybox\nRUN ls /sys/class/net > /ifaces\n' });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(run('net:1', 'cat /ifaces'), 'lo\n');
    const viaImage = sb.run(['image', 'build', '-q', '-t', 'net:2', '-'], { input: 'FROM busybox\nCMD ["echo", "image build"]\n' });
    assert.equal(viaImage.code, 0, viaImage.stderr);
    assert.equal(ok(['run', '--rm', 'net:2']).stdout, 'image build\n', 'docker image build is the same verb');
  });

  test('the docker CLI builds through the Engine API (POST /build, DOCKER_BUILDKIT=0)', { skip: spawnSync('docker', ['--version']).status === 0 ? false : 'no docker CLI' }, async () => {
    const sock = path.join(sb.dir, 'api.sock');
    const service = sb.spawn(['system', 'service', '--host', `unix://${sock}`]);
    const exited = new Promise((resolve) => service.on('exit', resolve));
    try {
      for (let i = 0; i < 200 && !fs.existsSync(sock); i++) await new Promise((r) => setTimeout(r, 50));
      const env = { PATH: process.env.PATH, HOME: sb.dir, DOCKER_HOST: `unix://${sock}`, DOCKER_BUILDKIT: '0' };
      const dir = context({ 'Dockerfile': 'FROM busybox\nARG X=1\nCOPY f /f\nRUN echo "arg=$X" >> /f\nCMD ["cat", "/f"]\n', 'f': 'from-api\n' });
      const built = spawnSync('docker', ['build', '-t', 'api:1', '--build-arg', 'X=7', dir], { env, encoding: 'utf8', timeout: 60_000 });
      assert.equal(built.status, 0, built.stderr);
      assert.match(built.stdout, /Successfully tagged api:1/);
      const q = spawnSync('docker', ['build', '-q', '-t', 'api:1', '--build-arg', 'X=7', dir], { env, encoding: 'utf8', timeout: 60_000 });
      assert.equal(q.stdout.trim(), inspect('api:1').Id, '-q through the API: the cached image id');
      assert.equal(ok(['run', '--rm', 'api:1']).stdout, 'from-api\narg=7\n');
      const bad = context({ 'Dockerfile': 'FROM busybox\nRUN echo failing; exit 4\n' });
      const failed = spawnSync('docker', ['build', bad], { env, encoding: 'utf8', timeout: 60_000 });
      assert.equal(failed.status, 1);
      assert.match(failed.stdout + failed.stderr, /Dockerfile:2: RUN echo failing; exit 4 returned a non-zero code: 4/);
    } finally {
      service.kill('SIGTERM');
      await exited;
    }
  });

  test('equivalence with buildah bud on the same Dockerfile: the same config and the same files', { skip: spawnSync('buildah', ['--version']).status === 0 ? false : 'buildah is not installed' }, () => {
    const dir = context({
      'Dockerfile': [
        'FROM busybox',
        'ENV A=1 B="two words"',
        'WORKDIR /app',
        'COPY f ./f',
        'COPY --chmod=0640 --chown=12:34 d /app/d/',
        'RUN echo built > /app/g && chmod 600 /app/g && ln -s g /app/link && rm /bin/vi',
        'USER 1000:1000',
        'EXPOSE 80 53/udp',
        'VOLUME /data',
        'LABEL k=v',
        'ENTRYPOINT ["/bin/sh", "-c"]',
        'CMD ["cat /app/g"]',
        '',
      ].join('\n'),
      'f': 'hi\n', 'd/x': 'x\n', 'd/sub/y': 'y\n',
    });
    ok(['build', '-t', 'eq:1', dir]);
    ok(['save', '-o', path.join(sb.dir, 'busybox.tar'), 'busybox']);
    const b = ['--root', path.join(sb.dir, 'buildah-root'), '--runroot', path.join(sb.dir, 'buildah-run'), '--storage-driver', 'vfs'];
    const buildah = (args: string[]) => {
      const r = spawnSync('buildah', [...b, ...args], { encoding: 'utf8', timeout: 120_000 });
      assert.equal(r.status, 0, `buildah ${args.join(' ')}: ${r.stderr}`);
      return r.stdout.trim();
    };
    let ctr: string | undefined;
    try {
      buildah(['bud', '--isolation', 'chroot', '-q', '-t', 'eq:1', '--from', `docker-archive:${path.join(sb.dir, 'busybox.tar')}`, dir]);
      const theirs = JSON.parse(buildah(['inspect', '--type', 'image', 'eq:1'])).OCIv1.config;
      delete theirs.Labels['io.buildah.version'];
      const mine = inspect('eq:1').Config;
      for (const key of ['Env', 'Cmd', 'Entrypoint', 'WorkingDir', 'User', 'ExposedPorts', 'Labels', 'Volumes']) {
        assert.deepEqual(mine[key], theirs[key], key);
      }
      // the files: buildah's rootfs mounted, ours exported from a container of the image
      ctr = buildah(['from', 'eq:1']);
      const theirRoot = buildah(['mount', ctr]);
      const ourRoot = path.join(sb.dir, 'eq-export');
      fs.mkdirSync(ourRoot);
      ok(['create', '--name', 'eqc', 'eq:1']);
      ok(['export', '-o', path.join(sb.dir, 'eq.tar'), 'eqc']);
      ok(['rm', 'eqc']);
      assert.equal(spawnSync('tar', ['-xpf', path.join(sb.dir, 'eq.tar'), '-C', ourRoot]).status, 0);
      const engineFiles = new Set(['etc/hosts', 'etc/hostname', 'etc/resolv.conf', 'dev', 'proc', 'sys']);
      const tree = (root: string) => {
        const out: string[] = [];
        const walk = (rel: string) => {
          for (const name of fs.readdirSync(path.join(root, rel)).sort()) {
            const r = rel ? `${rel}/${name}` : name;
            if (engineFiles.has(r)) continue;
            const st = fs.lstatSync(path.join(root, r));
            const what = st.isSymbolicLink() ? `-> ${fs.readlinkSync(path.join(root, r))}`
              : st.isFile() ? fs.readFileSync(path.join(root, r)).toString('base64').slice(0, 64) : st.isDirectory() ? 'dir' : 'other';
            out.push(`${r} ${(st.mode & 0o7777).toString(8)} ${st.uid}:${st.gid} ${what}`);
            if (st.isDirectory()) walk(r);
          }
        };
        walk('');
        return out;
      };
      assert.deepEqual(tree(ourRoot), tree(theirRoot));
    } finally {
      if (ctr) spawnSync('buildah', [...b, 'rm', ctr]);
      spawnSync('buildah', [...b, 'rmi', '-a', '-f']);
      spawnSync('umount', ['-R', path.join(sb.dir, 'buildah-root')]);
    }
  });

  // the chapter-7 app (flask counting hits in redis) built from the Debian rootfs the compose tests cache
  const appCache = process.env.MYDOCKER_TEST_IMAGE_CACHE ?? '/var/cache/mydocker-test-images';
  const rootfsTar = fs.existsSync(appCache) ? fs.readdirSync(appCache).find((f) => /^app-rootfs-.*\.tar$/.test(f)) : undefined;
  test('the chapter-7 flask + redis app, built from a Debian rootfs, counts its hits', { skip: rootfsTar ? false : `no cached Debian app rootfs in ${appCache} (test/fixtures/make-app-images.sh makes it)` }, async () => {
    ok(['import', path.join(appCache, rootfsTar!), 'debian-app:base']);
    const dir = context({
      'Dockerfile.web': 'FROM debian-app:base\nRUN rm -rf /app\nWORKDIR /app\nCOPY app.py .\nENV PYTHONUNBUFFERED=1\nEXPOSE 5000\nCMD ["python3", "app.py"]\n',
      'Dockerfile.redis': 'FROM debian-app:base\nEXPOSE 6379\nCMD ["redis-server", "--protected-mode", "no", "--save", ""]\n',
    });
    fs.copyFileSync(path.join(COMPOSE_APP, 'app.py'), path.join(dir, 'app.py'));
    ok(['build', '-f', path.join(dir, 'Dockerfile.web'), '-t', 'ch7/web', dir]);
    ok(['build', '-f', path.join(dir, 'Dockerfile.redis'), '-t', 'ch7/redis', dir]);
    assert.equal(run('ch7/web', 'cat /app/app.py | grep -c get_hit_count'), '2\n');
    const port = await new Promise<number>((resolve) => {
      const srv = net.createServer().listen(0, '127.0.0.1', () => {
        const p = (srv.address() as net.AddressInfo).port;
        srv.close(() => resolve(p));
      });
    });
    ok(['network', 'create', 'ch7net']);
    try {
      ok(['run', '-d', '--name', 'redis', '--network', 'ch7net', 'ch7/redis']);
      ok(['run', '-d', '--name', 'web', '--network', 'ch7net', '-p', `127.0.0.1:${port}:5000`, 'ch7/web']);
      const get = () => new Promise<string>((resolve, reject) => {
        http.get({ host: '127.0.0.1', port, path: '/' }, (res) => {
          let body = '';
          res.on('data', (c) => (body += c));
          res.on('end', () => resolve(body));
        }).on('error', reject);
      });
      let first: string | undefined;
      for (let i = 0; i < 100 && first === undefined; i++) {
        first = await get().catch(async () => {
          await new Promise((r) => setTimeout(r, 200)); // the app is still starting
          return undefined;
        });
      }
      assert.equal(first, 'Hello World! I have been seen 1 times.\n');
      assert.equal(await get(), 'Hello World! I have been seen 2 times.\n');
    } finally {
      sb.run(['rm', '-f', 'web', 'redis']);
      sb.run(['network', 'rm', 'ch7net']);
    }
  });
});
