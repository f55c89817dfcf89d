// Hot reconfiguration on the native dataplane (NativeDriver.hotswap): the
// new configuration is a second shared library loaded beside the first;
// queues, counters and ToDevice hand their state over through their C
// take_state functions (packets copied into the new library's pool), then
// the old library is finished and unloaded. Two library builds (cached);
// a configuration that fails is refused before anything changes (the host
// engine's tests cover refusals, which here would cost a third build).
import t from 'tap';
import '../../elements/registry.js';
import { loadConfig } from '../../config-lang/load.js';
import { NativeDriver } from '../../dataplane-native/native-driver.js';
import { frames } from '../util/packets.js';
import { NATIVE_CACHE_DIR } from './engines.js';

const numbered = (from: number, n: number) => Array.from({ length: n }, (_, i) => frames.udp({ payload: Uint8Array.of(0, 0, (from + i) >> 8, (from + i) & 255, 9, 9) }));
const numberOf = (f: Uint8Array) => (f[44]! << 8) | f[45]!;

const FIRST = 'rx :: FromDevice(a) -> c :: Counter -> q :: Queue(100) -> tx :: ToDevice(b);';
const SECOND = 'rx :: FromDevice(a) -> c :: Counter -> c2 :: Counter -> q :: SimpleQueue(100) -> tx :: ToDevice(b);';

t.test('a second library takes queued packets, counts and waiting frames; the first is unloaded', async (t) => {
  const opts = { simtime: true, capture: true, devices: { capacity: 4 }, cacheDir: NATIVE_CACHE_DIR };
  let d = new NativeDriver(loadConfig(FIRST, 'first.click'), { ...opts, configText: FIRST });
  d.initialize();
  const round = () => d.run({ until: d.now() + 1_000_000n });
  d.inject('a', numbered(0, 4));
  round(); // b's ring (4) takes them all
  d.inject('a', numbered(4, 4));
  round(); // b's ring is full: one waits in tx, three in q
  t.equal(d.readHandler('q.length'), '3');
  t.equal(d.readHandler('tx.waiting'), '1');
  const before = d.now();

  const { driver, warnings } = d.hotswap(loadConfig(SECOND, 'second.click'), SECOND);
  t.same(warnings, []);
  d = driver;
  t.ok(d.now() >= before, 'time goes on');
  t.equal(d.readHandler('c.count'), '8', 'the counter goes on');
  t.equal(d.readHandler('q.length'), '3', 'queued packets crossed');
  t.equal(d.readHandler('tx.waiting'), '1');
  d.inject('a', numbered(8, 4));
  const sent: number[] = [];
  for (let i = 0; i < 5; i++) {
    round();
    sent.push(...d.collect('b').map(numberOf));
  }
  t.same(sent, Array.from({ length: 12 }, (_, i) => i), 'every packet once, in order');
  t.equal(d.readHandler('c.count'), '12');
  t.equal(d.readHandler('c2.count'), '4');
  t.equal(d.readHandler('tx.count'), '12');
  t.ok(d.accounting().ok, 'the new library balances (taken packets are created there)');
  d.cleanup();
});
