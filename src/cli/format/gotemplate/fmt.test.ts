import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { formatV, goQuote, sprint, sprintf, sprintln } from './fmt';
import { goJson, isStructLike, kindOf, truth } from './values';

test('%v of values as Go prints them', () => {
  const cases: [unknown, string][] = [
    ['s', 's'], [42, '42'], [-7, '-7'], [1.5, '1.5'], [0.00001, '1e-05'], [1234567.5, '1.2345675e+06'], [1e21, '1000000000000000000000'],
    [true, 'true'], [null, '<nil>'], [undefined, '<nil>'], [['a', 1, null], '[a 1 <nil>]'], [[], '[]'],
    [{ b: 1, a: 'x' }, 'map[a:x b:1]'], [{}, 'map[]'], [{ Status: 'up', Pid: 3 }, '{up 3}'], [{ Nested: { Z: [1, 2] } }, '{{[1 2]}}'],
    [{ 'Mixed': 1, lower: 2 }, 'map[Mixed:1 lower:2]'],
  ];
  for (const [v, want] of cases) assert.equal(formatV(v), want, JSON.stringify(v));
});

test('Sprintf verbs, flags, width and precision', () => {
  const cases: [string, unknown[], string][] = [
    ['%s|%v|%d', ['a', 'b', 3], 'a|b|3'],
    ['%5s|%-5s|%.2s|%5.1s|', ['ab', 'ab', 'abc', 'xyz'], '   ab|ab   |ab|    x|'],
    ['%05d|%+d|% d|%-4d|', [42, 5, 5, 7], '00042|+5| 5|7   |'],
    ['%x|%X|%#x|%o|%#o|%O|%b', [255, 255, 255, 8, 8, 8, 5], 'ff|FF|0xff|10|010|0o10|101'],
    ['%x|%X|% x', ['hi', 'hi', 'hi'], '6869|6869|6869'],
    ['%c|%U|%q', [65, 0x1f600, 65], "A|U+1F600|'A'"],
    ['%f|%.2f|%8.3f|%e|%.1e|%g|%.3g|%G', [3.14159, 3.14159, 3.14159, 1234.5, 1234.5, 0.000012, 1234.5678, 1e-7], '3.141590|3.14|   3.142|1.234500e+03|1.2e+03|1.2e-05|1.23e+03|1E-07'],
    ['%t|%v', [true, false], 'true|false'],
    ['%q|%#q|%+q', ['a"b\n', 'raw', 'é'], '"a\\"b\\n"|`raw`|"\\u00e9"'],
    ['%v|%s|%d', [['a', 'b'], ['a', 'b'], [1, 2]], '[a b]|[a b]|[1 2]'],
    ['%+v|%v', [{ A: 1, B: 'x' }, { A: 1, B: 'x' }], '{A:1 B:x}|{1 x}'],
    ['%*d|%-*d|', [4, 1, 4, 2], '   1|2   |'],
    ['100%%', [], '100%'],
    ['%d %s', ['x'], '%!d(string=x) %!s(MISSING)'],
    ['%d', [1, 'extra', 2], '1%!(EXTRA string=extra, int=2)'],
    ['%t|%d|%s|%z', [1, 1.5, null, true], '%!t(int=1)|%!d(float64=1.5)|%!s(<nil>)|%!z(bool=true)'],
    ['%', [], '%!(NOVERB)'],
    ['%s', [5], '5'],
    ['%.1f|%.1f|%.0f|%.0f|%.1e|%.2g|%.2f', [2.25, 2.35, 2.5, 3.5, 1.25, 2.25, 1.005], '2.2|2.4|2|4|1.2e+00|2.2|1.00'],
  ];
  for (const [f, args, want] of cases) assert.equal(sprintf(f, args), want, f);
});

test('Sprint spaces operands when neither is a string; Sprintln always', () => {
  assert.equal(sprint(['a', 'b', 1, 2, 'c', null, 3]), 'ab1 2c<nil> 3');
  assert.equal(sprintln(['a', 1, 'b']), 'a 1 b\n');
  assert.equal(sprint([]), '');
});

test('strconv.Quote escapes', () => {
  assert.equal(goQuote('a\tb\x01\x7f\u2028é😀"\\'), '"a\\tb\\x01\\x7f\\u2028é😀\\"\\\\"');
  assert.equal(goQuote("'", "'"), "'\\''");
});

test('kinds, truth and json follow Go', () => {
  const kinds: [unknown, string][] = [[undefined, 'invalid'], [null, 'nil'], [1, 'int'], [1.5, 'float'], ['', 'string'], [[], 'slice'], [{}, 'map'], [{ A: 1 }, 'struct'], [{ a: 1 }, 'map'], [{ '80/tcp': [] }, 'map']];
  for (const [v, k] of kinds) assert.equal(kindOf(v), k, JSON.stringify(v));
  const falsy = [undefined, null, false, 0, '', [], {}];
  const truthy = [true, 1, -1, 'x', [0], { a: 1 }, { A: 0 }];
  for (const v of falsy) assert.equal(truth(v), false, JSON.stringify(v));
  for (const v of truthy) assert.equal(truth(v), true, JSON.stringify(v));
  assert.equal(isStructLike({ State: 1, ID: 2 }), true);
  assert.equal(isStructLike({ 'com.x': 1 }), false);
  assert.equal(goJson({ b: 1, a: [true, null, 'x\u2028<'] }), '{"a":[true,null,"x\\u2028<"],"b":1}');
  assert.equal(goJson({ Z: 1, A: 2 }), '{"Z":1,"A":2}');
  assert.equal(goJson(undefined), 'null');
});
