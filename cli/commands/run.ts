// `clickvm run`: run a configuration on the host engine (or, with
// `--engine native`, compiled into the native dataplane and loaded
// in-process), with the options of Click's userlevel `click` driver
// (userlevel/click.cc, doc/click.1):
//
//   FILE | -f FILE | -e EXPR   the configuration (`-`, or none of them, reads
//                              standard input)
//   NAME=VALUE ...             override `define`d $NAME values
//   -h ELEMENT.HANDLER         after the run, print a read handler (repeatable;
//                              patterns and class names expand as in Click)
//   -x ELEMENT.HANDLER         exit status from a handler's value
//   -q                         initialize but do not run
//   -o FILE                    write the flat configuration (`-o -`: stdout)
//   -t                         print the run's user/system/elapsed time
//   -w                         no warnings
//   --simtime[=SECONDS]        simulated time (default start 10^9 s)
//   --seed N                   seed of the random generator
//   --engine host|native       which engine runs it (default host)
//   -p PORT, -u PATH           a ControlSocket on TCP PORT (`PORT+`: or a
//                              port above) or UNIX socket PATH (repeatable),
//                              added as Click's driver adds them
//                              (click_driver@@ControlSocket, ...@2, ...); the
//                              run then lasts until stopped
//   -R, --allow-reconfigure    provide the write-only global handler
//                              `hotconfig`: writing a configuration to it
//                              (e.g. through a ControlSocket) swaps it in
//                              while running, state carried over
//                              (host-engine/hotconfig.ts; with --engine
//                              native, dataplane-native/native-hotconfig.ts:
//                              gcc runs while the old router forwards)
//
// FromDevice(eth0)/ToDevice(eth0) open the Linux interface eth0 through
// AF_PACKET rings on either engine (dataplane-native/runtime/device-afpacket.c;
// the host engine reaches it through koffi); such a router runs until
// stopped (SIGINT, a `stop` handler write, a DriverManager).
//
// Differences from Click, on purpose: the run also ends when nothing can
// happen any more (no task did work in a round, no timer is pending and no
// interface can bring frames);
// -t prints to standard error, not standard output; and every element's
// packet accounting is checked at the end (`--no-check-accounting` to skip),
// an imbalance being an error with exit status 1.

import type { Argv, CommandModule } from 'yargs';
import { ClickError } from '../../config-lang/diagnostics.js';
import { elaborateConfig } from '../../config-lang/load.js';
import { checkGraph } from '../../graph/check.js';
import { lookupClass, registry } from '../../elements/registry.js';
import { formatAccountingTable, formatViolation } from '../../host-engine/accounting.js';
import { exitStatusFromHandler, printReadHandlers } from '../../host-engine/driver-handlers.js';
import { parseSeed } from '../../host-engine/random.js';
import { KernelDevices } from '../../host-engine/kernel-devices.js';
import { ElementFailure, Router } from '../../host-engine/router.js';
import { HotConfigDriver, HOTCONFIG_FILE_NAME } from '../../host-engine/hotconfig.js';
import { NativeDriver } from '../../dataplane-native/native-driver.js';
import { NativeHotConfigDriver } from '../../dataplane-native/native-hotconfig.js';
import { INPUT_POSITIONALS, inputOptions, readInput, type InputArgs } from '../input.js';
import { diagnosticStyle, ExitStatus, io, printDiagnostics, UsageError, writeOutput } from '../report.js';

export interface RunArgs extends InputArgs {
  f?: string;
  handler?: string | string[];
  'exit-handler'?: string;
  quit?: boolean;
  output?: string;
  time?: boolean;
  w?: boolean;
  warnings?: boolean;
  simtime?: string;
  seed?: string;
  'check-accounting'?: boolean;
  accounting?: boolean;
  engine?: 'host' | 'native';
  'march-native'?: boolean;
  port?: string | string[];
  unix?: string | string[];
  'allow-reconfigure'?: boolean;
}

/** A line writer that batches text for io.err/io.out (a run may print millions of lines). */
class BufferedLines {
  private parts: string[] = [];
  private size = 0;
  constructor(private readonly sink: (text: string) => void) {}
  readonly line = (l: string): void => {
    this.parts.push(l, '\n');
    this.size += l.length + 1;
    if (this.size > 1 << 16) this.flush();
  };
  flush(): void {
    if (!this.parts.length) return;
    const text = this.parts.join('');
    this.parts = [];
    this.size = 0;
    this.sink(text);
  }
}

