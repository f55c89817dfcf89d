// Click's names for IP protocols and ICMP types and codes (IPNameInfo), as
// IPPrint and the IP summary dump fields print and read them.

export const IP_PROTO_NAMES: Record<number, string> = { 1: 'icmp', 2: 'igmp', 4: 'ipip', 6: 'tcp', 17: 'udp' };

export const ICMP_TYPE_NAMES: Record<number, string> = {
  0: 'echo-reply', 3: 'unreachable', 4: 'sourcequench', 5: 'redirect', 8: 'echo', 9: 'routeradvert',
  10: 'routersolicit', 11: 'timeexceeded', 12: 'parameterproblem', 13: 'timestamp', 14: 'timestamp-reply',
  15: 'inforeq', 16: 'inforeq-reply', 17: 'maskreq', 18: 'maskreq-reply',
};

/** Code names per ICMP type. */
export const ICMP_CODE_NAMES: Record<number, Record<number, string>> = {
  3: {
    0: 'net', 1: 'host', 2: 'protocol', 3: 'port', 4: 'needfrag', 5: 'srcroutefail', 6: 'netunknown', 7: 'hostunknown',
    8: 'isolated', 9: 'netprohibited', 10: 'hostprohibited', 11: 'tosnet', 12: 'toshost', 13: 'filterprohibited',
    14: 'hostprecedence', 15: 'precedencecutoff',
  },
  5: { 0: 'net', 1: 'host', 2: 'tosnet', 3: 'toshost' },
  11: { 0: 'transit', 1: 'reassembly' },
  12: { 0: 'erroratptr', 1: 'missingopt', 2: 'length' },
};

function reverse(names: Record<number, string>): Map<string, number> {
  return new Map(Object.entries(names).map(([k, v]) => [v, Number(k)]));
}

const ICMP_TYPES = reverse(ICMP_TYPE_NAMES);

/** An ICMP type by name or number, or undefined. */
export function icmpTypeValue(text: string): number | undefined {
  const named = ICMP_TYPES.get(text);
  if (named !== undefined) return named;
  return /^\d+$/.test(text) && Number(text) < 256 ? Number(text) : undefined;
}

/** An ICMP code by name (for that type) or number, or undefined. */
export function icmpCodeValue(type: number | undefined, text: string): number | undefined {
  const names = type === undefined ? undefined : ICMP_CODE_NAMES[type];
  const named = names ? reverse(names).get(text) : undefined;
  if (named !== undefined) return named;
  return /^\d+$/.test(text) && Number(text) < 256 ? Number(text) : undefined;
}
