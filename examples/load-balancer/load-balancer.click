// load-balancer.click: a layer-4 load balancer for a web service's virtual IP.
//
//   clients ---- provider ---- [203.0.113.80 VIP]  BALANCER  [10.0.1.1] ---- 10.0.1.11  server 1
//                                                                      |--- 10.0.1.12  server 2
//                                                                      `--- 10.0.1.13  server 3
//
// Each new TCP connection to 203.0.113.80 port 80 is given to the next server
// in turn (RoundRobinIPMapper) and IPRewriter rewrites its destination to that
// server; the server's answers come back through the balancer, which rewrites
// their source back to the VIP. Servers see the clients' real addresses.
// A connection stays on its server for its whole life, so the counts per
// server depend on how long each connection is, not only on how many.
//
// Run it from this folder:  clickvm run --simtime load-balancer.click
// (README.md shows what it prints).

define($VIP 203.0.113.80, $FRONT_MAC 00:16:3e:00:02:01, $UPSTREAM_MAC 00:1c:73:00:71:01,
       $BACK_IP 10.0.1.1, $BACK_MAC 00:16:3e:00:02:02);

front :: FromDump(front-in.pcap, STOP true, TIMING true);
back :: FromDump(back-in.pcap, STOP true, TIMING true);
to_front :: ToDump(front-out.pcap);
to_back :: ToDump(back-out.pcap);

DriverManager(wait_stop 2,
  print "connections: $(rw.nmappings); packets to server 1: $(server1.count), server 2: $(server2.count), server 3: $(server3.count)",
  print "answers to clients: $(replies.count); refused: $(not_service.count) from clients, $(not_reply.count) from servers",
  stop);

// Outputs 0-2: to server 1-3. Output 3: answers back to the clients.
rr :: RoundRobinIPMapper(- - 10.0.1.11 - 0 3,
                         - - 10.0.1.12 - 1 3,
                         - - 10.0.1.13 - 2 3);
rw :: IPRewriter(rr,     // input 0: new connections to the VIP go to the mapper
                 drop);  // input 1: server packets that belong to no connection are dropped

// Front: answer ARP for the VIP, take TCP port 80, answer pings, refuse the rest.
front -> cf :: Classifier(12/0806 20/0001, 12/0800, -);
cf[0] -> ARPResponder($VIP $FRONT_MAC) -> to_front;
cf[2] -> Discard;
cf[1] -> Strip(14)
      -> CheckIPHeader
      -> vip :: IPClassifier(dst host $VIP and tcp dst port 80,
                             dst host $VIP and icmp type echo,
                             -);
vip[0] -> [0]rw;
vip[1] -> ICMPPingResponder -> to_clients :: EtherEncap(0x0800, $FRONT_MAC, $UPSTREAM_MAC) -> to_front;
vip[2] -> not_service :: Counter -> Discard;

// Back: answer ARP for the servers' gateway address; take the servers' port-80 answers.
back -> cb :: Classifier(12/0806 20/0001, 12/0800, -);
cb[0] -> ARPResponder($BACK_IP $BACK_MAC) -> to_back;
cb[2] -> Discard;
cb[1] -> Strip(14)
      -> CheckIPHeader
      -> answers :: IPClassifier(src net 10.0.1.0/24 and tcp src port 80, -);
answers[0] -> [1]rw;
answers[1] -> not_reply :: Counter -> Discard;

// Each server's packets get its Ethernet address (fixed, like the servers).
rw[0] -> server1 :: Counter -> EtherEncap(0x0800, $BACK_MAC, 52:54:00:00:01:0b) -> to_back;
rw[1] -> server2 :: Counter -> EtherEncap(0x0800, $BACK_MAC, 52:54:00:00:01:0c) -> to_back;
rw[2] -> server3 :: Counter -> EtherEncap(0x0800, $BACK_MAC, 52:54:00:00:01:0d) -> to_back;
rw[3] -> replies :: Counter -> to_clients;
