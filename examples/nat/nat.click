// nat.click: source NAT (masquerading) for a small office.
//
//   inside  10.0.0.0/24 ---- [10.0.0.1]  NAT  [198.51.100.2] ---- provider 198.51.100.1 ---- Internet
//
// TCP and UDP flows from inside leave with the source address 198.51.100.2
// (keeping the source port when it is free, as here); IPRewriter remembers each
// flow, so the answers are translated back and delivered inside. Anything
// from outside that belongs to no flow is dropped: the mapping table is the
// firewall. ICMP is not translated here (Click does that with
// ICMPPingRewriter); pings to the gateway itself are answered on both sides.
//
// Inside, the gateway finds hosts' Ethernet addresses with ARP; outside, every
// packet goes to the provider's router, whose Ethernet address is fixed here.
//
// Run it from this folder:  clickvm run --simtime nat.click
// (README.md shows what it prints).

define($IN_IP 10.0.0.1, $IN_MAC 00:16:3e:00:01:01,
       $PUBLIC_IP 198.51.100.2, $OUT_MAC 00:16:3e:00:01:02, $PROVIDER_MAC 00:1c:73:00:64:01);

// Both captures are replayed at their own pace (TIMING), so answers arrive
// after the flows they answer have been translated.
inside :: FromDump(inside-in.pcap, STOP true, TIMING true);
outside :: FromDump(outside-in.pcap, STOP true, TIMING true);
to_inside :: ToDump(inside-out.pcap);
to_outside :: ToDump(outside-out.pcap);

DriverManager(wait_stop 2,
  print "translated out: $(out.count) packets; back in: $(back.count) of $(for_public.count) for $PUBLIC_IP ($(rw.nmappings) flows mapped)",
  print "not translated: $(untranslated.count) from inside; ARP: $(arpq.queries) queries inside",
  stop);

rw :: IPRewriter(pattern $PUBLIC_IP 1024-65535 - - 0 1,   // input 0, from inside: a new flow gets a mapping
                 drop);                                   // input 1, from outside: only known flows pass
to_world :: EtherEncap(0x0800, $OUT_MAC, $PROVIDER_MAC) -> to_outside;
arpq :: ARPQuerier($IN_IP, $IN_MAC) -> to_inside;

// Inside.
inside -> cin :: Classifier(12/0806 20/0001, 12/0806 20/0002, 12/0800, -);
cin[0] -> ARPResponder($IN_IP $IN_MAC) -> to_inside;
cin[1] -> [1]arpq;
cin[3] -> Discard;
cin[2] -> Strip(14)
       -> CheckIPHeader
       -> from_in :: IPClassifier(icmp type echo and dst host $IN_IP,
                                  (tcp or udp) and not dst net 10.0.0.0/8,
                                  -);
from_in[0] -> ICMPPingResponder -> [0]arpq;
from_in[1] -> [0]rw;
from_in[2] -> untranslated :: Counter -> Discard;

// Outside.
outside -> cout :: Classifier(12/0806 20/0001, 12/0806 20/0002, 12/0800, -);
cout[0] -> ARPResponder($PUBLIC_IP $OUT_MAC) -> to_outside;
cout[1] -> Discard;
cout[3] -> Discard;
cout[2] -> Strip(14)
        -> CheckIPHeader
        -> from_out :: IPClassifier(icmp type echo and dst host $PUBLIC_IP,
                                    (tcp or udp) and dst host $PUBLIC_IP,
                                    -);
from_out[0] -> ICMPPingResponder -> to_world;
from_out[1] -> for_public :: Counter -> [1]rw;
from_out[2] -> Discard;

// Translated packets: output 0 toward the Internet, output 1 (answers) back inside,
// where the destination annotation IPRewriter sets is the host the ARPQuerier resolves.
rw[0] -> out :: Counter -> to_world;
rw[1] -> back :: Counter -> [0]arpq;
