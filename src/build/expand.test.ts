import { describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import { InvalidArgumentError } from '../errors/errors';
import { expandWord, expandWords } from './expand';

const env: Record<string, string> = { A: 'a', B: 'b c', EMPTY: '', P: '/usr/local/bin', F: 'file.tar.gz', U: 'ü' };
const lookup = (name: string): string | undefined => env[name];

// [input, expandWord result, expandWords result] with the default escape '\'
const cases: [string, string, string[]][] = [
  ['plain', 'plain', ['plain']],
  ['$A', 'a', ['a']],
  ['${A}', 'a', ['a']],
  ['x${A}y', 'xay', ['xay']],
  ['$Ax', '', []],
  ['$A-x', 'a-x', ['a-x']],
  ['$UNSET', '', []],
  ['${UNSET}z', 'z', ['z']],
  ['$B', 'b c', ['b', 'c']],
  ['"$B"', 'b c', ['b c']],
  ["'$B'", '$B', ['$B']],
  ['\\$A', '$A', ['$A']],
  ['"\\$A"', '$A', ['$A']],
  ['"a\\b"', 'a\\b', ['a\\b']],
  ['"a\\"b"', 'a"b', ['a"b']],
  ['"a\\\\b"', 'a\\b', ['a\\b']],
  ['a\\ b', 'a b', ['a b']],
  ['a\\', 'a', ['a']],
  ['a b  c', 'a b  c', ['a', 'b', 'c']],
  ['  lead trail  ', '  lead trail  ', ['lead', 'trail']],
  ['"" x', ' x', ['x']],
  ["'it''s'", 'its', ['its']],
  ['"it\'s"', "it's", ["it's"]],
  ['${A:-d}', 'a', ['a']],
  ['${EMPTY:-d}', 'd', ['d']],
  ['${EMPTY-d}', '', []],
  ['${UNSET-d}', 'd', ['d']],
  ['${UNSET:-d e}', 'd e', ['d', 'e']],
  ['${UNSET:-$A}', 'a', ['a']],
  ['${UNSET:-${UNSET2:-deep}}', 'deep', ['deep']],
  ['${UNSET:-"q }"}', 'q }', ['q', '}']],
  ['${A:+set}', 'set', ['set']],
  ['${EMPTY:+set}', '', []],
  ['${EMPTY+set}', 'set', ['set']],
  ['${UNSET+set}', '', []],
  ['${A:?must}', 'a', ['a']],
  ['${EMPTY?ok}', '', []],
  ['${F#*.}', 'tar.gz', ['tar.gz']],
  ['${F##*.}', 'gz', ['gz']],
  ['${F%.*}', 'file.tar', ['file.tar']],
  ['${F%%.*}', 'file', ['file']],
  ['${P/local/opt}', '/usr/opt/bin', ['/usr/opt/bin']],
  ['${P//\\//:}', ':usr:local:bin', [':usr:local:bin']],
  ['$', '$', ['$']],
  ['a$', 'a$', ['a$']],
  ['$/x', '$/x', ['$/x']],
  ['$$', '', []],
  ['$1x', 'x', ['x']],
  ['$U', 'ü', ['ü']],
  ['"${A}"\'${A}\'', 'a${A}', ['a${A}']],
];

describe('expandWord / expandWords', () => {
  for (const [input, word, words] of cases) {
    it(`${JSON.stringify(input)} → ${JSON.stringify(word)} / ${JSON.stringify(words)}`, () => {
      assert.equal(expandWord(input, lookup, '\\'), word);
      assert.deepEqual(expandWords(input, lookup, '\\'), words);
    });
  }
});

describe('backtick escape', () => {
  const tick: [string, string][] = [
    ['`$A', '$A'],
    ['C:\\path\\$A', 'C:\\path\\a'],
    ['"x`"y"', 'x"y'],
    ['"x\\y"', 'x\\y'],
    ['a` b', 'a b'],
  ];
  for (const [input, want] of tick) {
    it(`${JSON.stringify(input)} → ${JSON.stringify(want)}`, () => assert.equal(expandWord(input, lookup, '`'), want));
  }
  it('splits words with backtick-escaped spaces kept', () => {
    assert.deepEqual(expandWords('a` b c', lookup, '`'), ['a b', 'c']);
  });
});

describe('expansion errors are InvalidArgumentError', () => {
  const bad: [string, RegExp][] = [
    ["'open", /single-quote/],
    ['"open', /double-quote/],
    ['${A', /missing '}'/],
    ['${', /missing '}'/],
    ['${}', /bad substitution/],
    ['${:-x}', /bad substitution/],
    ['${A:x}', /unsupported modifier \(:x\)/],
    ['${A!x}', /unsupported modifier/],
    ['${UNSET:-x', /missing '}'/],
    ['${UNSET?}', /UNSET: is not allowed to be unset/],
    ['${UNSET:?need it}', /UNSET: need it/],
    ['${EMPTY:?}', /EMPTY: is not allowed to be empty/],
    ['${A/x', /missing '\/'/],
  ];
  for (const [input, re] of bad) {
    it(JSON.stringify(input), () => {
      assert.throws(() => expandWord(input, lookup, '\\'), (e: unknown) => e instanceof InvalidArgumentError && re.test(e.message));
    });
  }
});

describe('random input expands or throws InvalidArgumentError, nothing else', () => {
  const pieces = ['$', '{', '}', ':', '-', '+', '?', '#', '%', '/', '"', "'", '\\', '`', ' ', 'A', 'B', 'EMPTY', 'x', '*', '.', '['];
  let seed = 4242;
  const rand = (n: number): number => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed % n;
  };
  it('5000 strings, both escape chars', () => {
    let ok = 0;
    let refused = 0;
    for (let round = 0; round < 5000; round++) {
      let s = '';
      for (let k = rand(12); k >= 0; k--) s += pieces[rand(pieces.length)];
      const escape = round % 2 === 0 ? '\\' : '`';
      try {
        expandWord(s, lookup, escape);
        expandWords(s, lookup, escape);
        ok++;
      } catch (e) {
        if (!(e instanceof InvalidArgumentError)) assert.fail(`${String(e)} for ${JSON.stringify(s)}`);
        refused++;
      }
    }
    assert.ok(ok > 500 && refused > 500, `both outcomes seen: ${ok} / ${refused}`);
  });
});
