// The native compiler: one checked graph in, one C translation unit out.
//
// Every element instance becomes a static struct initialised with its
// configuration as constants (`eN`). Every push input becomes a function
// `eN_inP(PacketBatch *)` that calls the class's push function and then
// hands the output batches straight to the next element's function: direct
// calls, resolved at compile time. Pull outputs become `eN_outP(batch, max)`,
// tasks and timers get small wrappers, and a CvmRouter describes the whole
// for the runtime (handlers, accounting, lifecycle). Delivery modes come from
// graph/delivery.ts, so packet order is the host engine's.

import { ClickError } from '../config-lang/diagnostics.js';
import { analyzeDelivery, type DeliveryMode } from '../graph/delivery.js';
import { inputSources, outputTargets, type CheckedElement, type CheckedGraph, type PortRef } from '../graph/router-graph.js';
import { burstsVisible } from '../graph/batching.js';
import { findLockstep, lockstepPrologue } from './lockstep.js';
import type { NativeInitContext, NativeSpec } from './native-spec.js';
import { elementHandlerSet, globalHandlerSet, portsText } from '../host-engine/handler-tables.js';

export class NativeCompileError extends Error {
  override name = 'NativeCompileError';
}

export interface GeneratedProgram {
  /** The C source of the configuration. */
  readonly source: string;
  /** Element C files it includes, repository-relative. */
  readonly elementSources: readonly string[];
}

export interface CodegenOptions {
  /** The configuration text, for the `config` handler. */
  readonly configText?: string;
  /** Every class the `classes` handler lists (default: the classes the router uses). */
  readonly classNames?: () => readonly string[];
  /** The global `hotconfig` write handler is provided (`clickvm run -R`): it appears in the `handlers` listing. */
  readonly hotconfig?: boolean;
}

/** C string literal for arbitrary text (bytes 0-255). */
export function cString(s: string): string {
  let out = '"';
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 0x22 || c === 0x5c) out += '\\' + s[i];
    else if (c >= 0x20 && c < 0x7f && !(c === 0x3f && s[i + 1] === '?')) out += s[i];
    else if (c === 10) out += '\\n';
    else out += '\\' + (c & 255).toString(8).padStart(3, '0');
  }
  return out + '"';
}

function ident(s: string): string {
  return s.replace(/[^A-Za-z0-9_]/g, '_');
}

interface ElementPlan {
  readonly el: CheckedElement;
  readonly native: NativeSpec<unknown>;
  readonly inst: string;
  readonly mode: DeliveryMode;
  readonly pullLimit: number;
}

