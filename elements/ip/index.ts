// Element classes of elements/ip/. Add each new class's spec here.
import type { AnyElementSpec } from '../spec.js';
import { spec as CheckIPHeader } from './check-ip-header.js';
import { spec as DecIPTTL } from './dec-ip-ttl.js';
import { spec as DropBroadcasts } from './drop-broadcasts.js';
import { spec as FixIPSrc } from './fix-ip-src.js';
import { spec as GetIPAddress } from './get-ip-address.js';
import { spec as IPEncap } from './ip-encap.js';
import { spec as IPFragmenter } from './ip-fragmenter.js';
import { spec as IPGWOptions } from './ip-gw-options.js';
import { spec as MarkIPCE } from './mark-ip-ce.js';
import { spec as MarkIPHeader } from './mark-ip-header.js';
import { spec as PortInfo } from './port-info.js';
import { spec as SetIPAddress } from './set-ip-address.js';
import { spec as SetIPChecksum } from './set-ip-checksum.js';
import { spec as SetIPDSCP } from './set-ip-dscp.js';
import { spec as StoreIPAddress } from './store-ip-address.js';
import { spec as UDPIPEncap } from './udp-ip-encap.js';

export const specs: AnyElementSpec[] = [
  CheckIPHeader, DecIPTTL, DropBroadcasts, FixIPSrc, GetIPAddress, IPEncap, IPFragmenter, IPGWOptions, MarkIPHeader,
  SetIPAddress, SetIPChecksum, SetIPDSCP, StoreIPAddress, UDPIPEncap, PortInfo, MarkIPCE,
];
