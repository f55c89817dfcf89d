/**
 * PortInfo — names for TCP and UDP ports, for the configuration.
 *
 * Synopsis:   PortInfo(NAME PORT[/PROTOCOL] [NAME...], ...)
 * Ports:      none.
 * Processing: none at run time. Each argument defines NAME, and every
 *   further word up to one starting with `#` (a comment), as PORT for
 *   PROTOCOL (`tcp`, `udp`, another IP protocol name or number; both TCP
 *   and UDP without one). Empty arguments and arguments starting with `#`
 *   are ignored, so lines of /etc/services may be used as they are; an
 *   unknown PROTOCOL makes the argument ignored too, as in Click.
 *   Elements that take a port of some protocol (UDPIPEncap's SPORT and
 *   DPORT) accept the names: a PortInfo's names hold in its compound
 *   element and the compounds inside it, the innermost definition winning;
 *   outside any, Click's default names (ssh, www, domain, ...) hold.
 * Errors:     an argument whose PORT is not an integer: `expected 'NAME PORT/PROTO'`.
 * Differences: names are configuration-time only (a handler write of a
 *   port takes a number); the default names are Click's built-in list, not
 *   the machine's services database.
 */

import { ConfigError, a, type ArgType } from '../../config-lang/args/args.js';
import { T } from '../../config-lang/args/types.js';
import { splitWords } from '../../config-lang/args/split.js';
import { HostElement } from '../../host-engine/element.js';
import { nativeSource } from '../../dataplane-native/native-spec.js';
import { defineElement } from '../spec.js';
import { ipProtoArg } from '../lib/ip-header.js';
import { parseWith } from '../lib/handler-values.js';
import { wellKnownPort } from '../classification/ip-filter-names.js';

/** One definition: NAME is PORT for protocol 6, 17, or another; -1 means both TCP and UDP. */
export interface PortDefinition {
  readonly name: string;
  readonly proto: number;
  readonly port: number;
}

export interface PortInfoConf {
  readonly definitions: PortDefinition[];
}

/** An integer as Click's cp_integer reads it (0x hex, 0 octal, decimal), and the text after it. */
function leadingInteger(text: string): { value: number; rest: string } | undefined {
  const m = /^(?:0[xX]([0-9a-fA-F]+)|(0[0-7]*)|([1-9][0-9]*))/.exec(text);
  if (!m) return undefined;
  const value = m[1] !== undefined ? parseInt(m[1], 16) : m[2] !== undefined ? parseInt(m[2], 8) : Number(m[3]);
  return { value, rest: text.slice(m[0].length) };
}

/** The definitions of PortInfo's arguments, and the error messages of bad ones. */
export function parsePortInfo(args: readonly string[]): { definitions: PortDefinition[]; errors: string[] } {
  const definitions: PortDefinition[] = [];
  const errors: string[] = [];
  for (const arg of args) {
    const words = splitWords(arg).map((w) => w.text);
    const first = words[0];
    if (first === undefined || first.startsWith('#')) continue;
    const n = leadingInteger(words[1] ?? '');
    let proto = -1;
    if (n && n.rest.startsWith('/')) {
      const name = n.rest.slice(1);
      try {
        proto = name === 'tcp' ? 6 : name === 'udp' ? 17 : parseWith(ipProtoArg, name);
      } catch {
        continue;
      }
    } else if (!n || n.rest !== '') {
      errors.push("expected 'NAME PORT/PROTO'");
      continue;
    }
    for (let i = 0; i < words.length; i = i === 0 ? 2 : i + 1) {
      const name = words[i]!;
      if (i > 0 && name.startsWith('#')) break;
      definitions.push({ name, proto, port: n.value });
    }
  }
  return { definitions, errors };
}

class PortInfoElement extends HostElement<PortInfoConf> {}

export const spec = defineElement({
  name: 'PortInfo',
  ports: '0/0',
  processing: 'a/a',
  args: { ARG: a.rest(T.raw) },
  configure: (v): PortInfoConf => {
    const { definitions, errors } = parsePortInfo(v.ARG);
    if (errors.length) throw new ConfigError(errors.join('\n'));
    return { definitions };
  },
  host: (init) => new PortInfoElement(init),
  native: { source: nativeSource(import.meta.url, 'port-info.c'), prefix: 'port_info' },
});

/** Port names by compound scope (`a/b/`, '' for the top level), from the router's PortInfo elements. */
export type PortScopes = ReadonlyMap<string, ReadonlyMap<string, number>>;

/** Collect the definitions of every PortInfo element, given as (element name, its arguments). */
export function portScopes(portInfos: readonly { name: string; args: readonly string[] }[]): PortScopes {
  const scopes = new Map<string, Map<string, number>>();
  for (const { name, args } of portInfos) {
    const scope = name.slice(0, name.lastIndexOf('/') + 1);
    let m = scopes.get(scope);
    if (!m) scopes.set(scope, (m = new Map()));
    for (const d of parsePortInfo(args).definitions) m.set(`${d.proto}:${d.name}`, d.port);
  }
  return scopes;
}

/** Click's NameInfo lookup of a port name for `proto` from element `fromElement`. */
export function lookupPortName(scopes: PortScopes, fromElement: string, proto: number, name: string): number | undefined {
  let scope = fromElement.slice(0, fromElement.lastIndexOf('/') + 1);
  const both = proto === 6 || proto === 17;
  for (;;) {
    const m = scopes.get(scope);
    const hit = m?.get(`${proto}:${name}`) ?? (both ? m?.get(`-1:${name}`) : undefined);
    if (hit !== undefined) return hit;
    if (scope === '') return both ? wellKnownPort(name) : undefined;
    scope = scope.slice(0, scope.lastIndexOf('/', scope.length - 2) + 1);
  }
}

/** A port of IP protocol `proto` (Click's IPPortArg): 0-65535 or a name PortInfo or Click's defaults define. */
export function ipPortArg(proto: number): ArgType<number> {
  return {
    description: T.port.description,
    parse(text, ctx) {
      const named = /^[0-9]/.test(text.trim()) ? undefined : ctx.lookupPort?.(proto, text.trim());
      if (named === undefined) return T.port.parse(text, ctx);
      if (named > 0xffff) throw new Error(`port ${named} is out of range (0 to 65535)`);
      return named;
    },
  };
}
