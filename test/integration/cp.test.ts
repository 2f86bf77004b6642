// docker cp against the real kernel: docker's path rules, ownership (-a), -L, stopped containers and
// volumes, and the two ways a hostile container could make cp touch host files: a symlink planted
// at the destination name, and a directory swapped for a symlink to / while cp walks it
// (CVE-2018-15664).
import { after, before, describe, test } from 'node:test';
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { useSandbox } from '../helpers/sandbox';

// searchable by others: a user-namespaced container's root must reach its rootfs below it
const sb = useSandbox('cp', (s) => fs.chmodSync(s.dir, 0o711));
const ok = (args: string[]) => sb.ok(args).stdout;

function fails(args: string[], re: RegExp): void {
  const r = sb.run(args);
  assert.equal(r.code, 125, `mydocker ${args.join(' ')}: expected exit 125, got ${r.code}: ${r.stdout}${r.stderr}`);
  assert.match(r.stderr, re);
}

/** Swaps two names atomically, forever (static: it runs in any image). */
const SWAP_C = `#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
int main(int argc, char **argv) {
  for (;;) if (argc == 3) renameat2(AT_FDCWD, argv[1], AT_FDCWD, argv[2], RENAME_EXCHANGE);
}
`;

/** A fresh host directory for one case. */
let cases = 0;
function scratch(): string {
  const dir = path.join(sb.dir, `case${++cases}`);
  fs.mkdirSync(dir);
  return dir;
}

const tree = (dir: string): string[] => (fs.readdirSync(dir, { recursive: true }) as string[]).sort();
const inContainer = (name: string, script: string) => ok(['exec', name, 'sh', '-c', script]);

