/**
 * Script — Click's scripting language for controlling a configuration.
 *
 * Synopsis:   Script([TYPE TYPE,] INSTRUCTIONS...)
 * Ports:      none, except PACKET scripts (any number of push inputs and outputs).
 * Types:      ACTIVE (default: runs from initialization), PASSIVE (runs when its `run`
 *             handler is called), DRIVER (also steps once per driver stop request; see
 *             DriverManager), PACKET/PUSH (runs for each packet; the return value is the
 *             output port, `$input` the input port), PROXY (accepted; runs like PASSIVE).
 * Instructions (text undergoes `$` expansion; the q forms then remove a layer of quotes):
 *   set VAR TEXT, setq        set a variable          init VAR TEXT, initq   set once, at initialization
 *   export VAR TEXT, exportq  like init                print [>FILE|>>FILE] TEXT|HANDLER, printq
 *   printn, printnq           print without newline   read HANDLER [ARGS], readq   print `name:` and value on stderr
 *   write HANDLER [ARGS], writeq   call a write handler; `$?` is 0 or an error status
 *   save HANDLER [FILE], append HANDLER [FILE]   write (append) a read handler's value to a file
 *   pause [N], wait_step [N], wait_stop [N], wait   block until stepped N times
 *   wait TIME, wait_time TIME, wait_for TIME          block for TIME, or until stepped
 *   label L, goto L [COND], loop   jump (to L, `begin`, `end`, `exit`, `stop`, `error`) if COND is true
 *   return [VALUE], returnq   end, giving the `run` handler its value
 *   end, exit                 end the script          stop   ask the driver to stop
 *   error [MSG], errorq       end with an error message
 * Expansion: `$VAR`, `${VAR}`, `$(HANDLER ARGS)` (a read handler's value; handlers without an
 *   element name are the script's own), `$?`, `$args`, `$1`..`$9`, `$#`, `$0`, `$$`, `$write`.
 * Handlers:   step (w; `router` steps as a driver stop does), goto (w), run (r, r with
 *   arguments, w), set (w `VAR VALUE`), get and shift (r with VAR), and read-with-argument
 *   helpers add, sub, min, max, mul, div, idiv, mod, rem, neg, abs, eq, ne, lt, gt, le, ge,
 *   not, and, or, nand, nor, if, in, first, length, unquote, sprintf, random, now, htons,
 *   ntohs, htonl, ntohl, cat, catq.
 * Driver stops: the engine calls handleStoppedDriver() once per stop request; a DRIVER script
 *   takes one step and keeps the driver running unless it reaches `stop`, `end`, `exit` or
 *   `error` (Click's runcount rule). Other scripts leave the decision to the engine.
 * Not supported: TYPE SIGNAL, `export` read handlers (export acts as init), the `readable`,
 *   `writable` and `kill` helpers, PROXY's catch-all write handler. A script loops at most
 *   1000 jumps without blocking, then gives up, as in Click.
 */

import { readFileSync, writeFileSync, appendFileSync } from 'node:fs';
import { a, ConfigError } from '../../config-lang/args/args.js';
import { parseInteger, parseInterval, T } from '../../config-lang/args/types.js';
import { HostElement, type Out, type Timer } from '../../host-engine/element.js';
import type { PacketBatch } from '../../host-engine/packet.js';
import { defineElement, HandlerError, type HandlerDef } from '../spec.js';
import { formatTimestampNs } from '../lib/click-time.js';
import { fileErrorText } from '../io/file-errors.js';
import { handlerInt, parseWith } from '../lib/handler-values.js';
import { callWrite } from './handler-call.js';
import { BUILTINS, type BuiltinContext } from './script-builtins.js';
import { GOTO_END, GOTO_ERROR, GOTO_EXIT, GOTO_STOP, parseScript, parseScriptType, type Insn, type ScriptProgram, type ScriptType } from './script-insns.js';
import { expand, shiftWord, unquote } from './script-text.js';
import { nativeSource, type NativeSpec } from '../../dataplane-native/native-spec.js';

