// Parsing Script instructions into plain data (the element's configuration):
// one entry per instruction, labels resolved to positions, an initial
// pseudo-instruction where Click puts one, and the implicit end (or, for
// driver scripts, stop).

import { ConfigError } from '../../config-lang/args/args.js';
import { parseInteger } from '../../config-lang/args/types.js';
import { shiftWord } from './script-text.js';

export type Op =
  | 'initial' | 'wait_step' | 'wait_time'
  | 'print' | 'printn' | 'printq' | 'printnq' | 'save' | 'append'
  | 'read' | 'readq' | 'write' | 'writeq'
  | 'set' | 'setq' | 'init' | 'initq' | 'export' | 'exportq'
  | 'stop' | 'end' | 'exit' | 'label' | 'goto' | 'return' | 'returnq' | 'error' | 'errorq';

export interface Insn {
  readonly op: Op;
  /** wait_step: steps to wait; set/init/return: variable index; goto: target (or a GOTO_* code). */
  arg: number;
  /** The instruction's text argument (for goto: the condition). */
  text: string;
}

/** goto targets that end the script instead of jumping. */
export const GOTO_END = -1;
export const GOTO_EXIT = -2;
export const GOTO_STOP = -3;
export const GOTO_ERROR = -4;

export type ScriptType = 'active' | 'passive' | 'driver' | 'proxy' | 'packet';

export interface ScriptProgram {
  type: ScriptType;
  insns: Insn[];
  /** Variable names; values live in the element. `_` holds return values. */
  vars: string[];
}

const NAMES: Record<string, Op | 'wait' | 'loop'> = {
  append: 'append', end: 'end', error: 'error', errorq: 'errorq', exit: 'exit', export: 'export', exportq: 'exportq',
  goto: 'goto', init: 'init', initq: 'initq', label: 'label', loop: 'loop', pause: 'wait_step', print: 'print',
  printn: 'printn', printnq: 'printnq', printq: 'printq', read: 'read', readq: 'readq', return: 'return',
  returnq: 'returnq', save: 'save', set: 'set', setq: 'setq', stop: 'stop', wait: 'wait', wait_for: 'wait_time',
  wait_step: 'wait_step', wait_stop: 'wait_step', wait_time: 'wait_time', write: 'write', writeq: 'writeq',
};

const FINISHING: Record<string, number> = { end: GOTO_END, exit: GOTO_EXIT, stop: GOTO_STOP, error: GOTO_ERROR };

export function parseScriptType(text: string | undefined, fallback: ScriptType): ScriptType {
  if (text === undefined) return fallback;
  const [word, rest] = shiftWord(text);
  const types: Record<string, ScriptType> = { ACTIVE: 'active', PASSIVE: 'passive', DRIVER: 'driver', PROXY: 'proxy', PACKET: 'packet', PUSH: 'packet' };
  if (word === 'SIGNAL') throw new ConfigError('TYPE SIGNAL is not supported', undefined, 'signal scripts need process signals; use ACTIVE or PASSIVE');
  const t = types[word];
  if (!t || rest) throw new ConfigError('bad TYPE', undefined, 'expected ACTIVE, PASSIVE, DRIVER, PROXY or PACKET');
  return t;
}

export function parseScript(instructions: readonly string[], type: ScriptType): ScriptProgram {
  const insns: Insn[] = [];
  const vars: string[] = [];
  const variable = (name: string) => {
    let i = vars.indexOf(name);
    if (i < 0) i = vars.push(name) - 1;
    return i;
  };
  const add = (op: Op, arg = 0, text = '') => {
    if (insns.length === 0 && op !== 'initial' && op !== 'wait_step' && op !== 'wait_time') insns.push({ op: 'initial', arg: 0, text: '' });
    insns.push({ op, arg, text });
  };
  const errors: string[] = [];

  for (const raw of instructions) {
    const [name, rest] = shiftWord(raw);
    if (!name) continue;
    const syntax = () => errors.push(`syntax error at '${name}'`);
    let op = NAMES[name];
    if (op === undefined) {
      syntax();
      continue;
    }
    if (op === 'wait') op = rest ? 'wait_time' : 'wait_step';
    switch (op) {
      case 'wait_step': {
        let n = 1;
        if (rest) {
          try {
            n = parseInteger(rest);
          } catch {
            n = -1;
          }
          if (n < 0) {
            syntax();
            break;
          }
        }
        add('wait_step', n);
        break;
      }
      case 'wait_time':
        if (!rest) syntax();
        else add('wait_time', 0, rest);
        break;
      case 'write': case 'writeq': case 'read': case 'readq': case 'print': case 'printq': case 'printn': case 'printnq':
      case 'save': case 'append': case 'goto':
        add(op, 0, rest);
        break;
      case 'return': case 'returnq':
        add(op, variable('_'), rest);
        break;
      case 'init': case 'initq': case 'export': case 'exportq': case 'set': case 'setq': {
        const [v, value] = shiftWord(rest);
        if (!v || ((op === 'set' || op === 'setq') && !value)) syntax();
        else add(op, variable(v), value);
        break;
      }
      case 'label': {
        const [word, extra] = shiftWord(rest);
        if (!word || extra) syntax();
        else add('label', 0, word);
        break;
      }
      case 'loop':
        if (rest) syntax();
        else add('goto', 0, '');
        break;
      case 'end': case 'exit': case 'stop':
        if (rest) syntax();
        else add(op, 0, '');
        break;
      case 'error': case 'errorq':
        add(op, 0, rest);
        break;
    }
  }

  // resolve goto targets: a label, begin/loop (the first instruction), or a finishing word
  insns.forEach((insn) => {
    if (insn.op !== 'goto') return;
    if (insn.text === '' && insn.arg === 0) return; // loop
    const [label, cond] = shiftWord(insn.text);
    insn.text = cond;
    const at = insns.findIndex((x) => x.op === 'label' && x.text === label);
    if (at >= 0) insn.arg = at;
    else if (label in FINISHING) insn.arg = FINISHING[label]!;
    else if (label === 'begin' || label === 'loop') insn.arg = 0;
    else errors.push(`no such label '${label}'`);
  });

  if (errors.length) throw new ConfigError(errors.join('; '));
  if (insns.length === 0 && type === 'driver') add('wait_step', 1);
  add(type === 'driver' ? 'stop' : 'end');
  return { type, insns, vars };
}
