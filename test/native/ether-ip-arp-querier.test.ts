// ARPQuerier in both engines, in simulated time: queries and their rate
// limit, replies releasing waiting packets in order, renewal polls, expiry by
// the table timer, capacity limits, broadcast/multicast/0.0.0.0
// destinations, and every handler.
import t from 'tap';
import { differential } from './differential.js';
import { framesSource, handlerRun } from './ether-ip-harness.js';
import { arp, ether, ipv4, udp } from '../util/packets.js';

const ME = '00:00:c0:00:00:01';
const QUERIER = `ARPQuerier(10.0.0.1/24, ${ME}`;
const toIP = (dst: string, tag = 0) => ipv4(udp(Uint8Array.of(tag)), { dst });
const reply = (spa: string, sha: string) => ether(arp({ op: 2, spa, sha, tpa: '10.0.0.1', tha: ME }), { type: 0x0806, dst: ME, src: sha });
const junk = ether(new Uint8Array(28), { type: 0x0806 });
const READS = ['q.table', 'q.stats', 'q.count', 'q.length', 'q.queries', 'q.responses', 'q.drops', 'q.ipaddr', 'q.broadcast'];

t.test('unknown destinations wait; replies release them in order; known ones go at once', async (t) => {
  const ips = [toIP('10.0.0.5', 1), toIP('10.0.0.5', 2), toIP('10.0.0.6', 3), toIP('10.0.0.5', 4), toIP('10.0.0.6', 5), toIP('10.0.0.8', 6)];
  const replies = [junk, reply('10.0.0.5', '00:00:c0:00:00:05'), reply('10.0.0.6', '00:00:c0:00:00:06'), junk.slice(0, 41),
    reply('10.0.0.8', '01:00:c0:00:00:08'), ether(arp({ op: 1, spa: '10.0.0.8' }), { type: 0x0806 })];
  differential(t, {
    config: `${framesSource(ips, 'INTERVAL 40ms')} -> GetIPAddress(16) -> q :: ${QUERIER}) -> out :: EIPLog;
      ${framesSource(replies, 'INTERVAL 70ms, STOP true')} -> [1]q; q[1] -> queries :: EIPLog;`,
    handlers: ['out.log', 'queries.log', ...READS],
  });
});

t.test('query rate limit, renewal polls (unicast and BROADCAST_POLL), expiry by the table timer', async (t) => {
  const ips: Uint8Array[] = [];
  for (let i = 0; i < 60; i++) ips.push(toIP('10.0.0.7', i), toIP('10.0.0.5', i));
  const replies = [junk, reply('10.0.0.5', '00:00:c0:00:00:05'), ...Array.from({ length: 18 }, () => junk.slice(0, 20))];
  for (const poll of ['', ', BROADCAST_POLL true']) {
    differential(t, {
      config: `${framesSource(ips, 'INTERVAL 150ms, BURST 2')} -> GetIPAddress(16) -> q :: ${QUERIER}, TIMEOUT 3s, POLL_TIMEOUT 1s${poll}) -> out :: EIPLog;
        ${framesSource(replies, 'INTERVAL 500ms, STOP true')} -> [1]q; q[1] -> queries :: EIPLog;`,
      handlers: ['out.count', 'queries.log', ...READS],
    });
  }
});

t.test('a sub-second TIMEOUT: the table timer runs from the start, then every second', async (t) => {
  const ips = Array.from({ length: 12 }, (_, i) => toIP(i % 2 ? '10.0.0.5' : '10.0.0.9', i));
  differential(t, {
    config: `${framesSource(ips, 'INTERVAL 300ms')} -> GetIPAddress(16) -> q :: ${QUERIER}, TIMEOUT 400ms, POLL_TIMEOUT 0) -> out :: EIPLog;
      ${framesSource([reply('10.0.0.5', '00:00:c0:00:00:05'), junk, junk, junk, junk, junk, junk, junk], 'INTERVAL 500ms, STOP true')} -> [1]q;
      q[1] -> queries :: EIPLog;`,
    handlers: ['out.log', 'queries.count', ...READS],
  });
});

t.test('capacity limits: packets, entries, packets per entry, slimming', async (t) => {
  const dsts = ['10.0.0.11', '10.0.0.12', '10.0.0.11', '10.0.0.13', '10.0.0.11', '10.0.0.14', '10.0.0.12', '10.0.0.15', '10.0.0.15', '10.0.0.15', '10.0.0.16'];
  const ips = dsts.map((d, i) => toIP(d, i));
  for (const limits of ['CAPACITY 4, CAPACITY_SLIM_FACTOR 3', 'ENTRY_CAPACITY 3', 'ENTRY_PACKET_CAPACITY 2', 'CAPACITY 5, ENTRY_CAPACITY 2, ENTRY_PACKET_CAPACITY 1']) {
    differential(t, {
      config: `${framesSource(ips, 'INTERVAL 10ms, BURST 3')} -> GetIPAddress(16) -> q :: ${QUERIER}, ${limits}) -> out :: EIPLog;
        ${framesSource([junk, junk, reply('10.0.0.15', '00:00:c0:00:00:15'), reply('10.0.0.16', '00:00:c0:00:00:16')], 'INTERVAL 30ms, STOP true')} -> [1]q;
        q[1] -> queries :: EIPLog;`,
      handlers: ['out.log', 'queries.count', ...READS],
    });
  }
});

