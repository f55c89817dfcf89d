import t from 'tap';
import {
  formatDouble,
  parseFixedPoint,
  unparseReal10,
  unparseReal2I32,
  unparseReal2I64,
  unparseReal2U32,
  unparseReal2U64,
} from '../../../elements/lib/click-numbers.js';

t.test("fixed-point printing matches Click's own test vectors", async (t) => {
  // Click's confparse test table: text parsed to fixed point, then printed.
  const cases: [string, number, string][] = [
    ['0.418', 8, '0.418'],
    ['0.417', 8, '0.418'],
    ['0.416', 8, '0.414'],
    ['0.42', 8, '0.42'],
    ['0.3', 16, '0.3'],
    ['0.49', 16, '0.49'],
    ['0.499', 16, '0.499'],
    ['0.4999', 16, '0.4999'],
    ['0.49999', 16, '0.49998'],
    ['0.499999', 16, '0.5'],
    ['0.49998', 16, '0.49998'],
    ['0.999999', 16, '1'],
  ];
  for (const [text, bits, want] of cases) t.equal(unparseReal2U32(parseFixedPoint(text, bits)!, bits), want, `${text} with ${bits} bits`);
});

t.test('printed fixed-point values read back exactly', async (t) => {
  for (const bits of [1, 4, 10, 16, 28]) {
    for (let i = 0; i < 2000; i++) {
      const x = (Math.imul(i, 2654435761) >>> 0) % 2 ** Math.min(32, bits + 6);
      const back = parseFixedPoint(unparseReal2U32(x, bits), bits);
      if (back !== x) t.fail(`${x}/${bits}: ${unparseReal2U32(x, bits)} reads back as ${back}`);
    }
  }
  t.equal(unparseReal2U32(3 << 10, 10), '3');
  t.equal(unparseReal2U32((5 << 10) + 512, 10), '5.5');
  t.equal(unparseReal2U32(2 ** 27, 28), '0.5');
  t.equal(unparseReal2U32(2 ** 28, 28), '1');
});

t.test('signed and 64-bit fixed-point printing', async (t) => {
  t.equal(unparseReal2I32(-(3 << 10) - 256, 10), '-3.25');
  t.equal(unparseReal2I64(-1536n, 10), '-1.5');
  t.equal(unparseReal2U64((2n ** 40n) * 1024n + 512n, 10), '1099511627776.5');
  t.equal(unparseReal2I64(0n, 4), '0');
});

t.test('base-10 fixed point drops trailing zeros', async (t) => {
  t.equal(unparseReal10(1500, 3), '1.5');
  t.equal(unparseReal10(2000, 3), '2');
  t.equal(unparseReal10(8000001, 6), '8.000001');
});

t.test('%.12g formatting', async (t) => {
  t.equal(formatDouble(100), '100');
  t.equal(formatDouble(0.1), '0.1');
  t.equal(formatDouble(2 / 3), '0.666666666667');
  t.equal(formatDouble(1e-5), '1e-05');
  t.equal(formatDouble(123456789012345), '1.23456789012e+14');
  t.equal(formatDouble(999999999999.5), '1e+12');
  t.equal(formatDouble(300000), '300000');
  t.equal(formatDouble(-2.5), '-2.5');
});

t.test('fixed-point parsing rounds to nearest and rejects junk', async (t) => {
  t.equal(parseFixedPoint('0.5', 28), 2 ** 27);
  t.equal(parseFixedPoint('1', 28), 2 ** 28);
  t.equal(parseFixedPoint('.25', 4), 4);
  t.equal(parseFixedPoint('5e-1', 4), 8);
  t.equal(parseFixedPoint('abc', 4), undefined);
  t.equal(parseFixedPoint('-0.5', 4), undefined);
  t.equal(parseFixedPoint('', 4), undefined);
  t.equal(parseFixedPoint('20', 28), undefined, 'does not fit 32 bits');
});
