// The image verbs through the real CLI: tag, rmi, history, image inspect|ls|rm|tag|history|prune, and their bad input.
import { after, before, test } from 'node:test';
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Sandbox, type Result } from '../helpers/sandbox';

let sb: Sandbox;
let tarball: string;
let tarball2: string;

function oneLine(r: Result, re?: RegExp): void {
  assert.equal(r.code, 125, r.stderr);
  assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
  if (re) assert.match(r.stderr, re);
}

function ok(r: Result): Result {
  assert.equal(r.code, 0, r.stderr);
  return r;
}

const ls = (d: string) => (fs.existsSync(d) ? fs.readdirSync(d).sort() : []);

before(() => {
  sb = new Sandbox('image-commands');
  const make = (name: string, marker: string) => {
    const rootfs = path.join(sb.dir, name);
    for (const d of ['bin', 'etc']) fs.mkdirSync(path.join(rootfs, d), { recursive: true });
    fs.copyFileSync('/bin/busybox', path.join(rootfs, 'bin', 'busybox'));
    fs.chmodSync(path.join(rootfs, 'bin', 'busybox'), 0o755);
    for (const a of ['sh', 'cat', 'true']) fs.symlinkSync('busybox', path.join(rootfs, 'bin', a));
    fs.writeFileSync(path.join(rootfs, 'etc', 'marker'), marker);
    const t = path.join(sb.dir, `${name}.tar`);
    assert.equal(spawnSync('tar', ['-C', rootfs, '-cf', t, '.']).status, 0);
    return t;
  };
  tarball = make('one', 'one\n');
  tarball2 = make('two', 'two\n');
});

after(() => {
  const left = sb.leftovers();
  sb.cleanup();
  assert.deepEqual(left, []);
});

test('tag, image ls, image inspect (docker shape), history', () => {
  const id = ok(sb.run(['import', '-m', 'first import', '-c', 'ENV A=1', '-c', 'CMD ["/bin/cat", "/etc/marker"]', tarball, 'app:1'])).stdout.trim();
  ok(sb.run(['tag', 'app:1', 'app:latest']));
  ok(sb.run(['image', 'tag', 'app', 'localhost:5000/team/app:2']));
  const listed = ok(sb.run(['image', 'ls', '--format', '{{.Repository}}:{{.Tag}}'])).stdout.trim().split('\n').sort();
  assert.deepEqual(listed, ['app:1', 'app:latest', 'localhost:5000/team/app:2']);

  const inspect = JSON.parse(ok(sb.run(['image', 'inspect', 'app:1'])).stdout) as Record<string, unknown>[];
  assert.equal(inspect.length, 1);
  const img = inspect[0];
  for (const key of ['Id', 'RepoTags', 'RepoDigests', 'Created', 'Config', 'RootFS', 'Size', 'Architecture', 'Os']) assert.ok(key in img, key);
  assert.equal(img.Id, id);
  assert.deepEqual(img.RepoTags, ['app:1', 'app:latest', 'localhost:5000/team/app:2']);
  assert.deepEqual(img.RepoDigests, []);
  assert.equal(img.Architecture, 'amd64');
  assert.equal(img.Os, 'linux');
  assert.deepEqual((img.Config as { Env: string[]; Cmd: string[] }).Env, ['A=1']);
  assert.deepEqual((img.Config as { Cmd: string[] }).Cmd, ['/bin/cat', '/etc/marker']);
  assert.equal((img.RootFS as { Type: string; Layers: string[] }).Layers.length, 1);
  assert.equal(ok(sb.run(['image', 'inspect', '--format', '{{.Id}} {{.Os}}/{{.Architecture}} {{json .Config.Cmd}}', 'app'])).stdout, `${id} linux/amd64 ["/bin/cat","/etc/marker"]\n`);

  const hist = ok(sb.run(['history', 'app:1'])).stdout.split('\n');
  assert.match(hist[0], /^IMAGE\s+CREATED\s+CREATED BY\s+SIZE\s+COMMENT$/);
  assert.match(hist[1], new RegExp(`^${id.slice(7, 19)}\\s+.*ago\\s+\\S+\\s+first import$`));
  assert.equal(ok(sb.run(['image', 'history', '-q', 'app:1'])).stdout, `${id.slice(7, 19)}\n`);
  assert.equal(ok(sb.run(['history', '--format', '{{.ID}}|{{.Comment}}', '--no-trunc', 'app:1'])).stdout, `${id}|first import\n`);
});

