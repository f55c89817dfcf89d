// Seeded random classifier patterns and packet bytes, for the property
// tests of the classifiers: the host engine's compiled programs against
// direct evaluation (test/elements/classification/property.test.ts) and the
// native classifiers against the host engine's (test/native/). Every draw
// comes from the seeded generator, so a failure names a reproducible seed.

/** A seeded xorshift generator: int(n) in [0, n), pick from a list, chance(p). */
export function rng(seed: number) {
  let s = seed >>> 0 || 1;
  const next = () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return (s >>> 0) / 2 ** 32;
  };
  return {
    int: (n: number) => Math.floor(next() * n),
    pick: <T>(xs: readonly T[]): T => xs[Math.floor(next() * xs.length)]!,
    chance: (p: number) => next() < p,
  };
}
export type Rng = ReturnType<typeof rng>;

const ADDRS = ['10.0.0.1', '10.0.0.2', '10.0.1.7', '192.0.2.1', '203.0.113.9'];
const PORTS = [0, 53, 80, 443, 1023, 1024, 8080];
const OPS = ['', '== ', '!= ', '< ', '> ', '<= ', '>= '];

function primitive(r: Rng): string {
  const sd = r.pick(['', 'src ', 'dst ', 'src or dst ', 'src and dst ']);
  switch (r.int(16)) {
    case 0:
      return r.pick(['tcp', 'udp', 'icmp', 'ip proto 47', 'ip proto != 6', 'tcpudp']);
    case 1:
      return `${sd}host ${r.pick(ADDRS)}${r.chance(0.3) ? ` or ${r.pick(ADDRS)}` : ''}`;
    case 2:
      return `${sd}net ${r.pick(['10.0.0.0/24', '10.0.0.0/8', '192.0.2.0/25', '10.0.0.0 mask 255.255.0.0', '10.0.0.2/31'])}`;
    case 3:
      return `${r.pick(['', 'src ', 'dst '])}${r.pick(['', 'tcp ', 'udp '])}port ${r.pick(OPS)}${r.pick(PORTS)}${r.chance(0.2) ? ` or ${r.pick(PORTS)}` : ''}`;
    case 4:
      return r.pick(['tcp opt syn', 'tcp opt ack', 'syn', 'fin', 'rst', 'tcp opt psh', 'urg']);
    case 5:
      return `icmp type ${r.pick(['echo', 'echo-reply', 'unreachable', `${r.pick(OPS)}${r.int(12)}`])}`;
    case 6:
      return `ip ttl ${r.pick(OPS)}${r.pick([0, 1, 5, 63, 64, 128, 255])}`;
    case 7:
      return `ip tos ${r.chance(0.5) ? `& 0x${r.int(256).toString(16)} ` : ''}${r.pick(OPS)}${r.int(256)}`;
    case 8:
      return r.pick([`ip dscp ${r.int(64)}`, 'ip ect', 'ip ce', 'ip frag', 'ip unfrag', 'ip vers 4', `ip hl ${r.pick(OPS)}5`]);
    case 9:
      return `ip len ${r.pick(OPS)}${r.pick([20, 28, 40, 60, 100])}`;
    case 10:
      return `ip id ${r.pick(OPS)}${r.pick([0, 1, 0x1234, 0xffff])}`;
    case 11:
      return r.pick(['ip[9] == 6', 'ip[9] 17', 'ip[12:2] == 0x0a00', 'ip[1,2] < 300', 'ip[8] > 32', 'ip[0] & 0xf0 == 0x40']);
    case 12:
      return r.pick(['transp[0:2] > 1000', 'tcp[13] & 2 != 0', 'udp[2:2] == 53', 'icmp[0] == 8', 'transp[1] < 90', 'tcp[12:4] & 0x00120000 == 0x00120000']);
    case 13:
      return r.pick(['true', 'false', 'tcp win > 1000', 'tcp win 8192']);
    case 14:
      return `${r.pick(['tcp ', 'udp ', ''])}${r.pick(['src ', 'dst '])}port ${r.pick(['www', 'domain', 'https', '53'])}`;
    default:
      return r.pick(['icmp echo', 'dst port 53 or 80', 'udp and dst port > 1023']);
  }
}

