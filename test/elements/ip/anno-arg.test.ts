import t from 'tap';
import { annoArg } from '../../../elements/lib/anno-arg.js';
import type { ConfigContext } from '../../../config-lang/args/args.js';

const ctx = {} as ConfigContext;

t.test('annotation names and offsets', async (t) => {
  t.equal(annoArg(4).parse('DST_IP', ctx), 0);
  t.equal(annoArg(2).parse('VLAN_TCI', ctx), 20);
  t.equal(annoArg(1).parse('PAINT', ctx), 16);
  t.equal(annoArg(4).parse('12', ctx), 12);
  t.equal(annoArg(6).parse('0x10', ctx), 16);
  t.throws(() => annoArg(4).parse('PAINT', ctx), /1 bytes, not 4/);
  t.throws(() => annoArg(4).parse('45', ctx), /out of range/);
  t.throws(() => annoArg(4).parse('dst_ip', ctx), 'names are case-sensitive, as in Click');
  t.throws(() => annoArg(4).parse('-1', ctx));
});

t.test('Click takes the text as it stands: a quoted name is not a name', async (t) => {
  t.throws(() => annoArg(1).parse('"PAINT"', ctx), /not an annotation name or offset/);
  t.throws(() => annoArg(4).parse('x12', ctx), /not an annotation name or offset/);
});

t.test('size 0 takes any named annotation, and any offset inside the area', async (t) => {
  t.equal(annoArg(0).parse('FIRST_TIMESTAMP', ctx), 32);
  t.equal(annoArg(0).parse('47', ctx), 47);
  t.throws(() => annoArg(0).parse('48', ctx), /annotation offset 48 is out of range/);
  t.match(annoArg(0).description, /^annotation name or offset$/);
  t.match(annoArg(6).description, /\(6 bytes\)/);
});