t.test('broadcast, multicast and 0.0.0.0 destinations; one output shared with queries; IP 0.0.0.0 drops everything', async (t) => {
  const ips = ['255.255.255.255', '10.0.0.255', '10.0.0.127', '224.1.2.3', '239.255.128.1', '0.0.0.0', '0.0.0.0', '10.0.0.77'].map((d, i) => toIP(d, i));
  differential(t, {
    config: `${framesSource(ips, 'BURST 8')} -> GetIPAddress(16) -> q :: ${QUERIER}) -> out :: EIPLog;
      ${framesSource([junk], 'STOP true, INTERVAL 1s')} -> [1]q;
      ${framesSource(ips, 'BURST 3')} -> GetIPAddress(16) -> q2 :: ARPQuerier(10.0.0.1, ${ME}, BROADCAST 10.0.0.127) -> out2 :: EIPLog;
      ${framesSource([reply('10.0.0.77', '00:00:c0:00:00:77')])} -> [1]q2;
      ${framesSource(ips)} -> GetIPAddress(16) -> q3 :: ARPQuerier(0.0.0.0, ${ME}) -> out3 :: EIPLog;
      EIPFrames -> [1]q3; q[1] -> queries :: EIPLog; q3[1] -> queries3 :: EIPLog;`,
    handlers: ['out.log', 'queries.log', 'out2.log', 'out3.count', 'queries3.count', ...READS, 'q2.stats', 'q2.table', 'q3.stats', 'q3.drops'],
  });
});

t.test('handlers: insert, delete, ipaddr, broadcast and their errors; clear with packets waiting', async (t) => {
  const ips = ['10.0.0.5', '10.0.0.6', '10.0.0.7', '10.0.0.7'].map((d, i) => toIP(d, i));
  handlerRun(t, {
    config: `${framesSource(ips, 'INTERVAL 10ms, STOP true')} -> GetIPAddress(16) -> q :: ${QUERIER}) -> out :: EIPLog; EIPFrames -> [1]q; q[1] -> queries :: EIPLog;`,
    writes: [
      ['q.insert', '10.0.0.5 00:00:c0:00:00:55'], ['q.insert', '10.0.0.6 00:00:c0:00:00:66'], ['q.delete', '10.0.0.6'],
      ['q.insert', '10.0.0.9'], ['q.insert', '10.0.0.9 1:2:3:4:5:6 x'], ['q.insert', 'x 1:2:3:4:5:6'], ['q.insert', '10.0.0.9 1:2:3'],
      ['q.insert', '"10.0.0.10" \'00:00:c0:00:00:10\''], ['q.delete', ''], ['q.delete', '1.2.3.4 5.6.7.8'], ['q.delete', '300.1.1.1'],
      ['q.ipaddr', 'nope'], ['q.broadcast', ' 10.0.0.255 '], ['q.ipaddr', '10.0.0.2'],
    ],
    reads: ['out.log', 'queries.log', ...READS],
  });
  handlerRun(t, {
    config: `${framesSource(ips, 'INTERVAL 10ms, STOP true')} -> GetIPAddress(16) -> q :: ${QUERIER}) -> out :: EIPLog; EIPFrames -> [1]q; q[1] -> queries :: EIPLog;`,
    writesAfter: [['q.insert', '10.0.0.7 00:00:c0:00:00:77'], ['q.clear', '']],
    reads: ['out.count', 'queries.count', ...READS],
  });
});

t.test('ARPPrint: every operation, trailer, other hardware, silent protocols, truncated and short headers, ETHER, with ARPQuerier and ARPResponder (0/0)', async (t) => {
  const a = (o: Parameters<typeof arp>[0], edit?: (b: Uint8Array) => void) => {
    const b = arp(o);
    edit?.(b);
    return ether(b, { type: 0x0806, src: '00:00:c0:00:00:0a', dst: 'ff:ff:ff:ff:ff:ff' });
  };
  const weird = [
    a({ op: 1, tha: '00:00:c0:00:00:0b' }), a({ op: 2 }), a({ op: 3 }), a({ op: 4 }), a({ op: 8 }), a({ op: 9 }), a({ op: 77 }),
    a({ op: 1 }, (b) => (b[2] = 0x10, b[3] = 0)), // trailer
    a({ op: 2 }, (b) => (b[1] = 6)), // hardware #6
    a({ op: 1 }, (b) => (b[2] = 0x86, b[3] = 0xdd)), // not IP: nothing
    a({ op: 1 }, (b) => (b[5] = 6)), // protocol addresses of 6 bytes: nothing
    a({ op: 1 }, (b) => (b[4] = 0)), // no hardware address: nothing
    a({ op: 1, tha: '00:00:00:00:00:01' }, (b) => (b[4] = 5)), // only 5 bytes of THA compared
    a({ op: 1 }).slice(0, 14 + 5), // truncated-arp (5)
    a({ op: 2 }).slice(0, 14 + 17), // fields past the end read as 0
  ];
  differential(t, {
    config: `${framesSource(weird, 'INTERVAL 10ms')} -> MarkIPHeader(14) -> ap :: ARPPrint(w, ETHER true) -> ARPPrint(TIMESTAMP false) -> Discard;
      ${framesSource([toIP('10.0.0.5', 1), toIP('10.0.0.6', 2)], 'INTERVAL 40ms, STOP true')} -> GetIPAddress(16) -> q :: ${QUERIER}) -> Discard;
      q[1] -> ARPPrint(qp, ETHER true) -> ARPResponder(0/0 00:00:c0:00:00:09) -> ARPPrint(rp, ACTIVE false) -> Queue -> ARPPrint(pull) -> Unqueue -> [1]q;`,
    handlers: ['ap.active', 'q.table'],
  });
});
