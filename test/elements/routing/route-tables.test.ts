import t from 'tap';
import { spec as linear } from '../../../elements/routing/linear-ip-lookup.js';
import { spec as staticLookup } from '../../../elements/routing/static-ip-lookup.js';
import { spec as radix } from '../../../elements/routing/radix-ip-lookup.js';
import { configError, harness } from '../../util/element-harness.js';
import { frames, pkt } from '../../util/packets.js';
import { parseIPv4 } from '../../../config-lang/args/types.js';
import type { AnyElementSpec } from '../../../elements/spec.js';
import { HandlerError } from '../../../elements/spec.js';

const ip = parseIPv4;
const push3 = { outputs: ['push', 'push', 'push'] as ('push' | 'pull')[] };

function routed(s: AnyElementSpec, config: string, dsts: string[], nout = 3) {
  const h = harness(s, config, { outputs: Array.from({ length: nout }, () => 'push' as const) });
  for (const d of dsts) {
    const p = pkt(frames.udp());
    p.dstIP = ip(d);
    h.push(0, p);
  }
  return h;
}

for (const s of [linear, staticLookup, radix]) {
  t.test(`${s.name}: longest-prefix match, gateway annotation, drops without a route`, async (t) => {
    const h = routed(s, '10.0.0.0/8 0, 10.1.0.0/16 10.9.9.9 1, 10.1.2.0/24 - 2', ['10.5.5.5', '10.1.5.5', '10.1.2.3', '192.168.1.1']);
    t.equal(h.outputs[0]!.length, 1);
    t.equal(h.outputs[1]!.length, 1);
    t.equal(h.outputs[2]!.length, 1);
    t.equal(h.outputs[0]![0]!.dstIP, ip('10.5.5.5'), 'no gateway: annotation kept');
    t.equal(h.outputs[1]![0]!.dstIP, ip('10.9.9.9'), 'gateway replaces the annotation');
    t.equal(h.element.stats.dropped, 1);
    const label = s.name === 'RadixIPLookup' ? 'IPRouteTable' : 'LinearIPLookup';
    t.same(h.stderr, [`${label}: no route for 192.168.1.1`]);
  });

  t.test(`${s.name}: default route, bare address, masked address, lookup handler`, async (t) => {
    const h = routed(s, '0/0 1.2.3.4 0, 10.0.0.7 1, 10.0.0.9/24 2', []);
    t.equal(h.read('lookup', '10.0.0.7'), '1');
    t.equal(h.read('lookup', '10.0.0.8'), '2');
    t.equal(h.read('lookup', '8.8.8.8'), '0 1.2.3.4');
    t.throws(() => h.read('lookup', 'nonsense'), new HandlerError('expected IP address'));
    t.match(h.read('table'), /10\.0\.0\.0\/24/, 'the address is masked');
  });

  t.test(`${s.name}: at most five no-route messages`, async (t) => {
    const h = routed(s, '10.0.0.0/8 0', ['1.1.1.1', '1.1.1.2', '1.1.1.3', '1.1.1.4', '1.1.1.5', '1.1.1.6', '1.1.1.7'], 1);
    t.equal(h.stderr.length, 5);
    t.equal(h.element.stats.dropped, 7);
  });

  t.test(`${s.name}: configuration errors`, async (t) => {
    t.equal(configError(s, '10.0.0.0/8 0, 10.0.0.0/33 1', 1, 2), "argument 2 should be 'ADDR/MASK [GATEWAY] OUTPUT'");
    t.equal(configError(s, '10.0.0.0/8', 1, 2), "argument 1 should be 'ADDR/MASK [GATEWAY] OUTPUT'");
    t.equal(configError(s, '10.0.0.0/8 1.2.3.4 0 9', 1, 2), "argument 1 should be 'ADDR/MASK [GATEWAY] OUTPUT'");
    t.equal(configError(s, '10.0.0.0/8 2', 1, 2), 'argument 1 bad OUTPUT');
    t.equal(configError(s, '10.0.0.0/8 -1', 1, 2), 'argument 1 bad OUTPUT');
    t.equal(configError(s, '10.0.0.0/8 0, 10.0.0.0/8 1', 1, 2), undefined);
  });
}

