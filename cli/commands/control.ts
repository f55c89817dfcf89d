// `clickvm control`: call a running router's handlers through its
// ControlSocket (either engine's, `clickvm run -p/-u`, a compiled binary's
// -p/-u, or a ControlSocket element).
//
//   clickvm control HOST:PORT|PORT|PATH read ELEMENT.HANDLER [PARAM]
//   clickvm control TARGET write ELEMENT.HANDLER [VALUE...]
//   clickvm control TARGET list
//   clickvm control TARGET check ELEMENT.HANDLER
//
// A read prints the value (with a final newline, as `-h` does); a refused
// command prints the server's reply code and message and exits 1.

import type { CommandModule } from 'yargs';
import { ControlClient, ControlError, type ControlEndpoint } from '../../host-engine/control/client.js';
import { ExitStatus, io, UsageError } from '../report.js';

interface ControlArgs {
  target?: string;
  action?: string;
  args?: (string | number)[];
  timeout?: number;
}

/** `HOST:PORT` or a bare `PORT` is TCP; anything else is a UNIX socket path. */
export function parseControlTarget(t: string): ControlEndpoint {
  const m = /^(?:(.*):)?(\d{1,5})$/.exec(t);
  if (m && Number(m[2]) <= 65535) return { host: m[1] || '127.0.0.1', port: Number(m[2]) };
  return { path: t };
}

async function controlHandler(argv: ControlArgs): Promise<void> {
  const target = argv.target!;
  const action = argv.action!;
  const rest = (argv.args ?? []).map(String);
  const need = (n: number, usage: string) => {
    if (rest.length < n) throw new UsageError(`usage: clickvm control TARGET ${usage}`);
  };
  if (action === 'read') need(1, 'read HANDLER [PARAM]');
  else if (action === 'write') need(1, 'write HANDLER [VALUE...]');
  else if (action === 'check') need(1, 'check HANDLER');
  else if (action !== 'list') throw new UsageError(`unknown control action '${action}' (read, write, list, check)`);

  let client: ControlClient;
  try {
    client = await ControlClient.connect(parseControlTarget(target), { timeoutMs: argv.timeout });
  } catch (e) {
    io.err(`clickvm: ${target}: ${e instanceof Error ? e.message : String(e)}\n`);
    throw new ExitStatus(1);
  }
  try {
    if (action === 'read') {
      const v = await client.read(rest[0]!, rest.length > 1 ? rest.slice(1).join(' ') : undefined);
      io.out(v && !v.endsWith('\n') ? `${v}\n` : v);
    } else if (action === 'write') {
      await client.write(rest[0]!, rest.slice(1).join(' '));
    } else if (action === 'list') {
      io.out((await client.list()).map((n) => `${n}\n`).join(''));
    } else {
      const h = rest[0]!;
      const r = await client.checkRead(h);
      const w = await client.checkWrite(h);
      io.out(`${h}\t${r ? 'r' : ''}${w ? 'w' : ''}\n`);
      if (!r && !w) throw new ExitStatus(1);
    }
  } catch (e) {
    if (e instanceof ControlError) {
      io.err(`clickvm: ${e.message}\n`);
      throw new ExitStatus(1);
    }
    throw e;
  } finally {
    await client.close();
  }
}

export const controlCommand: CommandModule<object, ControlArgs> = {
  command: 'control <target> <action> [args..]',
  describe: "call a running router's handlers through its ControlSocket (TARGET: HOST:PORT, PORT or a UNIX socket PATH; ACTION: read H [PARAM], write H [VALUE], list, check H)",
  builder: (y) =>
    y
      .positional('target', { type: 'string', describe: 'HOST:PORT, PORT, or the path of a UNIX socket' })
      .positional('action', { type: 'string', describe: 'read, write, list or check' })
      .positional('args', { type: 'string', array: true, describe: 'the handler, then a read parameter or the value to write' })
      .option('timeout', { type: 'number', default: 10000, describe: 'ms to wait for the connection and the banner' }),
  handler: controlHandler,
};