/** `--simtime` takes an optional start time; a non-numeric value is really the FILE after it. */
function simtimeStart(args: RunArgs): { start: bigint | boolean; stray?: string } {
  if (args.simtime === undefined) return { start: false };
  const v = String(args.simtime);
  if (v === '' || v === 'true') return { start: true };
  if (/^\d+(\.\d+)?$/.test(v)) {
    const [sec = '0', frac = ''] = v.split('.');
    return { start: BigInt(sec) * 1_000_000_000n + BigInt((frac + '000000000').slice(0, 9)) };
  }
  return { start: true, stray: v };
}

/** Click's -t line: user and system CPU seconds, then elapsed minutes:seconds.hundredths. */
export function formatTimes(userUs: number, sysUs: number, elapsedNs: bigint): string {
  const ms = (us: number) => {
    const r = Math.round(us / 1000);
    return `${Math.floor(r / 1000)}.${String(r % 1000).padStart(3, '0')}`;
  };
  const cs = Number((elapsedNs + 5_000_000n) / 10_000_000n);
  const sec = Math.floor(cs / 100);
  return `${ms(userUs)}u ${ms(sysUs)}s ${Math.floor(sec / 60)}:${String(sec % 60).padStart(2, '0')}.${String(cs % 100).padStart(2, '0')}\n`;
}

function asList(v: string | string[] | undefined): string[] {
  return v === undefined ? [] : Array.isArray(v) ? v.map(String) : [String(v)];
}

/**
 * The ControlSocket elements -p and -u add, named as Click's driver names
 * them, appended to the configuration (after it, so its diagnostics keep
 * their positions; the `config` handler still shows the text as given).
 */
export function controlSocketText(ports: readonly string[], paths: readonly string[]): string {
  const specs = [
    ...ports.map((p) => {
      if (!/^\d+\+?$/.test(p) || Number(p.replace('+', '')) > 65535) throw new UsageError(`-p expects a TCP port (or PORT+), not '${p}'`);
      return `TCP, ${p}`;
    }),
    ...paths.map((u) => `UNIX, ${JSON.stringify(u)}`),
  ];
  return specs.map((s, i) => `\nclick_driver@@ControlSocket${i ? `@${i + 1}` : ''} :: ControlSocket(${s});`).join('');
}

/**
 * Errors in the configuration stop the run before it starts. With
 * --click-diagnostics, those Click's driver finds after reading the
 * configuration (element arguments, ports, initialization; not syntax, names
 * or unknown classes, which its reader reports) end as there, with the line
 * `Router could not be initialized!`.
 */
function initFailure<T>(f: () => T, initializing: boolean): T {
  try {
    return f();
  } catch (e) {
    if (!(e instanceof ClickError) || diagnosticStyle.style !== 'click') throw e;
    printDiagnostics(e.diagnostics);
    if (initializing && !e.diagnostics.every((d) => d.severity !== 'error' || d.message.startsWith('unknown element class'))) {
      io.err('Router could not be initialized!\n');
    }
    throw new ExitStatus(1);
  }
}

