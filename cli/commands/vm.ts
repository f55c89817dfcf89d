// `clickvm vm …`: middleboxes as VMs, for operators and the scripts of
// orchestrators. Each subcommand is one call of vm-image/middlebox.ts.
//
//   clickvm vm start router.click --name r1 --nic dgram:9000:9001 --nic dgram:9002:9003
//   clickvm vm list [--json]
//   clickvm vm read r1 c.count        clickvm vm write r1 c.reset ''
//   clickvm vm console r1             clickvm vm stop r1

import { closeSync, openSync, readSync } from 'node:fs';
import type { Argv, CommandModule } from 'yargs';
import { InstanceError } from '../../vm-image/instances.js';
import { consoleOutput, listMiddleboxes, readHandler, startMiddlebox, stopMiddlebox, writeHandler, type Middlebox } from '../../vm-image/middlebox.js';
import { NicSpecError } from '../../vm-image/nic-spec.js';
import { imageForConfig, readManifest } from '../../vm-image/image.js';
import { readInput } from '../input.js';
import { CommandError, io, printDiagnostics, UsageError } from '../report.js';

/** Whether `path` is an ELF file (an image) rather than a configuration. */
function isImage(path: string): boolean {
  let fd: number | undefined;
  try {
    fd = openSync(path, 'r');
    const head = Buffer.alloc(4);
    return readSync(fd, head, 0, 4, 0) === 4 && head.equals(Buffer.from([0x7f, 0x45, 0x4c, 0x46]));
  } catch {
    return false;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/** Errors of the VM layer become one-line command errors. */
async function vmCall<T>(body: () => Promise<T> | T): Promise<T> {
  try {
    return await body();
  } catch (e) {
    if (e instanceof InstanceError || e instanceof NicSpecError) throw new CommandError(e.message);
    if (e instanceof Error && e.name === 'ControlError') throw new CommandError(e.message);
    throw e;
  }
}

function formatUptime(ms: number | undefined): string {
  if (ms === undefined) return '-';
  const s = Math.floor(ms / 1000);
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor(s / 60) % 60).padStart(2, '0')}m`;
}

function stateText(mb: Middlebox): string {
  const s = mb.state;
  if (s.state === 'exited') return s.status === 0 ? 'exited' : `exited(${s.status})`;
  if (s.state === 'crashed') return `crashed: ${s.reason}`;
  return s.state;
}

function table(rows: string[][]): string {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  return rows.map((r) => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]!))).join('  ').trimEnd() + '\n').join('');
}

interface StartArgs {
  target?: string;
  params?: string[];
  define?: string | string[];
  name?: string;
  nic?: string[];
  accel?: string;
  memory?: string;
  arg?: string[];
}

const start: CommandModule<object, StartArgs> = {
  command: 'start <target> [params..]',
  describe: 'boot a configuration (built into an image first) or an image as a VM',
  builder: (y) =>
    y
      .positional('target', { type: 'string', describe: 'a .click configuration or an image from `clickvm image`' })
      .positional('params', { type: 'string', array: true, describe: 'NAME=VALUE settings for $NAME (configurations)' })
      .option('define', { alias: 'D', type: 'string', requiresArg: true, describe: 'set $NAME to VALUE (repeatable)' })
      .option('name', { type: 'string', demandOption: true, requiresArg: true, describe: 'instance name' })
      .option('nic', { type: 'string', array: true, requiresArg: true, describe: 'a NIC, in guest order: dgram:LPORT:RPORT[@HOST], unix:LPATH:RPATH, listen:PORT, connect:PORT, tap:IFNAME' })
      .option('accel', { type: 'string', choices: ['kvm', 'tcg', 'auto'], default: 'tcg', describe: 'accelerator (auto: KVM where the CPU has vmx/svm)' })
      .option('memory', { alias: 'm', type: 'string', default: '16M', describe: 'guest memory' })
      .option('arg', { type: 'string', array: true, requiresArg: true, describe: "an option for the router in the guest (e.g. --arg=-h --arg=c.count prints at exit)" }),
  handler: async (args) => {
    const target = args.target!;
    let image = target;
    let nicsNeeded: number | undefined;
    let config: string | undefined;
    if (isImage(target)) {
      const manifest = readManifest(target);
      nicsNeeded = manifest?.nics;
      config = manifest?.config;
    } else {
      const input = readInput({ file: target, params: args.params, define: args.define });
      const built = imageForConfig(input);   // cached: unchanged configurations are not rebuilt
      printDiagnostics(built.warnings);
      image = built.built.output;
      nicsNeeded = built.nics.count;
      config = input.fileName;
    }
    const mb = await vmCall(() =>
      startMiddlebox({
        name: args.name!,
        image,
        config,
        nics: args.nic ?? [],
        nicsNeeded,
        accel: args.accel as 'kvm' | 'tcg' | 'auto',
        memory: args.memory,
        args: args.arg ?? [],
      }),
    );
    const pid = mb.state.state === 'running' ? mb.state.pid : '-';
    io.out(`started ${mb.name}: pid ${pid}, accel ${mb.accel}, memory ${mb.memory}, ${mb.nics.length} NIC${mb.nics.length === 1 ? '' : 's'}${mb.nics.length ? ` (${mb.nics.join(', ')})` : ''}\n`);
  },
};

const list: CommandModule<object, { json?: boolean }> = {
  command: 'list',
  describe: 'the VMs and their state (running, exited, crashed)',
  builder: (y) => y.option('json', { type: 'boolean', describe: 'one JSON array, for scripts' }),
  handler: (args) => {
    const all = listMiddleboxes();
    if (args.json) {
      io.out(JSON.stringify(all.map((m) => ({ ...m, started: m.started.toISOString() })), null, 2) + '\n');
      return;
    }
    if (all.length === 0) {
      io.out('no VMs\n');
      return;
    }
    const rows = [['NAME', 'PID', 'STATE', 'UPTIME', 'NICS', 'IMAGE']];
    for (const m of all) {
      const pid = m.state.state === 'running' || m.state.state === 'starting' ? String(m.state.pid) : '-';
      rows.push([m.name, pid, stateText(m), formatUptime(m.uptimeMs), m.nics.join(',') || '-', m.image]);
    }
    io.out(table(rows));
  },
};

const nameArg = <T>(y: Argv<T>) => y.positional('name', { type: 'string', demandOption: true, describe: 'instance name' });

const stop: CommandModule<object, { name?: string }> = {
  command: 'stop <name>',
  describe: 'stop a VM and forget it',
  builder: nameArg,
  handler: async (args) => {
    const end = await vmCall(() => stopMiddlebox(args.name!));
    io.out(`stopped ${args.name}${end.state === 'crashed' ? ` (it had crashed: ${end.reason})` : ''}\n`);
  },
};

const read: CommandModule<object, { name?: string; handler?: string }> = {
  command: 'read <name> <handler>',
  describe: 'print a read handler of a running VM (elem.handler)',
  builder: (y) => nameArg(y).positional('handler', { type: 'string', demandOption: true }),
  handler: async (args) => {
    const value = await vmCall(() => readHandler(args.name!, args.handler!));
    io.out(value.endsWith('\n') || value === '' ? value : `${value}\n`);
  },
};

const write: CommandModule<object, { name?: string; handler?: string; value?: string[] }> = {
  command: 'write <name> <handler> [value..]',
  describe: 'call a write handler of a running VM',
  builder: (y) => nameArg(y).positional('handler', { type: 'string', demandOption: true }).positional('value', { type: 'string', array: true }),
  handler: async (args) => {
    await vmCall(() => writeHandler(args.name!, args.handler!, (args.value ?? []).join(' ')));
  },
};

const consoleCmd: CommandModule<object, { name?: string }> = {
  command: 'console <name>',
  describe: "print what a VM's serial console has shown",
  builder: nameArg,
  handler: async (args) => {
    io.out(await vmCall(() => consoleOutput(args.name!)));
  },
};

export const vmCommand: CommandModule<object, object> = {
  command: 'vm <command>',
  describe: 'run middleboxes as VMs: start, list, stop, read, write, console',
  builder: (y) =>
    y
      .command(start)
      .command(list)
      .command(stop)
      .command(read)
      .command(write)
      .command(consoleCmd)
      .demandCommand(1, 'give a vm command: start, list, stop, read, write or console'),
  handler: () => {
    throw new UsageError('give a vm command: start, list, stop, read, write or console');
  },
};

