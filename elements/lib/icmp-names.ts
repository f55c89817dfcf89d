// Click's names for ICMP types and, per error type, codes (NameInfo's
// T_ICMP_TYPE and T_ICMP_CODE + type databases). Names are case-sensitive,
// as in Click; integers are accepted too.

import { parseClickInt } from './ip-route.js';

export const ICMP_TYPES: Readonly<Record<string, number>> = {
  'echo-reply': 0, unreachable: 3, sourcequench: 4, redirect: 5, echo: 8, routeradvert: 9, routersolicit: 10,
  timeexceeded: 11, parameterproblem: 12, timestamp: 13, 'timestamp-reply': 14, inforeq: 15, 'inforeq-reply': 16,
  maskreq: 17, 'maskreq-reply': 18,
};

export const ICMP_CODES: Readonly<Record<number, Readonly<Record<string, number>>>> = {
  3: {
    net: 0, host: 1, protocol: 2, port: 3, needfrag: 4, srcroutefail: 5, netunknown: 6, hostunknown: 7, isolated: 8,
    netprohibited: 9, hostprohibited: 10, tosnet: 11, toshost: 12, filterprohibited: 13, hostprecedence: 14, precedencecutoff: 15,
  },
  5: { net: 0, host: 1, tosnet: 2, toshost: 3 },
  11: { transit: 0, reassembly: 1 },
  12: { erroratptr: 0, missingopt: 1, length: 2 },
};

/** An ICMP type name or integer (Click's NamedIntArg(T_ICMP_TYPE)); undefined if neither. */
export function icmpTypeValue(text: string): number | undefined {
  return Object.hasOwn(ICMP_TYPES, text) ? ICMP_TYPES[text] : parseClickInt(text);
}

/** An ICMP code name for `type`, or an integer; undefined if neither. */
export function icmpCodeValue(type: number, text: string): number | undefined {
  const names = ICMP_CODES[type];
  return names && Object.hasOwn(names, text) ? names[text] : parseClickInt(text);
}
