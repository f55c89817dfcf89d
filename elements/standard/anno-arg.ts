// Click's AnnoArg: an annotation given by name (PAINT, DST_IP...) or by byte
// offset into the 48-byte annotation area. Named annotations must have the
// size the element asks for; offsets must leave room for that size.

import type { ArgType } from '../../config-lang/args/args.js';
import { parseInteger } from '../../config-lang/args/types.js';
import { ANNO } from '../../host-engine/packet.js';

/** Click's built-in annotation names: [offset, size] (include/click/packet_anno.hh, lib/nameinfo.cc). */
export const ANNOTATION_NAMES: Readonly<Record<string, readonly [number, number]>> = {
  AGGREGATE: [20, 4],
  DST_IP: [0, 4],
  DST_IP6: [0, 16],
  EXTRA_LENGTH: [28, 4],
  EXTRA_PACKETS: [24, 4],
  FIRST_TIMESTAMP: [32, 8],
  FIX_IP_SRC: [19, 1],
  FWD_RATE: [20, 4],
  GRID_ROUTE_CB: [27, 1],
  ICMP_PARAMPROB: [17, 1],
  IPREASSEMBLER: [28, 4],
  IPSEC_SA_DATA_REFERENCE: [40, 8],
  IPSEC_SPI: [32, 4],
  MISC_IP: [20, 4],
  PACKET_NUMBER: [32, 4],
  PAINT: [16, 1],
  PERFCTR: [40, 8],
  REV_RATE: [24, 4],
  SEQUENCE_NUMBER: [36, 4],
  VLAN: [20, 2],
  VLAN_TCI: [20, 2],
  WIFI_EXTRA: [16, 28],
};

/** An annotation of `size` bytes (0: any size); the value is its byte offset. */
export function annoArg(size: number): ArgType<number> {
  return {
    description: size > 0 ? `annotation name or offset (${size} byte${size === 1 ? '' : 's'})` : 'annotation name or offset',
    parse(text) {
      const t = text.trim();
      const named = Object.prototype.hasOwnProperty.call(ANNOTATION_NAMES, t) ? ANNOTATION_NAMES[t] : undefined;
      let offset: number;
      let namedSize = 0;
      if (named) {
        [offset, namedSize] = named;
      } else {
        try {
          offset = parseInteger(t);
        } catch {
          throw new Error(`'${text}' is not an annotation name or offset`);
        }
      }
      if (size > 0 && namedSize !== 0 && namedSize !== size) {
        throw new Error(`annotation ${t} is ${namedSize} bytes, not ${size}`);
      }
      if (offset < 0 || offset + Math.max(size, 1) > ANNO.SIZE) {
        throw new Error(`annotation offset ${offset} is out of range (the annotation area is ${ANNO.SIZE} bytes)`);
      }
      return offset;
    },
  };
}
