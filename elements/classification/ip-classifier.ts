/**
 * IPClassifier — classify IP packets with tcpdump-like patterns.
 *
 * Synopsis:   IPClassifier(PATTERN_0, ..., PATTERN_N-1)
 * Ports:      1 push input; N push outputs, one per pattern.
 * Processing: a packet goes to the output of the first pattern it matches; a
 *             packet matching none is dropped. Input packets need their IP
 *             header annotation (CheckIPHeader, MarkIPHeader); a packet
 *             without one is dropped.
 * Primitives:
 *   ip proto PROTO                 protocol name (icmp igmp ipip tcp udp gre dccp sctp) or number;
 *                                  `tcp`, `udp`, `icmp` alone mean the same
 *   [SRCDST] host ADDR             SRCDST: src, dst, src or dst (default), src and dst
 *   [SRCDST] net ADDR/LEN          also `net ADDR mask MASK`; a bare prefix is a net
 *   [SRCDST] [tcp|udp] port PORT   number or name (www, domain, ssh, smtp...); either
 *                                  TCP or UDP if no protocol is given; first fragments only
 *   ip vers|hl|id|tos|dscp|ttl|len N, ip ect, ip ce, ip frag, ip unfrag
 *   tcp opt syn|ack|fin|rst|psh|urg (`syn`, `ack`... alone too), tcp win N
 *   icmp type TYPE                 number or name (echo, echo-reply, unreachable...)
 *   ip[POS], ip[POS:LEN], transp[POS:LEN], tcp[..], udp[..], icmp[..]   header bytes
 *   true, false;  a pattern `-`, `any` or `all` (or empty) matches everything
 * Values may follow a relation (==, !=, and for numbers <, >, <=, >=) and a
 * mask (`& MASK`). Primitives combine with and/&&, or/||, not/!, parentheses,
 * `C ? A : B` (spaces around the colon) and juxtaposition (`syn ack` is
 * `syn and ack`). A value with no type repeats the previous primitive's type:
 * `host 1.2.3.4 or 5.6.7.8`, `src port 80 or 81`. Port, TCP, ICMP and other
 * transport tests hold only for the first fragment of a packet of their
 * protocol whose transport header is long enough; `port != 5` is
 * `tcpudp and port not 5`, unlike `not port 5`.
 * Compilation: at configure time the patterns become a decision program
 * (program.ts); tests shared between patterns are made once.
 * Handlers:
 *   program (read)             the decision program, one step per line
 *   patternN (read/write)      pattern N as written; writing replaces it and recompiles
 * Differences from Click: names come from Click's built-in tables only (no
 *   /etc/services or /etc/protocols, no AddressInfo names); `ether` primitives
 *   are not supported; an integer mask on `host` masks the address as a number;
 *   a test reading past the end of the packet fails (Click reads garbage for
 *   IP-header fields beyond a short packet); a primitive that tests nothing
 *   (`transp`) matches every packet.
 * Native dataplane: the program is compiled into C (program-c.ts), so a
 *   `patternN` write that changes the pattern fails there with a message
 *   saying so (writing the pattern it already has succeeds); reads and the
 *   `program` text are the host engine's.
 */

import { a } from '../../config-lang/args/args.js';
import { T } from '../../config-lang/args/types.js';
import { HandlerError, type HandlerDef, defineElement } from '../spec.js';
import { compileRules } from './compile.js';
import { filterRules } from './ip-filter.js';
import type { DecisionProgram } from './program.js';
import { configurePerOutput, type ProgramConf, ProgramElement, programHandler } from './program-element.js';
import { programNative } from './program-c.js';

/** Compile IPClassifier patterns (pattern i goes to output i). */
export function compileIPClassifier(patterns: readonly string[], warn: (m: string) => void): DecisionProgram {
  const rules = filterRules(patterns.map((p, i) => `${i} ${p}`), patterns.length, warn);
  return compileRules(rules);
}

/** Read and write handlers for pattern `i`. */
export function patternHandler(i: number): HandlerDef<ProgramElement> {
  return {
    read: (e) => {
      if (i >= e.patterns.length) throw new HandlerError(`no pattern ${i}`);
      return e.patterns[i]!;
    },
    write: (e, value) => {
      if (i >= e.patterns.length) throw new HandlerError(`no pattern ${i}`);
      const patterns = [...e.patterns];
      patterns[i] = value.trim();
      try {
        e.program = compileIPClassifier(patterns, () => {});
      } catch (err) {
        throw new HandlerError(err instanceof Error ? err.message : String(err));
      }
      e.patterns = patterns;
    },
    doc: `pattern ${i} as written; writing replaces it`,
  };
}

const args = { PATTERN: a.rest(T.raw) };

export const spec = defineElement<typeof args, ProgramConf, ProgramElement>({
  name: 'IPClassifier',
  ports: '1/-',
  processing: 'h/h',
  args,
  configure: (values, ctx) => configurePerOutput(values.PATTERN, ctx, (patterns) => compileIPClassifier(patterns, (m) => ctx.warn(m))),
  host: (init) => new ProgramElement(init),
  native: programNative(true),
  handlers: {
    program: programHandler,
  },
  instanceHandlers: (conf) => Object.fromEntries(conf.patterns.map((_, i) => [`pattern${i}`, patternHandler(i)])),
});
