// commit against the real kernel: the upper dir becomes a layer on top of the image's, deletions and opaque
// directories survive, the parent layers are shared, a running container is committed frozen.
import { describe, test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { useSandbox } from '../helpers/sandbox';

const sb = useSandbox('commit');
const ok = sb.ok;

const inspectImage = (ref: string) => JSON.parse(ok(['image', 'inspect', ref]).stdout)[0];
const layerDirs = () => fs.readdirSync(path.join(sb.root, 'layers')).sort();

describe('commit', () => {
  test('round trip: the change is there, deleted files stay deleted, replaced dirs are opaque', () => {
    ok(['run', '--name', 'src1', 'busybox', 'sh', '-c',
      'echo new > /newfile && rm /bin/vi && rm -r /home && rm -rf /root && mkdir /root && echo only > /root/only && echo "1.2.3.4 h" >> /etc/hosts']);
    const layersBefore = layerDirs();
    const id = ok(['commit', '-m', 'first commit', '-a', 'Tester <t@example.com>', '-c', 'CMD ["cat", "/newfile"]', '-c', 'ENV COMMITTED=yes', 'src1', 'committed:1']).stdout.trim();
    assert.match(id, /^sha256:[a-f0-9]{64}$/);

    assert.equal(ok(['run', '--rm', 'committed:1']).stdout, 'new\n', 'the new CMD and the new file');
    const r = sb.run(['run', '--rm', 'committed:1', 'sh', '-c', 'ls /bin/vi; ls -d /home; ls -A /root; echo $COMMITTED; grep -c 1.2.3.4 /etc/hosts']);
    assert.match(r.stderr, /ls: \/bin\/vi: No such file or directory/);
    assert.match(r.stderr, /ls: \/home: No such file or directory/);
    assert.equal(r.stdout, 'only\nyes\n0\n', 'opaque /root, env, and /etc/hosts not from the committed layer');

    // the parent's layers are shared: one new layer dir, and the new image lists the old dirs under its own
    const layersAfter = layerDirs();
    assert.equal(layersAfter.length, layersBefore.length + 1);
    assert.ok(layersBefore.every((l) => layersAfter.includes(l)));
    const parent = inspectImage('busybox');
    const child = inspectImage('committed:1');
    assert.deepEqual(child.RootFS.Layers.slice(0, -1), parent.RootFS.Layers);
    assert.ok(child.GraphDriver.Data.LowerDir.endsWith(`:${parent.GraphDriver.Data.LowerDir}`));
    assert.equal(child.Id, id);
    assert.equal(child.Author, 'Tester <t@example.com>');
    assert.deepEqual(child.Config.Cmd, ['cat', '/newfile']);

    // the layer holds the changes only: no /etc/hosts, /etc/hostname, /etc/resolv.conf mountpoints
    const newLayer = path.join(sb.root, 'layers', child.RootFS.Layers.at(-1).slice(7), 'diff');
    assert.deepEqual(fs.readdirSync(newLayer).sort(), ['bin', 'etc', 'home', 'newfile', 'root']);
    assert.deepEqual(fs.readdirSync(path.join(newLayer, 'etc')), []);
    const wh = fs.lstatSync(path.join(newLayer, 'bin', 'vi'));
    assert.ok(wh.isCharacterDevice() && wh.rdev === 0, 'whiteout for /bin/vi');

    const history = ok(['history', 'committed:1']).stdout.split('\n');
    assert.match(history[1], /first commit/);
    ok(['rm', 'src1']);
  });

  test('the committed image runs without the container, and commits stack', () => {
    ok(['run', '--name', 'src2', 'busybox', 'sh', '-c', 'echo one > /one']);
    ok(['commit', 'src2', 'stack:1']);
    ok(['rm', 'src2']);
    ok(['run', '--name', 'src3', 'stack:1', 'sh', '-c', 'echo two > /two; rm /one']);
    ok(['commit', 'src3', 'stack:2']);
    ok(['rm', 'src3']);
    const r = sb.run(['run', '--rm', 'stack:2', 'sh', '-c', 'cat /two; ls /one']);
    assert.equal(r.stdout, 'two\n');
    assert.match(r.stderr, /\/one: No such file or directory/);
    assert.equal(inspectImage('stack:2').RootFS.Layers.length, 3);
    assert.equal(ok(['run', '--rm', 'stack:1', 'cat', '/one']).stdout, 'one\n', 'the middle image is unchanged');
  });

  test('a running container is committed while frozen, and keeps running afterwards', async () => {
    const id = ok(['run', '-d', '--name', 'live1', 'busybox', 'sh', '-c', 'echo state > /live; i=0; while true; do i=$((i+1)); echo $i > /tick; sleep 0.05; done']).stdout.trim();
    try {
      const upper = path.join(sb.root, 'containers', id, 'upper');
      for (let i = 0; i < 100 && !fs.existsSync(path.join(upper, 'live')); i++) await new Promise((r) => setTimeout(r, 50));
      ok(['commit', 'live1', 'live:1']);
      // still running, not left frozen: the loop keeps rewriting /tick
      const tick = () => fs.readFileSync(path.join(upper, 'tick'), 'utf8');
      const first = tick();
      let moved = false;
      for (let i = 0; i < 60 && !moved; i++) {
        await new Promise((r) => setTimeout(r, 50));
        moved = tick() !== first;
      }
      assert.ok(moved, 'the container did not run on after the commit');
      assert.match(ok(['ps']).stdout, /live1/);
      assert.equal(ok(['run', '--rm', 'live:1', 'cat', '/live']).stdout, 'state\n');
      ok(['commit', '--pause=false', 'live1', 'live:2']);
    } finally {
      sb.run(['rm', '-f', 'live1']);
    }
  });

  test('bad input leaves nothing behind', () => {
    ok(['run', '--name', 'src4', 'busybox', 'true']);
    const images = ok(['images', '-q']).stdout;
    const layers = layerDirs();
    let r = sb.run(['commit', '-c', 'RUN make', 'src4']);
    assert.equal(r.code, 125);
    assert.match(r.stderr, /RUN is not a valid change command/);
    r = sb.run(['commit', 'no-such-container']);
    assert.equal(r.code, 125);
    assert.match(r.stderr, /no such container: no-such-container/);
    r = sb.run(['commit', 'src4', 'Bad:Name']);
    assert.equal(r.code, 125);
    assert.equal(ok(['images', '-q']).stdout, images);
    assert.deepEqual(layerDirs(), layers);
    // a container that never changed anything still commits (an empty layer, as docker makes)
    const id = ok(['commit', 'src4']).stdout.trim();
    assert.match(ok(['images']).stdout, /<none>\s+<none>/);
    ok(['rmi', id]);
    ok(['rm', 'src4']);
  });
});
