// rate-limiter.click: shape a branch office's traffic to its 5 Mbit/s WAN link.
//
// Frames wait in a Queue; BandwidthRatedUnqueue takes them out no faster than
// 5 Mbit/s (counting whole frames). While the office offers less than that
// the queue stays nearly empty and everything passes at once; when a backup
// job bursts at about 16 Mbit/s, the queue fills up to its 200 packets and
// the rest is dropped. The queue is one FIFO, so the VoIP call suffers with
// the backup: a priority queue for it (PrioSched over two Queues, with an
// IPClassifier on DSCP) is the usual next step.
//
// Run it from this folder:  clickvm run --simtime rate-limiter.click
// Without --simtime the capture replays in real time, and the numbers vary a little.

in :: FromDump(in.pcap, STOP true, TIMING true);

in -> offered :: AverageCounter
   -> offered_now :: Counter
   -> q :: Queue(200)
   -> shaper :: BandwidthRatedUnqueue(5Mbps)
   -> sent :: AverageCounter
   -> sent_now :: Counter
   -> ToDump(out.pcap);

// Each second: what was offered and what was sent in that second, the queue, the drops so far.
Script(label tick,
       wait 1s,
       print "t=$(sub $(now) 1000000000)s  offered $(mul $(offered_now.byte_count) 8) bit/s  sent $(mul $(sent_now.byte_count) 8) bit/s  queue $(q.length)  dropped $(q.drops)",
       write offered_now.reset, write sent_now.reset,
       goto tick);

// At the end of the capture, let the queue drain for half a second, then report.
DriverManager(wait_stop, wait 500ms,
  print "offered: $(offered.count) packets at $(offered.bit_rate) bit/s",
  print "sent:    $(sent.count) packets at $(sent.bit_rate) bit/s",
  print "queue:   $(q.drops) dropped, at most $(q.highwater_length) waiting, $(q.length) left",
  stop);
