// Element classes of elements/nat/. Add each new class's spec here.
import type { AnyElementSpec } from '../spec.js';
import { spec as ftpPortMapper } from './ftp-port-mapper.js';
import { spec as icmpPingRewriter } from './icmp-ping-rewriter.js';
import { spec as icmpRewriter } from './icmp-rewriter.js';
import { spec as ipAddrPairRewriter } from './ip-addr-pair-rewriter.js';
import { spec as ipAddrRewriter } from './ip-addr-rewriter.js';
import { spec as ipRewriter } from './ip-rewriter.js';
import { spec as ipRewriterPatterns } from './ip-rewriter-patterns.js';
import { spec as roundRobinIPMapper } from './round-robin-ip-mapper.js';
import { spec as tcpRewriter } from './tcp-rewriter.js';
import { spec as udpRewriter } from './udp-rewriter.js';

export const specs: AnyElementSpec[] = [ipRewriter, udpRewriter, tcpRewriter, ipAddrRewriter, icmpPingRewriter, roundRobinIPMapper, ipRewriterPatterns, ftpPortMapper, icmpRewriter, ipAddrPairRewriter];
