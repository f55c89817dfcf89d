// Running a router with ControlSockets on either engine, and talking to it
// with raw sockets, for the conversation tests.

import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import '../../elements/registry.js';
import { loadConfig } from '../../config-lang/load.js';
import { generateC } from '../../dataplane-native/codegen.js';
import { buildNative } from '../../dataplane-native/build.js';
import { Router, type RunResult } from '../../host-engine/router.js';
import type { ControlSocketElement } from '../../elements/driver/control-socket.js';
import { NATIVE_CACHE_DIR } from '../native/engines.js';
import { controlConfig } from './conversations.js';

export type Endpoint = { readonly port: number } | { readonly path: string };

export interface Running {
  readonly tcp: Endpoint;
  readonly unix: Endpoint;
  readonly readOnly: Endpoint;
  /** Stop the router; resolves with what its end says (accounting, counts). */
  stop(): Promise<{ accountingOk: boolean; forwarded: number; detail: string }>;
}

function socketDir(): { dir: string; unix: string; readOnly: string } {
  const dir = mkdtempSync(join(tmpdir(), 'cvm-cs-'));
  return { dir, unix: join(dir, 'cs.sock'), readOnly: join(dir, 'ro.sock') };
}

/** The host engine, in this process: runAsync serves the sockets between rounds. */
export async function startHost(): Promise<Running> {
  const paths = socketDir();
  const text = controlConfig(paths);
  const router = new Router(loadConfig(text, 'control.click'), { stderr: () => undefined });
  router.initialize();
  const running: Promise<RunResult> = router.runAsync();
  const tcpEl = router.element('tcp') as ControlSocketElement;
  await tcpEl.listening;
  for (const n of ['cs', 'ro']) await (router.element(n) as ControlSocketElement).listening;
  return {
    tcp: { port: tcpEl.port },
    unix: { path: paths.unix },
    readOnly: { path: paths.readOnly },
    async stop() {
      router.requestStop();
      await running;
      const forwarded = Number(router.readHandler('d.count'));
      const report = router.accounting();
      router.cleanup();
      rmSync(paths.dir, { recursive: true, force: true });
      return { accountingOk: report.ok, forwarded, detail: JSON.stringify(report.violations) };
    },
  };
}

/** The same configuration compiled into a standalone binary (ASan/UBSan with `sanitize`), TCP through its -p 0. */
export async function startNative(sanitize: boolean): Promise<Running & { readonly child: ChildProcess }> {
  const paths = socketDir();
  const text = controlConfig(paths);
  const bin = buildNative(generateC(loadConfig(text, 'control.click'), { configText: text }), { kind: 'exe', sanitize, cacheDir: NATIVE_CACHE_DIR }).output;
  const child = spawn(bin, ['-p', '0', '--accounting', '-h', 'd.count'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d: Buffer) => (stdout += d.toString()));
  const port = await new Promise<number>((resolve, reject) => {
    child.stderr!.on('data', (d: Buffer) => {
      stderr += d.toString();
      const m = /clickvm-control-port (\d+)/.exec(stderr);
      if (m) resolve(Number(m[1]));
    });
    child.once('exit', (code) => reject(new Error(`router exited (${code}): ${stderr}`)));
  });
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  return {
    child,
    tcp: { port },
    unix: { path: paths.unix },
    readOnly: { path: paths.readOnly },
    async stop() {
      child.kill('SIGTERM');
      const code = await exited;
      rmSync(paths.dir, { recursive: true, force: true });
      return { accountingOk: code === 0, forwarded: Number(stdout.trim()), detail: `exit ${code}: ${stderr}` };
    },
  };
}

export function open(ep: Endpoint): Socket {
  return 'port' in ep ? connect({ host: '127.0.0.1', port: ep.port }) : connect(ep.path);
}

const BANNER = 'Click::ControlSocket/1.3\r\n';

/**
 * One conversation on a fresh connection: check the banner, send the
 * chunks (a pause after each, so they arrive as separate reads), close our
 * sending side, and return everything after the banner once the server
 * closes.
 */
export function converse(ep: Endpoint, chunks: readonly (string | Buffer)[]): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const sock = open(ep);
    const got: Buffer[] = [];
    sock.on('data', (d: Buffer) => got.push(d));
    sock.on('error', reject);
    sock.on('close', () => {
      const all = Buffer.concat(got);
      if (all.toString('latin1', 0, BANNER.length) !== BANNER) reject(new Error(`no banner: ${JSON.stringify(all.toString('latin1', 0, 60))}`));
      else resolve(all.subarray(BANNER.length));
    });
    sock.once('connect', async () => {
      for (const c of chunks) {
        // a closed connection (the server gave up on us) takes no more
        if (sock.destroyed || !sock.writable) break;
        if (!sock.write(c)) await new Promise((r) => sock.once('drain', r));
        await new Promise((r) => setTimeout(r, 2));
      }
      sock.end();
    });
  });
}
