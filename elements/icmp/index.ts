// Element classes of elements/icmp/. Add each new class's spec here.
import type { AnyElementSpec } from '../spec.js';
import { spec as checkICMPHeader } from './check-icmp-header.js';
import { spec as icmpError } from './icmp-error.js';
import { spec as icmpIPEncap } from './icmp-ip-encap.js';
import { spec as icmpPingResponder } from './icmp-ping-responder.js';

export const specs: AnyElementSpec[] = [icmpError, icmpPingResponder, checkICMPHeader, icmpIPEncap];
