// The words of the IPFilter/IPClassifier language: qualifier and type words,
// and the value names Click knows without /etc files (IP protocols, TCP/UDP
// ports, TCP flags, ICMP types). `lookupWord` resolves a word the way Click's
// IPFilter::lookup does: type words first, then every value table, filtered by
// the type and protocol already given, and an error when the word is
// ambiguous or meaningless there.

/** A header field: `proto` 0 means the IP header, otherwise the transport header of that protocol. */
export interface FieldDef {
  readonly name: string;
  readonly proto: number;
  readonly bitOffset: number;
  readonly bits: number;
}

export const UNKNOWN_PROTO = -1000;
export const PROTO = { ICMP: 1, IGMP: 2, IPIP: 4, TCP: 6, UDP: 17, DCCP: 33, GRE: 47, SCTP: 132, TCP_OR_UDP: 256, TRANSP: 258, PAYLOAD: 259 } as const;

function field(name: string, proto: number, bitOffset: number, bits: number): FieldDef {
  return { name, proto, bitOffset, bits };
}

export const FIELDS = {
  len: field('ip len', 0, 16, 16),
  id: field('ip id', 0, 32, 16),
  vers: field('ip vers', 0, 0, 4),
  hl: field('ip hl', 0, 4, 4),
  tos: field('ip tos', 0, 8, 8),
  dscp: field('ip dscp', 0, 8, 6),
  ttl: field('ip ttl', 0, 64, 8),
  win: field('tcp win', PROTO.TCP, 112, 16),
  icmpType: field('icmp type', PROTO.ICMP, 0, 8),
} as const;

export function sameField(a: FieldDef, b: FieldDef): boolean {
  return a.proto === b.proto && a.bitOffset === b.bitOffset && a.bits === b.bits;
}

/** Primitive types a type word names. */
export type TypeName = 'host' | 'net' | 'proto' | 'frag' | 'unfrag' | 'port' | 'tcpopt' | 'ect' | 'ce';
export type PrimType = TypeName | FieldDef;

const TYPE_WORDS: ReadonlyMap<string, PrimType | 'syntax'> = new Map<string, PrimType | 'syntax'>([
  ['ce', 'ce'], ['dest', 'syntax'], ['dscp', FIELDS.dscp], ['dst', 'syntax'], ['ect', 'ect'], ['ether', 'syntax'],
  ['frag', 'frag'], ['hl', FIELDS.hl], ['host', 'host'], ['id', FIELDS.id], ['ip', 'syntax'], ['len', FIELDS.len],
  ['net', 'net'], ['not', 'syntax'], ['opt', 'tcpopt'], ['port', 'port'], ['proto', 'proto'], ['src', 'syntax'],
  ['tos', FIELDS.tos], ['ttl', FIELDS.ttl], ['type', FIELDS.icmpType], ['unfrag', 'unfrag'], ['vers', FIELDS.vers],
  ['win', FIELDS.win],
]);

const IP_PROTOS: ReadonlyMap<string, number> = new Map([
  ['dccp', PROTO.DCCP], ['gre', PROTO.GRE], ['icmp', PROTO.ICMP], ['igmp', PROTO.IGMP], ['ipip', PROTO.IPIP],
  ['payload', PROTO.PAYLOAD], ['sctp', PROTO.SCTP], ['tcp', PROTO.TCP], ['tcpudp', PROTO.TCP_OR_UDP],
  ['transp', PROTO.TRANSP], ['udp', PROTO.UDP],
]);

const PORTS: ReadonlyMap<string, number> = new Map([
  ['auth', 113], ['bootpc', 68], ['bootps', 67], ['chargen', 19], ['daytime', 13], ['discard', 9], ['dns', 53],
  ['domain', 53], ['echo', 7], ['finger', 79], ['ftp', 21], ['ftp-data', 20], ['https', 443], ['imap3', 220],
  ['imaps', 993], ['irc', 194], ['netbios-dgm', 138], ['netbios-ns', 137], ['netbios-ssn', 139], ['nntp', 119],
  ['ntp', 123], ['pop3', 110], ['pop3s', 995], ['pptp', 1723], ['rip', 520], ['route', 520], ['smtp', 25],
  ['snmp', 161], ['snmp-trap', 162], ['ssh', 22], ['sunrpc', 111], ['telnet', 23], ['tftp', 69], ['www', 80],
]);

/** A TCP or UDP port name of Click's default name database (ssh, www, ...). */
export function wellKnownPort(name: string): number | undefined {
  return PORTS.get(name);
}

const TCP_FLAGS: ReadonlyMap<string, number> = new Map([['ack', 0x10], ['fin', 0x01], ['psh', 0x08], ['rst', 0x04], ['syn', 0x02], ['urg', 0x20]]);