const MAX_JUMPS = 1000;
/** Click's -EINVAL, the `$?` of a failed write. */
const WRITE_FAILED = -22;

type StepKind = 'normal' | 'router' | 'timer' | 'jump';
type Finish = 'stop' | 'end' | 'exit' | 'error' | undefined;

/** Handler names of every Script that take a parameter or are written. */
const OWN_HANDLERS = new Set(['step', 'goto', 'run', 'set', 'get', 'shift', ...Object.keys(BUILTINS)]);

export class ScriptElement extends HostElement<ScriptProgram> {
  readonly type: ScriptType = this.conf.type;
  private readonly insns: readonly Insn[] = this.conf.insns;
  /** Steps taken so far by each wait_step instruction. */
  private readonly waited: number[] = this.conf.insns.map(() => 0);
  private readonly varNames: string[] = [...this.conf.vars];
  private readonly values: string[] = this.conf.vars.map(() => '');
  private pos = 0;
  private stepCount = 0;
  private initialPending = false;
  private writeStatus = 0;
  private runArgs = '';
  private runName = '';
  private runIsWrite = false;
  private timer!: Timer;
  private stepping = false;
  private queuedSteps = 0;
  private partialLine = '';
  private lastFinish: Finish;

  override initialize(): void {
    if (this.type === 'driver') {
      // Click allows one driver script per router; the engine's attachments are router-wide.
      const owner = this.env.attachments?.get('driver-script');
      if (owner && owner !== this) throw new Error('router has more than one driver script');
      this.env.attachments?.set('driver-script', this);
    }
    this.timer = this.env.timer(() => this.steps(1, 'timer'));
    this.insns.forEach((insn) => {
      if (insn.op === 'init' || insn.op === 'export') this.values[insn.arg] = this.expand(insn.text);
      else if (insn.op === 'initq' || insn.op === 'exportq') this.values[insn.arg] = unquote(this.expand(insn.text));
    });
    if (this.type !== 'active' && this.type !== 'driver') return;
    const first = this.insns[0]!;
    if (first.op === 'wait_time') {
      const t = this.interval(this.expand(first.text));
      if (t === undefined) throw new Error("syntax error at 'wait'");
      this.timer.scheduleAfter(t);
    } else if (first.op === 'initial') {
      this.initialPending = true;
      this.timer.scheduleAt(this.env.now());
    }
  }

  override cleanup(): void {
    if (this.partialLine) this.env.stdout(this.partialLine);
    this.partialLine = '';
    this.timer?.unschedule();
  }

  /** A driver script takes one step per stop request; true keeps the driver running. */
  override handleStoppedDriver(): boolean {
    if (this.type !== 'driver') return false;
    this.steps(1, 'router');
    return this.lastFinish === undefined;
  }

  // --- running ---

  /** Take steps, or queue them if the script is already running (a script stepping itself). */
  steps(n: number, kind: StepKind): void {
    if (this.stepping) {
      this.queuedSteps += n;
      return;
    }
    this.stepping = true;
    try {
      let njumps = this.step(n, kind, 0);
      while (this.queuedSteps > 0) {
        const q = this.queuedSteps;
        this.queuedSteps = 0;
        njumps = this.step(q, 'normal', njumps);
      }
    } finally {
      this.stepping = false;
    }
  }

