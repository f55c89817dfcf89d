// DriverManager: the engine calls handleStoppedDriver() once per stop request;
// true keeps the driver running.
import t from 'tap';
import { spec } from '../../../elements/driver/driver-manager.js';
import { spec as scriptSpec, type ScriptElement } from '../../../elements/driver/script.js';
import { configError, harness, type HarnessOptions } from '../../util/element-harness.js';

const S = 1_000_000_000n;

function dm(config: string, opts: HarnessOptions = {}) {
  return harness<ScriptElement>(spec, config, { inputs: [], outputs: [], name: 'dm', ...opts });
}

t.test('no instructions: the first stop request stops the driver', async (t) => {
  const h = dm('');
  h.advanceTo(0n);
  t.notOk(h.element.handleStoppedDriver());
});

t.test('wait_stop N lets the driver run until N stop requests, then runs the rest', async (t) => {
  const writes: string[] = [];
  const h = dm('wait_stop 2, write out.flush, print "done"', { handlers: { write: (p, v) => void writes.push(`${p}=${v}`) } });
  h.advanceTo(0n);
  t.ok(h.element.handleStoppedDriver(), 'first stop: keep running');
  t.same(writes, []);
  t.notOk(h.element.handleStoppedDriver(), 'second stop: the script runs to its end, which stops');
  t.same(writes, ['out.flush=']);
  t.same(h.stdout, ['done']);
  t.notOk(h.element.handleStoppedDriver(), 'and stays stopped');
});

t.test('a stop request cuts a wait short; a wait that runs out stops by itself', async (t) => {
  const early = dm('wait_stop, print "cleanup", wait 5s, print "late", stop');
  early.advanceTo(0n);
  t.ok(early.element.handleStoppedDriver(), 'the first stop starts the cleanup wait');
  t.same(early.stdout, ['cleanup']);
  early.advanceTo(5n * S);
  t.same(early.stdout, ['cleanup', 'late']);
  t.equal(early.stopCount, 1, 'reaching stop from a timer requests a stop');
  t.notOk(early.element.handleStoppedDriver(), 'which the script then grants');

  const skip = dm('wait 10s, print "skipped ahead", stop');
  skip.advanceTo(1n * S);
  t.notOk(skip.element.handleStoppedDriver(), 'a stop during the wait moves past it and on to stop');
  t.same(skip.stdout, ['skipped ahead']);
  skip.advanceTo(20n * S);
  t.same(skip.stdout, ['skipped ahead'], 'the wait timer was cancelled');
});

t.test('the initial instructions run at start; pause and loop', async (t) => {
  const h = dm('print "start", label l, pause, print "tick", goto l');
  h.advanceTo(0n);
  t.same(h.stdout, ['start']);
  t.ok(h.element.handleStoppedDriver());
  t.ok(h.element.handleStoppedDriver());
  t.same(h.stdout, ['start', 'tick', 'tick'], 'this one never stops the driver');
  const loop = dm('print "start", pause, loop');
  loop.advanceTo(0n);
  t.ok(loop.element.handleStoppedDriver());
  t.same(loop.stdout, ['start', 'start'], 'loop goes back to the very beginning');
});

t.test('Script TYPE DRIVER behaves the same; only one driver script per router', async (t) => {
  const attachments = new Map<string, unknown>();
  const s = harness<ScriptElement>(scriptSpec, 'TYPE DRIVER, wait_stop, stop', { inputs: [], outputs: [], attachments });
  t.ok(s.element.handleStoppedDriver() === false);
  t.throws(() => dm('', { attachments }), { message: 'router has more than one driver script' });
  const active = harness<ScriptElement>(scriptSpec, 'pause', { inputs: [], outputs: [], attachments });
  t.notOk(active.element.handleStoppedDriver(), 'ACTIVE scripts do not manage the driver');
});

t.test('errors', async (t) => {
  t.equal(configError(spec, 'wait_stop x', 0, 0), "syntax error at 'wait_stop'");
  t.equal(configError(spec, 'dance', 0, 0), "syntax error at 'dance'");
});
