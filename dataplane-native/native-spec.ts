// How an element class tells the native compiler about its C implementation.
// The C file beside the element's TypeScript file defines `struct <prefix>`
// and the entry points the class needs (see dataplane-native/README.md);
// `init` renders the configuration, already parsed and checked in TypeScript,
// as the C initializer of that struct, so the dataplane never parses text.

export interface NativeSpec<C> {
  /** C file name, relative to the element's TypeScript file (e.g. 'counter.c'). */
  readonly source: string;
  /** Identifier prefix of the struct and functions (e.g. 'counter'). */
  readonly prefix: string;
  /** C designated-initializer body for `struct <prefix>` (without braces). */
  init(conf: C, ctx: NativeInitContext): string;
}

/** What `init` may ask of the compiler. */
export interface NativeInitContext {
  readonly elementName: string;
  readonly ninputs: number;
  readonly noutputs: number;
  /** Emit a static constant array at file scope and return its C name. */
  constArray(ctype: string, values: readonly (number | bigint | string)[]): string;
  /** Emit a static byte array holding `bytes` and return its C name. */
  constBytes(bytes: Uint8Array): string;
  /** A C string literal for `s` (bytes 0-255). */
  cString(s: string): string;
  /** The C name of another element's instance struct (for element references). */
  elementRef(name: string): string;
}
