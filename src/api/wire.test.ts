// The small wire pieces: filters, stdcopy frames, docker's query booleans, error bodies.
import { describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import { filterList, parseFilters } from './filters';
import { encodeFrame, FrameDecoder } from './http/frames';
import { boolQuery, intQuery } from './http/request';
import { toApiError, notFoundAs } from './errors';
import { ConflictError, FailedPreconditionError, InvalidArgumentError, NotFoundError } from '../errors/errors';
import { unixTimeArg } from './handlers/container-streams';
import { goFileMode } from './handlers/container-archive';
import * as fs from 'node:fs';

describe('filters', () => {
  it('reads both of docker\'s forms', () => {
    assert.deepEqual([...parseFilters('{"status":["running","paused"]}')], [['status', ['running', 'paused']]]);
    assert.deepEqual([...parseFilters('{"dangling":{"true":true,"false":false}}')], [['dangling', ['true']]]);
    assert.equal(parseFilters(null).size, 0);
    assert.equal(parseFilters('null').size, 0);
  });
  it('refuses what is not a filter map', () => {
    for (const bad of ['{', '[1]', '"x"', '{"a":1}']) assert.throws(() => parseFilters(bad), InvalidArgumentError, bad);
  });
  it('turns them into key=value lists and refuses unknown keys', () => {
    assert.deepEqual(filterList(parseFilters('{"label":["a=b","c"]}'), ['label']), ['label=a=b', 'label=c']);
    assert.throws(() => filterList(parseFilters('{"bogus":["1"]}'), ['label']), /invalid filter 'bogus'/);
  });
});

describe('multiplexed stream frames', () => {
  it('puts an 8-byte header before each chunk', () => {
    const f = encodeFrame(2, Buffer.from('err'));
    assert.deepEqual([...f.subarray(0, 8)], [2, 0, 0, 0, 0, 0, 0, 3]);
    assert.equal(f.subarray(8).toString(), 'err');
  });
  it('decodes frames split anywhere', () => {
    const all = Buffer.concat([encodeFrame(1, Buffer.from('hello')), encodeFrame(2, Buffer.from('world!'))]);
    const d = new FrameDecoder();
    const got = [...all].flatMap((b) => d.push(Buffer.from([b])));
    assert.deepEqual(got.map((f) => [f.stream, f.data.toString()]), [[1, 'hello'], [2, 'world!']]);
  });
});

describe('query arguments', () => {
  const q = new URLSearchParams('a=1&b=true&c=True&d=0&e=false&f=&n=12&m=x');
  it('reads booleans as docker does', () => {
    assert.deepEqual(['a', 'b', 'c', 'd', 'e', 'f', 'zz'].map((k) => boolQuery(q, k)), [true, true, true, false, false, false, false]);
    assert.equal(boolQuery(q, 'zz', true), true);
  });
  it('reads integers and refuses garbage', () => {
    assert.equal(intQuery(q, 'n'), 12);
    assert.equal(intQuery(q, 'zz'), undefined);
    assert.throws(() => intQuery(q, 'm'), InvalidArgumentError);
  });
  it('reads unix times with nanoseconds', () => {
    assert.equal(unixTimeArg('1700000000.000000123', 'since'), 1700000000 * 1e9 + 123);
    assert.equal(unixTimeArg('1700000000', 'since'), 1700000000 * 1e9);
    assert.equal(unixTimeArg('0', 'since'), undefined);
    assert.throws(() => unixTimeArg('yesterday', 'since'), InvalidArgumentError);
  });
});

describe('errors', () => {
  it('maps kinds to docker statuses', () => {
    const cases: [Error, number][] = [
      [new NotFoundError('x'), 404], [new ConflictError('x'), 409], [new InvalidArgumentError('x'), 400],
      [new FailedPreconditionError('x'), 409], [new Error('boom'), 500],
    ];
    for (const [err, status] of cases) assert.equal(toApiError(err).status, status, err.constructor.name);
  });
  it("rewords a missing object in docker's words", () => {
    assert.throws(() => notFoundAs(() => { throw new NotFoundError('no such container: x'); }, 'No such container: x'), /^NotFoundError: No such container: x$/);
    assert.throws(() => notFoundAs(() => { throw new ConflictError('busy'); }, 'No such container: x'), ConflictError);
  });
});

describe("Go's file modes for the archive stat header", () => {
  it('marks directories and links as the docker CLI reads them', () => {
    const dir = fs.lstatSync('/tmp');
    assert.ok(goFileMode(dir) >= 2 ** 31, 'ModeDir');
    assert.ok((goFileMode(dir) & 0o777) > 0);
    assert.equal(goFileMode(fs.lstatSync('/proc/self')) & 2 ** 27, 2 ** 27, 'ModeSymlink');
    assert.equal(goFileMode(fs.lstatSync('/etc/hostname')) & 2 ** 31, 0);
  });
});
