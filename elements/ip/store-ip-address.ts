/**
 * StoreIPAddress — write an IP address into the packet.
 *
 * Synopsis:   StoreIPAddress(OFFSET)
 *             StoreIPAddress(ADDR, OFFSET)
 * Ports:      1 input; 1 or 2 outputs. Agnostic input and output 0; output 1 is push.
 * Processing: the one-argument form writes the destination IP annotation at
 *   byte OFFSET of the packet, unless the annotation is 0.0.0.0; the
 *   two-argument form writes ADDR (which may be 0.0.0.0). No checksum is
 *   changed. OFFSET may instead be `src` or `dst`: the address then goes into
 *   that field of the marked IP header, and the IP checksum is updated
 *   incrementally, as is the TCP checksum (first fragments with a complete
 *   TCP header) or a non-zero UDP checksum (first fragments with a complete
 *   UDP header). A packet that cannot take the address (offset out of range,
 *   no IP header for src/dst, or a zero annotation in the one-argument form)
 *   leaves on output 1, or is dropped if there is none.
 * Arguments:
 *   ADDR    IP address.
 *   OFFSET  non-negative integer, `src` or `dst`.
 * Differences from Click: with a numeric OFFSET, a packet that cannot take
 *   the address goes to output 1; Click instead writes 16 bytes before the
 *   IP header (possibly outside the packet) when the IP header annotation is
 *   set.
 */

import { ConfigError, a } from '../../config-lang/args/args.js';
import { T, parseIPv4, parseInteger } from '../../config-lang/args/types.js';
import { unquote } from '../../config-lang/args/split.js';
import { SimpleElement, type ElementInit } from '../../host-engine/element.js';
import type { Packet } from '../../host-engine/packet.js';
import { addWords, updateChecksum } from '../lib/checksum.js';
import { IPH, IP_OFFMASK, IP_PROTO, getU16, ipHeader, setU16, setU32 } from '../lib/ip-header.js';
import { defineElement } from '../spec.js';
import { nativeSource } from '../../dataplane-native/native-spec.js';
import { cBool, cU32 } from '../lib/native-init.js';

export interface StoreIPAddressConf {
  useAddress: boolean;
  address: number;
  /** Byte offset, or -12 for the IP source field, -16 for the IP destination field. */
  offset: number;
}

const TCP_SUM = 16;
const UDP_SUM = 6;

class StoreIPAddressElement extends SimpleElement<StoreIPAddressConf> {
  action(p: Packet): number {
    const { useAddress, offset } = this.conf;
    const addr = useAddress ? this.conf.address : p.dstIP;
    if (offset >= 0) {
      if ((addr === 0 && !useAddress) || offset + 4 > p.length) return 1;
      setU32(p.writable(), offset, addr);
      return 0;
    }
    return this.storeInHeader(p, -offset, addr) ? 0 : 1;
  }

  /** Write into the IP header field at `field` and fix the checksums that cover it. */
  private storeInHeader(p: Packet, field: number, addr: number): boolean {
    const view = ipHeader(p);
    if (!view || p.networkHeaderLength < IPH.MIN_LEN || view.avail < IPH.MIN_LEN) return false;
    p.writable();
    const b = p.buffer;
    const ip = view.at;
    const at = ip + field;
    const oldSum = addWords(getU16(b, at), getU16(b, at + 2));
    setU32(b, at, addr);
    const newSum = addWords(getU16(b, at), getU16(b, at + 2));
    setU16(b, ip + IPH.SUM, updateChecksum(getU16(b, ip + IPH.SUM), oldSum, newSum));

    const proto = b[ip + IPH.PROTO]!;
    const firstFragment = (getU16(b, ip + IPH.OFF) & IP_OFFMASK) === 0;
    const th = p.transportHeaderOffset;
    if (!firstFragment || th === undefined || th < 0) return true;
    const transportLength = p.length - th;
    const t = p.dataOffset + th;
    if (proto === IP_PROTO.TCP && transportLength >= 20) {
      setU16(b, t + TCP_SUM, updateChecksum(getU16(b, t + TCP_SUM), oldSum, newSum));
    } else if (proto === IP_PROTO.UDP && transportLength >= 8 && getU16(b, t + UDP_SUM) !== 0) {
      setU16(b, t + UDP_SUM, updateChecksum(getU16(b, t + UDP_SUM), oldSum, newSum));
    }
    return true;
  }
}

function parseOffset(word: string): number {
  const w = unquote(word.trim()).toLowerCase();
  if (w === 'src') return -IPH.SRC;
  if (w === 'dst') return -IPH.DST;
  let offset = -1;
  try {
    offset = parseInteger(w);
  } catch {
    // reported below
  }
  if (offset >= 0) return offset;
  throw new ConfigError('type mismatch: OFFSET requires integer', undefined, "OFFSET is a byte offset, 'src' or 'dst'");
}

export const spec = defineElement({
  name: 'StoreIPAddress',
  ports: '1/1-2',
  processing: 'a/ah',
  // With one argument it is OFFSET; with two, ADDR then OFFSET (Click decides by the count).
  args: { ADDR: a.po(T.raw), OFFSET: a.po(T.word) },
  configure: (v): StoreIPAddressConf => {
    if (v.ADDR === undefined && v.OFFSET === undefined) {
      throw new ConfigError('missing mandatory argument OFFSET', undefined, 'expected [ADDR, ] OFFSET');
    }
    if (v.OFFSET === undefined) return { useAddress: false, address: 0, offset: parseOffset(v.ADDR!) };
    if (v.ADDR === undefined) return { useAddress: false, address: 0, offset: parseOffset(v.OFFSET) };
    let address: number;
    try {
      address = parseIPv4(unquote(v.ADDR));
    } catch (e) {
      throw new ConfigError(`ADDR: ${(e as Error).message}`, 0, 'expected IP address');
    }
    return { useAddress: true, address, offset: parseOffset(v.OFFSET) };
  },
  host: (init: ElementInit<StoreIPAddressConf>) => new StoreIPAddressElement(init),
  native: {
    source: nativeSource(import.meta.url, 'store-ip-address.c'),
    prefix: 'store_ip_address',
    inPlace: true,
    init: (c) => `.use_address = ${cBool(c.useAddress)}, .address = ${cU32(c.address)}, .offset = ${c.offset}LL`,
  },
});
