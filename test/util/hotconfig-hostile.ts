// Hostile hot reconfigurations under load, the scenario both engines run
// (test/host-engine/hotconfig.test.ts, test/native/hotconfig.test.ts): a
// bridge with a ControlSocket forwards a stream of numbered frames while a
// client writes one bad configuration after another to `hotconfig`
// (syntax, unknown class, port, argument and initialization errors, a huge
// text with its error at the end, a text over the protocol's data limit),
// then a good one. Each bad one is refused with its errors and the old
// router forwards on; the good one swaps in under the stream. Every frame
// comes out once, in order; the books balance. Beside the bridge a FromDump
// replays a capture in time into a ToDump: the swap finds it half-way, and
// the output file must hold the capture's first packets, each once, after
// one header (the reader's position and the open file carried over).
import type { Test } from 'tap';
import { readFileSync, writeFileSync } from 'node:fs';
import { ControlClient, ControlError } from '../../host-engine/control/client.js';
import { readCapture, writeCapture } from '../../host-engine/pcap.js';
import { frames } from './packets.js';

/** Packets in the replayed capture, 2 ms apart (40 s: never at its end during a test). */
const DUMP_PACKETS = 20_000;

/** The capture FromDump replays: numbered UDP frames. */
export function writeDumpInput(path: string): void {
  writeFileSync(path, writeCapture(numbered(0, DUMP_PACKETS).map((data, i) => ({ tsSec: 1000 + Math.floor(i / 500), tsNsec: (i % 500) * 2_000_000, origLen: data.length, data }))));
}

/** After the run (ToDump flushed): `to` holds the first packets of `from` (at least `count`), each once, in order, after one header. */
export function checkDump(t: Test, from: string, to: string, count: number): void {
  const got = readCapture(readFileSync(to)).packets;
  const want = readCapture(readFileSync(from)).packets.slice(0, got.length);
  t.ok(got.length >= count && got.length < DUMP_PACKETS, `ToDump wrote ${got.length} packets (${count} when last read)`);
  t.ok(
    got.every((p, i) => Buffer.from(p.data).equals(Buffer.from(want[i]!.data)) && p.tsSec === want[i]!.tsSec && p.tsNsec === want[i]!.tsNsec),
    "the capture's first packets, each once, in order: the replay went on where it stood, into the same file",
  );
}

/** What the scenario needs of an engine running `text` (from hostileConfigs) on memory devices a -> b. */
export interface HostileEngine {
  inject(device: string, frames: readonly Uint8Array[]): void;
  collect(device: string): Uint8Array[];
  /** One slice of the run (the event loop gets its turn after it). */
  step(): Promise<void>;
  read(handler: string): string;
  balanced(): boolean;
  swaps(): number;
}

export const hostileConfigs = (sock: string, dump: { from: string; to: string }) => {
  const cs = `cs :: ControlSocket(UNIX, ${JSON.stringify(sock)});`;
  const replay = `fd :: FromDump(${JSON.stringify(dump.from)}, TIMING true) -> d :: ToDump(${JSON.stringify(dump.to)});`;
  const bridge = (extra = '') => `${cs} rx :: FromDevice(a) -> c :: Counter -> ${extra} q :: Queue(10000) -> tx :: ToDevice(b); ${replay}`;
  return {
    first: bridge(),
    good: bridge('c2 :: Counter ->'),
    /** A bad text and what its refusal says (code 520 unless given). */
    bad: [
      { text: `${cs} rx :: FromDevice(a) -> c :: Counter -> ;; -> ->`, says: /<hotconfig>:1:\d+: error: /, what: 'syntax' },
      { text: `${cs} rx :: FromDevice(a) -> c :: Counter -> Discrd;`, says: /unknown element class 'Discrd'/, what: 'unknown class' },
      { text: `${cs} rx :: FromDevice(a) -> c :: Counter -> Discard; c[1] -> Discard;`, says: /<hotconfig>:1:\d+: error: .*output 1/i, what: 'port' },
      { text: `${cs} rx :: FromDevice(a) -> q :: Queue(-3) -> tx :: ToDevice(b);`, says: /CAPACITY/, what: 'argument' },
      {
        text: `${cs} rx :: FromDevice(a) -> c :: Counter -> Discard;\n${Array.from({ length: 8000 }, (_, i) => `n${i} :: Idle -> Discard;`).join('\n')}\nn7999 -> Nowhere;`,
        says: /<hotconfig>:8002:\d+: error: .*Nowhere/,
        what: 'huge (8000 elements), error at the end',
      },
      { text: `${cs} ${'/'.repeat(1 << 21)}`, says: /Data too large/, code: 521, what: 'over the 1 MiB data limit' },
      { text: `${cs} FromDump(/nonexistent/x.pcap) -> Discard;`, says: /While initializing 'FromDump@\d+ :: FromDump'.*nonexistent/s, what: 'initialization' },
    ] as { text: string; says: RegExp; code?: number; what: string }[],
  };
};