export async function runHandler(args: RunArgs): Promise<void> {
  // -f FILE is the positional FILE by another name.
  // Positionals after it can only be NAME=VALUE settings (readInput checks).
  if (args.f !== undefined) {
    if (args.expression !== undefined) throw new UsageError('router configuration specified twice');
    const rest = [...(args.file !== undefined ? [args.file] : []), ...(args.params ?? [])];
    args = { ...args, file: args.f, params: rest };
  }
  const sim = simtimeStart(args);
  if (sim.stray !== undefined) {
    args = args.file === undefined ? { ...args, file: sim.stray } : { ...args, params: [sim.stray, ...(args.params ?? [])] };
  }
  let seed: number | undefined;
  if (args.seed !== undefined) {
    seed = parseSeed(String(args.seed));
    if (seed === undefined) throw new UsageError(`--seed expects a nonzero 32-bit integer, not '${args.seed}'`);
  }
  const warnings = args.warnings !== false && !args.w;
  const handlers = asList(args.handler);
  const exitHandlers = asList(args['exit-handler']);
  if (exitHandlers.length > 1) throw new UsageError('--exit-handler specified twice');
  const outputs = asList(args.output);
  if (outputs.length > 1) throw new UsageError('output file specified twice');

  const input = readInput(args, { stdinByDefault: true });
  const socketText = controlSocketText(asList(args.port), asList(args.unix));
  const elaborated = initFailure(() => elaborateConfig(input.text + socketText, input.fileName, { defines: input.defines }), false);
  const graph = initFailure(() => checkGraph(elaborated, { lookupClass, knownClasses: [...registry.keys()] }), true);
  if (warnings) printDiagnostics(graph.warnings);

  const err = new BufferedLines(io.err);
  const out = new BufferedLines(io.out);
  const flushAll = () => {
    err.flush();
    out.flush();
  };
  const classNames = () => [...registry.keys()];
  const devices = new KernelDevices();
  // New configurations get the same ControlSockets, as in Click's driver (they take the old ones' sockets).
  const loadHot = (text: string) => checkGraph(elaborateConfig(text + socketText, HOTCONFIG_FILE_NAME, { defines: input.defines }), { lookupClass, knownClasses: [...registry.keys()] });
  const warnHot = (m: string) => err.line(`clickvm: warning: ${m}`);
  // -R: the driver owns the current router, which each `hotconfig` write may replace.
  const hotNative =
    args['allow-reconfigure'] && args.engine === 'native'
      ? new NativeHotConfigDriver({ load: loadHot, warn: warnHot }, input.text, graph, {
          simtime: sim.start, seed, warnings, classNames, marchNative: args['march-native'], kernelDevices: true,
        })
      : undefined;
  const hot = args['allow-reconfigure'] && !hotNative
    ? new HotConfigDriver(
        {
          load: loadHot,
          makeRouter: (g, hotOpts) => new Router(g, { simtime: sim.start, seed, warnings, classNames, stderr: err.line, stdout: out.line, devices, ...hotOpts }),
          warn: warnHot,
        },
        input.text,
        graph,
      )
    : undefined;
  const first =
    hot?.router ??
    hotNative?.driver ??
    (args.engine === 'native'
      ? new NativeDriver(graph, { simtime: sim.start, seed, warnings, configText: input.text, classNames, marchNative: args['march-native'], kernelDevices: true })
      : new Router(graph, { simtime: sim.start, seed, warnings, configText: input.text, classNames, stderr: err.line, stdout: out.line, devices }));
  /** The router now running: with -R, the latest configuration swapped in. */
  const current = () => hot?.router ?? hotNative?.driver ?? first;

  let status = 0;
  try {
    initFailure(() => current().initialize(), true);

    if (outputs.length) {
      flushAll();
      writeOutput(current().readHandler('flatconfig'), outputs[0]);
    }

    const cpuBefore = process.cpuUsage();
    const wallBefore = process.hrtime.bigint();
    if (!args.quit && graph.elements.length > 0 && hotNative) {
      flushAll();
      // slices of C run between which Node compiles and swaps (dataplane-native/native-hotconfig.ts)
      const ac = new AbortController();
      const onSignal = () => ac.abort();
      process.once('SIGINT', onSignal);
      process.once('SIGTERM', onSignal);
      try {
        await hotNative.runAsync({ signal: ac.signal });
      } finally {
        process.removeListener('SIGINT', onSignal);
        process.removeListener('SIGTERM', onSignal);
      }
    } else if (!args.quit && graph.elements.length > 0 && first instanceof NativeDriver) {
      flushAll();
      first.run(); // the C driver loop handles SIGINT/SIGTERM itself
    } else if (!args.quit && graph.elements.length > 0) {
      const ac = new AbortController();
      // Click's driver: the first interrupt stops the run cleanly, a second one kills.
      const onSignal = () => ac.abort();
      process.once('SIGINT', onSignal);
      process.once('SIGTERM', onSignal);
      try {
        await (hot ?? first).runAsync({ signal: ac.signal });
      } catch (e) {
        if (e instanceof ElementFailure) {
          flushAll();
          const where = current().graph.elements.find((g) => g.name === e.element)!;
          throw new ClickError([{ severity: 'error', message: e.message, span: where.span }]);
        }
        throw e;
      } finally {
        process.removeListener('SIGINT', onSignal);
        process.removeListener('SIGTERM', onSignal);
      }
    } else if (!args.quit && warnings) {
      err.line(`${input.fileName}: warning: configuration has no elements, exiting`);
    }
    if (args.time) {
      const cpu = process.cpuUsage(cpuBefore);
      err.line(formatTimes(cpu.user, cpu.system, process.hrtime.bigint() - wallBefore).trimEnd());
    }

    if (handlers.length) {
      const printed = printReadHandlers(current(), handlers);
      flushAll();
      io.out(printed.stdout);
      for (const m of printed.errors) err.line(`clickvm: ${m}`);
      if (printed.errors.length) status = 1;
    }

    if (exitHandlers.length) {
      const r = exitStatusFromHandler(current(), exitHandlers[0]!);
      if ('error' in r) {
        err.line(`clickvm: ${r.error}`);
        status = 255;
      } else status = r.status;
    }

    const report = current().accounting();
    if (args.accounting) err.line(formatAccountingTable(report).trimEnd());
    if (args['check-accounting'] !== false && !report.ok) {
      for (const v of report.violations) err.line(`clickvm: error: ${formatViolation(v)}`);
      if (status === 0) status = 1;
    }
  } finally {
    try {
      (hot ?? hotNative ?? current()).cleanup();
    } finally {
      flushAll();
    }
  }
  if (status !== 0) throw new ExitStatus(status);
}

