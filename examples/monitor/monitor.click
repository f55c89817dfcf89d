// monitor.click: a passive traffic monitor on a mirror port.
//
// Every frame passes through unchanged (to out.pcap); on the way the monitor
// sorts IPv4 traffic into classes by protocol and port and keeps, per class,
// an AverageCounter: packets, bytes, and the average rate between the class's
// first and last packet. Each second of traffic it prints the packets and
// bits seen in that second; at the end, a line per class. A random 1% of the
// IP packets is printed, tcpdump style, on standard error.
//
// Run it from this folder:  clickvm run --simtime monitor.click
// (--simtime replays the capture at its own pace on simulated time, so the
// rates are those of the capture and the same on every run.)

in :: FromDump(in.pcap, STOP true, TIMING true);
out :: ToDump(out.pcap);

in -> eth :: Classifier(12/0800, -);
eth[1] -> nonip :: Counter -> out;

class :: IPClassifier(tcp port 80 or tcp port 443,             // web
                      udp port 443,                            // QUIC (HTTP/3, video calls)
                      udp port 53,                             // DNS
                      tcp port 22,                             // SSH
                      tcp port 25 or tcp port 587 or tcp port 993,  // mail
                      icmp,                                    // ping and errors
                      -);                                      // everything else
eth[0] -> Strip(14)
       -> CheckIPHeader
       -> second :: Counter
       -> ip :: AverageCounter
       -> sample :: RandomSample(0.01);
sample[0] -> IPPrint(sample) -> class;
sample[1] -> class;

back :: Unstrip(14) -> out;
class[0] -> web :: AverageCounter -> back;
class[1] -> quic :: AverageCounter -> back;
class[2] -> dns :: AverageCounter -> back;
class[3] -> ssh :: AverageCounter -> back;
class[4] -> mail :: AverageCounter -> back;
class[5] -> icmp :: AverageCounter -> back;
class[6] -> other :: AverageCounter -> back;

// The per-second report: read the `second` counter, then reset it.
Script(label tick,
       wait 1s,
       print "t=$(sub $(now) 1000000000)s  $(second.count) packets  $(mul $(second.byte_count) 8) bit/s",
       write second.reset,
       goto tick);

DriverManager(wait_stop,
  print "IPv4: $(ip.count) packets, $(ip.byte_count) bytes, $(ip.bit_rate) bit/s; not IPv4: $(nonip.count) frames",
  print "web   $(web.count) packets  $(web.byte_count) bytes  $(web.bit_rate) bit/s",
  print "quic  $(quic.count) packets  $(quic.byte_count) bytes  $(quic.bit_rate) bit/s",
  print "dns   $(dns.count) packets  $(dns.byte_count) bytes  $(dns.rate) packets/s",
  print "ssh   $(ssh.count) packets  $(ssh.byte_count) bytes  $(ssh.rate) packets/s",
  print "mail  $(mail.count) packets  $(mail.byte_count) bytes  $(mail.bit_rate) bit/s",
  print "icmp  $(icmp.count) packets  $(icmp.byte_count) bytes",
  print "other $(other.count) packets  $(other.byte_count) bytes",
  stop);
