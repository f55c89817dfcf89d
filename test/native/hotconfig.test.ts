// Hot reconfiguration on the native dataplane (NativeDriver.hotswap): the
// new configuration is a second shared library loaded beside the first;
// queues, counters, ToDevice, IPRewriter and ARPQuerier hand their state
// over through their C take_state functions (packets copied into the new
// library's pool), frames on the memory devices' rings move along, then the
// old library is finished and unloaded: the NAT scenario of the host
// engine's test, with the same checks. Two library builds (cached); the
// refusals of bad configurations are the host engine's tests (here each
// would cost a third build).
import t from 'tap';
import '../../elements/registry.js';
import { loadConfig } from '../../config-lang/load.js';
import { NativeDriver } from '../../dataplane-native/native-driver.js';
import { NATIVE_CACHE_DIR } from './engines.js';
import { NAT_FIRST, natSwapUnderStream } from '../util/hotconfig-nat.js';

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
