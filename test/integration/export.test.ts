// export against the real kernel: a stopped container's filesystem is mounted read-only for the export alone, a
// running one is read live; `import` of the tar gives an equivalent image.
import { describe, test } from 'node:test';
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { MYDOCKER, mountsUnder, useSandbox } from '../helpers/sandbox';

const sb = useSandbox('export');
const ok = sb.ok;

function tarList(file: string): string[] {
  const r = spawnSync('tar', ['-tvf', file], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  return r.stdout.split('\n').filter(Boolean);
}

const names = (listing: string[]) => listing.map((l) => l.split(/\s+/).slice(5).join(' '));

describe('export', () => {
  test('a stopped container: its merged filesystem to stdout, and import gives an equivalent image', () => {
    ok(['run', '--name', 'ex1', 'busybox', 'sh', '-c', 'echo exported > /newfile && chmod 4750 /newfile && rm /bin/vi && mkdir -p /opt/app && ln -s /newfile /opt/app/link']);
    const file = path.join(sb.dir, 'ex1.tar');
    const res = spawnSync(MYDOCKER, [...sb.globalArgs, 'export', 'ex1'], { maxBuffer: 64 * 1024 * 1024 });
    assert.equal(res.status, 0, String(res.stderr));
    fs.writeFileSync(file, res.stdout);
    const listing = tarList(file);
    const paths = names(listing);
    assert.ok(paths.includes('newfile') && paths.includes('bin/busybox') && paths.includes('opt/app/link -> /newfile'), paths.slice(0, 20).join('\n'));
    assert.ok(!paths.includes('bin/vi'), 'a deleted file was exported');
    assert.ok(!paths.some((p) => p.includes('.wh.')), 'whiteouts leaked into the export');
    assert.match(listing.find((l) => l.endsWith(' newfile'))!, /^-rwsr-x--- 0\/0/);
    assert.deepEqual(mountsUnder(sb.dir), [], 'the read-only view stayed mounted');
    assert.deepEqual(fs.readdirSync(path.join(sb.runroot, 'mnt')), []);

    ok(['import', file, 'imported:1']);
    const r = sb.run(['run', '--rm', 'imported:1', 'sh', '-c', 'cat /newfile; stat -c %a /newfile; readlink /opt/app/link; ls /bin/vi']);
    assert.equal(r.stdout, 'exported\n4750\n/newfile\n');
    assert.match(r.stderr, /\/bin\/vi: No such file or directory/);
    // the upper dir was only read: a start afterwards works
    ok(['start', 'ex1']);
    ok(['rm', '-f', 'ex1']);
  });

  test('-o writes a file; a running container is exported live', () => {
    const id = ok(['run', '-d', '--name', 'ex2', 'busybox', 'sh', '-c', 'echo running > /live; sleep 1000']).stdout.trim();
    try {
      const upper = path.join(sb.root, 'containers', id, 'upper', 'live');
      for (let i = 0; i < 100 && !fs.existsSync(upper); i++) spawnSync('sleep', ['0.05']);
      const file = path.join(sb.dir, 'ex2.tar');
      ok(['export', '-o', file, 'ex2']);
      assert.ok(names(tarList(file)).includes('live'));
      assert.deepEqual(fs.readdirSync(sb.dir).filter((n) => n.endsWith('.tmp')), []);
    } finally {
      sb.run(['rm', '-f', 'ex2']);
    }
  });

  test('refuses to write a tar to a terminal, and names a missing container', () => {
    ok(['run', '--name', 'ex3', 'busybox', 'true']);
    const r = sb.runPty(['export', 'ex3'], []);
    assert.equal(r.code, 125);
    assert.match(r.stdout, /cowardly refusing to save to a terminal/);
    const missing = sb.run(['export', '-o', path.join(sb.dir, 'x.tar'), 'nope']);
    assert.equal(missing.code, 125);
    assert.match(missing.stderr, /no such container: nope/);
    assert.equal(fs.existsSync(path.join(sb.dir, 'x.tar')), false);
    ok(['rm', 'ex3']);
  });
});