describe('cp', () => {
  before(() => {
    ok(['run', '-d', '--name', 'c1', 'busybox', 'sh', '-c',
      'mkdir -p /data/dir/sub && echo file > /data/file && echo a > /data/dir/a && echo b > /data/dir/sub/b && sleep 600']);
  });
  // before the sandbox's own check for leftovers, also when a test failed half-way
  after(() => {
    sb.run(['rm', '-f', 'c1', 'racer', 'stopped', 'vol', 'uns']);
  });

  describe('follows docker rules', () => {
    test('copying out of a container', () => {
      const outDir = (d: string) => fs.mkdirSync(`${d}/out`);
      const oldFile = (d: string) => fs.writeFileSync(`${d}/f`, 'old');
      // [source in c1, destination under a fresh dir, what to make there first, the tree after (or the error)]
      const rules: [string, string, ((d: string) => void) | null, string[] | RegExp][] = [
        ['/data/file', 'new', null, ['new']],
        ['/data/file', 'out', outDir, ['out', 'out/file']],
        ['/data/file', 'f', oldFile, ['f']],
        ['/data/file', 'nodir/', null, /could not find the destination directory .*nodir\/ on the host/],
        ['/data/file/', 'x', null, /\/data\/file\/ in container c1 is not a directory/],
        ['/data/dir', 'new', null, ['new', 'new/a', 'new/sub', 'new/sub/b']],
        ['/data/dir', 'out', outDir, ['out', 'out/dir', 'out/dir/a', 'out/dir/sub', 'out/dir/sub/b']],
        ['/data/dir/.', 'out', outDir, ['out', 'out/a', 'out/sub', 'out/sub/b']],
        ['/data/dir', 'f', oldFile, /cannot copy a directory onto the file/],
        ['/data/nope', 'x', null, /could not find the file \/data\/nope in container c1/],
        ['/data/file', 'no/such/x', null, /could not find the file .*\/no\/such on the host/],
      ];
      for (const [src, dst, setup, expected] of rules) {
        const dir = scratch();
        setup?.(dir);
        const args = ['cp', `c1:${src}`, path.join(dir, dst)]; // join keeps a trailing /
        if (expected instanceof RegExp) fails(args, expected);
        else {
          ok(args);
          assert.deepEqual(tree(dir), expected, `cp ${src} ${dst}`);
        }
      }
      const dir = scratch();
      ok(['cp', 'c1:/data/file', `${dir}/f`]);
      assert.equal(fs.readFileSync(`${dir}/f`, 'utf8'), 'file\n');
    });

    test('copying into a container', () => {
      const src = scratch();
      fs.mkdirSync(`${src}/tree/sub`, { recursive: true });
      fs.writeFileSync(`${src}/tree/sub/f`, 'in');
      fs.writeFileSync(`${src}/one`, 'one');
      inContainer('c1', 'mkdir -p /in/existing && echo old > /in/file');
      ok(['cp', `${src}/one`, 'c1:/in/new']);
      ok(['cp', `${src}/one`, 'c1:/in/existing']);
      ok(['cp', `${src}/one`, 'c1:/in/file']);
      ok(['cp', `${src}/tree`, 'c1:/in/existing']);
      ok(['cp', `${src}/tree/.`, 'c1:/in/contents']);
      assert.deepEqual(inContainer('c1', 'cd /in && find . | sort; cat file').split('\n'), [
        '.', './contents', './contents/sub', './contents/sub/f', './existing', './existing/one', './existing/tree',
        './existing/tree/sub', './existing/tree/sub/f', './file', './new', 'one',
      ]);
      fails(['cp', `${src}/one`, 'c1:/in/none/'], /could not find the destination directory \/in\/none\/ in container c1/);
      fails(['cp', `${src}/one`, 'c1:/nope/x'], /could not find the file \/nope in container c1/);
      fails(['cp', `${src}/tree`, 'c1:/in/file'], /cannot copy a directory onto the file \/in\/file in container c1/);
      fails(['cp', `${src}/tree`, 'c2:/in'], /no such container|not found/i);
    });

    test('ownership: the destination user by default, the source ids with -a; modes and mtimes kept', () => {
      const dir = scratch();
      const f = `${dir}/owned`;
      fs.writeFileSync(f, 'x');
      fs.chownSync(f, 1234, 5678);
      fs.chmodSync(f, 0o4751);
      fs.utimesSync(f, new Date('2001-02-03T04:05:06Z'), new Date('2001-02-03T04:05:06Z'));
      ok(['cp', f, 'c1:/tmp/default']);
      ok(['cp', '-a', f, 'c1:/tmp/archive']);
      assert.equal(inContainer('c1', 'stat -c "%u:%g %a %Y" /tmp/default /tmp/archive'),
        '0:0 4751 981173106\n1234:5678 4751 981173106\n');

      inContainer('c1', 'echo o > /tmp/o && chown 1234:5678 /tmp/o && ln -s /data/file /tmp/olink && chown -h 4321:8765 /tmp/olink');
      ok(['cp', 'c1:/tmp/o', `${dir}/out-default`]);
      ok(['cp', '--archive', 'c1:/tmp/o', `${dir}/out-archive`]);
      ok(['cp', '-a', 'c1:/tmp/olink', `${dir}/link-archive`]);
      const st = (p: string) => fs.lstatSync(p);
      assert.deepEqual([st(`${dir}/out-default`).uid, st(`${dir}/out-default`).gid], [0, 0]);
      assert.deepEqual([st(`${dir}/out-archive`).uid, st(`${dir}/out-archive`).gid], [1234, 5678]);
      assert.deepEqual([st(`${dir}/link-archive`).uid, st(`${dir}/link-archive`).gid], [4321, 8765]);
    });

    test('a user-namespaced container: its root and ids are the mapped ones, running or stopped', () => {
      const dir = scratch();
      fs.writeFileSync(`${dir}/f`, 'x');
      fs.chownSync(`${dir}/f`, 1234, 5678);
      ok(['run', '-d', '--name', 'uns', '--userns=auto', 'busybox', 'sh', '-c', 'echo o > /o && chown 1234:5678 /o && sleep 600']);
      ok(['cp', `${dir}/f`, 'uns:/default']);
      ok(['cp', '-a', `${dir}/f`, 'uns:/archive']);
      assert.equal(inContainer('uns', 'stat -c %u:%g /default /archive'), '0:0\n1234:5678\n');
      ok(['cp', '-a', 'uns:/o', `${dir}/o-archive`]);
      assert.deepEqual([fs.statSync(`${dir}/o-archive`).uid, fs.statSync(`${dir}/o-archive`).gid], [1234, 5678]);
      ok(['stop', '-t', '0', 'uns']);
      ok(['cp', `${dir}/f`, 'uns:/stopped']);
      ok(['cp', '-a', 'uns:/stopped', `${dir}/stopped`]);
      assert.deepEqual([fs.statSync(`${dir}/stopped`).uid, fs.statSync(`${dir}/stopped`).gid], [0, 0]);
      ok(['rm', 'uns']);
    });

    test('symlinks are copied as links; -L copies what the source link points to', () => {
      const dir = scratch();
      inContainer('c1', 'ln -sf /data/file /tmp/flink; ln -sfn /data/dir /tmp/dlink');
      ok(['cp', 'c1:/tmp/flink', `${dir}/plain`]);
      assert.equal(fs.readlinkSync(`${dir}/plain`), '/data/file');
      ok(['cp', '-L', 'c1:/tmp/flink', `${dir}/followed`]);
      assert.equal(fs.readFileSync(`${dir}/followed`, 'utf8'), 'file\n');
      ok(['cp', '--follow-link', 'c1:/tmp/dlink', `${dir}/dfollowed`]);
      assert.deepEqual(tree(`${dir}/dfollowed`), ['a', 'sub', 'sub/b']);
      fs.symlinkSync('/etc/hostname', `${dir}/hostlink`);
      ok(['cp', `${dir}/hostlink`, 'c1:/tmp/']);
      assert.equal(inContainer('c1', 'readlink /tmp/hostlink'), '/etc/hostname\n');
    });

    test('a stopped container, in and out; a volume of a running container', () => {
      const dir = scratch();
      ok(['run', '--name', 'stopped', 'busybox', 'sh', '-c', 'echo was here > /s.txt']);
      ok(['cp', 'stopped:/s.txt', `${dir}/s.txt`]);
      assert.equal(fs.readFileSync(`${dir}/s.txt`, 'utf8'), 'was here\n');
      fs.writeFileSync(`${dir}/in.txt`, 'put while stopped');
      ok(['cp', `${dir}/in.txt`, 'stopped:/in.txt']);
      ok(['cp', 'stopped:/in.txt', `${dir}/back.txt`]);
      assert.equal(fs.readFileSync(`${dir}/back.txt`, 'utf8'), 'put while stopped');
      ok(['rm', 'stopped']);

      ok(['run', '-d', '--name', 'vol', '-v', 'cpvol:/data', 'busybox', 'sleep', '600']);
      ok(['cp', `${dir}/in.txt`, 'vol:/data/']);
      assert.equal(fs.readFileSync(path.join(sb.root, 'volumes', 'cpvol', '_data', 'in.txt'), 'utf8'), 'put while stopped');
      assert.equal(inContainer('vol', 'cat /data/in.txt'), 'put while stopped');
      inContainer('vol', 'echo from volume > /data/v.txt');
      ok(['cp', 'vol:/data/v.txt', `${dir}/v.txt`]);
      assert.equal(fs.readFileSync(`${dir}/v.txt`, 'utf8'), 'from volume\n');
      ok(['rm', '-f', 'vol']);
      ok(['volume', 'rm', 'cpvol']);
    });
  });

  describe('never reaches host files through the container', () => {
    test('a symlink planted at the destination name', () => {
      const dir = scratch();
      const hostFile = `${dir}/hostfile`;
      fs.writeFileSync(hostFile, 'host\n');
      fs.chmodSync(hostFile, 0o600);
      fs.mkdirSync(`${dir}/src`);
      fs.writeFileSync(`${dir}/src/x`, 'from cp\n');
      fs.chmodSync(`${dir}/src/x`, 0o755);
      const hostUnchanged = () => {
        assert.equal(fs.readFileSync(hostFile, 'utf8'), 'host\n', 'the host file was overwritten');
        assert.equal(fs.statSync(hostFile).mode & 0o7777, 0o600, 'the host file was chmod-ed');
      };

      // into the directory: the link is replaced by the file, as docker's extraction does
      inContainer('c1', `ln -sfn ${hostFile} /tmp/x`);
      ok(['cp', `${dir}/src/x`, 'c1:/tmp/']);
      hostUnchanged();
      assert.equal(inContainer('c1', 'test -f /tmp/x && test ! -L /tmp/x && stat -c %a /tmp/x && cat /tmp/x'), '755\nfrom cp\n');

      // named: docker follows the link, but inside the container's root
      inContainer('c1', `rm /tmp/x && ln -s ${hostFile} /tmp/x && mkdir -p ${dir}`);
      ok(['cp', `${dir}/src/x`, 'c1:/tmp/x']);
      hostUnchanged();
      assert.equal(inContainer('c1', `test -L /tmp/x && cat ${hostFile}`), 'from cp\n');

      // and reading through it with -L stays inside the container too
      ok(['cp', '-L', 'c1:/tmp/x', `${dir}/read`]);
      assert.equal(fs.readFileSync(`${dir}/read`, 'utf8'), 'from cp\n');
    });

    test('CVE-2018-15664: a directory swapped for a symlink to / while cp runs, 100 tries each way', () => {
      const dir = scratch();
      // busybox's mv leaves the name missing between its two renames, and a missing name stopped the
      // old path-based copy before it could escape; renameat2(RENAME_EXCHANGE), as in the CVE's proof
      // of concept, swaps the directory and the link in one step.
      const swap = `${dir}/swap`;
      const cc = spawnSync('cc', ['-static', '-O2', '-o', swap, '-x', 'c', '-'], { input: SWAP_C, encoding: 'utf8' });
      assert.equal(cc.status, 0, `cannot build the swap helper: ${cc.stderr}`);
      // A tree a try: a path-based copy resolves the path again for each file, so each is a chance
      // to meet the link (with one file, the old code escaped in a few tries of 100).
      const files = Array.from({ length: 20 }, (_, i) => `f${i}`);
      fs.mkdirSync(`${dir}/secret`);
      fs.mkdirSync(`${dir}/payload`);
      for (const f of files) {
        fs.writeFileSync(`${dir}/secret/${f}`, 'HOST SECRET\n');
        fs.writeFileSync(`${dir}/payload/${f}`, 'from cp\n');
      }
      // /w/d is the directory (with decoys at the sandbox's path) or the link to /, swapped endlessly
      ok(['run', '-d', '--name', 'racer', '-v', `${swap}:/swap:ro`, 'busybox', 'sh', '-c',
        `mkdir -p /w/d${dir}/secret && cd /w/d${dir}/secret && touch ${files.join(' ')} && ln -s / /w/l && exec /swap /w/d /w/l`]);
      inContainer('racer', 'while [ ! -e /w/l ]; do sleep 0.01; done');

      const tries = 100;
      let readsLeaked = 0;
      let readsOk = 0;
      for (let i = 0; i < tries; i++) {
        const out = `${dir}/out${i}`;
        if (sb.run(['cp', `racer:/w/d${dir}/secret`, out]).code === 0) readsOk++;
        const leaked = fs.existsSync(out) && tree(out).some((f) => fs.readFileSync(`${out}/${f}`, 'utf8').includes('HOST'));
        if (leaked) readsLeaked++;
      }
      let writesLeaked = 0;
      let writesOk = 0;
      for (let i = 0; i < tries; i++) {
        if (sb.run(['cp', `${dir}/payload`, `racer:/w/d${dir}/in${i}`]).code === 0) writesOk++;
        if (fs.existsSync(`${dir}/in${i}`)) writesLeaked++;
      }
      ok(['rm', '-f', 'racer']);
      assert.deepEqual({ readsLeaked, writesLeaked }, { readsLeaked: 0, writesLeaked: 0 },
        `${readsLeaked} of ${tries} reads returned host files, ${writesLeaked} of ${tries} writes landed on the host`);
      // the race was on: some copies met the directory, others the link
      assert.ok(readsOk > 0 && readsOk < tries, `reads that succeeded: ${readsOk} of ${tries}`);
      assert.ok(writesOk > 0 && writesOk < tries, `writes that succeeded: ${writesOk} of ${tries}`);
    });
  });
});