test('rmi untags, then deletes and frees the layer; a container protects its image unless -f', () => {
  const id = ok(sb.run(['import', tarball2, 'two:1'])).stdout.trim();
  ok(sb.run(['tag', 'two:1', 'two:2']));
  assert.equal(ok(sb.run(['rmi', 'two:2'])).stdout, 'Untagged: two:2\n');
  const layers = ls(path.join(sb.root, 'layers'));
  assert.equal(ok(sb.run(['rmi', 'two:1'])).stdout, `Untagged: two:1\nDeleted: ${id}\n`);
  assert.equal(ls(path.join(sb.root, 'layers')).length, layers.length - 1, 'its layer is gone');
  oneLine(sb.run(['rmi', 'two:1']), /no such image: two:1/);

  ok(sb.run(['import', tarball2, 'used:1']));
  const run = sb.run(['run', '--name', 'keeper', 'used:1', '/bin/true']);
  assert.equal(run.code, 0, run.stderr);
  oneLine(sb.run(['rmi', 'used:1']), /unable to remove repository reference "used:1" \(must force\) - container [a-f0-9]{12} is using its referenced image/);
  const forced = ok(sb.run(['image', 'rm', '-f', 'used:1']));
  assert.match(forced.stdout, /^Untagged: used:1\nDeleted: sha256:[a-f0-9]{64}\n$/);
  const record = JSON.parse(fs.readFileSync(path.join(sb.root, 'containers', sb.containerIds()[0], 'container.json'), 'utf8')) as { lowerDirs: string[] };
  for (const d of record.lowerDirs) assert.ok(fs.existsSync(d), 'the container keeps its layers');
});

test('image prune: dangling only, then -a; -f skips the question; without -f "n" keeps everything', () => {
  ok(sb.run(['import', tarball, 'keep:1']));
  const dangling = ok(sb.run(['import', tarball2])).stdout.trim();
  const no = sb.run(['image', 'prune'], { input: 'n\n' });
  assert.equal(no.code, 0);
  assert.match(no.stdout, /WARNING! This will remove all dangling images\.\nAre you sure you want to continue\? \[y\/N\] $/);
  assert.match(ok(sb.run(['images', '-q', '--no-trunc'])).stdout, new RegExp(dangling));
  const yes = ok(sb.run(['image', 'prune'], { input: 'y\n' }));
  assert.match(yes.stdout, new RegExp(`Deleted Images:\\ndeleted: ${dangling}\\n\\nTotal reclaimed space: \\d`));
  assert.doesNotMatch(ok(sb.run(['images', '-q', '--no-trunc'])).stdout, new RegExp(dangling));
  assert.match(ok(sb.run(['images'])).stdout, /keep\s+1/);

  const all = ok(sb.run(['image', 'prune', '-a', '-f']));
  assert.match(all.stdout, /untagged: keep:1\n/);
  assert.match(all.stdout, /untagged: app:1\n/);
  assert.match(all.stdout, /Total reclaimed space: [\d.]+[kM]?B\n$/);
  assert.equal(ok(sb.run(['images', '-q'])).stdout, '', 'every image went: the one the container used was already deleted');
  const again = ok(sb.run(['image', 'prune', '-a', '-f']));
  assert.equal(again.stdout, 'Total reclaimed space: 0B\n');
  // what is left on disk: the layer the container mounts, no blob without an image, nothing in tmp
  const record = JSON.parse(fs.readFileSync(path.join(sb.root, 'containers', sb.containerIds()[0], 'container.json'), 'utf8')) as { lowerDirs: string[] };
  assert.deepEqual(ls(path.join(sb.root, 'layers')), record.lowerDirs.map((d) => path.basename(path.dirname(d))).sort());
  assert.deepEqual(ls(path.join(sb.root, 'images', 'blobs', 'sha256')), []);
  assert.deepEqual(ls(path.join(sb.root, 'tmp')), []);
});

test('the image group and bad input: one line, exit 125', () => {
  assert.match(ok(sb.run(['image'])).stdout, /Usage:\s+mydocker image COMMAND/);
  assert.match(ok(sb.run(['image', 'prune', '--help'])).stdout, /Usage:\s+mydocker image prune \[OPTIONS\]/);
  oneLine(sb.run(['image', 'frobnicate']), /'frobnicate' is not a mydocker image command/);
  oneLine(sb.run(['tag', 'nope:1', 'x:1']), /unable to find image 'nope:1' locally/);
  ok(sb.run(['import', tarball, 'bad:1']));
  oneLine(sb.run(['tag', 'bad:1', 'UPPER:1']), /repository name must be lowercase/);
  oneLine(sb.run(['tag', 'bad:1', `x@sha256:${'a'.repeat(64)}`]), /digest reference/);
  oneLine(sb.run(['tag', 'bad:1']), /requires exactly 2 arguments/);
  oneLine(sb.run(['rmi']), /requires at least 1 argument/);
  oneLine(sb.run(['history', 'nope']), /unable to find image/);
  const inspect = sb.run(['image', 'inspect', 'nope']);
  oneLine(inspect, /no such image: nope/);
  assert.equal(inspect.stdout, '[]\n');
  // docker: a field the image does not have is an error (its raw-JSON fallback runs with missingkey=error)
  oneLine(sb.run(['image', 'inspect', '-f', '{{.Nope}}', 'bad:1']), /^mydocker [a-z ]+: template: :1:2: executing "" at <\.Nope>: map has no entry for key "Nope"/);
  assert.equal(ok(sb.run(['image', 'inspect', '-f', '{{.Config.Labels.nope}}', 'bad:1'])).stdout, '<no value>\n');
  oneLine(sb.run(['image', 'inspect', '-f', '{{.Os | nope}}', 'bad:1']), /function "nope" not defined/);
  oneLine(sb.run(['pull']), /requires exactly 1 argument/);
  oneLine(sb.run(['login', '-p', 'x', '--password-stdin', 'localhost:1']), /mutually exclusive/);
});
