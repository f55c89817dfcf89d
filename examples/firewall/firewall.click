// firewall.click: a stateless firewall in front of the inside network 10.0.0.0/24.
//
// It sits on the inside network's uplink, as a bridge, and filters what comes
// in from outside (in.pcap). ARP crosses the bridge untouched; other non-IPv4
// frames are dropped; IPv4 packets pass CheckIPHeader and then the rules,
// first match wins, one output and one counter per verdict:
//
//   ssh          SSH to the inside network from the admin host 198.51.100.7
//   established  TCP with ACK set: the rest of connections opened from inside
//   dns          answers from DNS servers (UDP from port 53)
//   ping         ICMP echo requests and replies
//   denied       everything else, logged to denied.pcap
//
// A stateless filter trusts headers: an "ACK scan" passes as established and
// a packet forged from port 53 passes as DNS. The NAT example keeps per-flow
// state instead.
//
// Run it from this folder:  clickvm run firewall.click
// (README.md shows what it prints).

define($INSIDE 10.0.0.0/24, $ADMIN 198.51.100.7);

in :: FromDump(in.pcap, STOP true);
pass :: ToDump(out.pcap);
log :: ToDump(denied.pcap);

DriverManager(wait_stop,
  print "allowed: $(ssh.count) ssh, $(established.count) established, $(dns.count) dns, $(ping.count) ping",
  print "denied: $(denied.count); bad IP headers: $(check.drops); ARP bridged: $(arp.count); other frames dropped: $(nonip.count)",
  stop);

in -> eth :: Classifier(12/0806,   // ARP: bridged
                        12/0800,   // IPv4: filtered
                        -);        // IPv6, LLDP, ...: dropped
eth[0] -> arp :: Counter -> pass;
eth[2] -> nonip :: Counter -> Discard;

eth[1] -> Strip(14)
       -> check :: CheckIPHeader
       -> fw :: IPFilter(0 src host $ADMIN && dst net $INSIDE && tcp dst port 22,
                         1 dst net $INSIDE && tcp && tcp opt ack,
                         2 dst net $INSIDE && udp && src port 53,
                         3 dst net $INSIDE && (icmp type echo || icmp type echo-reply),
                         4 all);

fw[0] -> ssh :: Counter -> allowed :: Unstrip(14) -> pass;
fw[1] -> established :: Counter -> allowed;
fw[2] -> dns :: Counter -> allowed;
fw[3] -> ping :: Counter -> allowed;
fw[4] -> denied :: Counter -> Unstrip(14) -> log;