  private step(nsteps: number, kind: StepKind, njumps: number): number {
    const target = nsteps + this.stepCount;
    this.lastFinish = undefined;
    while (target - this.stepCount >= 0 && this.pos < this.insns.length && njumps < MAX_JUMPS) {
      const ipos = this.pos++;
      const insn = this.insns[ipos]!;
      switch (insn.op) {
        case 'stop':
          this.stepCount++;
          this.pos--;
          if (kind !== 'router') this.env.requestStop();
          this.lastFinish = 'stop';
          return njumps + 1;
        case 'wait_step':
          while (this.stepCount < target && this.waited[ipos]! < insn.arg) {
            this.waited[ipos]!++;
            this.stepCount++;
          }
          if (this.stepCount === target && this.waited[ipos]! < insn.arg) {
            this.pos--;
            return njumps + 1;
          }
          break;
        case 'wait_time':
          if (this.stepCount === target) {
            const t = this.interval(this.expand(insn.text));
            if (t === undefined) this.env.chatter("syntax error at 'wait'");
            else {
              this.timer.scheduleAfter(t);
              this.pos--;
            }
            return njumps + 1;
          }
          this.stepCount++;
          this.timer.unschedule();
          break;
        case 'initial':
          if (this.initialPending) {
            this.stepCount++;
            this.initialPending = false;
          }
          break;
        case 'print': case 'printq': case 'printn': case 'printnq':
          this.print(insn.op, insn.text);
          break;
        case 'save': case 'append': {
          const [handler, file] = shiftWord(insn.text);
          this.print('print', `${insn.op === 'save' ? '>' : '>>'}${file || '-'} ${handler}`);
          break;
        }
        case 'read': case 'readq': {
          const text = this.expand(insn.text);
          const call = this.readCall(text, insn.op === 'readq');
          if (call) {
            this.env.stderr(`${call.name}:`);
            for (const line of call.value.replace(/\n$/, '').split('\n')) this.env.stderr(line);
          }
          break;
        }
        case 'write': case 'writeq':
          this.writeStatus = this.writeCall(this.expand(insn.text), insn.op === 'writeq');
          break;
        case 'set': case 'setq': case 'return': case 'returnq': {
          let v = this.expand(insn.text);
          if (insn.op === 'setq' || insn.op === 'returnq') v = unquote(v);
          this.values[insn.arg] = v;
          if ((insn.op === 'return' || insn.op === 'returnq') && this.pos === ipos + 1) {
            this.pos--;
            return njumps + 1;
          }
          break;
        }
        case 'goto': {
          const condText = this.expand(insn.text);
          let jump = true;
          if (condText) {
            try {
              jump = parseWith(T.bool, condText.trim());
            } catch {
              this.env.chatter(`bad condition '${condText}'`);
              jump = false;
            }
          }
          if (!jump) break;
          if (insn.arg < 0) return this.finish(insn.arg === GOTO_STOP ? 'stop' : insn.arg === GOTO_ERROR ? 'error' : insn.arg === GOTO_EXIT ? 'exit' : 'end', kind, njumps);
          for (let i = insn.arg; i < ipos; i++) if (this.insns[i]!.op === 'wait_step') this.waited[i] = 0;
          this.pos = insn.arg;
          break;
        }
        case 'error': case 'errorq': {
          let msg = this.expand(insn.text);
          if (insn.op === 'errorq') msg = unquote(msg);
          if (msg) this.env.chatter(msg);
          return this.finish('error', kind, njumps);
        }
        case 'end': case 'exit':
          return this.finish(insn.op, kind, njumps);
        default:
          break; // label, init, export: nothing at run time
      }
      if (this.pos !== ipos + 1) njumps++;
    }
    if (njumps >= MAX_JUMPS) {
      // An error, not a warning (-w keeps it), naming the element as Click's %p{element} does.
      this.env.stderr(`${this.name} :: Script: too many jumps, giving up`);
      this.pos = this.insns.length;
      this.timer.unschedule();
    }
    return njumps + 1;
  }

  /** End the run at the current instruction (it stays there, so later steps end again). */
  private finish(how: Exclude<Finish, undefined>, kind: StepKind, njumps: number): number {
    this.pos--;
    this.lastFinish = how;
    if (how === 'stop' && kind !== 'router') this.env.requestStop();
    return njumps + 1;
  }

  /** The value a `run` returns: the last `return`'s, or "0" when a PACKET script just ends. */
  private result(): string {
    const insn = this.insns[this.pos];
    if (insn && (insn.op === 'return' || insn.op === 'returnq')) return this.values[insn.arg]!;
    if (this.type === 'packet' && (this.lastFinish === 'end' || insn?.op === 'end')) return '0';
    return '';
  }

