// (f) IP router fast path, as in Click's conf/ip.click and examples/router:
// interface classifier, ARP, header check, route lookup, broadcast and
// option processing, source fix, TTL, fragmentation, ARP encapsulation.
// One flow arrives on eth0 (10.0.0.2 -> 192.0.2.55) and leaves on eth1;
// one ARP reply from 192.0.2.55 teaches eth1's ARPQuerier the next hop.
define($N 10000000);

seed :: InfiniteSource(DATA \<00 00 c0 11 22 44 00 00 c0 bb 00 55 08 06 00 01 08 00 06 04 00 02 00 00 c0 bb 00 55 c0 00 02 37 00 00 c0 11 22 44 c0 00 02 01>, LIMIT 1);
src :: InfiniteSource(DATA \<00 00 c0 11 22 33 00 00 c0 aa 00 01 08 00 45 00 00 2e 12 34 00 00 40 11 9c 52 0a 00 00 02 c0 00 02 37 04 d2 16 2e 00 1a 18 81 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00>, LIMIT $N, BURST 32, STOP true);

// eth0: 10.0.0.1, 00:00:c0:11:22:33
c0 :: Classifier(12/0806 20/0001, 12/0806 20/0002, 12/0800, -);
src -> c0;
c0[0] -> ARPResponder(10.0.0.1 00:00:c0:11:22:33) -> Discard;
c0[1] -> Discard;
c0[3] -> Discard;

// eth1: 192.0.2.1, 00:00:c0:11:22:44
arpq1 :: ARPQuerier(192.0.2.1, 00:00:c0:11:22:44);
seed -> [1] arpq1;
arpq1 -> cnt :: Counter -> Discard;

// IP input and routing
c0[2] -> Strip(14)
  -> chk :: CheckIPHeader(INTERFACES 10.0.0.1/24 192.0.2.1/24)
  -> GetIPAddress(16)
  -> rt :: RadixIPLookup(10.0.0.1/32 0, 192.0.2.1/32 0, 10.0.0.0/24 1, 192.0.2.0/24 2, 0.0.0.0/0 192.0.2.254 2);
chk[1] -> Discard;
rt[0] -> Discard;                       // to the router itself
rt[1] -> Discard;                       // back out of eth0 (not exercised)

// forwarding out of eth1
rt[2] -> DropBroadcasts
  -> gw :: IPGWOptions(192.0.2.1)
  -> FixIPSrc(192.0.2.1)
  -> ttl :: DecIPTTL
  -> frag :: IPFragmenter(1500)
  -> arpq1;
gw[1] -> ICMPError(192.0.2.1, parameterproblem) -> Discard;
ttl[1] -> ICMPError(192.0.2.1, timeexceeded) -> Discard;
frag[1] -> ICMPError(192.0.2.1, unreachable, needfrag) -> Discard;
