/**
 * ICMPIPEncap — encapsulate packets in ICMP and IP headers.
 *
 * Synopsis:   ICMPIPEncap(SRC, DST, TYPE [, CODE, IDENTIFIER])
 * Ports:      1 input, 1 output; agnostic.
 * Processing: prepends a 20-byte IPv4 header (TOS 0, TTL 255, no flags,
 *   protocol ICMP, the identifier counting up from 1 and skipping 0, valid
 *   checksum) and an ICMP header of TYPE and CODE: 20 bytes for timestamp
 *   and timestamp-reply, 8 otherwise, zero but for type, code and checksum.
 *   Echo, echo-reply, timestamp, timestamp-reply, inforeq and inforeq-reply
 *   headers carry IDENTIFIER and, as sequence number, the packet's IP
 *   identifier. The ICMP checksum covers the header and the whole payload.
 *   Marks the IP header and sets the destination IP annotation to DST.
 * Arguments:
 *   SRC, DST    IP addresses.
 *   TYPE        ICMP type, a name (echo, unreachable, ...) or 0-255.
 *   CODE        ICMP code, a name for TYPE (net, host, ...) or 0-255; default 0.
 *   IDENTIFIER  keyword, 0-65535, default 0.
 * Handlers:
 *   src, dst (read/write)  the addresses.
 * Differences: a write of a bad address is refused with clickvm's usual
 *   message (`expected IP address: ...`), not Click's `syntax error`.
 */

import { ConfigError, a, type ArgType } from '../../config-lang/args/args.js';
import { T } from '../../config-lang/args/types.js';
import { unquote } from '../../config-lang/args/split.js';
import { SimpleElement, type ElementInit } from '../../host-engine/element.js';
import type { Packet } from '../../host-engine/packet.js';
import { nativeSource } from '../../dataplane-native/native-spec.js';
import { checksum } from '../lib/checksum.js';
import { ipField } from '../lib/field-handlers.js';
import { icmpCodeValue, icmpTypeValue } from '../lib/icmp-names.js';
import { IPH, IP_PROTO, setU16, setU32 } from '../lib/ip-header.js';
import { cU32 } from '../lib/native-init.js';
import { defineElement } from '../spec.js';

export interface ICMPIPEncapConf {
  src: number;
  dst: number;
  type: number;
  code: number;
  identifier: number;
}

/** ICMP types whose header holds an identifier and a sequence number. */
const SEQUENCED = new Set([0, 8, 13, 14, 15, 16]);

/** Click's click_icmp_hl: the timestamp messages have a 20-byte header. */
export function icmpHeaderLength(type: number): number {
  return type === 13 || type === 14 ? 20 : 8;
}

const icmpTypeArg: ArgType<number> = {
  description: 'ICMP type (name or integer)',
  parse(text) {
    const v = icmpTypeValue(unquote(text.trim()));
    if (v === undefined) throw new Error(`'${text}' is not an ICMP type`);
    return v;
  },
};

export class ICMPIPEncapElement extends SimpleElement<ICMPIPEncapConf> {
  src = this.conf.src;
  dst = this.conf.dst;
  private ipId = 1;

  action(p: Packet): number {
    const { type, code } = this.conf;
    const hl = icmpHeaderLength(type);
    p.push(IPH.MIN_LEN + hl);
    const h = p.writable();
    h.fill(0, 0, IPH.MIN_LEN + hl);
    h[IPH.VHL] = 0x45;
    setU16(h, IPH.LEN, p.length);
    setU16(h, IPH.ID, this.ipId);
    h[IPH.TTL] = 255;
    h[IPH.PROTO] = IP_PROTO.ICMP;
    setU32(h, IPH.SRC, this.src);
    setU32(h, IPH.DST, this.dst);
    const c = IPH.MIN_LEN;
    h[c] = type;
    h[c + 1] = code;
    if (SEQUENCED.has(type)) {
      setU16(h, c + 4, this.conf.identifier);
      setU16(h, c + 6, this.ipId);
    }
    setU16(h, IPH.SUM, checksum(h, 0, IPH.MIN_LEN));
    setU16(h, c + 2, checksum(h, c, p.length - c));
    p.dstIP = this.dst;
    p.setNetworkHeader(0, IPH.MIN_LEN);
    this.ipId = this.ipId === 0xffff ? 1 : this.ipId + 1;
    return 0;
  }
}

export const spec = defineElement({
  name: 'ICMPIPEncap',
  ports: '1/1',
  processing: 'a/a',
  args: {
    SRC: a.mp(T.ip),
    DST: a.mp(T.ip),
    TYPE: a.mp(icmpTypeArg),
    CODE: a.p(T.word, '0'),
    IDENTIFIER: a.kw(T.uint16, 0),
  },
  configure: (v): ICMPIPEncapConf => {
    if (v.TYPE < 0 || v.TYPE > 255) throw new ConfigError('invalid TYPE', 2);
    const code = icmpCodeValue(v.TYPE, v.CODE);
    if (code === undefined || code < 0 || code > 255) throw new ConfigError('invalid CODE', 3);
    return { src: v.SRC, dst: v.DST, type: v.TYPE, code, identifier: v.IDENTIFIER };
  },
  host: (init: ElementInit<ICMPIPEncapConf>) => new ICMPIPEncapElement(init),
  native: {
    source: nativeSource(import.meta.url, 'icmp-ip-encap.c'),
    prefix: 'icmp_ip_encap',
    inPlace: true,
    init: (c) => `.src = ${cU32(c.src)}, .dst = ${cU32(c.dst)}, .type = ${c.type}, .code = ${c.code}, .identifier = ${c.identifier}, .ip_id = 1`,
  },
  handlers: {
    src: ipField<ICMPIPEncapElement>('src', 'the source address'),
    dst: ipField<ICMPIPEncapElement>('dst', 'the destination address'),
  },
});
