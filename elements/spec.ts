// The declarative description of an element class. One ElementSpec per class,
// exported from the class's own file; the checker reads ports, processing,
// flow and arguments, the host engine instantiates `host`, and the native
// compiler reads `native`. Nothing else describes a class.

import type { ArgDefs, ArgValues, ConfigContext } from '../config-lang/args/args.js';
import type { HostElement, ElementInit } from '../host-engine/element.js';
import type { NativeSpec } from '../dataplane-native/native-spec.js';

/**
 * A read handler returns the handler's text (Click's conventions: numbers in
 * decimal, no trailing newline: the driver adds it). A write handler gets the
 * written text and throws HandlerError for a bad value.
 */
export interface HandlerDef<E> {
  // Method syntax on purpose: handler tables of specific element classes
  // must be assignable to the registry's type-erased spec.
  read?(e: E): string;
  write?(e: E, value: string): void;
  /** A read handler that takes a parameter (Click's read_param handlers, e.g. IPRouteTable's `lookup ADDR`). */
  readParam?(e: E, param: string): string;
  /** One line of help, shown by `clickvm run -h NAME.handlers`-style listings. */
  readonly doc?: string;
}

export class HandlerError extends Error {}

export interface ElementSpec<A extends ArgDefs = ArgDefs, C = ArgValues<A>, E extends HostElement<C> = HostElement<C>> {
  /** Click class name, e.g. 'CheckIPHeader'. */
  readonly name: string;
  /** Click port count code, e.g. '1/1-2', '1/-', '0/1', '-/-', '1/='. */
  readonly ports: string;
  /** Click processing code, e.g. 'a/a', 'h/h', 'a/ah', 'h/l'. Last letter repeats. */
  readonly processing: string;
  /** Click flow code, e.g. 'x/x' (default), 'x/y', '#/#'. */
  readonly flow?: string;
  /** Keyword/positional arguments, in positional order. */
  readonly args: A;
  /**
   * Turn parsed arguments into the final configuration, checking what the
   * declarative argument list cannot (cross-argument rules, port counts).
   * Throw ConfigError to report. Default: the parsed arguments themselves.
   * (Method syntax, like HandlerDef's, so specs with specific arguments stay
   * assignable to the registry's type-erased AnyElementSpec.)
   */
  configure?(args: ArgValues<A>, ctx: ConfigContext): C;
  /** Class-specific handlers; every element also has class, name, config, ports, handlers. */
  readonly handlers?: { readonly [name: string]: HandlerDef<E> };
  /**
   * Handlers whose names depend on the configuration (Click's per-port
   * handlers, such as IPClassifier's pattern0, pattern1...), added after
   * `handlers`. (Method syntax, for the same reason as `configure`.)
   */
  instanceHandlers?(conf: C, ports: { readonly ninputs: number; readonly noutputs: number }): { readonly [name: string]: HandlerDef<E> };
  /** Host-engine implementation. */
  readonly host: (init: ElementInit<C>) => E;
  /** Native-dataplane implementation (the C file beside this one). */
  readonly native?: NativeSpec<C>;
  /**
   * Writes a line per packet to a shared stream (Print, IPPrint...). The
   * delivery-order analysis uses it so batched runs print in Click's order.
   */
  readonly writesStream?: 'stderr' | 'stdout';
  /**
   * State shared by every element that names it, taken from per packet in
   * arrival order (the router's ICMP error IP ID, its random number
   * sequence): Click numbers or draws in its packet-at-a-time order, so the
   * delivery analysis keeps that order among the elements sharing it, as it
   * does for a shared stream.
   */
  readonly sharedState?: readonly string[];
  /**
   * Whether this configuration can take from `sharedState` at all (default:
   * it can). IPFragmenter draws a random IP ID only with HONOR_DF false; with
   * the default it needs none of the ordering, and its packets go on in batches.
   */
  takesSharedState?(conf: C): boolean;
  /**
   * The element acts on the rest of the router while it handles a packet
   * (Counter's COUNT_CALL writes a handler): packets it emits must go on one
   * at a time, or earlier packets of a batch would see the later effect.
   * (Method syntax, for the same reason as `configure`.)
   */
  perPacketEffects?(conf: C): boolean;
  /**
   * The element reads or writes other elements' handlers, or stops the
   * router, from its own timers or tasks (an active Script): it sees how far
   * a batch got, so engines keep to Click's bursts (graph/batching.ts).
   */
  actsOnRouter?(conf: C): boolean;
  /** Named sub-configurations other elements may look up (e.g. IPRewriter mappers). */
  readonly provides?: readonly string[];
}

/** Identity helper that keeps the spec's argument and config types inferred. */
export function defineElement<A extends ArgDefs, C = ArgValues<A>, E extends HostElement<C> = HostElement<C>>(
  spec: ElementSpec<A, C, E>,
): ElementSpec<A, C, E> {
  return spec;
}

/** The type-erased spec the registry and the checker handle. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyElementSpec = ElementSpec<ArgDefs, any, HostElement<any>>;
