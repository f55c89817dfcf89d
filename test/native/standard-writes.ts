// Handler writes and reads after a run, in both engines: each step's result
// (the value read, or the error message of a refused write) must be the
// same, and both engines must still account for every packet afterwards.
// This reaches every write handler directly, with the exact error texts,
// where calls from a running configuration (COUNT_CALL, END_CALL) reach
// them only as chatter.

import type { Test } from 'tap';
import { runSession, type Engine, type HandlerStep, type StepOutcome } from './engines.js';

/** `['w', path, value]` writes, `['r', path]` reads. */
export type Step = HandlerStep;

/** `read PATH: VALUE`, `write PATH "VALUE": ok`, or the same with `error: MESSAGE`. */
function stepText(s: Step, o: StepOutcome): string {
  const what = s[0] === 'r' ? `read ${s[1]}` : `write ${s[1]} ${JSON.stringify(s[2])}`;
  if (!o.ok) return `${what}: error: ${o.message}`;
  return s[0] === 'r' ? `${what}: ${o.value}` : `${what}: ok`;
}

function runSteps(engine: Engine, config: string, steps: readonly Step[], seed?: number) {
  const r = runSession(engine, { config, seed, after: steps });
  return { results: r.after.map((o, i) => stepText(steps[i]!, o)), stderr: r.stderr, accounting: r.accounting };
}

/** Run `config` in both engines, then the same handler steps; compare every result. */
export function handlerSteps(t: Test, config: string, steps: readonly Step[], seed?: number): void {
  const host = runSteps('host', config, steps, seed);
  const native = runSteps('native', config, steps, seed);
  t.same(native.results, host.results, 'every handler step gives the same result');
  t.equal(native.stderr, host.stderr, 'standard error identical');
  t.same(host.accounting, [], 'host engine accounts for every packet');
  t.same(native.accounting, [], 'native engine accounts for every packet');
}
