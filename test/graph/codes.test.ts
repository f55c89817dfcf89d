import t from 'tap';
import { describePortCount, parsePortCount, portCounts } from '../../graph/port-codes.js';
import { flows, parseFlowCode, processingVector } from '../../graph/processing-codes.js';
import { resolvePortModes } from '../../graph/push-pull.js';

t.test('port count codes parse as in Click', async (t) => {
  const counts = (code: string, i: number, o: number) => portCounts(parsePortCount(code), i, o);
  t.same(counts('1/1', 0, 0), { ninputs: 1, noutputs: 1 }, 'unused ports still count up to the minimum');
  t.same(counts('1/1', 3, 2), { ninputs: 1, noutputs: 1 }, 'clamped to the maximum');
  t.same(counts('1/1-2', 1, 2), { ninputs: 1, noutputs: 2 });
  t.same(counts('1/-6', 1, 9), { ninputs: 1, noutputs: 6 });
  t.same(counts('2-/-', 5, 0), { ninputs: 5, noutputs: 0 });
  t.same(counts('-/-', 0, 7), { ninputs: 0, noutputs: 7 });
  t.same(counts('3', 0, 5), { ninputs: 3, noutputs: 3 }, 'no slash: same range both sides');
  t.same(counts('1-/=', 3, 1), { ninputs: 3, noutputs: 3 }, '= follows the inputs, whatever is used');
  t.same(counts('1-/=+', 2, 0), { ninputs: 2, noutputs: 3 });
  t.same(counts('0', 0, 0), { ninputs: 0, noutputs: 0 });
  t.throws(() => parsePortCount('1/x'), /bad port count code '1\/x'/);
  t.throws(() => parsePortCount('3-1/1'), /bad port count/);
  t.throws(() => parsePortCount('1/=-'), /bad port count/);
  t.throws(() => parsePortCount('=/='), /bad port count/, "'=' is for outputs only, as in Click");
  t.equal(describePortCount(parsePortCount('1/1-2')), '1 input and 1 or 2 outputs');
  t.equal(describePortCount(parsePortCount('0/-')), 'no inputs and any number of outputs');
  t.equal(describePortCount(parsePortCount('2-/-6')), 'at least 2 inputs and 0 to 6 outputs');
  t.equal(describePortCount(parsePortCount('1-/=')), 'at least 1 input and as many outputs as inputs');
  t.equal(describePortCount(parsePortCount('1-/=+')), 'at least 1 input and 1 more output than inputs');
});

t.test('processing codes: last letter repeats, no slash means both sides', async (t) => {
  t.same(processingVector('a/ah', 1, 3), { inputs: ['agnostic'], outputs: ['agnostic', 'push', 'push'] });
  t.same(processingVector('hl/hlh', 3, 4), { inputs: ['push', 'pull', 'pull'], outputs: ['push', 'pull', 'push', 'push'] });
  t.same(processingVector('l', 2, 1), { inputs: ['pull', 'pull'], outputs: ['pull'] });
  t.same(processingVector('h/l', 0, 2), { inputs: [], outputs: ['pull', 'pull'] });
  t.same(processingVector('hl/h', 1, 1), { inputs: ['push'], outputs: ['push'] }, 'extra letters ignored');
  t.throws(() => processingVector('x/h', 1, 1), /bad processing code 'x\/h'/);
});

t.test('flow codes follow the examples of Click\'s documentation', async (t) => {
  const f = parseFlowCode('xy/xxyx');
  t.same([0, 1, 2, 3].map((o) => flows(f, 0, o)), [true, true, false, true]);
  t.same([0, 1, 2, 3].map((o) => flows(f, 1, o)), [false, false, true, false]);
  const hash = parseFlowCode('#/#');
  t.same([0, 1, 2].map((o) => flows(hash, 1, o)), [false, true, false], '#/#: input K only to output K');
  const notSelf = parseFlowCode('#/[^#]');
  t.same([0, 1, 2].map((o) => flows(notSelf, 1, o)), [true, false, true], '#/[^#]: every output but K');
  const brackets = parseFlowCode('[abz]/[cde]a');
  t.equal(flows(brackets, 0, 0), false);
  t.equal(flows(brackets, 0, 1), true);
  t.equal(flows(parseFlowCode('x/y'), 0, 0), false);
  t.equal(flows(parseFlowCode('[^x]/[^y]'), 0, 0), true, 'two negated codes always share something');
  const dup = parseFlowCode('[x#][x#][x#]/x######');
  t.same([0, 1, 2, 3].map((o) => flows(dup, 2, o)), [true, false, true, false], 'input 2 reaches x and its own #');
  t.equal(flows(parseFlowCode('[x#]/#'), 2, 2), true);
  t.equal(flows(parseFlowCode('[y#]/#'), 2, 3), false);
  t.throws(() => parseFlowCode('x/[ab'), /missing '\]'/);
  t.throws(() => parseFlowCode('x/y-'), /invalid character '-'/);
});

t.test('mode resolution: worklist and Click\'s loop agree; conflicts reported once', async (t) => {
  const agn = { inputs: ['agnostic'] as const, outputs: ['agnostic'] as const, flows: () => true };
  const src = { inputs: [] as const, outputs: ['push'] as const, flows: () => true };
  const pullSink = { inputs: ['pull'] as const, outputs: [] as const, flows: () => true };
  const pushSink = { inputs: ['push'] as const, outputs: [] as const, flows: () => true };
  // A long agnostic chain, connections listed backwards (the worst order for passes).
  const n = 2000;
  const elements = [src, ...Array.from({ length: n }, () => agn), pushSink];
  const links = Array.from({ length: n + 1 }, (_, i) => ({ from: { element: n - i, port: 0 }, to: { element: n - i + 1, port: 0 }, index: i }));
  const r = resolvePortModes(elements, links);
  t.same(r.conflicts, []);
  t.ok(r.outputs.slice(1, n + 1).every((o) => o[0] === 'push'));
  // push source -> agnostic -> pull sink: one conflict, inside the agnostic element.
  const bad = resolvePortModes([src, agn, pullSink], [
    { from: { element: 0, port: 0 }, to: { element: 1, port: 0 }, index: 0 },
    { from: { element: 1, port: 0 }, to: { element: 2, port: 0 }, index: 1 },
  ]);
  t.same(bad.conflicts, [{ kind: 'agnostic', element: 1, input: 0, output: 0, outputMode: 'pull' }]);
  // Unconstrained agnostic ports (a loop of agnostics) default to push.
  const loop = resolvePortModes([agn, agn], [
    { from: { element: 0, port: 0 }, to: { element: 1, port: 0 }, index: 0 },
    { from: { element: 1, port: 0 }, to: { element: 0, port: 0 }, index: 1 },
  ]);
  t.same(loop.inputs, [['push'], ['push']]);
  t.same(loop.outputs, [['push'], ['push']]);
});
