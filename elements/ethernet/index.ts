// Element classes of elements/ethernet/. Add each new class's spec here.
import type { AnyElementSpec } from '../spec.js';
import { spec as ARPPrint } from './arp-print.js';
import { spec as ARPQuerier } from './arp-querier.js';
import { spec as ARPResponder } from './arp-responder.js';
import { spec as EtherEncap } from './ether-encap.js';
import { spec as EtherMirror } from './ether-mirror.js';
import { spec as EtherRewrite } from './ether-rewrite.js';
import { spec as HostEtherFilter } from './host-ether-filter.js';
import { spec as SetVLANAnno } from './set-vlan-anno.js';
import { spec as StoreEtherAddress } from './store-ether-address.js';
import { spec as VLANDecap } from './vlan-decap.js';
import { spec as VLANEncap } from './vlan-encap.js';
// Classes of issue 12 (Click's regression tests), one per line.
import { spec as EtherVLANEncap } from './ether-vlan-encap.js';
import { spec as StripEtherVLANHeader } from './strip-ether-vlan-header.js';

export const specs: AnyElementSpec[] = [
  ARPPrint, ARPQuerier, ARPResponder, EtherEncap, EtherMirror, EtherRewrite, HostEtherFilter, StoreEtherAddress, VLANDecap, VLANEncap, SetVLANAnno,
  EtherVLANEncap,
  StripEtherVLANHeader,
];