const ICMP_TYPES: ReadonlyMap<string, number> = new Map([
  ['echo', 8], ['echo-reply', 0], ['inforeq', 15], ['inforeq-reply', 16], ['maskreq', 17], ['maskreq-reply', 18],
  ['parameterproblem', 12], ['redirect', 5], ['routeradvert', 9], ['routersolicit', 10], ['sourcequench', 4],
  ['timeexceeded', 11], ['timestamp', 13], ['timestamp-reply', 14], ['unreachable', 3],
]);

/** What a value word stands for. */
export type ValueKind = 'proto' | 'port' | 'tcpopt' | FieldDef;

export type Lookup =
  /** A type word (`host`, `port`, `ttl`...). */
  | { readonly kind: 'type'; readonly type: PrimType }
  /** Not a known word, or a syntax word (`src`, `ip`, `not`...): the caller handles it. */
  | { readonly kind: 'other' }
  /** A named value. */
  | { readonly kind: 'value'; readonly data: ValueKind; readonly value: number }
  /** A name that is ambiguous or makes no sense here; `message` says why. */
  | { readonly kind: 'bad'; readonly message: string };

export function protoName(p: number): string {
  switch (p) {
    case UNKNOWN_PROTO:
      return '';
    case PROTO.ICMP:
      return 'icmp';
    case PROTO.IGMP:
      return 'igmp';
    case PROTO.IPIP:
      return 'ipip';
    case PROTO.TCP:
      return 'tcp';
    case PROTO.UDP:
      return 'udp';
    case PROTO.TCP_OR_UDP:
      return 'tcpudp';
    case PROTO.TRANSP:
      return 'transp';
    default:
      return `ip proto ${p}`;
  }
}

export function typeName(t: PrimType | 'none'): string {
  if (typeof t !== 'string') return t.name;
  const names: Record<string, string> = {
    none: '', host: 'host', net: 'net', proto: 'ip proto', frag: 'ip frag', unfrag: 'ip unfrag', port: 'port',
    tcpopt: 'tcp opt', ect: 'ip ect', ce: 'ip ce',
  };
  return names[t]!;
}

const VALUE_PHRASES: readonly [ValueKind, string][] = [['proto', 'ip proto'], ['port', 'port'], ['port', 'port'], ['tcpopt', 'tcp opt'], [FIELDS.icmpType, 'icmp type']];

/**
 * Resolve a word. `type` and `proto` are what the primitive already says
 * ('none' and UNKNOWN_PROTO when nothing).
 */
export function lookupWord(word: string, type: PrimType | 'none', proto: number): Lookup {
  if (type === 'none') {
    const t = TYPE_WORDS.get(word);
    if (t !== undefined) return t === 'syntax' ? { kind: 'other' } : { kind: 'type', type: t };
  }
  const got = [IP_PROTOS.get(word), PORTS.get(word), PORTS.get(word), TCP_FLAGS.get(word), ICMP_TYPES.get(word)];
  if (got.every((g) => g === undefined)) return { kind: 'other' };
  const tcpish = proto === UNKNOWN_PROTO || proto === PROTO.TCP || proto === PROTO.TCP_OR_UDP;
  const udpish = proto === UNKNOWN_PROTO || proto === PROTO.UDP || proto === PROTO.TCP_OR_UDP;
  const ok = [
    got[0] !== undefined && (type === 'none' || type === 'proto'),
    got[1] !== undefined && (type === 'none' || type === 'port') && tcpish,
    got[2] !== undefined && (type === 'none' || type === 'port') && udpish,
    got[3] !== undefined && (type === 'none' || type === 'tcpopt') && tcpish,
    got[4] !== undefined && (type === 'none' || (typeof type === 'object' && sameField(type, FIELDS.icmpType))) && (proto === UNKNOWN_PROTO || proto === PROTO.ICMP),
  ];
  // One port table serves TCP and UDP: count it once.
  if (ok[1] && ok[2] && got[1] === got[2]) ok[2] = false;
  const hits = ok.map((o, i) => (o ? i : -1)).filter((i) => i >= 0);
  if (hits.length === 1) {
    const i = hits[0]!;
    return { kind: 'value', data: VALUE_PHRASES[i]![0], value: got[i]! };
  }
  const tries = [...new Set(got.map((g, i) => (g === undefined ? '' : `'${VALUE_PHRASES[i]![1]} ${word}'`)).filter((s) => s))];
  const tn = typeName(type);
  const pn = protoName(proto);
  const context = pn && !tn.startsWith(`${pn} `) ? `${pn} ${tn}`.trim() : tn;
  const verdict = hits.length > 1 ? 'is ambiguous' : 'makes no sense';
  return { kind: 'bad', message: `'${word}' ${verdict}${context ? ` after '${context}'` : ''}; try ${tries.join(', ')}` };
}
