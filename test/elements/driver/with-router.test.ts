// The source, sink and driver elements inside the real host engine: stop
// requests reaching a DriverManager, Script handler calls through the router,
// time-driven sources on simulated time.
import t from 'tap';
import { copyFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadConfig } from '../../../config-lang/load.js';
import { Router } from '../../../host-engine/router.js';
import { readCapture } from '../../../host-engine/pcap.js';
import { tempDir } from '../io/capture-files.js';

const FIXTURE = new URL('../../fixtures/conformance/01-counter/in.pcap', import.meta.url).pathname;

function run(config: string, dir = tempDir()) {
  copyFileSync(FIXTURE, join(dir, 'in.pcap'));
  const err: string[] = [];
  const out: string[] = [];
  const router = new Router(loadConfig(config, 'test.click'), { simtime: true, baseDir: dir, stderr: (l) => err.push(l), stdout: (l) => out.push(l) });
  router.initialize();
  const { reason } = router.run();
  const balanced = router.accounting().ok;
  const read = (h: string) => router.readHandler(h);
  router.cleanup();
  return { reason, err, out, read, balanced, dir, router };
}

t.test('FromDump STOP with a DriverManager that runs a last script', async (t) => {
  const r = run(`
    FromDump(in.pcap, STOP true) -> c :: Counter -> Discard;
    DriverManager(wait_stop, read c.count, write c.reset, print c.count, stop)`);
  t.equal(r.reason, 'stopped');
  t.same(r.err, ['c.count:', '300']);
  t.same(r.out, ['0']);
  t.ok(r.balanced);
});

t.test('wait_stop 2 waits for both traces', async (t) => {
  // b starts 100 packets into the file, so it ends first
  const skip = 24 + readCapture(new Uint8Array(readFileSync(FIXTURE))).packets.slice(0, 100).reduce((n, p) => n + 16 + p.data.length, 0);
  const both = (manager: string) =>
    run(`
    a :: FromDump(in.pcap, STOP true) -> c :: Counter -> Discard;
    b :: FromDump(in.pcap, STOP true, FILEPOS ${skip}) -> c;
    ${manager}`);
  const r = both('DriverManager(wait_stop 2)');
  t.equal(r.reason, 'stopped');
  t.equal(r.read('c.count'), '500');
  t.equal(both('').read('c.count'), '401', 'without it the first stop ends the run');
  t.equal(both('DriverManager(wait_stop)').read('c.count'), '401', 'as it does with one wait_stop');
});

t.test('a Script drives elements through their handlers', async (t) => {
  const r = run(`
    s :: InfiniteSource(ACTIVE false, LIMIT 3) -> d :: Discard;
    calc :: Script(TYPE PASSIVE, return $(mul $1 $2));
    Script(write s.active true, wait 1s, print $(d.count), print $(calc.run 6 7), print $(d.count) $(add $(d.count) 1), stop)`);
  t.equal(r.reason, 'stopped');
  t.same(r.out, ['3', '42', '3 4']);
});

t.test('RatedSource and TimedSource on simulated time', async (t) => {
  const rated = run(`
    RatedSource(RATE 100, LIMIT 10, STOP true) -> d :: Discard;
    Script(TYPE PASSIVE)`);
  t.equal(rated.reason, 'stopped');
  t.equal(rated.read('d.count'), '10');
  const timed = run(`
    TimedSource(100ms, LIMIT 3, STOP true) -> Print(tick, TIMESTAMP true, CONTENTS NONE) -> Discard`);
  t.same(timed.err, ['tick: 1000000000.100000:   69', 'tick: 1000000000.200000:   69', 'tick: 1000000000.300000:   69']);
});

t.test('pull paths: ToDump pulls through a Queue with its own task', async (t) => {
  const r = run(`
    FromDump(in.pcap, STOP true) -> Queue(1000) -> t :: ToDump(out.pcap, NANO false);`);
  t.equal(r.read('t.count'), '300');
  const cap = readCapture(new Uint8Array(readFileSync(join(r.dir, 'out.pcap'))));
  t.equal(cap.packets.length, 300);
  t.equal(cap.nanosecond, false);
});

t.test('IP summary dumps through the engine', async (t) => {
  const r = run(`
    FromIPSummaryDump(DATA "!data src dst sport dport proto\\n1.0.0.1 2.0.0.2 5 6 U\\n", STOP true)
      -> IPPrint(TIMESTAMP false) -> ToIPSummaryDump(-, FIELDS src sport proto len)`);
  t.equal(r.reason, 'stopped');
  t.same(r.err, ['1.0.0.1.5 > 2.0.0.2.6: udp 8']);
  t.same(r.out, ['!IPSummaryDump 1.3', '!data ip_src sport ip_proto ip_len', '1.0.0.1 5 U 28']);
});
