// Parsing every element's configuration string against its class's declared
// arguments, then the class's own `configure`. Errors become diagnostics that
// point at the offending argument inside the configuration string when the
// string is still exactly the source text; warnings are kept too.

import { ConfigError, parseArgs, type ConfigContext } from '../config-lang/args/args.js';
import { keywordLength, splitArgs } from '../config-lang/args/split.js';
import type { Diagnostic, DiagnosticBag } from '../config-lang/diagnostics.js';
import type { SourceSpan } from '../config-lang/source.js';
import type { AnyElementSpec } from '../elements/spec.js';
import { lookupPortName, type PortScopes } from '../elements/ip/port-info.js';
import { declaration } from './check-ports.js';
import type { GraphElement } from './router-graph.js';

/**
 * Click's name lookup from inside a compound: an element `a/b/x` asking for
 * `name` finds `a/b/name`, else `a/name`, else `name`.
 */
export function lookupInScope(classOf: ReadonlyMap<string, string>, fromElement: string, name: string): string | undefined {
  let scope = fromElement.slice(0, fromElement.lastIndexOf('/') + 1);
  for (;;) {
    const hit = classOf.get(scope + name);
    if (hit !== undefined) return hit;
    if (scope === '') return undefined;
    scope = scope.slice(0, scope.lastIndexOf('/', scope.length - 2) + 1);
  }
}

export interface ArgCheck {
  readonly conf: unknown;
  readonly ok: boolean;
}

/** Where in the source an argument error should point. */
function argumentSpan(el: GraphElement, err: ConfigError, located?: { offset: number; length: number }): SourceSpan {
  const cs = el.configSpan;
  if (!cs) return el.span;
  if (located) return { file: cs.file, start: cs.start + located.offset, end: cs.start + located.offset + Math.max(1, located.length) };
  if (err.argIndex === undefined) return cs;
  const piece = splitArgs(el.config)[err.argIndex];
  if (!piece) return cs;
  let offset = piece.offset;
  let length = piece.text.length;
  // A `KEYWORD value` argument whose value is at fault: point at the value.
  const kw = keywordLength(piece.text);
  if (kw > 0 && err.message.startsWith(`${piece.text.slice(0, kw)}: `)) {
    const rest = piece.text.slice(kw);
    const lead = rest.length - rest.trimStart().length;
    offset += kw + lead;
    length -= kw + lead;
  }
  return { file: cs.file, start: cs.start + offset, end: cs.start + offset + Math.max(1, length) };
}

/** What an element's argument parsers may ask; one per element, methods on the prototype. */
class ElementContext implements ConfigContext {
  readonly elementName: string;
  readonly className: string;
  constructor(
    private readonly el: GraphElement,
    readonly ninputs: number,
    readonly noutputs: number,
    private readonly classOf: ReadonlyMap<string, string>,
    private readonly bag: DiagnosticBag,
    private readonly ports: PortScopes,
  ) {
    this.elementName = el.name;
    this.className = el.className;
  }

  lookupElement(name: string): string | undefined {
    return lookupInScope(this.classOf, this.el.name, name);
  }

  lookupPort(proto: number, name: string): number | undefined {
    return lookupPortName(this.ports, this.el.name, proto, name);
  }

  warn(message: string): void {
    const d: Diagnostic = { severity: 'warning', message: `${declaration(this.el)}: ${message}`, span: this.el.span, related: this.el.context };
    this.bag.add(d);
  }
}

/** Configure one element; errors and warnings go to `bag`. */
export function checkArguments(
  el: GraphElement,
  spec: AnyElementSpec,
  ports: { ninputs: number; noutputs: number },
  classOf: ReadonlyMap<string, string>,
  bag: DiagnosticBag,
  portNames: PortScopes = new Map(),
): ArgCheck {
  const ctx = new ElementContext(el, ports.ninputs, ports.noutputs, classOf, bag, portNames);
  let sources: { index: number; offset: number; length: number }[] = [];
  try {
    const parsed = parseArgs(spec.args, el.config, ctx);
    sources = parsed.sources;
    const conf = spec.configure ? spec.configure(parsed.values, ctx) : parsed.values;
    return { conf, ok: true };
  } catch (e) {
    const err = e instanceof ConfigError ? e : new ConfigError(e instanceof Error ? e.message : String(e));
    // An error from `configure` about an argument that parsed: point at its value.
    const located = err.argIndex === undefined ? undefined : sources.find((s) => s.index === err.argIndex);
    bag.add({
      severity: 'error',
      message: `${declaration(el)}: ${err.message}`,
      span: argumentSpan(el, err, located),
      hint: err.hint,
      related: el.context,
    });
    return { conf: undefined, ok: false };
  }
}
