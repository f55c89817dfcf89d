// Annotation arguments (Click's AnnoArg): a byte offset into the 48-byte
// annotation area, written as a number or as the name of one of Click's
// annotations. A named annotation must have the size the element needs; an
// offset must leave room for that many bytes. As in Click, the text is taken
// as it stands: a quoted name is not a name.

import type { ArgType } from '../../config-lang/args/args.js';
import { parseInteger } from '../../config-lang/args/types.js';
import { ANNO } from '../../host-engine/packet.js';

/** Click's annotation names (include/click/packet_anno.hh): offset and size in bytes. */
const NAMED: Readonly<Record<string, { offset: number; size: number }>> = {
  AGGREGATE: { offset: ANNO.AGGREGATE, size: 4 },
  DST_IP: { offset: ANNO.DST_IP, size: 4 },
  DST_IP6: { offset: ANNO.DST_IP, size: 16 },
  EXTRA_LENGTH: { offset: ANNO.EXTRA_LENGTH, size: 4 },
  EXTRA_PACKETS: { offset: ANNO.EXTRA_PACKETS, size: 4 },
  FIRST_TIMESTAMP: { offset: ANNO.FIRST_TIMESTAMP, size: 8 },
  FIX_IP_SRC: { offset: ANNO.FIX_IP_SRC, size: 1 },
  FWD_RATE: { offset: 20, size: 4 },
  GRID_ROUTE_CB: { offset: 27, size: 1 },
  ICMP_PARAMPROB: { offset: ANNO.ICMP_PARAMPROB, size: 1 },
  IPREASSEMBLER: { offset: 28, size: 4 },
  IPSEC_SA_DATA_REFERENCE: { offset: 40, size: 8 },
  IPSEC_SPI: { offset: 32, size: 4 },
  MISC_IP: { offset: 20, size: 4 },
  PACKET_NUMBER: { offset: ANNO.PACKET_NUMBER, size: 4 },
  PAINT: { offset: ANNO.PAINT, size: 1 },
  PERFCTR: { offset: 40, size: 8 },
  REV_RATE: { offset: 24, size: 4 },
  SEQUENCE_NUMBER: { offset: ANNO.SEQUENCE_NUMBER, size: 4 },
  VLAN: { offset: ANNO.VLAN_TCI, size: 2 },
  VLAN_TCI: { offset: ANNO.VLAN_TCI, size: 2 },
  WIFI_EXTRA: { offset: 16, size: 28 },
};

/** An annotation of `size` bytes (0: any size); the value is its byte offset. */
export function annoArg(size: number): ArgType<number> {
  return {
    description: size > 0 ? `annotation name or offset (${size} byte${size === 1 ? '' : 's'})` : 'annotation name or offset',
    parse(text) {
      const t = text.trim();
      const named = Object.prototype.hasOwnProperty.call(NAMED, t) ? NAMED[t] : undefined;
      let offset: number;
      if (named) {
        if (size > 0 && named.size !== size) throw new Error(`annotation ${t} has ${named.size} bytes, not ${size}`);
        offset = named.offset;
      } else {
        try {
          offset = parseInteger(t);
        } catch {
          throw new Error(`'${text}' is not an annotation name or offset`);
        }
      }
      if (offset < 0 || offset + Math.max(size, 1) > ANNO.SIZE) throw new Error(`annotation offset ${offset} is out of range`);
      return offset;
    },
  };
}