/** A random IPClassifier/IPFilter expression. */
export function expression(r: Rng, depth: number): string {
  if (depth <= 0 || r.chance(0.35)) return primitive(r);
  switch (r.int(6)) {
    case 0:
      return `not ${r.chance(0.5) ? `(${expression(r, depth - 1)})` : primitive(r)}`;
    case 1:
      return `(${expression(r, depth - 1)}) ${r.pick(['and', '&&'])} (${expression(r, depth - 1)})`;
    case 2:
      return `(${expression(r, depth - 1)}) ${r.pick(['or', '||'])} (${expression(r, depth - 1)})`;
    case 3:
      return `(${expression(r, depth - 1)}) (${expression(r, depth - 1)})`;
    case 4:
      return `(${expression(r, depth - 1)} ? ${expression(r, depth - 1)} : ${expression(r, depth - 1)})`;
    default:
      return `${primitive(r)} and ${primitive(r)}`;
  }
}

/** A random Classifier pattern (terms at offsets 0-43, `?` nibbles, masks, negations, `-`). */
export function classifierPattern(r: Rng): string {
  if (r.chance(0.1)) return '-';
  const terms: string[] = [];
  const n = 1 + r.int(3);
  for (let i = 0; i < n; i++) {
    const bytes = 1 + r.int(5);
    const nib = () => r.pick(['0', '8', '6', 'f', 'F', '4', '5', '?']);
    let v = '';
    let m = '';
    for (let k = 0; k < bytes * 2; k++) {
      v += nib();
      m += r.pick(['f', 'f', '0', '3', 'c', '?']);
    }
    terms.push(`${r.chance(0.25) ? '!' : ''}${r.int(44)}/${v}${r.chance(0.3) ? `%${m}` : ''}`);
  }
  return terms.join(' ');
}

function put16(b: Uint8Array, o: number, v: number) {
  if (o + 1 < b.length) {
    b[o] = v >> 8;
    b[o + 1] = v & 255;
  }
}

/** IP header and transport bytes with fields from small pools (so patterns match), options and fragments. */
export function ipBytes(r: Rng): { ip: Uint8Array; hlen: number } {
  const hl = r.pick([5, 5, 5, 6, 15]);
  const transLen = r.pick([0, 1, 2, 3, 4, 8, 13, 14, 20, 20, 20, 30]);
  const total = hl * 4 + transLen;
  const b = new Uint8Array(total);
  for (let i = 0; i < b.length; i++) b[i] = r.int(256);
  b[0] = (r.chance(0.9) ? 0x40 : r.int(16) << 4) | hl;
  b[1] = r.pick([0, 1, 2, 3, 0xb8, r.int(256)]);
  put16(b, 2, r.chance(0.7) ? total : r.pick([20, 28, 40, 60, 100]));
  put16(b, 4, r.pick([0, 1, 0x1234, 0xffff, r.int(65536)]));
  put16(b, 6, r.pick([0, 0, 0x4000, 0x2000, 0x0001, 0x2005]));
  b[8] = r.pick([0, 1, 5, 63, 64, 128, 255]);
  b[9] = r.pick([1, 6, 6, 17, 17, 47, 33]);
  const addr = (s: string) => s.split('.').map(Number);
  b.set(addr(r.pick(ADDRS)), 12);
  b.set(addr(r.pick(ADDRS)), 16);
  const th = hl * 4;
  put16(b, th, r.pick(PORTS));
  put16(b, th + 2, r.pick(PORTS));
  if (th < b.length && b[9] === 1) b[th] = r.pick([0, 8, 3, 11]);
  if (th + 13 < b.length) b[th + 13] = r.int(64);
  return { ip: b, hlen: th };
}

/** Bytes for Classifier (link-level offsets): up to 47, mostly values its patterns test. */
export function randomLinkBytes(r: Rng): Uint8Array {
  const len = r.int(48);
  return Uint8Array.from({ length: len }, () => r.pick([0x00, 0x08, 0x06, 0xff, 0x45, r.int(256)]));
}
