// Script's text handling: word splitting, quoting, `$` expansion.
import t from 'tap';
import { expand, quote, shiftWord } from '../../../elements/driver/script-text.js';
import { sprintf } from '../../../elements/driver/script-builtins.js';
import { formatDouble } from '../../../elements/lib/click-numbers.js';

const vars: Record<string, string> = { x: '5', s: 'a b', q: 'say "hi"' };
const lookup = (name: string, kind: string) => (kind === 'call' ? `<${name}>` : vars[name]);

t.test('words and quoting', async (t) => {
  t.same(shiftWord('  one two  three'), ['one', 'two  three']);
  t.same(shiftWord('"a b" c'), ['"a b"', 'c']);
  t.same(shiftWord(''), ['', '']);
  t.equal(quote('a"b$c\\d\n\x01'), '"a\\"b\\$c\\\\d\\n\\001"');
  t.equal(quote(''), '""');
});

t.test('expansion', async (t) => {
  t.equal(expand('x=$x y=${x} $(add $x 1) $nope', lookup), 'x=5 y=5 <add 5 1> $nope');
  t.equal(expand(`'$x' "$x"`, lookup), `'$x' "5"`, 'nothing in single quotes');
  t.equal(expand('"$q"', lookup), '"say \\"hi\\""', 'escaped inside double quotes');
  t.equal(expand('$s', lookup, true), '"a b"', 'quoted at top level when asked');
  t.equal(expand('$(f "a)b") end', lookup), '<f "a)b"> end', 'parentheses in quotes do not close');
  t.equal(expand('cost: 5$', lookup), 'cost: 5$');
});

t.test('number formatting and sprintf', async (t) => {
  t.equal(formatDouble(0.1 + 0.2), '0.3');
  t.equal(formatDouble(1e20), '1e+20');
  t.equal(formatDouble(1 / 3), '0.333333333333');
  t.equal(formatDouble(-2.5e-7), '-2.5e-07');
  t.equal(sprintf('"%5s|%-5s|%x|%X|%o|%+d|%%" ab cd 255 255 8 3'), '   ab|cd   |ff|FF|10|+3|%');
  t.equal(sprintf('"%.3d %#x %hd" 7 255 65535'), '007 0xff -1');
  t.equal(sprintf('"%*d" 4 7'), '   7');
});
