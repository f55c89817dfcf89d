// router.click: a two-interface IPv4 router with ARP, in the style of Click's
// conf/ip.click (the router of the Click paper), replaying a capture of each link.
//
//             eth0: inside LAN                          eth1: uplink
//   10.0.0.0/24 ---- [10.0.0.1]  ROUTER  [192.0.2.1] ---- 192.0.2.0/24
//                                                         |-- 192.0.2.254 provider gateway (default route)
//                                                         `-- 192.0.2.253 partner site, 198.51.100.0/24
//
// Every IP packet goes through the same stages as in Click's IP router:
//   receive:  link-level filter, Classifier (ARP query / ARP reply / IP / other)
//   check:    Strip the Ethernet header, CheckIPHeader, GetIPAddress (next hop = destination)
//   route:    RadixIPLookup picks the output (and a gateway, which becomes the next hop)
//   forward:  DropBroadcasts, redirect check, IP options, FixIPSrc, DecIPTTL, IPFragmenter
//   transmit: ARPQuerier (Ethernet header from the ARP table) and a Queue toward the link
// Problems along the forwarding path turn into ICMP errors, which are routed like any packet.
//
// Run it from this folder:  clickvm run --simtime router.click
// (see README.md for what it prints and writes).

define($LAN_IP 10.0.0.1, $LAN_MAC 00:16:3e:00:00:01,
       $WAN_IP 192.0.2.1, $WAN_MAC 00:16:3e:00:00:02);

// ---------------------------------------------------------------------------
// The links. Each FromDump replays what arrived on one interface; TIMING true
// releases each packet at its capture time, so an ARP reply arrives after the
// router's query for it, as on the real link. (Both captures start with an
// LLDP frame at the same instant, which keeps their clocks in step.) Each
// ToDump records what the router sends on that link, pulling it from the
// interface's output Queue as a device driver would.

in0 :: FromDump(if0-in.pcap, STOP true, TIMING true);
in1 :: FromDump(if1-in.pcap, STOP true, TIMING true);
out0 :: Queue(200) -> tx0 :: ToDump(if0-out.pcap);
out1 :: Queue(200) -> tx1 :: ToDump(if1-out.pcap);

// A STOP true FromDump asks the driver to stop at the end of its capture. Wait
// for both requests, give the queues 10 ms to drain, then print a summary.
DriverManager(wait_stop 2, wait 10ms,
  print "eth0: $(in0.count) frames in, $(tx0.count) out; eth1: $(in1.count) frames in, $(tx1.count) out",
  print "forwarded: $(fwd0.count) IP packets to eth0, $(fwd1.count) to eth1; for the router itself: $(local.count)",
  print "ARP: $(arpq0.queries) queries on eth0 ($(arpq0.length) packets still waiting), $(arpq1.queries) on eth1",
  print "ICMP errors: $(ttl_err.count) time exceeded, $(frag_err.count) need-fragment, $(opt_err.count) parameter problem, $(redirect.count) redirect",
  print "dropped: $(bad_ip.drops) bad IP headers, $(drop_bcast0.drops) + $(drop_bcast1.drops) link broadcasts, $(nonip.count) not IPv4, $(not_ours.count) for other hosts",
  stop);

// ---------------------------------------------------------------------------
// Receive. HostEtherFilter keeps frames addressed to this interface, or to
// broadcast or multicast, and records which in the packet type annotation
// (DropBroadcasts and ICMPError read it); frames the switch flooded to us for
// other hosts leave on its output 1.

in0 -> hf0 :: HostEtherFilter($LAN_MAC)
    -> c0 :: Classifier(12/0806 20/0001,   // ARP request
                        12/0806 20/0002,   // ARP reply
                        12/0800,           // IPv4
                        -);                // anything else (IPv6, LLDP...)
in1 -> hf1 :: HostEtherFilter($WAN_MAC)
    -> c1 :: Classifier(12/0806 20/0001, 12/0806 20/0002, 12/0800, -);

not_ours :: Counter -> Discard;
hf0[1] -> not_ours;
hf1[1] -> not_ours;
nonip :: Counter -> Discard;
c0[3] -> nonip;
c1[3] -> nonip;

// ARP: answer queries for our own address on each link; feed replies to the
// ARPQuerier of that link, which sends the packets waiting for them.
c0[0] -> ARPResponder($LAN_IP $LAN_MAC) -> out0;
c1[0] -> ARPResponder($WAN_IP $WAN_MAC) -> out1;
arpq0 :: ARPQuerier($LAN_IP, $LAN_MAC) -> out0;
arpq1 :: ARPQuerier($WAN_IP, $WAN_MAC) -> out1;
c0[1] -> [1]arpq0;
c1[1] -> [1]arpq1;

