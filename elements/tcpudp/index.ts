// Element classes of elements/tcpudp/. Add each new class's spec here.
import type { AnyElementSpec } from '../spec.js';
import { spec as checkTCPHeader } from './check-tcp-header.js';
import { spec as checkUDPHeader } from './check-udp-header.js';
import { spec as setTCPChecksum } from './set-tcp-checksum.js';
import { spec as setUDPChecksum } from './set-udp-checksum.js';

export const specs: AnyElementSpec[] = [setUDPChecksum, setTCPChecksum, checkUDPHeader, checkTCPHeader];
