/**
 * HostEtherFilter — act like the Ethernet input filter of a host.
 *
 * Synopsis:   HostEtherFilter(ETHER [, DROP_OWN, DROP_OTHER, keyword OFFSET])
 * Ports:      1 input; 1 or 2 outputs. Agnostic input and output 0; output 1 is push.
 * Processing: reads the Ethernet header OFFSET bytes into the packet. With
 *   DROP_OWN, a packet whose source is ETHER is filtered. Otherwise the
 *   packet type annotation is set from the destination: HOST (ETHER),
 *   BROADCAST (ff:ff:ff:ff:ff:ff), MULTICAST (group bit set) or OTHERHOST;
 *   OTHERHOST packets are filtered when DROP_OTHER is true. Filtered packets
 *   leave on output 1, or are dropped if there is none; the rest on output 0.
 * Arguments:
 *   ETHER       this host's Ethernet address.
 *   DROP_OWN    boolean, default false.
 *   DROP_OTHER  boolean, default true.
 *   OFFSET      unsigned, default 0.
 * Handlers:
 *   ether (read/write)  the ETHER argument
 * Differences from Click: Click reads the destination address, and the
 *   source only with DROP_OWN; a packet too short for what it reads (Click
 *   reads past the data) is dropped and counted in the engine's drop
 *   statistics. A shorter header is no reason to drop: a 6-byte frame passes
 *   when DROP_OWN is false, as in Click.
 */

import { a } from '../../config-lang/args/args.js';
import { T } from '../../config-lang/args/types.js';
import { DROP, SimpleElement, type ElementInit } from '../../host-engine/element.js';
import { PacketType, type Packet } from '../../host-engine/packet.js';
import { BROADCAST_ETHER, ETH, sameEther } from '../lib/ether-header.js';
import { etherField } from '../lib/field-handlers.js';
import { defineElement } from '../spec.js';
import { nativeSource } from '../../dataplane-native/native-spec.js';
import { cBool, cBytes, cU32 } from '../lib/native-init.js';

export interface HostEtherFilterConf {
  ether: Uint8Array;
  dropOwn: boolean;
  dropOther: boolean;
  offset: number;
}

export class HostEtherFilterElement extends SimpleElement<HostEtherFilterConf> {
  ether = this.conf.ether;

  action(p: Packet): number {
    const at = this.conf.offset;
    if (at + (this.conf.dropOwn ? ETH.SRC + 6 : ETH.DST + 6) > p.length) return DROP;
    const d = p.data;
    if (this.conf.dropOwn && sameEther(d, at + ETH.SRC, this.ether)) return 1;
    if (sameEther(d, at + ETH.DST, this.ether)) p.packetType = PacketType.HOST;
    else if (sameEther(d, at + ETH.DST, BROADCAST_ETHER)) p.packetType = PacketType.BROADCAST;
    else if (d[at + ETH.DST]! & 1) p.packetType = PacketType.MULTICAST;
    else {
      p.packetType = PacketType.OTHERHOST;
      if (this.conf.dropOther) return 1;
    }
    return 0;
  }
}

export const spec = defineElement({
  name: 'HostEtherFilter',
  ports: '1/1-2',
  processing: 'a/ah',
  args: {
    ETHER: a.mp(T.ether),
    DROP_OWN: a.p(T.bool, false),
    DROP_OTHER: a.p(T.bool, true),
    OFFSET: a.kw(T.unsigned, 0),
  },
  configure: (v): HostEtherFilterConf => ({ ether: v.ETHER, dropOwn: v.DROP_OWN, dropOther: v.DROP_OTHER, offset: v.OFFSET }),
  host: (init: ElementInit<HostEtherFilterConf>) => new HostEtherFilterElement(init),
  native: {
    source: nativeSource(import.meta.url, 'host-ether-filter.c'),
    prefix: 'host_ether_filter',
    inPlace: true,
    init: (c) => `.ether = ${cBytes(c.ether)}, .drop_own = ${cBool(c.dropOwn)}, .drop_other = ${cBool(c.dropOther)}, .offset = ${cU32(c.offset)}`,
  },
  handlers: {
    ether: etherField<HostEtherFilterElement>('ether', "this host's Ethernet address"),
  },
});
