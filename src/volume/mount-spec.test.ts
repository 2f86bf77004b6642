import { describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import { InvalidArgumentError } from '../errors/errors';
import {
  byMountOrder, cleanDestination, collectMountRequests, parseMemoryBytes, parseMountFlag, parseTmpfsFlag, parseVolumeFlag, splitCsv,
} from './mount-spec';

const refused = (fn: () => unknown, re: RegExp) => assert.throws(fn, (e: unknown) => e instanceof InvalidArgumentError && re.test(e.message));

describe('-v', () => {
  it('tells binds, named and anonymous volumes apart', () => {
    assert.deepEqual(parseVolumeFlag('/host/dir:/data'), {
      type: 'bind', source: '/host/dir', destination: '/data', readOnly: false, propagation: 'rprivate', createSource: true, mode: '',
    });
    assert.deepEqual(parseVolumeFlag('cache:/var/cache:ro'), {
      type: 'volume', name: 'cache', destination: '/var/cache', readOnly: true, noCopy: false, labels: {}, mode: 'ro',
    });
    assert.deepEqual(parseVolumeFlag('/data/'), { type: 'volume', destination: '/data', readOnly: false, noCopy: false, labels: {}, mode: '' });
  });

  it('reads the mode list', () => {
    const b = parseVolumeFlag('/h:/c:ro,rshared,Z');
    assert.ok(b.type === 'bind' && b.readOnly && b.propagation === 'rshared');
    const v = parseVolumeFlag('v1:/c:nocopy');
    assert.ok(v.type === 'volume' && v.noCopy && !v.readOnly);
    refused(() => parseVolumeFlag('/h:/c:ro,rw'), /rw and ro given twice/);
    refused(() => parseVolumeFlag('/h:/c:fast'), /unknown option "fast"/);
    refused(() => parseVolumeFlag('v1:/c:rshared'), /only for bind mounts/);
    refused(() => parseVolumeFlag('/h:/c:nocopy'), /only for volumes/);
  });

  it('refuses what docker refuses', () => {
    refused(() => parseVolumeFlag('a:b:c:d'), /too many colons/);
    refused(() => parseVolumeFlag('/a::ro'), /empty section/);
    refused(() => parseVolumeFlag('/h:data'), /mount path must be absolute/);
    refused(() => parseVolumeFlag('/h:/'), /destination can't be '\/'/);
    refused(() => parseVolumeFlag('/h:/a/..'), /destination can't be '\/'/);
    refused(() => parseVolumeFlag('./dir:/data'), /invalid characters for a local volume name/);
    refused(() => parseVolumeFlag('a:/data'), /invalid characters/); // one character is too short, as in docker
  });

  it('cleans destinations lexically', () => {
    assert.equal(cleanDestination('/a//b/../c/', 'x'), '/a/c');
    assert.equal(parseVolumeFlag('/h/../h2/:/a/./b').destination, '/a/b');
    const b = parseVolumeFlag('/h/../h2/:/a/./b');
    assert.ok(b.type === 'bind' && b.source === '/h2');
  });
});

describe('--mount', () => {
  it('parses docker fields with aliases and boolean flags', () => {
    assert.deepEqual(parseMountFlag('type=bind,src=/srv,dst=/data,readonly,bind-propagation=rslave'), {
      type: 'bind', source: '/srv', destination: '/data', readOnly: true, propagation: 'rslave', createSource: false, mode: '',
    });
    assert.deepEqual(parseMountFlag('source=v1,target=/v,volume-nocopy,volume-label=a=b,ro=false'), {
      type: 'volume', name: 'v1', destination: '/v', readOnly: false, noCopy: true, labels: { a: 'b' }, mode: '',
    });
    assert.deepEqual(parseMountFlag('type=volume,destination=/anon'), {
      type: 'volume', destination: '/anon', readOnly: false, noCopy: false, labels: {}, mode: '',
    });
  });

  it('turns tmpfs-size and tmpfs-mode into mount data', () => {
    assert.deepEqual(parseMountFlag('type=tmpfs,target=/t,tmpfs-size=64m,tmpfs-mode=700'), {
      type: 'tmpfs', destination: '/t', readOnly: false, options: ['size=67108864', 'mode=700'],
    });
    assert.deepEqual(parseMountFlag('type=tmpfs,target=/t'), { type: 'tmpfs', destination: '/t', readOnly: false, options: ['mode=1777'] });
  });

  it('refuses mixed, unknown and missing fields', () => {
    refused(() => parseMountFlag('type=bind,source=/a,target=/b,volume-nocopy'), /cannot mix 'volume-\*' options with mount type 'bind'/);
    refused(() => parseMountFlag('type=volume,target=/b,tmpfs-size=1m'), /cannot mix 'tmpfs-\*'/);
    refused(() => parseMountFlag('type=bind,target=/b'), /field Source must not be empty/);
    refused(() => parseMountFlag('type=tmpfs,source=x,target=/b'), /source must not be specified/);
    refused(() => parseMountFlag('type=volume,source=v1'), /target is required/);
    refused(() => parseMountFlag('type=nfs,target=/x'), /invalid mount type/);
    refused(() => parseMountFlag('target=/x,color=red'), /unexpected key 'color'/);
    refused(() => parseMountFlag('target=/x,readonly=maybe'), /invalid value for readonly/);
    refused(() => parseMountFlag('type=tmpfs,target=/x,tmpfs-mode=999'), /invalid tmpfs-mode/);
    refused(() => parseMountFlag('type=volume,target=/x,volume-driver=nfs'), /not supported/);
    refused(() => parseMountFlag('type=bind,source=rel,target=/x'), /must be absolute/);
  });

  it('splits CSV with quotes like encoding/csv', () => {
    assert.deepEqual(splitCsv('type=bind,"source=/a,b",target=/c'), ['type=bind', 'source=/a,b', 'target=/c']);
    assert.deepEqual(splitCsv('"a""b",c'), ['a"b', 'c']);
    refused(() => splitCsv('"open'), /unterminated quote/);
  });

  it('reads sizes in binary units', () => {
    assert.equal(parseMemoryBytes('1024'), 1024);
    assert.equal(parseMemoryBytes('64m'), 64 * 1024 * 1024);
    assert.equal(parseMemoryBytes('1.5g'), 1.5 * 1024 ** 3);
    assert.equal(parseMemoryBytes('2KiB'), 2048);
    assert.equal(parseMemoryBytes('lots'), undefined);
  });
});

describe('--tmpfs', () => {
  it('keeps options as mount data and reads ro/rw', () => {
    assert.deepEqual(parseTmpfsFlag('/run:rw,size=64m,mode=1770,exec'), { type: 'tmpfs', destination: '/run', readOnly: false, options: ['size=64m', 'mode=1770', 'exec'] });
    assert.deepEqual(parseTmpfsFlag('/ro:ro'), { type: 'tmpfs', destination: '/ro', readOnly: true, options: [] });
    assert.deepEqual(parseTmpfsFlag('/plain'), { type: 'tmpfs', destination: '/plain', readOnly: false, options: [] });
  });

  it('refuses unknown options and bad values', () => {
    refused(() => parseTmpfsFlag('/t:bogus'), /invalid tmpfs option "bogus"/);
    refused(() => parseTmpfsFlag('/t:lowerdir=/etc'), /invalid tmpfs option/);
    refused(() => parseTmpfsFlag('/t:mode=rwx'), /mode is octal/);
    refused(() => parseTmpfsFlag('/t:size=big'), /size is bytes/);
    refused(() => parseTmpfsFlag('t'), /must be absolute/);
  });
});

describe('collectMountRequests', () => {
  it('refuses two mounts at one destination, across flags', () => {
    refused(() => collectMountRequests({ volumes: ['/a:/data'], mounts: ['type=tmpfs,target=/data/'], tmpfs: [] }), /duplicate mount point: \/data/);
    refused(() => collectMountRequests({ volumes: ['/data', 'v1:/data'], mounts: [], tmpfs: [] }), /duplicate mount point/);
  });

  it("adds the image's VOLUMEs that no user mount covers, as anonymous volumes", () => {
    const reqs = collectMountRequests({ volumes: ['named:/data'], mounts: [], tmpfs: ['/run'] }, ['/data', '/var/log/', '/', 'relative']);
    assert.deepEqual(reqs.map((r) => [r.type, r.destination, r.type === 'volume' ? r.name ?? '<anon>' : '']), [
      ['volume', '/data', 'named'], ['tmpfs', '/run', ''], ['volume', '/var/log', '<anon>'],
    ]);
  });

  it('orders parents before children', () => {
    const mps = ['/a/b/c', '/z', '/a', '/a/b'].map((Destination) => ({ Destination }));
    assert.deepEqual(mps.sort(byMountOrder).map((m) => m.Destination), ['/a', '/z', '/a/b', '/a/b/c']);
  });
});