t.test('duplicate prefixes: the first route stays, with a warning', async (t) => {
  const h = routed(linear, '10.0.0.0/8 0, 10.0.0.0/8 1', ['10.1.1.1'], 2);
  t.equal(h.outputs[0]!.length, 1);
  t.equal(h.read('table'), '10.0.0.0/8\t\t-\t\t0\n');
});

t.test('ports are Click integers: decimal, 0x hex, leading-zero octal', async (t) => {
  const h = routed(radix, '1.0.0.0/8 10, 2.0.0.0/8 0x0b, 3.0.0.0/8 012', [], 12);
  t.equal(h.read('lookup', '1.1.1.1'), '10');
  t.equal(h.read('lookup', '2.1.1.1'), '11');
  t.equal(h.read('lookup', '3.1.1.1'), '10');
});

for (const s of [linear, radix]) {
  t.test(`${s.name}: add, set, remove, table format`, async (t) => {
    const h = routed(s, '10.0.0.0/8 0', [], 3);
    h.write('add', '192.168.0.0/16 10.0.0.1 1');
    t.throws(() => h.write('add', '192.168.0.0/16 2'), new HandlerError("conflict with existing route '192.168.0.0/16 10.0.0.1 1'"));
    h.write('set', '192.168.0.0/16 2');
    t.equal(h.read('lookup', '192.168.3.4'), '2');
    t.throws(() => h.write('remove', '172.16.0.0/12'), new HandlerError("route '172.16.0.0/12 - -1' not found"));
    t.throws(() => h.write('remove', '192.168.0.0/16 1.1.1.1 2'), /not found/, 'gateway and port must match when given');
    t.throws(() => h.write('add', '1.0.0.0/8 7'), new HandlerError('bad OUTPUT'));
    t.throws(() => h.write('add', 'garbage'), new HandlerError("expected 'ADDR/MASK [GATEWAY] OUTPUT'"));
    t.throws(() => h.write('remove', 'garbage'), new HandlerError("expected 'ADDR/MASK [GATEWAY OUTPUT]'"));
    h.write('add', '172.16.0.0/255.240.0.0 1.2.3.4 1');
    // LinearIPLookup replaces a route in place; RadixIPLookup stores the new
    // route in a fresh slot and frees the old one, which the next add reuses.
    const lines = s.name === 'LinearIPLookup'
      ? ['10.0.0.0/8\t\t-\t\t0', '192.168.0.0/16\t\t-\t\t2', '172.16.0.0/12\t\t1.2.3.4\t\t1']
      : ['10.0.0.0/8\t\t-\t\t0', '172.16.0.0/12\t\t1.2.3.4\t\t1', '192.168.0.0/16\t\t-\t\t2'];
    t.equal(h.read('table'), lines.map((l) => l + '\n').join(''));
    h.write('remove', '192.168.0.0/16');
    t.equal(h.read('lookup', '192.168.3.4'), '-1');
    h.write('add', '1.2.3.0/255.0.255.0 0');
    const freed = s.name === 'LinearIPLookup' ? 1 : 2;
    t.equal(h.read('table').split('\n')[freed], '1.0.3.0/255.0.255.0\t-\t\t0', 'freed slot reused; non-prefix mask printed in full');
    t.equal(h.read('lookup', '1.0.3.9'), '0');
  });

  t.test(`${s.name}: ctrl applies commands atomically`, async (t) => {
    const h = routed(s, '10.0.0.0/8 0', [], 3);
    h.write('ctrl', 'add 20.0.0.0/8 1\nset 10.0.0.0/8 2\n\nremove 20.0.0.0/8\nadd 30.0.0.0/8 1');
    t.equal(h.read('lookup', '10.1.1.1'), '2');
    t.equal(h.read('lookup', '20.1.1.1'), '-1');
    t.equal(h.read('lookup', '30.1.1.1'), '1');
    const before = h.read('table');
    t.throws(() => h.write('ctrl', 'remove 30.0.0.0/8\nset 10.0.0.0/8 0\nadd 40.0.0.0/8 1\nadd 10.0.0.0/8 1'), /conflict/);
    t.equal(h.read('table'), before, 'rolled back');
    t.throws(() => h.write('ctrl', 'frob 1.0.0.0/8 1'), new HandlerError("bad command 'frob'"));
  });
}

