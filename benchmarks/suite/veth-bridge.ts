// A bridge middlebox on the middle namespace of a test network
// (test/devices/netns.ts): FromDevice(m0) -> Queue -> ToDevice(m1), run by
// one engine over one device method, started the way an operator starts it
// (`clickvm run` for the host engine, the compiled binary for native).
// Shared by the veth throughput benchmark and the suite's latency rows.

import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadConfig } from '../../config-lang/load.js';
import { buildNative } from '../../dataplane-native/build.js';
import { generateC } from '../../dataplane-native/codegen.js';
import { repoRoot } from '../../dataplane-native/native-spec.js';
import type { DeviceMethod } from '../../host-engine/devices.js';
import { spawnIn, waitPacketSockets, waitXdp, type Network, type NsProcess } from '../../test/devices/netns.js';

export type BridgeEngine = 'host' | 'native';

export const bridgeConfig = (method: DeviceMethod): string =>
  `rx :: FromDevice(m0, BURST 256, METHOD ${method}) -> q :: Queue(4096) -> tx :: ToDevice(m1, BURST 256, METHOD ${method});`;

/** Start the bridge with `-h` for each of `handlers` (printed when it is interrupted); resolves once its devices are open. */
export async function startBridge(net: Network, engine: BridgeEngine, method: DeviceMethod, dir: string, handlers: readonly string[] = []): Promise<NsProcess> {
  const config = bridgeConfig(method);
  const file = join(dir, `bridge-${method}.click`);
  writeFileSync(file, config);
  const hs = handlers.flatMap((h) => ['-h', h]);
  const argv =
    engine === 'host'
      ? [process.execPath, '--import', 'tsx', join(repoRoot, 'cli', 'main.ts'), 'run', file, ...hs]
      : [buildNative(generateC(loadConfig(config, file), { configText: config }), { kind: 'exe' }).output, ...hs];
  const mb = spawnIn(net.middle, argv, repoRoot);
  const ready = method === 'XDP' ? await waitXdp(net.middle, ['m0'], 120000) : await waitPacketSockets(net.middle, 2, 120000);
  if (!ready) {
    mb.child.kill('SIGKILL');
    throw new Error(`the ${engine} bridge (${method}) did not start: ${mb.stderr().trim().split('\n')[0] ?? ''}`);
  }
  return mb;
}