export const runCommand: CommandModule<object, RunArgs> = {
  command: `run ${INPUT_POSITIONALS}`,
  describe: 'run a configuration (options as Click\'s userlevel driver) on the host engine or the native dataplane',
  builder: (y: Argv) =>
    inputOptions(y)
      .option('f', { type: 'string', describe: 'read the configuration from FILE', requiresArg: true })
      // Plain strings (not arrays) so `-h c.count config.click` keeps the file;
      // yargs collects repeated options into an array.
      .option('handler', { alias: 'h', type: 'string', describe: 'print read handler ELEMENT.HANDLER after the run (repeatable)', requiresArg: true })
      .option('exit-handler', { alias: 'x', type: 'string', describe: 'exit status from handler ELEMENT.HANDLER', requiresArg: true })
      .option('quit', { alias: 'q', type: 'boolean', describe: 'initialize, but do not run' })
      .option('output', { alias: 'o', type: 'string', describe: 'write the flat configuration to FILE (- for stdout)', requiresArg: true })
      .option('time', { alias: 't', type: 'boolean', describe: 'print how long the run took (to stderr)' })
      .option('w', { type: 'boolean', describe: 'do not print warnings' })
      .option('warnings', { type: 'boolean', describe: 'print warnings (default; --no-warnings is -w)' })
      .option('simtime', { type: 'string', describe: 'simulated time, starting at SECONDS (default 1000000000): reproducible timing' })
      .option('seed', { type: 'string', describe: 'seed of the deterministic random generator (default 0x2545F491)' })
      .option('check-accounting', { type: 'boolean', default: true, describe: 'fail if an element loses or invents packets' })
      .option('engine', { choices: ['host', 'native'] as const, default: 'host' as const, describe: 'host: the TypeScript reference engine; native: compiled C, loaded in-process' })
      .option('march-native', { type: 'boolean', describe: 'with --engine native: compile for this CPU (-march=native)' })
      .option('port', { alias: 'p', type: 'string', describe: 'listen for ControlSocket connections on TCP port PORT (127.0.0.1; repeatable)', requiresArg: true })
      .option('unix', { alias: 'u', type: 'string', describe: 'listen for ControlSocket connections on UNIX socket PATH (repeatable)', requiresArg: true })
      .option('allow-reconfigure', { alias: 'R', type: 'boolean', describe: "provide the write-only 'hotconfig' handler: swap in a new configuration while running" })
      .option('accounting', { type: 'boolean', describe: "print every element's packet counts to stderr after the run" })
      .example('$0 run router.click -h c.count', 'run, then print handler c.count')
      .example('$0 run --simtime -e "InfiniteSource(LIMIT 5, STOP true) -> c :: Counter -> Discard" -h c.count', 'inline configuration')
      .example('$0 run -R -u /tmp/r.sock router.click', 'run; `clickvm control /tmp/r.sock write hotconfig ...` swaps configurations')
      .example('$0 run -qo- router.click', 'print the flat configuration without running') as unknown as Argv<RunArgs>,
  handler: runHandler,
};