  run(args: string, name: string, isWrite: boolean): string {
    this.runArgs = args;
    this.runName = name;
    this.runIsWrite = isWrite;
    this.pos = 0;
    this.steps(0, 'jump');
    return this.result();
  }

  stepHandler(value: string): void {
    const v = value.trim();
    if (v === 'router') this.steps(1, 'router');
    else if (v === '') this.steps(1, 'normal');
    else {
      this.steps(handlerInt(v, 'syntax error'), 'normal');
    }
  }

  gotoHandler(value: string): void {
    const label = value.trim();
    let at = this.insns.findIndex((x) => x.op === 'label' && x.text === label);
    if (at < 0 && (label === 'begin' || label === 'loop')) at = 0;
    if (at < 0) throw new HandlerError('jump to nonexistent label');
    for (let i = at; i < this.insns.length; i++) if (this.insns[i]!.op === 'wait_step') this.waited[i] = 0;
    this.pos = at;
    this.steps(0, 'jump');
  }

  // --- variables and expansion ---

  private variable(name: string): number {
    return this.varNames.indexOf(name);
  }

  getVar(name: string): string {
    if (name === 'args') return this.runArgs;
    const i = this.variable(name);
    if (i < 0) throw new HandlerError(`undefined variable '${name}'`);
    return this.values[i]!;
  }

  setVar(name: string, value: string): void {
    if (name === 'args') this.runArgs = value;
    else {
      let i = this.variable(name);
      if (i < 0) {
        i = this.varNames.push(name) - 1;
        this.values.push('');
      }
      this.values[i] = value;
    }
  }

  shiftVar(name: string): string {
    const [first, rest] = shiftWord(this.getVar(name));
    this.setVar(name, rest);
    return first;
  }

  private lookupValue(name: string, kind: 'var' | 'brace' | 'call'): string | undefined {
    if (kind === 'call') return this.readCall(name, false)?.value;
    const i = this.variable(name);
    if (i >= 0) return this.values[i];
    if (name === '?') return String(this.writeStatus);
    if (name === 'args') return this.runArgs;
    if (name === '$') return String(process.pid);
    if (name === '0') return this.runName;
    if (name === '#') return String(shiftAll(this.runArgs).length);
    if (name === 'write') return String(this.runIsWrite);
    if (/^[1-9]\d*$/.test(name)) return shiftAll(this.runArgs)[Number(name) - 1] ?? '';
    return undefined;
  }

  expand(text: string, quoteBare = false): string {
    return expand(text, (name, kind) => this.lookupValue(name, kind), quoteBare);
  }

  private interval(text: string): bigint | undefined {
    try {
      return parseInterval(text.trim());
    } catch {
      return undefined;
    }
  }

  // --- handler calls ---

  private builtinContext(): BuiltinContext {
    return {
      random32: () => this.env.random32(),
      now: () => formatTimestampNs(this.env.now()),
      readFile: (name) => {
        try {
          return readFileSync(this.env.resolvePath(name), 'latin1');
        } catch (e) {
          throw new HandlerError(`${name}: ${fileErrorText(e)}`);
        }
      },
    };
  }

  /** Read one of this script's own handlers with a parameter. */
  readOwn(handler: string, param: string): string {
    if (handler === 'run') return this.run(param, 'run', false);
    if (handler === 'get') return this.getVar(shiftWord(param)[0] || 'args');
    if (handler === 'shift') return this.shiftVar(shiftWord(param)[0] || 'args');
    const b = BUILTINS[handler];
    if (!b) throw new HandlerError(`no '${handler}' read handler`);
    return b(param, this.builtinContext());
  }

  writeOwn(handler: string, value: string): void {
    if (handler === 'step') this.stepHandler(value);
    else if (handler === 'goto') this.gotoHandler(value);
    else if (handler === 'run') this.run(value, 'run', true);
    else if (handler === 'set') {
      const [name, rest] = shiftWord(value);
      if (!name) throw new HandlerError('no variable');
      this.setVar(name, rest);
    } else throw new HandlerError(`no '${handler}' write handler`);
  }