t.test('RadixIPLookup: nested prefixes across trie levels, remove restores the shorter prefix, flush', async (t) => {
  const h = routed(radix, '0/0 0, 10.0.0.0/8 1, 10.128.0.0/9 2, 10.128.64.0/18 0, 10.128.64.1/32 1', [], 3);
  t.equal(h.read('lookup', '10.1.2.3'), '1');
  t.equal(h.read('lookup', '10.200.2.3'), '2');
  t.equal(h.read('lookup', '10.128.100.3'), '0');
  t.equal(h.read('lookup', '10.128.64.1'), '1');
  t.equal(h.read('lookup', '11.0.0.1'), '0');
  h.write('remove', '10.128.64.0/18');
  t.equal(h.read('lookup', '10.128.100.3'), '2');
  t.equal(h.read('lookup', '10.128.64.1'), '1');
  h.write('remove', '10.128.0.0/9');
  t.equal(h.read('lookup', '10.200.2.3'), '1');
  h.write('remove', '0.0.0.0/0');
  t.equal(h.read('lookup', '11.0.0.1'), '-1');
  h.write('flush', '');
  t.equal(h.read('table'), '');
  t.equal(h.read('lookup', '10.128.64.1'), '-1');
});

t.test('RadixIPLookup and LinearIPLookup agree on random tables', async (t) => {
  let seed = 7;
  const rnd = (n: number) => {
    seed = (seed * 1103515245 + 12345) >>> 0;
    return (seed >>> 8) % n;
  };
  const routes: string[] = [];
  const seen = new Set<string>();
  while (routes.length < 120) {
    const len = rnd(33);
    const addr = ((rnd(4) << 30) | (rnd(256) << 20) | (rnd(4096) << 8)) >>> 0;
    const mask = len === 0 ? 0 : (0xffffffff << (32 - len)) >>> 0;
    const key = `${(addr & mask) >>> 0}/${len}`;
    if (seen.has(key)) continue;
    seen.add(key);
    routes.push(`${addr >>> 24}.${(addr >>> 16) & 255}.${(addr >>> 8) & 255}.${addr & 255}/${len} ${rnd(3)}`);
  }
  const a = routed(linear, routes.join(', '), [], 3);
  const b = routed(radix, routes.join(', '), [], 3);
  let mismatches = 0;
  for (let i = 0; i < 3000; i++) {
    const x = ((rnd(4) << 30) | (rnd(256) << 20) | (rnd(1 << 20))) >>> 0;
    const q = `${x >>> 24}.${(x >>> 16) & 255}.${(x >>> 8) & 255}.${x & 255}`;
    if (a.read('lookup', q) !== b.read('lookup', q)) mismatches++;
  }
  t.equal(mismatches, 0);
});

t.test('StaticIPLookup has only the table and lookup handlers', async (t) => {
  t.same(Object.keys(staticLookup.handlers ?? {}).sort(), ['lookup', 'table']);
  t.same(Object.keys(radix.handlers ?? {}).sort(), ['add', 'ctrl', 'flush', 'lookup', 'remove', 'set', 'table']);
  t.same(Object.keys(linear.handlers ?? {}).sort(), ['add', 'ctrl', 'lookup', 'remove', 'set', 'table']);
  t.ok(push3);
});
