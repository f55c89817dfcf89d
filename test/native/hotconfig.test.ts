// Hot reconfiguration on the native dataplane (NativeDriver.hotswap): the
// new configuration is a second shared library loaded beside the first;
// queues, counters, ToDevice, rewriters (IPRewriter, UDPRewriter,
// TCPRewriter with its sequence deltas), ARPQuerier, FromDump, ToDump and
// ControlSocket hand their state over through their C take_state functions
// (packets copied into the new library's pool), frames on the memory
// devices' rings move along, then the old library is finished and unloaded:
// the NAT scenario of the host engine's test with the same checks; the
// rewriter check; and `clickvm run --engine native -R`'s path
// (NativeHotConfigDriver): hostile configurations written to the C
// ControlSocket under a stream, then a swap while gcc runs. Seven library
// builds (cached).
import t from 'tap';
import '../../elements/registry.js';
import { loadConfig } from '../../config-lang/load.js';
import { NativeDriver } from '../../dataplane-native/native-driver.js';
import { NATIVE_CACHE_DIR } from './engines.js';
import { NAT_FIRST, natSwapUnderStream } from '../util/hotconfig-nat.js';
import { checkDump, hostileConfigs, hostileStream, writeDumpInput } from '../util/hotconfig-hostile.js';
import { REWRITERS, rewritersAcrossSwap } from '../util/hotconfig-rewriters.js';
import { NativeHotConfigDriver } from '../../dataplane-native/native-hotconfig.js';
import { HOTCONFIG_FILE_NAME } from '../../host-engine/hotconfig.js';
import { HandlerError } from '../../host-engine/handlers.js';
import { mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

t.test('the NAT swapped under a steady stream on the native dataplane: nothing lost or doubled, flows keep their mappings', async (t) => {
  const opts = { simtime: true, capture: true, devices: { capacity: 8 }, cacheDir: NATIVE_CACHE_DIR };
  let d = new NativeDriver(loadConfig(NAT_FIRST, 'nat.click'), { ...opts, configText: NAT_FIRST });
  d.initialize();
  const warnings: string[] = [];
  natSwapUnderStream(t, {
    inject: (dev, f) => void d.inject(dev, f),
    collect: (dev) => d.collect(dev),
    round: () => d.run({ until: d.now() + 1_000_000n }),
    read: (h) => d.readHandler(h),
    reconfigure: (text) => {
      const r = d.hotswap(loadConfig(text, 'nat-2.click'), text);
      warnings.push(...r.warnings);
      d = r.driver;
    },
    balanced: () => d.accounting().ok,
  });
  t.same(warnings, []);
  t.same(d.libraryAccounting(), [], "the new library's pool holds just what its elements hold");
  d.cleanup();
});

t.test('hostile reconfigurations through the C ControlSocket under a stream, then a swap while gcc runs: nothing lost, nothing leaked', async (t) => {
  // A fixed directory: its paths are in the configurations, which then stay in the build cache.
  const dir = join(tmpdir(), 'clickvm-native-hotconfig-hostile');
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir);
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const sock = join(dir, 'c.sock');
  const dump = { from: join(dir, 'in.pcap'), to: join(dir, 'out.pcap') };
  writeDumpInput(dump.from);
  const first = hostileConfigs(sock, dump).first;
  const warnings: string[] = [];
  const hot = new NativeHotConfigDriver({ load: (text) => loadConfig(text, HOTCONFIG_FILE_NAME), warn: (m) => warnings.push(m) }, first, loadConfig(first, 'first.click'), {
    capture: true,
    devices: {},
    cacheDir: NATIVE_CACHE_DIR,
  });
  hot.initialize();
  // The library copies a swap loads (NativeDriver's private copies) still mapped, and this process's descriptors.
  // Only copies first mapped during this test count: whether glibc has unmapped
  // the test above's last library by now is not this test's business.
  const mapped = () => new Set(readFileSync('/proc/self/maps', 'utf8').match(new RegExp(`router-${process.pid}-\\d+\\.so`, 'g')) ?? []);
  const before = mapped();
  t.comment(`library copies mapped before: ${[...before].join(', ') || 'none'}`);
  const copies = () => [...mapped()].filter((name) => !before.has(name));
  const fds = () => readdirSync('/proc/self/fd').length;
  let fdBase = -1;
  const { forwardedDuringSwap, replayed } = await hostileStream(
    t,
    {
      inject: (dev, f) => void hot.driver.inject(dev, f),
      collect: (dev) => hot.driver.collect(dev),
      step: async () => void (await hot.step({ sliceMs: 2 })),
      read: (h) => hot.driver.readHandler(h),
      balanced: () => hot.driver.accounting().ok && hot.driver.libraryAccounting().length === 0,
      swaps: () => hot.swaps,
    },
    sock,
    dump,
    () => {
      t.same(copies(), [], 'no refused library stays mapped');
      if (fdBase < 0) fdBase = fds();
      t.equal(fds(), fdBase, 'no descriptor left open');
    },
  );
  t.equal(copies().length, 1, `after the swap: the new library alone (the first is unloaded): ${copies().join(', ')}`);
  t.same(warnings, []);
  t.comment(`frames forwarded while the good configuration was prepared: ${forwardedDuringSwap}; swap step ${hot.lastSwapMs.toFixed(1)} ms`);
  hot.cleanup();
  checkDump(t, dump.from, dump.to, replayed);
});

t.test('UDPRewriter and TCPRewriter hand their flows and TCP sequence deltas over through C take_state (the driver\'s own hotconfig write)', async (t) => {
  const first = REWRITERS();
  const warnings: string[] = [];
  const hot = new NativeHotConfigDriver({ load: (text) => loadConfig(text, HOTCONFIG_FILE_NAME), warn: (m) => warnings.push(m) }, first, loadConfig(first, 'rewriters.click'), {
    simtime: true,
    capture: true,
    devices: { capacity: 64 },
    cacheDir: NATIVE_CACHE_DIR,
  });
  hot.initialize();
  const d = () => hot.driver;
  rewritersAcrossSwap(t, {
    inject: (dev, f) => void d().inject(dev, f),
    collect: (dev) => d().collect(dev),
    round: () => d().run({ until: d().now() + 1_000_000n }),
    read: (h) => d().readHandler(h),
    reconfigure: (text) => {
      const refused = (() => {
        try {
          hot.writeHandler('hotconfig', text.replace('Counter', 'Countr'));
        } catch (e) {
          return e;
        }
      })();
      t.type(refused, HandlerError, 'a refused direct write throws');
      t.match((refused as Error).message, /^<hotconfig>:\d+:\d+: error: unknown element class 'Countr'/, 'with its positioned errors');
      t.equal(hot.swaps, 0);
      hot.writeHandler('hotconfig', text);
      t.equal(hot.swaps, 1, 'a direct write swaps in the call');
    },
    balanced: () => d().accounting().ok && d().libraryAccounting().length === 0,
  });
  t.same(warnings, []);
  hot.cleanup();
});