  /** Where a handler name leads: this script, another Script element, or the router. */
  private target(path: string): { script: ScriptElement; handler: string; name: string } | { path: string } {
    const dot = path.indexOf('.');
    if (dot < 0) {
      if (OWN_HANDLERS.has(path)) return { script: this, handler: path, name: `${this.name}.${path}` };
      return { path };
    }
    const elementName = path.slice(0, dot);
    const handler = path.slice(dot + 1);
    const el = elementName === this.name ? this : this.env.lookup(elementName);
    if (el instanceof ScriptElement && OWN_HANDLERS.has(handler)) return { script: el, handler, name: path };
    return { path: dot === 0 ? handler : path };
  }

  /** Call a read handler given as `HANDLER [PARAM]`; undefined (and a chatter message) on failure. */
  private readCall(text: string, unquoteParam: boolean): { name: string; value: string } | undefined {
    const [path, rest] = shiftWord(text.trim());
    const param = unquoteParam ? unquote(rest) : rest;
    const t = this.target(path);
    try {
      if ('script' in t) return { name: t.name, value: t.script.readOwn(t.handler, param) };
      // the engine reads `e.h PARAM` as handler e.h with a parameter
      return { name: t.path, value: this.env.readHandler(param ? `${t.path} ${param}` : t.path) };
    } catch (e) {
      this.env.chatter(`While calling '${path}': ${e instanceof Error ? e.message : String(e)}`);
      return undefined;
    }
  }

  /** Call a write handler given as `HANDLER [VALUE]`; returns Click's status (0, or negative). */
  private writeCall(text: string, unquoteValue: boolean): number {
    const [path, rest] = shiftWord(text.trim());
    const value = unquoteValue ? unquote(rest) : rest;
    const t = this.target(path);
    try {
      if ('script' in t) t.script.writeOwn(t.handler, value);
      else {
        const err = callWrite(this.env, { path: t.path, value });
        if (err !== undefined) throw new Error(err);
      }
      return 0;
    } catch (e) {
      this.env.chatter(`While calling '${path}': ${e instanceof Error ? e.message : String(e)}`);
      return WRITE_FAILED;
    }
  }

  private print(op: 'print' | 'printq' | 'printn' | 'printnq', raw: string): void {
    let text = raw;
    let file: string | undefined;
    let append = false;
    if (text.startsWith('>')) {
      append = text.startsWith('>>');
      const [name, rest] = shiftWord(text.slice(append ? 2 : 1));
      file = name === '-' ? undefined : unquote(name);
      text = rest;
    }
    let result: string;
    if (/^[A-Za-z@_]/.test(text)) {
      const call = this.readCall(this.expand(text), op === 'printq' || op === 'printnq');
      if (!call) return;
      result = call.value;
      if (!result.endsWith('\n') && op !== 'printn' && op !== 'printnq') result += '\n';
    } else {
      result = unquote(this.expand(text, true));
      if (!result.endsWith('\n') && op !== 'printn' && op !== 'printnq') result += '\n';
    }
    if (file !== undefined) {
      try {
        (append ? appendFileSync : writeFileSync)(this.env.resolvePath(file), result, 'latin1');
      } catch (e) {
        this.env.chatter(`${file}: ${fileErrorText(e)}`);
      }
      return;
    }
    const all = this.partialLine + result;
    const lines = all.split('\n');
    this.partialLine = lines.pop()!;
    for (const line of lines) this.env.stdout(line);
  }

  // --- PACKET scripts ---

  override push(port: number, batch: PacketBatch, out: Out): void {
    for (const p of batch) {
      this.setVar('input', String(port));
      const r = this.run('', '', false);
      let to = -1;
      try {
        to = parseInteger(r.trim());
      } catch {
        to = -1;
      }
      if (to >= 0 && to < this.noutputs) out.emit(to, p);
      else this.drop(p);
    }
  }
}

