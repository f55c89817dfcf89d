/**
 * SetIPAddress — set the destination IP annotation to a fixed address.
 *
 * Synopsis:   SetIPAddress(IPADDR [, keyword ANNO])
 * Ports:      1 input, 1 output; agnostic.
 * Processing: writes IPADDR into the destination IP annotation (or the
 *   4-byte annotation ANNO) of every packet, which then leaves unchanged.
 * Arguments:
 *   IPADDR  IP address.
 *   ANNO    annotation offset or name, default the destination IP annotation.
 * Handlers:
 *   addr (read/write)  the address
 */

import { a } from '../../config-lang/args/args.js';
import { T } from '../../config-lang/args/types.js';
import { SimpleElement, type ElementInit } from '../../host-engine/element.js';
import { ANNO, type Packet } from '../../host-engine/packet.js';
import { annoArg } from '../lib/anno-arg.js';
import { setU32 } from '../lib/ip-header.js';
import { ipField } from '../lib/field-handlers.js';
import { defineElement } from '../spec.js';
import { nativeSource } from '../../dataplane-native/native-spec.js';
import { cU32 } from '../lib/native-init.js';

export interface SetIPAddressConf {
  addr: number;
  anno: number;
}

class SetIPAddressElement extends SimpleElement<SetIPAddressConf> {
  addr = this.conf.addr;

  action(p: Packet): number {
    setU32(p.anno, this.conf.anno, this.addr);
    return 0;
  }
}

export const spec = defineElement({
  name: 'SetIPAddress',
  ports: '1/1',
  processing: 'a/a',
  args: { IPADDR: a.mp(T.ip), ANNO: a.kw(annoArg(4), ANNO.DST_IP) },
  configure: (v): SetIPAddressConf => ({ addr: v.IPADDR, anno: v.ANNO }),
  host: (init: ElementInit<SetIPAddressConf>) => new SetIPAddressElement(init),
  native: {
    source: nativeSource(import.meta.url, 'set-ip-address.c'),
    prefix: 'set_ip_address',
    inPlace: true,
    init: (c) => `.addr = ${cU32(c.addr)}, .anno = ${c.anno}`,
  },
  handlers: {
    addr: ipField<SetIPAddressElement>('addr', 'the address written into the annotation'),
  },
});
