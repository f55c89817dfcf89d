// The configurations the native fuzzer compiles (one libFuzzer binary each).
// Frames arrive on memory device `in`; whatever leaves through ToDevice(outN)
// is collected by the harness (harness.c), which knows out0..out3.

export interface FuzzTarget {
  readonly name: string;
  /** Which elements' C this target is mainly after (for the report). */
  readonly covers: readonly string[];
  readonly config: string;
  /**
   * The input is a file the configuration reads (named `fuzz.input`), not
   * frames: seeds are whole files (the conformance pcaps and a few IP
   * summary dumps).
   */
  readonly inputFile?: boolean;
}

const ME = '00:00:c0:11:22:33';
const IN = 'FromDevice(in, BURST 16)';
const out = (i: number) => `Queue(1000) -> ToDevice(out${i}, BURST 16)`;

export const targets: readonly FuzzTarget[] = [
  {
    name: 'ip-checks',
    covers: ['Classifier', 'CheckIPHeader', 'CheckTCPHeader', 'CheckUDPHeader'],
    config: `${IN} -> cl :: Classifier(12/0800, -)
  -> Strip(14) -> ip :: CheckIPHeader(VERBOSE false)
  -> ipc :: IPClassifier(tcp, udp, -);
ipc[0] -> tcp :: CheckTCPHeader -> Unstrip(14) -> ${out(0)};
ipc[1] -> udp :: CheckUDPHeader -> Unstrip(14) -> ${out(1)};
ipc[2] -> Discard; cl[1] -> Discard; ip[1] -> Discard; tcp[1] -> Discard; udp[1] -> Discard;`,
  },
  {
    name: 'classify-filter',
    covers: ['Classifier', 'IPClassifier', 'IPFilter', 'VLANDecap'],
    config: `${IN} -> cl :: Classifier(12/8100, 12/0800, 12/0806 20/0001, 14/45%f0 23/11, -);
cl[1] -> Strip(14) -> CheckIPHeader -> f :: IPFilter(
    deny src net 10.0.0.0/8 && dst host 203.0.113.9,
    allow udp && dst port 53,
    allow tcp && (dst port 80 || dst port 443) && tcp opt syn,
    allow icmp type echo,
    allow ip frag || ip len > 1000,
    allow dst net 10.0.0.0/24 && tcp && not tcp opt syn,
    deny all)
  -> ipc :: IPClassifier(tcp src port > 1023 && tcp opt ack, udp[8:2] == 0x1234, icmp type 3 || icmp type 11, ip tos 4, -);
cl[0] -> VLANDecap -> Classifier(12/0800) -> Strip(14) -> CheckIPHeader -> f;
ipc[0] -> ${out(0)}; ipc[1] -> ${out(1)}; ipc[2] -> Discard; ipc[3] -> Discard; ipc[4] -> Discard;
cl[2] -> Discard; cl[3] -> Discard; cl[4] -> Discard;`,
  },
  {
    name: 'nat',
    covers: ['IPRewriter', 'CheckIPHeader', 'SetIPChecksum'],
    config: `${IN} -> Classifier(12/0800) -> Strip(14) -> CheckIPHeader
  -> dir :: IPClassifier(src net 10.0.0.0/24 && (tcp || udp), dst host 192.0.2.1 && (tcp || udp), -);
dir[2] -> Discard;
rw :: IPRewriter(pattern 192.0.2.1 1024-65535 - - 0 1, drop);
dir[0] -> [0] rw;
dir[1] -> [1] rw;
rw[0] -> SetIPChecksum -> Unstrip(14) -> ${out(0)};
rw[1] -> Unstrip(14) -> ${out(1)};`,
  },
  {
    name: 'arp',
    covers: ['ARPResponder', 'ARPQuerier'],
    config: `${IN} -> cl :: Classifier(12/0806 20/0001, 12/0806 20/0002, 12/0800, -);
cl[0] -> ARPResponder(10.0.0.1 ${ME}, 192.0.2.1/32 00:00:c0:11:22:44) -> ${out(0)};
q :: ARPQuerier(10.0.0.1, ${ME});
cl[1] -> [1] q;
cl[2] -> Strip(14) -> CheckIPHeader -> GetIPAddress(16) -> [0] q;
q -> ${out(1)};
cl[3] -> Discard;`,
  },
  {
    name: 'ip-router',
    covers: ['IPGWOptions', 'ICMPError', 'IPFragmenter', 'DecIPTTL', 'StaticIPLookup'],
    config: `${IN} -> Classifier(12/0800) -> Strip(14) -> CheckIPHeader -> GetIPAddress(16)
  -> rt :: StaticIPLookup(10.0.0.0/24 0, 192.0.2.0/24 1, 0.0.0.0/0 192.0.2.254 1);
rt[0] -> DropBroadcasts -> gw0 :: IPGWOptions(10.0.0.1) -> FixIPSrc(10.0.0.1) -> ttl0 :: DecIPTTL
  -> fr0 :: IPFragmenter(1500) -> EtherEncap(0x0800, ${ME}, 00:00:c0:aa:00:01) -> ${out(0)};
rt[1] -> DropBroadcasts -> gw1 :: IPGWOptions(192.0.2.1) -> FixIPSrc(192.0.2.1) -> ttl1 :: DecIPTTL
  -> fr1 :: IPFragmenter(68) -> EtherEncap(0x0800, 00:00:c0:11:22:44, 00:00:c0:bb:00:02) -> ${out(1)};
err :: ICMPError(10.0.0.1, timeexceeded) -> EtherEncap(0x0800, ${ME}, 00:00:c0:aa:00:01) -> ${out(2)};
ttl0[1] -> err;
ttl1[1] -> err;
gw0[1] -> ICMPError(10.0.0.1, parameterproblem) -> ${out(3)};
gw1[1] -> ICMPError(192.0.2.1, parameterproblem) -> Discard;
fr0[1] -> ICMPError(10.0.0.1, unreachable, needfrag) -> Discard;
fr1[1] -> Discard;`,
  },
  {
    // One file read by both readers: a pcap for one is garbage for the other, and the other way round.
    name: 'file-readers',
    covers: ['FromDump', 'FromIPSummaryDump'],
    inputFile: true,
    config: `fd :: FromDump(fuzz.input, STOP false) -> cl :: Classifier(12/0800, -) -> Strip(14) -> ip :: CheckIPHeader -> ${out(0)};
cl[1] -> ${out(1)}; ip[1] -> Discard;
FromIPSummaryDump(fuzz.input, STOP false) -> sip :: CheckIPHeader -> ${out(2)}; sip[1] -> ${out(3)};`,
  },
];

export function findTarget(name: string): FuzzTarget {
  const t = targets.find((x) => x.name === name);
  if (!t) throw new Error(`no native fuzz target '${name}' (targets: ${targets.map((x) => x.name).join(', ')})`);
  return t;
}
