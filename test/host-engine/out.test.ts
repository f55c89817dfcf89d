import t from 'tap';
import { BatchOut, OnePortOut, RunsOut, SingleOut, type DeliverFn } from '../../host-engine/out.js';
import { Packet } from '../../host-engine/packet.js';

const pk = (n: number) => {
  const p = Packet.make(1);
  p.writable()[0] = n;
  return p;
};
function recorder(): { deliver: DeliverFn; log: string[] } {
  const log: string[] = [];
  return { log, deliver: (_e, port, batch) => void log.push(`${port}:${batch.map((p) => p.data[0]).join(',')}`) };
}

t.test('batch: per port, in port order, once the element is done', async (t) => {
  const r = recorder();
  const o = new BatchOut(0, r.deliver, 3);
  o.emit(2, pk(1));
  o.emit(0, pk(2));
  o.emit(2, pk(3));
  o.emitBatch(1, [pk(4), pk(5)]);
  t.same(r.log, [], 'nothing before finish');
  o.finish();
  t.same(r.log, ['0:2', '1:4,5', '2:1,3']);
  o.finish();
  t.equal(r.log.length, 3, 'nothing twice');
});

t.test('runs: a run ends when the port changes', async (t) => {
  const r = recorder();
  const o = new RunsOut(0, r.deliver);
  o.emit(0, pk(1));
  o.emit(0, pk(2));
  o.emit(1, pk(3));
  t.same(r.log, ['0:1,2']);
  o.emitBatch(1, [pk(4)]);
  o.emit(0, pk(5));
  o.finish();
  t.same(r.log, ['0:1,2', '1:3,4', '0:5']);
});

t.test('single: every packet at once', async (t) => {
  const r = recorder();
  const o = new SingleOut(0, r.deliver);
  o.emit(1, pk(1));
  o.emitBatch(0, [pk(2), pk(3)]);
  t.same(r.log, ['1:1', '0:2', '0:3']);
});

t.test('a batch handed over whole is passed on as is, and never changed afterwards', async (t) => {
  for (const make of [(d: DeliverFn) => new BatchOut(0, d, 1), (d: DeliverFn) => new RunsOut(0, d), (d: DeliverFn) => new OnePortOut(0, d)]) {
    const got: Packet[][] = [];
    const o = make((_e, _p, b) => void got.push(b));
    const mine = [pk(1), pk(2)];
    o.emitBatch(0, mine);
    o.emit(0, pk(3));
    o.finish();
    t.equal(mine.length, 2, `${o.constructor.name}: the element's array is untouched`);
    t.same(got.map((b) => b.map((p) => p.data[0])), [[1, 2, 3]]);
    const alone = [pk(7)];
    o.emitBatch(0, alone);
    o.finish();
    t.equal(got[1], alone, `${o.constructor.name}: passed on without a copy`);
  }
});

t.test('one-port Out keeps emits to other ports (dropped by the engine) apart', async (t) => {
  const r = recorder();
  const o = new OnePortOut(0, r.deliver);
  o.emit(0, pk(1));
  o.emit(3, pk(2));
  o.finish();
  t.same(r.log, ['0:1', '3:2']);
});
