// The original Click's conformance cases built on the standard elements
// (Counter, Tee, Paint, PaintSwitch, Truncate, HashSwitch, RoundRobinSwitch,
// Queue, Unqueue, CheckLength, StoreData), run whole from FromDump to ToDump
// in both engines, and the native captures and handler values checked
// against what Click produced.
import t from 'tap';
import { sanitizerRun } from './differential.js';
import { caseSpec, nativeMatchesClick } from './native-cases.js';

const CASES = ['01-counter', '11-paint-tee', '17-load-balance', '19-queue-pull', '20-check-length-store'];

for (const name of CASES) {
  t.test(`conformance ${name}`, async (t) => nativeMatchesClick(t, name));
}

t.test('conformance 19 (queue and unqueue) in the sanitizer build', async (t) => {
  sanitizerRun(t, caseSpec('19-queue-pull'));
});

t.test('conformance 11 (tee, paint, truncate) in the sanitizer build', async (t) => {
  sanitizerRun(t, caseSpec('11-paint-tee'));
});
