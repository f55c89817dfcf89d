// Read handlers with a parameter (`rt.lookup ADDR`, `rw.tcp_lookup ...`)
// and reads that may fail, in both engines: every read's value, or its
// error message, must be the same. (`differential` compares values only.)

import { reads as readSteps, runSession, type Engine, type StepOutcome } from './engines.js';

/** A handler read: its value, or the error message. */
export type ParamResult = { value: string } | { error: string };

export interface ParamRun {
  readonly host: ParamResult[];
  readonly native: ParamResult[];
}

function result(o: StepOutcome): ParamResult {
  return o.ok ? { value: o.value! } : { error: o.message };
}

const readAll = (engine: Engine, config: string, reads: readonly string[]) => runSession(engine, { config, after: readSteps(reads) }).after.map(result);

/** Run `config` in both engines (simulated time), then read every `element.handler [PARAM]` of `reads` in each. */
export function paramReads(config: string, reads: readonly string[]): ParamRun {
  return { host: readAll('host', config, reads), native: readAll('native', config, reads) };
}
