// Hostile hot reconfigurations under load, the scenario both engines run
// (test/host-engine/hotconfig.test.ts, test/native/hotconfig.test.ts): a
// bridge with a ControlSocket forwards a stream of numbered frames while a
// client writes one bad configuration after another to `hotconfig`
// (syntax, unknown class, port, argument and initialization errors, a huge
// text with its error at the end, a text over the protocol's data limit),
// then a good one. Each bad one is refused with its errors and the old
// router forwards on; the good one swaps in under the stream. Every frame
// comes out once, in order; the books balance.
import type { Test } from 'tap';
import { ControlClient, ControlError } from '../../host-engine/control/client.js';
import { frames } from './packets.js';

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

export const hostileConfigs = (sock: string) => {
  const cs = `cs :: ControlSocket(UNIX, ${JSON.stringify(sock)});`;
  const bridge = (extra = '') => `${cs} rx :: FromDevice(a) -> c :: Counter -> ${extra} q :: Queue(10000) -> tx :: ToDevice(b);`;
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
export async function hostileStream(t: Test, e: HostileEngine, sock: string, between: () => void = () => {}): Promise<{ forwardedDuringSwap: number }> {
  const cfg = hostileConfigs(sock);
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
  await stepping(client.close(), false);
  return { forwardedDuringSwap };
}