function shiftAll(text: string): string[] {
  const out: string[] = [];
  let rest = text;
  for (;;) {
    const [w, r] = shiftWord(rest);
    if (!w) return out;
    out.push(w);
    rest = r;
  }
}

type E = ScriptElement;

const args = {
  TYPE: a.ko(T.raw),
  INSTRUCTIONS: a.rest(T.raw),
};

function configureScript(v: { TYPE: string | undefined; INSTRUCTIONS: string[] }, ninputs: number, noutputs: number, fallback: ScriptType): ScriptProgram {
  const type = parseScriptType(v.TYPE === undefined ? undefined : unquote(v.TYPE.trim()), fallback);
  if (type === 'packet' && ninputs === 0) throw new ConfigError('PACKET script must have inputs');
  if (type !== 'packet' && (ninputs || noutputs)) throw new ConfigError('ports allowed only on PACKET scripts');
  return parseScript(v.INSTRUCTIONS, type);
}

/** The handlers of Script and DriverManager. */
export const scriptHandlers: { readonly [name: string]: HandlerDef<E> } = {
  step: { write: (e, v) => e.stepHandler(v) },
  goto: { write: (e, v) => e.gotoHandler(v) },
  run: { read: (e) => e.run('', 'run', false), readParam: (e, p) => e.run(p, 'run', false), write: (e, v) => void e.run(v, 'run', true) },
  set: { write: (e, v) => e.writeOwn('set', v) },
  get: { readParam: (e, p) => e.readOwn('get', p) },
  shift: { read: (e) => e.readOwn('shift', ''), readParam: (e, p) => e.readOwn('shift', p) },
  // Read without a parameter, a builtin gets '' (the engines' rule for read-with-parameter handlers), errors included.
  ...Object.fromEntries(Object.keys(BUILTINS).map((name) => [name, { readParam: (e: E, p: string) => e.readOwn(name, p) }])),
};

/** Instruction codes of script.c, in its enum's order. */
const NATIVE_OPS: readonly Insn['op'][] = [
  'initial', 'wait_step', 'wait_time', 'print', 'printn', 'printq', 'printnq', 'save', 'append', 'read', 'readq', 'write',
  'writeq', 'set', 'setq', 'init', 'initq', 'export', 'exportq', 'stop', 'end', 'exit', 'label', 'goto', 'return', 'returnq',
  'error', 'errorq',
];
const NATIVE_TYPES: readonly ScriptType[] = ['active', 'passive', 'driver', 'proxy', 'packet'];

/** Script and DriverManager in the native dataplane: the parsed program as constant tables (script.c runs them). */
export const scriptNative: NativeSpec<ScriptProgram> = {
  source: nativeSource(import.meta.url, 'script.c'),
  prefix: 'script',
  inPlace: true,
  hooks: { init: true, cleanup: true, timer: true, stopped: true },
  init: (c, ctx) => {
    const insns = c.insns.map((insn) => `{ ${NATIVE_OPS.indexOf(insn.op)}, ${insn.arg}, ${ctx.cString(insn.text)} }`);
    return [
      `.insns = ${ctx.constArray('ScriptInsn', insns)}, .ninsns = ${c.insns.length}`,
      `.init_vars = ${ctx.constArray('char *', c.vars.map((v) => ctx.cString(v)))}, .ninit_vars = ${c.vars.length}`,
      `.type = ${NATIVE_TYPES.indexOf(c.type)}, .noutputs = ${ctx.noutputs}`,
    ].join(',\n    ');
  },
};

export const spec = defineElement<typeof args, ScriptProgram, E>({
  name: 'Script',
  ports: '-/-',
  processing: 'h/h',
  args,
  configure: (v, ctx) => configureScript(v, ctx.ninputs, ctx.noutputs, 'active'),
  host: (init) => new ScriptElement(init),
  native: scriptNative,
  // Only a passive script waits to be called; the others run on their own.
  actsOnRouter: (c) => c.type !== 'passive',
  handlers: scriptHandlers,
});

export { configureScript };
