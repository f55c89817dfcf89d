// elements/lib/checksum.h against elements/lib/checksum.ts: the same sums,
// checksums (the 0x0000/0xFFFF choice included), header checks, incremental
// updates and word additions on random and edge-case input, odd lengths and
// large initial sums included.
import t from 'tap';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { addWords, checksum, fold, onesSum, updateChecksum } from '../../elements/lib/checksum.js';
import { toHex } from '../util/packets.js';

const here = dirname(fileURLToPath(import.meta.url));

/** Deterministic pseudo-random numbers (xorshift32). */
function rng(seed: number): () => number {
  let x = seed >>> 0;
  return () => {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>>= 0);
  };
}

t.test('checksum.h computes what checksum.ts computes', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'clickvm-cksum-'));
  try {
    const bin = join(dir, 'cksum');
    execFileSync('gcc', ['-std=gnu11', '-O2', '-Wall', '-Wextra', '-Werror', join(here, 'fixtures', 'eip-checksum-main.c'), '-o', bin]);
    const r = rng(0x1234567);
    const lines: string[] = [];
    const want: string[] = [];
    const buffers: Uint8Array[] = [new Uint8Array(0), new Uint8Array(1), new Uint8Array(20), Uint8Array.of(0xff), new Uint8Array(20).fill(0xff), new Uint8Array(65535).fill(0xff)];
    for (let i = 0; i < 400; i++) {
      const n = i < 200 ? r() % 80 : r() % 3000;
      const b = new Uint8Array(n);
      const dense = r() % 4;
      for (let k = 0; k < n; k++) b[k] = dense === 0 ? 0xff : dense === 1 ? (r() % 8 === 0 ? r() & 255 : 0) : r() & 255;
      buffers.push(b);
    }
    for (const b of buffers) {
      for (const initial of [0, 17, 0xffff, 0x5fffa, (r() % 0x60000) >>> 0]) {
        lines.push(`sum ${b.length ? toHex(b) : '-'} ${initial}`);
        want.push(`${fold(onesSum(b, 0, b.length, initial))} ${checksum(b, 0, b.length, initial)}`);
      }
      lines.push(`check ${b.length ? toHex(b) : '-'}`);
      want.push(String(+(checksum(b, 0, b.length) === 0)));
    }
    // Real headers: valid ones verify, one flipped bit does not.
    for (let i = 0; i < 200; i++) {
      const hlen = 20 + 4 * (r() % 11);
      const h = Uint8Array.from({ length: hlen }, () => r() & 255);
      h[10] = h[11] = 0;
      const sum = checksum(h, 0, hlen);
      h[10] = sum >> 8;
      h[11] = sum & 255;
      if (i % 2) h[r() % hlen]! ^= 1 << (r() % 8);
      lines.push(`check ${toHex(h)}`);
      want.push(String(+(checksum(h, 0, hlen) === 0)));
    }
    const words = [0, 1, 0xfeff, 0xfffe, 0xffff, 0x8000];
    for (let i = 0; i < 3000; i++) {
      const pick = () => (i % 3 === 0 ? words[r() % words.length]! : r() & 0xffff);
      const [s, o, n] = [pick(), pick(), pick()];
      lines.push(`update ${s} ${o} ${n}`, `add ${o} ${n}`);
      want.push(String(updateChecksum(s, o, n)), String(addWords(o, n)));
    }
    const got = execFileSync(bin, { input: lines.join('\n') + '\n', encoding: 'utf8', maxBuffer: 1 << 28 }).trimEnd().split('\n');
    t.equal(got.length, want.length, 'one answer per question');
    const wrong = got.map((g, i) => (g === want[i] ? -1 : i)).filter((i) => i >= 0);
    t.same(wrong.slice(0, 5).map((i) => `${lines[i]!.slice(0, 60)}: C ${got[i]} TS ${want[i]}`), [], 'every answer equal');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
