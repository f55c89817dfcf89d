// Turning a capture-driven configuration (FromDump in, ToDump out: the
// conformance cases) into one a VM can run on its NICs: the FromDump becomes
// FromDevice(0), the k-th ToDump (in text order) becomes a Queue feeding
// ToDevice(k + 1), and a Script stops the router once the expected number of
// frames has arrived (counted or dropped), after a pause for the queues to
// drain. Text in, text out: the rest of the configuration is untouched, so
// the VM runs the same graph the host engine runs on the capture.

export interface DeviceRewriteOptions {
  /** Stop once FromDevice has counted this many frames plus its device's drops; no Script when absent. */
  readonly stopAfter?: number;
  /** Milliseconds to let the queues drain before stopping; default 200. */
  readonly settleMs?: number;
  /** Capacity of each Queue put before a ToDevice; default 1000. */
  readonly queueCapacity?: number;
}

export interface DeviceRewrite {
  /** The rewritten configuration. */
  readonly text: string;
  /** The FromDump's file (its first argument). */
  readonly input: string;
  /** The ToDump files in text order: outputs[k] goes to NIC k + 1. */
  readonly outputs: readonly string[];
  /** The FromDevice element's name (for its count and kernel_drops handlers). */
  readonly rx: string;
  /** The ToDevice elements' names, in the order of outputs. */
  readonly tx: readonly string[];
}

export class DeviceRewriteError extends Error {
  override name = 'DeviceRewriteError';
}

/** The text with comments blanked out (same length, so offsets stay valid); quoted strings kept. */
function blankComments(text: string): string {
  let out = '';
  let i = 0;
  while (i < text.length) {
    const c = text[i]!;
    if (c === '"' || c === "'") {
      let j = i + 1;
      while (j < text.length && text[j] !== c) j += text[j] === '\\' ? 2 : 1;
      out += text.slice(i, j + 1);
      i = j + 1;
    } else if (text.startsWith('//', i)) {
      const j = text.indexOf('\n', i);
      const end = j < 0 ? text.length : j;
      out += ' '.repeat(end - i);
      i = end;
    } else if (text.startsWith('/*', i)) {
      const j = text.indexOf('*/', i + 2);
      const end = j < 0 ? text.length : j + 2;
      out += text.slice(i, end).replace(/[^\n]/g, ' ');
      i = end;
    } else {
      out += c;
      i++;
    }
  }
  return out;
}

/** First argument of a configuration string, unquoted. */
function firstArg(args: string): string {
  const a = args.split(',')[0]!.trim();
  return /^".*"$/.test(a) ? a.slice(1, -1) : a;
}

export function rewriteDumpsToDevices(text: string, opts: DeviceRewriteOptions = {}): DeviceRewrite {
  const scan = blankComments(text);
  const used = new Set([...scan.matchAll(/([A-Za-z_][\w@/]*)\s*::/g)].map((m) => m[1]!));
  const fresh = (base: string): string => {
    let name = base;
    for (let i = 2; used.has(name); i++) name = `${base}_${i}`;
    used.add(name);
    return name;
  };
  const edits: { from: number; to: number; text: string }[] = [];
  let input: string | undefined;
  let rx = '';
  for (const m of scan.matchAll(/(?:([A-Za-z_][\w@/]*)\s*::\s*)?\bFromDump\s*\(([^()]*)\)/g)) {
    if (input !== undefined) throw new DeviceRewriteError('more than one FromDump: only one input capture can become NIC 0');
    input = firstArg(m[2]!);
    rx = m[1] ?? fresh('vm_rx');
    edits.push({ from: m.index!, to: m.index! + m[0].length, text: `${rx} :: FromDevice(0)` });
  }
  if (input === undefined) throw new DeviceRewriteError('no FromDump: nothing to feed from NIC 0');
  const outputs: string[] = [];
  const tx: string[] = [];
  const capacity = opts.queueCapacity ?? 1000;
  for (const m of scan.matchAll(/(::\s*)?\bToDump\s*\(([^()]*)\)/g)) {
    if (m[1]) {
      throw new DeviceRewriteError(
        `a declared ToDump (${text.slice(Math.max(0, m.index! - 20), m.index! + m[0].length).trim()}): only ToDumps written inline in a connection can be rewritten`,
      );
    }
    outputs.push(firstArg(m[2]!));
    const name = fresh(`vm_tx${outputs.length}`);
    tx.push(name);
    // ToDevice pulls; the Queue makes the push path before it end where ToDump stood.
    edits.push({ from: m.index!, to: m.index! + m[0].length, text: `Queue(${capacity}) -> ${name} :: ToDevice(${outputs.length})` });
  }
  edits.sort((a, b) => a.from - b.from);
  let out = '';
  let at = 0;
  for (const e of edits) {
    out += text.slice(at, e.from) + e.text;
    at = e.to;
  }
  out += text.slice(at);
  if (opts.stopAfter !== undefined) {
    const settle = opts.settleMs ?? 200;
    const stop = fresh('vm_stop');
    out +=
      `\n// Stop once ${opts.stopAfter} frames came in (forwarded or dropped), after ${settle} ms for the queues to drain.\n` +
      `${stop} :: Script(label wait, wait 5ms, goto wait $(lt $(add $(${rx}.count) $(${rx}.kernel_drops)) ${opts.stopAfter}), wait ${settle}ms, stop);\n`;
  }
  return { text: out, input, outputs, rx, tx };
}
