// How an element class tells the native compiler about its C implementation.
// The C file beside the element's TypeScript file defines `struct <prefix>`
// (starting with `CvmElement base;`) and the entry points the class needs;
// `init` renders the configuration, already parsed and checked in
// TypeScript, as C initializers of that struct, so the dataplane never
// parses text. The contract is spelled out in dataplane-native/README.md.

import { fileURLToPath } from 'node:url';
import { dirname, join, relative } from 'node:path';

export interface NativeSpec<C> {
  /** C file, relative to the repository root (use `nativeSource`). */
  readonly source: string;
  /** Identifier prefix of the struct and functions (e.g. 'counter'). */
  readonly prefix: string;
  /** Designated initializers for the class's own fields (e.g. `.limit = 5, .data = e3_data`). */
  init?(conf: C, ctx: NativeInitContext): string;
  /**
   * The class emits at most one packet per packet it reads, in order, so in
   * batch delivery output 0 may reuse the input batch. Required for agnostic
   * classes used in pull paths without their own `pull` function.
   */
  readonly inPlace?: boolean;
  /** Entry points the C file defines besides `<prefix>_push` (see the README). */
  /**
   * Whether this instance runs a task (the host element calls env.task());
   * default: whenever `hooks.task` is set. Decides `canBatch`.
   */
  usesTask?(conf: C, ports: { readonly inputs: readonly ('push' | 'pull')[]; readonly outputs: readonly ('push' | 'pull')[] }): boolean;
  /**
   * The part this class can play in a lock-step pair (dataplane-native/
   * lockstep.ts): a task pushing straight into a queue that a second task
   * drains. 'source': C defines `uint32_t <prefix>_lockstep_round(e)` (packets
   * one run sends as configured) and `<prefix>_lockstep_batch(e)` (packets it
   * sends with `can_batch` set, a field the generated code sets per run);
   * 'queue': `int <prefix>_lockstep_begin(e, int may, uint32_t round,
   * uint32_t batch)` (called every run, so a refused round is never capped);
   * 'drain': `uint32_t <prefix>_lockstep_burst(e)` (0: cannot keep pace) and a
   * `lockstep_pull` field, the packets a run pulls at least.
   */
  readonly lockstep?: 'source' | 'queue' | 'drain';
  readonly hooks?: {
    readonly init?: boolean;     // int <prefix>_init(struct <prefix> *e, CvmStr *err)
    readonly cleanup?: boolean;  // void <prefix>_cleanup(struct <prefix> *e)
    readonly pull?: boolean;     // void <prefix>_pull(e, int port, PacketBatch *b, unsigned max, CvmIn *in, CvmOut *out)
    readonly task?: boolean;     // int <prefix>_run_task(e, CvmIn *in, CvmOut *out); struct has `CvmTask task`
    readonly timer?: boolean;    // void <prefix>_run_timer(e, CvmIn *in, CvmOut *out); struct has `CvmTimer timer`
    readonly held?: boolean;     // uint64_t <prefix>_held(struct <prefix> *e)
    readonly stopped?: boolean;  // int <prefix>_handle_stopped(struct <prefix> *e): 1 keeps the driver running
    /** Hot reconfiguration (runtime/hotswap.h): void <prefix>_take_state(struct <prefix> *e, struct <prefix> *old, CvmHotswap *hs) */
    readonly takeState?: boolean;
  };
  /**
   * Code specialised for one instance (compiled classifiers), emitted at file
   * scope. It must define `static inline void <inst>_push(struct <prefix> *e,
   * int port, Packet **in, unsigned n, CvmOut *out)`, used instead of the
   * class's push function. It also defines the C functions of the spec's
   * `instanceHandlers` (names that depend on the configuration):
   * `<inst>_read_<name>(struct <prefix> *e, CvmStr *o)` and/or
   * `<inst>_write_<name>(struct <prefix> *e, const char *value, CvmStr *err)`.
   */
  instanceCode?(conf: C, ctx: NativeInitContext, inst: string): string;
}

/** What `init` may ask of the compiler. */
export interface NativeInitContext {
  readonly elementName: string;
  /** The C identifier of this instance (e.g. `e3`), for naming file-scope data. */
  readonly instance: string;
  readonly ninputs: number;
  readonly noutputs: number;
  /** Push or pull, per port, as the checker resolved them. */
  readonly inputs: readonly ('push' | 'pull')[];
  readonly outputs: readonly ('push' | 'pull')[];
  /**
   * The host engine's env.canBatch(): this element is the only one with
   * ports that runs a task, so bursts bigger than Click's cannot be observed.
   */
  readonly canBatch: boolean;
  /** Emit a static constant array at file scope and return its C name. */
  constArray(ctype: string, values: readonly (number | bigint | string)[]): string;
  /** Emit a static constant byte array holding `bytes` and return its C name. */
  constBytes(bytes: Uint8Array): string;
  /** A C string literal for `s` (characters 0-255 as bytes). */
  cString(s: string): string;
  /** `&eN.base`-style pointer to another element's struct, by element name (resolved like Click). */
  elementRef(name: string): string;
}

/** Repository root (works from the sources and from dist/). */
export const repoRoot = (() => {
  const here = dirname(fileURLToPath(import.meta.url));
  const root = join(here, '..');
  return root.endsWith('/dist') || root.endsWith('\\dist') ? join(root, '..') : root;
})();

/** Path of a C file beside the calling module, relative to the repository root. */
export function nativeSource(moduleUrl: string, file: string): string {
  const abs = join(dirname(fileURLToPath(moduleUrl)), file);
  const rel = relative(repoRoot, abs);
  return rel.startsWith('dist/') ? rel.slice(5) : rel;
}
