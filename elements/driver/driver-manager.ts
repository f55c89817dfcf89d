/**
 * DriverManager — a Script of TYPE DRIVER: it decides when the driver stops.
 *
 * Synopsis:   DriverManager(INSTRUCTIONS...)
 * Ports:      none.
 * Processing: elements ask the driver to stop (FromDump's STOP, InfiniteSource's STOP, a
 *             Script's `stop`, a write to the global `stop` handler). Without a
 *             DriverManager the first request stops the driver. With one, each request
 *             steps its script once: `wait_stop [N]` (or `pause`) waits for N requests,
 *             `wait TIME` waits for TIME or the next request, and the driver stops when the
 *             script reaches `stop` or its end. With no instructions it is
 *             `wait_stop, stop`: stop at the first request.
 *             Typical use: `DriverManager(wait_stop, write k.flush, wait 100ms, stop)`, or
 *             `wait_stop 2` to run until two traces are done.
 * Instructions and handlers: those of Script (see script.ts).
 * Errors: a router may have only one driver script.
 */

import { defineElement } from '../spec.js';
import { configureScript, scriptHandlers, scriptNative, ScriptElement } from './script.js';
import { a } from '../../config-lang/args/args.js';
import { T } from '../../config-lang/args/types.js';
import type { ScriptProgram } from './script-insns.js';

const args = {
  TYPE: a.ko(T.raw),
  INSTRUCTIONS: a.rest(T.raw),
};

export const spec = defineElement<typeof args, ScriptProgram, ScriptElement>({
  name: 'DriverManager',
  ports: '0/0',
  processing: 'a/a',
  args,
  configure: (v, ctx) => configureScript(v, ctx.ninputs, ctx.noutputs, 'driver'),
  host: (init) => new ScriptElement(init),
  native: scriptNative,
  // Only a passive script waits to be called; the others run on their own.
  actsOnRouter: (c) => c.type !== 'passive',
  handlers: scriptHandlers,
});
