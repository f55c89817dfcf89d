import t from 'tap';
import { a, parseArgs, ConfigError, type ConfigContext } from '../../config-lang/args/args.js';
import { splitArgs, splitWords, unquote } from '../../config-lang/args/split.js';
import { T, parseIPPrefix, parseInterval } from '../../config-lang/args/types.js';

const ctx: ConfigContext = { elementName: 'x', className: 'X', ninputs: 1, noutputs: 1, lookupElement: () => undefined, warn: () => {} };

t.test('splitting respects quotes, brackets, hex strings and comments', async (t) => {
  t.same(splitArgs('a, "b,c", (d, e), \\<2c 2c>, f // g, h\n').map((p) => p.text), ['a', '"b,c"', '(d, e)', '\\<2c 2c>', 'f']);
  t.same(splitArgs('12/0800, -, ').map((p) => p.text), ['12/0800', '-']);
  t.same(splitArgs('').map((p) => p.text), []);
  t.same(splitArgs('a,,b').map((p) => p.text), ['a', '', 'b']);
  t.same(splitWords('10.0.0.1 "a b" c').map((p) => p.text), ['10.0.0.1', '"a b"', 'c']);
  t.equal(unquote('"a\\tb\\<41 42>"x'), 'a\tbABx');
});

t.test('positional and keyword arguments follow Click rules', async (t) => {
  const defs = { DATA: a.p(T.string, ''), LIMIT: a.p(T.int, -1), BURST: a.p(T.unsigned, 1), STOP: a.kw(T.bool, false), LENGTH: a.ko(T.unsigned) };
  const r = parseArgs(defs, 'hello, 5, STOP true, LENGTH 64', ctx).values;
  t.same(r, { DATA: 'hello', LIMIT: 5, BURST: 1, STOP: true, LENGTH: 64 });
  const k = parseArgs(defs, 'LIMIT 10, LIMIT 20', ctx).values;
  t.equal(k.LIMIT, 20, 'last keyword occurrence wins');
  t.throws(() => parseArgs(defs, 'a, 1, 2, 3', ctx), ConfigError);
  t.throws(() => parseArgs(defs, 'FOO 3', ctx), /unknown argument 'FOO'/);
  t.throws(() => parseArgs(defs, 'x, notanumber', ctx), /LIMIT: 'notanumber' is not an integer/);
  const m = { ADDR: a.mp(T.ip) };
  t.throws(() => parseArgs(m, '', ctx), /missing mandatory argument ADDR/);
});

t.test('typed parsers', async (t) => {
  t.equal(T.int.parse('0x10', ctx), 16);
  t.equal(T.int.parse('010', ctx), 8);
  t.equal(T.int.parse('-5', ctx), -5);
  t.throws(() => T.unsigned.parse('-1', ctx));
  t.equal(parseInterval('10ms'), 10_000_000n);
  t.equal(parseInterval('1.5'), 1_500_000_000n);
  t.equal(parseInterval('0.1s'), 100_000_000n);
  // 64-bit nanoseconds, as the native dataplane holds them; any exponent is answered at once.
  t.equal(parseInterval('9223372036.854775807'), (1n << 63n) - 1n);
  t.throws(() => parseInterval('9223372036.854775808'), /out of range/);
  t.throws(() => parseInterval('1e999999999'), /out of range/);
  t.equal(parseInterval('0e999999999'), 0n);
  t.equal(parseInterval('1e-999999999'), 0n);
  t.equal(T.bandwidth.parse('10Mbps', ctx), 1.25e6);
  t.same(parseIPPrefix('10.0.0.0 255.0.0.0'), { addr: 0x0a000000, mask: 0xff000000, length: 8 });
  t.same(parseIPPrefix('10.0.0.0/8'), { addr: 0x0a000000, mask: 0xff000000, length: 8 });
  t.same(Array.from(T.ether.parse('0:1:2:3:4:ff', ctx)), [0, 1, 2, 3, 4, 255]);
  t.same(Array.from(T.bytes.parse('\\<00 11>"A"', ctx)), [0, 0x11, 65]);
  t.throws(() => T.bytes.parse('\\<0g>', ctx), /bad hex digit/);
  t.equal(T.bool.parse('yes', ctx), true);
});
