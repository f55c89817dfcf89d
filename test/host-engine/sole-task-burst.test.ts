// A source that is the router's only packet-moving task sends whole batches
// (nothing could interleave with it); with a second task it keeps Click's burst.
import t from 'tap';
import { loadConfig } from '../../config-lang/load.js';
import { Router } from '../../host-engine/router.js';

function taskRuns(config: string): number {
  const r = new Router(loadConfig(config, 'test.click'), { simtime: true, stderr: () => {}, stdout: () => {} });
  r.initialize();
  const result = r.run();
  r.cleanup();
  return result.taskRuns;
}

t.test('InfiniteSource alone sends 32 per run', async (t) => {
  t.equal(taskRuns('InfiniteSource(LIMIT 64, STOP true) -> Discard;'), 3, '2 full batches, then the run that stops');
});

t.test('with another packet task, BURST stays as configured', async (t) => {
  const runs = taskRuns('InfiniteSource(LIMIT 64, STOP true) -> q :: Queue -> Unqueue -> Discard;');
  t.ok(runs > 100, `${runs} task runs: one packet per source run`);
});
