import { describe, test } from 'node:test';
import * as assert from 'node:assert/strict';
import { logRotation, parseLogConfig } from './log-driver';

describe('parseLogConfig', () => {
  test('json-file by default; its options checked', () => {
    assert.deepEqual(parseLogConfig(undefined, []), { Type: 'json-file', Config: {} });
    assert.deepEqual(parseLogConfig('', ['max-size=10m', 'max-file=3']), { Type: 'json-file', Config: { 'max-size': '10m', 'max-file': '3' } });
    assert.throws(() => parseLogConfig('json-file', ['max-file=3']), /max-file cannot be set without max-size/);
    assert.throws(() => parseLogConfig('json-file', ['compress=true']), /unknown log opt 'compress' for json-file log driver/);
  });
  test("local takes docker's three options", () => {
    assert.deepEqual(parseLogConfig('local', ['max-size=1m', 'max-file=2', 'compress=false']).Config, { 'max-size': '1m', 'max-file': '2', compress: 'false' });
    assert.throws(() => parseLogConfig('local', ['compress=maybe']), /invalid log opt compress "maybe": expected true or false/);
    assert.throws(() => parseLogConfig('local', ['max-size=big']), /invalid log opt max-size "big"/);
  });
  test('none takes no option; other drivers are refused by name', () => {
    assert.deepEqual(parseLogConfig('none', []), { Type: 'none', Config: {} });
    assert.throws(() => parseLogConfig('none', ['max-size=1m']), /unknown log opt 'max-size' for none log driver/);
    assert.throws(() => parseLogConfig('syslog', []), /logging driver "syslog" is not supported by mydocker \(json-file, local or none\)/);
    assert.throws(() => parseLogConfig('json-file', ['novalue']), /invalid log opt "novalue": expected key=value/);
  });
});

describe('logRotation', () => {
  test("local rotates at docker's defaults (20 MB, 5 files) unless told; json-file never by default", () => {
    assert.deepEqual(logRotation({ Type: 'local', Config: {} }), { maxSize: 20_000_000, maxFiles: 5 });
    assert.deepEqual(logRotation({ Type: 'local', Config: { 'max-size': '2k' } }), { maxSize: 2000, maxFiles: 5 });
    assert.deepEqual(logRotation({ Type: 'json-file', Config: {} }), {});
    assert.deepEqual(logRotation({ Type: 'json-file', Config: { 'max-size': '1k', 'max-file': '2' } }), { maxSize: 1000, maxFiles: 2 });
  });
});