export function generateC(graph: CheckedGraph, opts: CodegenOptions = {}): GeneratedProgram {
  const delivery = analyzeDelivery(graph);
  const targets = outputTargets(graph);
  const sources = inputSources(graph);
  const fileScope: string[] = [];
  let constCounter = 0;

  const plans: ElementPlan[] = graph.elements.map((el, i) => {
    const native = el.spec.native as NativeSpec<unknown> | undefined;
    if (!native) {
      throw new ClickError([
        { severity: 'error', message: `'${el.name}' :: ${el.className} has no native implementation`, span: el.span, hint: 'run this configuration on the host engine (--engine host)', related: el.context },
      ]);
    }
    return { el, native, inst: `e${i}`, mode: delivery.mode[i]!, pullLimit: delivery.pullLimit[i]! };
  });

  // The host engine lets a task batch only when it is the only element with
  // ports that runs one (env.canBatch); decide the same here, at compile time.
  const allTaskOwners = plans.filter((p) => (p.native.usesTask ? p.native.usesTask(p.el.conf, p.el) : !!p.native.hooks?.task));
  const taskOwners = allTaskOwners.filter((p) => p.el.inputs.length + p.el.outputs.length > 0);
  const mayBatch = !burstsVisible(graph, allTaskOwners.map((p) => p.el.index));
  const batchable = mayBatch && taskOwners.length === 1 ? taskOwners[0] : undefined;
  const lockstep = mayBatch ? findLockstep(graph, taskOwners.map((p) => p.el.index), targets, sources) : undefined;

  const byName = new Map(graph.elements.map((e, i) => [e.name, i]));
  const resolveName = (from: CheckedElement, name: string): number | undefined => {
    // Click looks a name up in the element's compound scope first, then outwards.
    const parts = from.name.split('/');
    for (let k = parts.length - 1; k >= 0; k--) {
      const hit = byName.get([...parts.slice(0, k), name].join('/'));
      if (hit !== undefined) return hit;
    }
    return undefined;
  };

  const initContext = (p: ElementPlan): NativeInitContext => ({
    elementName: p.el.name,
    instance: p.inst,
    ninputs: p.el.inputs.length,
    noutputs: p.el.outputs.length,
    inputs: p.el.inputs,
    outputs: p.el.outputs,
    canBatch: batchable === p,
    constArray(ctype, values) {
      const name = `${p.inst}_c${constCounter++}`;
      fileScope.push(`static const ${ctype} ${name}[${Math.max(1, values.length)}] = { ${values.length ? values.map(String).join(', ') : '0'} };`);
      return name;
    },
    constBytes(bytes) {
      const name = `${p.inst}_c${constCounter++}`;
      fileScope.push(`static const uint8_t ${name}[${Math.max(1, bytes.length)}] = { ${bytes.length ? Array.from(bytes).join(', ') : '0'} };`);
      return name;
    },
    cString,
    elementRef(name) {
      const i = resolveName(p.el, name);
      if (i === undefined) throw new NativeCompileError(`${p.el.name}: no element named '${name}'`);
      return `&${plans[i]!.inst}`;
    },
  });

  const target = (i: number, port: number): PortRef => {
    const t = targets[i]?.[port]?.[0];
    if (!t) throw new NativeCompileError(`${graph.elements[i]!.name}: output ${port} is not connected`);
    return t;
  };
  const pushFn = (t: PortRef) => `${plans[t.element]!.inst}_in${t.port}`;
  const pullFn = (s: PortRef) => `${plans[s.element]!.inst}_out${s.port}`;

  // --- per-element code -------------------------------------------------
  const structs: string[] = [];
  const protos: string[] = [];
  const wrappers: string[] = [];
  const includes = new Set<string>();

  for (const [i, p] of plans.entries()) {
    const { el, native, inst } = p;
    includes.add(native.source);
    const hooks = native.hooks ?? {};
    const fields = [`.base = { .name = ${cString(el.name)}, .class_name = ${cString(el.className)}, .index = ${i} }`];
    const body = native.init?.(el.conf, initContext(p)).trim();
    if (body) fields.push(body);
    if (hooks.task) fields.push(`.task = { .run = ${inst}_task }`);
    if (hooks.timer) fields.push(`.timer = { .fire = ${inst}_timer, .heap_index = -1 }`);
    structs.push(`/* ${el.name} :: ${el.className} */`);
    // Declared with the prototypes, before any initializer: `ctx.elementRef` may name a later element.
    protos.push(`static struct ${native.prefix} ${inst};`);
    structs.push(`static const struct ${native.prefix} ${inst}_initial = {\n    ${fields.join(',\n    ')}\n};`);
    if (native.instanceCode) fileScope.push(native.instanceCode(el.conf, initContext(p), inst));

    el.inputs.forEach((m, port) => {
      if (m === 'push') protos.push(`static void ${inst}_in${port}(PacketBatch *b);`);
    });
    el.outputs.forEach((m, port) => {
      if (m === 'pull') protos.push(`static void ${inst}_out${port}(PacketBatch *b, unsigned max);`);
    });
    if (hooks.task) protos.push(`static int ${inst}_task(void);`);
    if (hooks.timer) protos.push(`static void ${inst}_timer(void);`);

    // The CvmOut over this element's push outputs (and CvmIn over its pull inputs).
    const pushPorts = el.outputs.map((m, k) => (m === 'push' ? k : -1)).filter((k) => k >= 0);
    const outSetup = (alias: { port: number; batch: string } | undefined, mode: DeliveryMode): string[] => {
      const lines: string[] = [];
      const portExprs: string[] = [];
      const fnExprs: string[] = [];
      el.outputs.forEach((m, k) => {
        if (alias && alias.port === k) {
          portExprs.push(alias.batch);
          fnExprs.push('0');
        } else if (m === 'push') {
          lines.push(`PacketBatch ob${k};`, `ob${k}.n = 0;`);
          portExprs.push(`&ob${k}`);
          fnExprs.push(pushFn(target(i, k)));
        } else {
          portExprs.push('0');
          fnExprs.push('0');
        }
      });
      if (el.outputs.length) {
        lines.push(`static const CvmPushFn fns[] = { ${fnExprs.join(', ')} };`);
        lines.push(`PacketBatch *const ports[] = { ${portExprs.join(', ')} };`);
      }
      const modeC = mode === 'batch' ? 'CVM_BATCH' : mode === 'runs' ? 'CVM_RUNS' : 'CVM_SINGLE';
      lines.push(`CvmOut out = { &${inst}.base, ${modeC}, -1, ${el.outputs.length}, ${el.outputs.length ? 'ports' : '0'}, ${el.outputs.length ? 'fns' : '0'} };`);
      return lines;
    };
    // After the class function returns, deliver what the outputs hold with
    // direct calls (batch mode), or what a run left pending (runs mode).
    const outFinish = (alias: { port: number } | undefined, mode: DeliveryMode): string[] => {
      if (mode === 'runs') return ['if (out.pending >= 0) cvm_out_flush(&out, (unsigned)out.pending);'];
      if (mode === 'single') return [];
      return pushPorts.map((k) => {
        const batch = alias?.port === k ? 'b' : `&ob${k}`;
        return `if ((${batch})->n) { ${inst}.base.stats.out += (${batch})->n; ${pushFn(target(i, k))}(${batch}); }`;
      });
    };
    const inSetup = (): string[] => {
      if (!el.inputs.includes('pull')) return [];
      const fns = el.inputs.map((m, k) => {
        if (m !== 'pull') return '0';
        const s = sources[i]?.[k]?.[0];
        if (!s) throw new NativeCompileError(`${el.name}: input ${k} is not connected`);
        return pullFn(s);
      });
      const limit = Number.isFinite(p.pullLimit) ? String(p.pullLimit) : 'CVM_BATCH_MAX';
      return [`static const CvmPullFn pulls[] = { ${fns.join(', ')} };`, `CvmIn in = { &${inst}.base, pulls, ${limit} };`];
    };
    const pushCall = native.instanceCode ? `${inst}_push` : `${native.prefix}_push`;

    // Push inputs.
    el.inputs.forEach((m, port) => {
      if (m !== 'push') return;
      const alias = p.mode === 'batch' && native.inPlace && el.outputs[0] === 'push' ? { port: 0, batch: 'b' } : undefined;
      const lines = [`${inst}.base.stats.in += b->n;`, 'cvm_packets_moved += b->n;', ...outSetup(alias, p.mode), 'unsigned n = b->n;'];
      if (alias) lines.push('b->n = 0;');
      // In single mode the element also takes its packets one at a time, so
      // whatever order it prints and emits in, lines interleave per packet.
      if (p.mode === 'single') lines.push(`for (unsigned i = 0; i < n; i++) ${pushCall}(&${inst}, ${port}, &b->p[i], 1, &out);`);
      else lines.push(`${pushCall}(&${inst}, ${port}, b->p, n, &out);`);
      lines.push(...outFinish(alias, p.mode));
      wrappers.push(fn(`static void ${inst}_in${port}(PacketBatch *b)`, lines));
    });

    // Pull outputs.
    el.outputs.forEach((m, port) => {
      if (m !== 'pull') return;
      let lines: string[];
      if (hooks.pull) {
        lines = [...inSetup(), ...outSetup(undefined, p.mode), `${native.prefix}_pull(&${inst}, ${port}, b, max, ${el.inputs.includes('pull') ? '&in' : '0'}, &out);`, `${inst}.base.stats.out += b->n;`, ...outFinish(undefined, p.mode)];
      } else if (native.inPlace && el.inputs[0] === 'pull') {
        const alias = { port, batch: 'b' };
        lines = [
          ...inSetup(),
          'cvm_pull(&in, 0, b, max);',
          'if (!b->n) return;',
          ...outSetup(alias, 'batch'),
          'unsigned n = b->n;',
          'b->n = 0;',
          `${pushCall}(&${inst}, 0, b->p, n, &out);`,
          `${inst}.base.stats.out += b->n;`, // the aliased port is the pull output itself
          ...outFinish(alias, 'batch'),
        ];
      } else {
        throw new NativeCompileError(`${el.name} :: ${el.className} cannot run in a pull path natively (no pull function)`);
      }
      wrappers.push(fn(`static void ${inst}_out${port}(PacketBatch *b, unsigned max)`, lines));
    });

    if (hooks.task) {
      const prologue = lockstep?.source === i ? lockstepPrologue(lockstep, (k) => plans[k]!.inst, (k) => plans[k]!.native.prefix) : [];
      wrappers.push(fn(`static int ${inst}_task(void)`, [...prologue, ...inSetup(), ...outSetup(undefined, p.mode), `int r = ${native.prefix}_run_task(&${inst}, ${el.inputs.includes('pull') ? '&in' : '0'}, &out);`, ...outFinish(undefined, p.mode), 'return r;']));
    }
    if (hooks.timer) {
      wrappers.push(fn(`static void ${inst}_timer(void)`, [...inSetup(), ...outSetup(undefined, p.mode), `${native.prefix}_run_timer(&${inst}, ${el.inputs.includes('pull') ? '&in' : '0'}, &out);`, ...outFinish(undefined, p.mode)]));
    }
  }

  // --- handlers, lifecycle, router description ----------------------------
  const handlerRows: string[] = [];
  const handlerFns: string[] = [];
  for (const [i, p] of plans.entries()) {
    // Handlers whose names depend on the configuration are implemented per
    // instance (`<inst>_read_<name>`, `<inst>_write_<name>`, from instanceCode).
    const el = p.el;
    const perInstance = el.spec.instanceHandlers?.(el.conf, { ninputs: el.inputs.length, noutputs: el.outputs.length }) ?? {};
    for (const [name, h] of Object.entries({ ...el.spec.handlers, ...perInstance })) {
      const id = `${p.inst}_h_${ident(name)}`;
      const r = h.read ? `${id}_r` : '0';
      const rp = h.readParam ? `${id}_rp` : '0';
      const w = h.write ? `${id}_w` : '0';
      const impl = Object.hasOwn(perInstance, name) ? p.inst : p.native.prefix;
      if (h.read) handlerFns.push(fn(`static void ${id}_r(void *e, CvmStr *o)`, [`${impl}_read_${ident(name)}((struct ${p.native.prefix} *)e, o);`]));
      if (h.readParam) handlerFns.push(fn(`static int ${id}_rp(void *e, const char *param, CvmStr *o)`, [`return ${impl}_read_param_${ident(name)}((struct ${p.native.prefix} *)e, param, o);`]));
      if (h.write) handlerFns.push(fn(`static int ${id}_w(void *e, const char *v, CvmStr *err)`, [`return ${impl}_write_${ident(name)}((struct ${p.native.prefix} *)e, v, err);`]));
      handlerRows.push(`{ ${i}, ${cString(name)}, ${r}, ${w}, ${rp} }`);
    }
  }

  const lifecycle = [
    fn('static void router_reset(void)', plans.map((p) => `${p.inst} = ${p.inst}_initial;`)),
    fn('static int router_initialize(CvmStr *err)', [
      ...plans.flatMap((p) =>
        p.native.hooks?.init
          ? [`if (${p.native.prefix}_init(&${p.inst}, err) < 0) {`, `    cvm_failed_element = ${p.el.index};`, `    return -1;`, `}`]
          : [],
      ),
      'return 0;',
    ]),
    fn('static void router_cleanup(void)', plans.filter((p) => p.native.hooks?.cleanup).map((p) => `${p.native.prefix}_cleanup(&${p.inst});`)),
    fn('static int router_reserve_driver(void)', [
      ...plans.flatMap((p) => (p.native.hooks?.stopped ? [`if (${p.native.prefix}_handle_stopped(&${p.inst})) return 1;`] : [])),
      'return 0;',
    ]),
    fn('static int router_take_state(int i, void *old, CvmHotswap *hs)', [
      ...(plans.some((p) => p.native.hooks?.takeState) ? ['switch (i) {'] : ['(void)i, (void)old, (void)hs;']),
      ...plans.flatMap((p, i) => (p.native.hooks?.takeState ? [`case ${i}: ${p.native.prefix}_take_state(&${p.inst}, old, hs); return 1;`] : [])),
      ...(plans.some((p) => p.native.hooks?.takeState) ? ['default: return 0;', '}'] : ['return 0;']),
    ]),
    fn('static uint64_t router_held(int i)', [
      'switch (i) {',
      ...plans.flatMap((p, i) => (p.native.hooks?.held ? [`case ${i}: return ${p.native.prefix}_held(&${p.inst});`] : [])),
      'default: return 0;',
      '}',
    ]),
  ];

  // Standard and global handler texts come from the same functions as the
  // host engine's (host-engine/handler-tables.ts).
  const tables = graph.elements.map((_, i) => elementHandlerSet(graph, i, (def) => ({ read: def.read ? () => '' : undefined, readParam: def.readParam ? () => '' : undefined, write: def.write ? () => {} : undefined })));
  const globals = globalHandlerSet(graph, { configText: opts.configText, classNames: opts.classNames, requestStop: () => {}, hotconfig: opts.hotconfig ? () => {} : undefined });
  const portInfo = graph.elements.map((_, i) => cString(portsText(graph, i)));
  const listings = tables.map((t) => cString(t.listing()));
  const globalText = (name: string) => cString(globals.get(name)!.read!());
  const router = [
    `static CvmElement *const elements[] = { ${plans.map((p) => `&${p.inst}.base`).join(', ')} };`,
    `static const CvmHandler handlers[] = { ${handlerRows.length ? handlerRows.join(',\n    ') : '{ -1, "", 0, 0, 0 }'} };`,
    `static const char *const configs[] = { ${graph.elements.map((e) => cString(e.config)).join(', ')} };`,
    `static const char *const port_info[] = { ${portInfo.join(', ')} };`,
    `static const char *const listings[] = { ${listings.join(', ')} };`,
    `const CvmRouter cvm_router = {`,
    `    elements, ${plans.length}, handlers, ${handlerRows.length},`,
    `    ${globalText('config')}, ${globalText('flatconfig')}, configs, port_info, listings,`,
    `    ${globalText('handlers')}, ${globalText('classes')}, ${globalText('requirements')}, ${globalText('list')},`,
    `    router_reset, router_initialize, router_cleanup, router_held, router_reserve_driver, router_take_state`,
    `};`,
  ];

  const elementSources = [...includes];
  const source = [
    '/* Generated by clickvm: the native dataplane of one configuration. Do not edit. */',
    '#include "router.h"',
    '#include "cvm.h"',
    '',
    ...elementSources.map((s) => `#include "${s}"`),
    '',
    ...protos,
    '',
    ...fileScope,
    '',
    ...structs,
    '',
    ...wrappers,
    ...handlerFns,
    ...lifecycle,
    ...router,
    '',
    '#include "unity.c"',
    '',
  ].join('\n');
  return { source, elementSources };
}

function fn(signature: string, lines: readonly string[]): string {
  return `${signature}\n{\n${lines.map((l) => '    ' + l).join('\n')}\n}\n`;
}