/** Numbered UDP frames: the number is the payload's bytes 2-3. */
const numbered = (from: number, n: number) => Array.from({ length: n }, (_, i) => frames.udp({ payload: Uint8Array.of(0, 0, (from + i) >> 8, (from + i) & 255, 9, 9) }));
const numberOf = (f: Uint8Array) => (f[42 + 2]! << 8) | f[42 + 3]!;

/**
 * Run the scenario on `e` (already running `first`), the client on `sock`.
 * `between` runs after each refusal (leak checks). Returns how many frames
 * were forwarded while the good configuration was being prepared.
 */
export async function hostileStream(
  t: Test,
  e: HostileEngine,
  sock: string,
  dump: { from: string; to: string },
  between: () => void = () => {},
): Promise<{ forwardedDuringSwap: number; replayed: number }> {
  const cfg = hostileConfigs(sock, dump);
  let sent = 0;
  const out: number[] = [];
  const pump = () => {
    e.inject('a', numbered(sent, 4));
    sent += 4;
    out.push(...e.collect('b').map(numberOf));
  };
  /** `p` settled while the engine runs (native runs in slices: a client's reply needs a slice). */
  const stepping = async <T>(p: Promise<T>, stream: boolean): Promise<T> => {
    let settled = false;
    const done = p.finally(() => (settled = true));
    while (!settled) {
      if (stream) pump();
      await e.step();
    }
    return done;
  };
  const client = await stepping(ControlClient.connect({ path: sock }), false);
  /** A write's reply while the stream flows. */
  const underLoad = (text: string): Promise<unknown> =>
    stepping(
      client.write('hotconfig', text).then(
        () => undefined,
        (err: unknown) => err,
      ),
      true,
    );
  for (const b of cfg.bad) {
    const err = await underLoad(b.text);
    t.type(err, ControlError, `${b.what}: refused`);
    t.equal((err as ControlError).code, b.code ?? 520, `${b.what}: code`);
    t.match((err as ControlError).lines.join('\n'), b.says, `${b.what}: its errors`);
    t.equal(e.swaps(), 0, `${b.what}: the old router runs on`);
    between();
  }
  const before = out.length;
  const replayedBefore = Number(e.read('fd.count'));
  const ok = await underLoad(cfg.good);
  t.equal(ok, undefined, 'the good configuration is accepted');
  const forwardedDuringSwap = out.length - before;
  t.equal(e.swaps(), 1);
  for (let i = 0; i < 50 && out.length < sent; i++) {
    await e.step();
    out.push(...e.collect('b').map(numberOf));
  }
  t.equal(out.length, sent, `every frame out (${sent} sent)`);
  t.same(out, Array.from({ length: sent }, (_, i) => i), 'once each, in order');
  t.equal(e.read('c.count'), String(sent), 'the counter went on through every refusal and the swap');
  t.ok(Number(e.read('c2.count')) > 0, 'the new configuration counts');
  t.ok(e.balanced(), 'books balance');
  const replayed = Number(e.read('fd.count'));
  t.ok(replayedBefore > 0 && replayed > replayedBefore && replayed < DUMP_PACKETS, `the swap found the replay half-way (${replayedBefore}, then ${replayed} of ${DUMP_PACKETS})`);
  t.equal(e.read('d.count'), String(replayed), 'ToDump counted on');
  await stepping(client.close(), false);
  return { forwardedDuringSwap, replayed };
}
