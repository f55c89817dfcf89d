import t from 'tap';
import { lookupClass, registerClass, registry } from '../../elements/registry.js';
import { defineElement } from '../../elements/spec.js';
import { loadConfig } from '../../config-lang/load.js';
import { Router } from '../../host-engine/router.js';
import { HostElement } from '../../host-engine/element.js';
import type { PacketBatch } from '../../host-engine/packet.js';

class SinkCounter extends HostElement<Record<string, never>> {
  count = 0;
  override push(_port: number, batch: PacketBatch): void {
    for (const p of batch) {
      this.count++;
      this.consume(p);
    }
  }
}

const plugin = defineElement({
  name: 'RegistryTestSink',
  ports: '1/0',
  processing: 'h/',
  args: {},
  host: (init) => new SinkCounter(init),
  handlers: { count: { read: (e: SinkCounter) => String(e.count) } },
});

t.test('registerClass adds a class that configurations and the host engine use', async (t) => {
  t.equal(lookupClass('RegistryTestSink'), undefined, 'not there before');
  registerClass(plugin);
  t.equal(lookupClass('RegistryTestSink')?.name, 'RegistryTestSink');
  t.ok(registry.has('RegistryTestSink'), 'listed with the library classes');
  const router = new Router(loadConfig('InfiniteSource(LIMIT 3) -> s :: RegistryTestSink;', 'plugin.click'), { simtime: true, stderr: () => {}, stdout: () => {} });
  router.initialize();
  router.run();
  t.equal(router.readHandler('s.count'), '3');
  router.cleanup();
});

t.test('registerClass refuses a name that exists', async (t) => {
  const counter = lookupClass('Counter');
  t.throws(() => registerClass({ ...plugin, name: 'Counter' }), /element class 'Counter' is already registered/);
  t.equal(lookupClass('Counter'), counter, 'the library class stays');
  t.throws(() => registerClass(plugin), /already registered/, 'registering twice is refused');
});
