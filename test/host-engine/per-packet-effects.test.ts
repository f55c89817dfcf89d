// An element that acts on other elements per packet (Counter's COUNT_CALL)
// gets single delivery, so packets before the call have already gone on, as
// in Click's packet-at-a-time run.
import t from 'tap';
import { loadConfig } from '../../config-lang/load.js';
import { analyzeDelivery } from '../../graph/delivery.js';
import { Router } from '../../host-engine/router.js';

const config = `
src :: InfiniteSource(LIMIT 10, STOP true) -> c :: Counter(COUNT_CALL 6 sw.switch 1) -> sw :: Switch(0);
sw[0] -> a :: Counter -> Discard;
sw[1] -> b :: Counter -> Discard;
`;

t.test('the call takes effect from the packet that triggers it', async (t) => {
  const g = loadConfig(config, 'test.click');
  const modes = analyzeDelivery(g).mode;
  t.equal(modes[g.elements.findIndex((e) => e.name === 'c')], 'single');
  t.equal(modes[g.elements.findIndex((e) => e.name === 'a')], 'batch', 'a plain Counter keeps batches');
  const r = new Router(g, { simtime: true, stderr: () => {}, stdout: () => {} });
  r.initialize();
  r.run();
  t.equal(r.readHandler('a.count'), '5', 'packets 1-5 went to output 0');
  t.equal(r.readHandler('b.count'), '5', 'packets 6-10 to output 1');
  r.cleanup();
});