// ---------------------------------------------------------------------------
// Route. Output 0: the router itself (its addresses, and broadcasts on its
// subnets). Output 1: the LAN. Output 2: the uplink. A route with a gateway
// replaces the next-hop annotation with the gateway's address.

rt :: RadixIPLookup(10.0.0.1/32 0, 10.0.0.255/32 0, 10.0.0.0/32 0,
                    192.0.2.1/32 0, 192.0.2.255/32 0, 192.0.2.0/32 0,
                    255.255.255.255/32 0,
                    10.0.0.0/24 1,
                    192.0.2.0/24 2,
                    198.51.100.0/24 192.0.2.253 2,
                    0.0.0.0/0 192.0.2.254 2);

// Check. CheckIPHeader drops damaged headers and forged sources (our subnets'
// broadcast addresses) and trims Ethernet padding. GetIPAddress(16) copies
// the destination address into the next-hop annotation, which the routing
// table reads and the ARPQuerier finally resolves. Paint marks the interface
// a packet came in on, for the redirect check below.

ip :: Strip(14)
   -> bad_ip :: CheckIPHeader(INTERFACES 10.0.0.1/24 192.0.2.1/24)
   -> GetIPAddress(16)
   -> rt;
c0[2] -> Paint(1) -> ip;
c1[2] -> Paint(2) -> ip;

// For the router: answer pings to its addresses; count and drop the rest
// (a router with a host stack would hand them to it here).
rt[0] -> local :: Counter
      -> for_me :: IPClassifier(icmp type echo and (dst host 10.0.0.1 or dst host 192.0.2.1), -);
for_me[0] -> ICMPPingResponder -> rt;
for_me[1] -> Discard;

// ---------------------------------------------------------------------------
// Forward, one path per interface (as conf/ip.click):
//   DropBroadcasts  never forward what arrived as a link-level broadcast or multicast;
//   PaintTee        a packet leaving by the interface it came in on is forwarded, and a
//                   copy asks for an ICMP redirect: the sender has a better first hop;
//   IPGWOptions     record-route and timestamp options; a malformed one is a parameter problem;
//   FixIPSrc        an ICMP error the router made gets the address of the interface it
//                   leaves by as its source (whatever SRC its ICMPError was given);
//   DecIPTTL        expired packets earn a "time exceeded";
//   IPFragmenter    split packets larger than the link's MTU (1400 on the uplink), or,
//                   with DF set, answer "fragmentation needed" so the sender shrinks them.

rt[1] -> drop_bcast0 :: DropBroadcasts
      -> rd0 :: PaintTee(1)
      -> opt0 :: IPGWOptions($LAN_IP)
      -> FixIPSrc($LAN_IP)
      -> ttl0 :: DecIPTTL
      -> frag0 :: IPFragmenter(1500)
      -> fwd0 :: Counter
      -> [0]arpq0;

rt[2] -> drop_bcast1 :: DropBroadcasts
      -> rd1 :: PaintTee(2)
      -> opt1 :: IPGWOptions($WAN_IP)
      -> FixIPSrc($WAN_IP)
      -> ttl1 :: DecIPTTL
      -> frag1 :: IPFragmenter(1400)
      -> fwd1 :: Counter
      -> [0]arpq1;

// ICMP errors go back into the routing table, toward the offending packet's
// source; the counters count the errors actually sent (ICMPError makes none
// about broadcasts or about other ICMP errors).
ttl_err :: Counter -> rt;
ttl0[1] -> ICMPError($LAN_IP, timeexceeded) -> ttl_err;
ttl1[1] -> ICMPError($WAN_IP, timeexceeded) -> ttl_err;

frag_err :: Counter -> rt;
frag0[1] -> ICMPError($LAN_IP, unreachable, needfrag, PMTU 1500) -> frag_err;
frag1[1] -> ICMPError($WAN_IP, unreachable, needfrag, PMTU 1400) -> frag_err;

opt_err :: Counter -> rt;
opt0[1] -> ICMPError($LAN_IP, parameterproblem) -> opt_err;
opt1[1] -> ICMPError($WAN_IP, parameterproblem) -> opt_err;

redirect :: Counter -> rt;
rd0[1] -> ICMPError($LAN_IP, redirect, host) -> redirect;
rd1[1] -> ICMPError($WAN_IP, redirect, host) -> redirect;
