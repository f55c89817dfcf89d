// The io elements in both engines: same handler values, output and accounting.
import t from 'tap';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { differential, sanitizerRun } from './differential.js';

const CONFORMANCE = new URL('../fixtures/conformance/', import.meta.url).pathname;

/** A conformance case through both engines: its configuration, input and handlers. */
function conformance(t: Parameters<typeof differential>[0], name: string): void {
  const dir = join(CONFORMANCE, name);
  const handlers = readFileSync(join(dir, 'handlers'), 'utf8').split(/\s+/).filter(Boolean);
  differential(t, { config: readFileSync(join(dir, 'config.click'), 'utf8'), fromDir: dir, handlers });
}

t.test('InfiniteSource -> Discard, push', async (t) => {
  differential(t, {
    config: 'src :: InfiniteSource(LIMIT 100, BURST 7, STOP true) -> d :: Discard;',
    handlers: ['src.count', 'd.count', 'src.data', 'src.limit', 'src.burst', 'src.active', 'src.length'],
  });
});

t.test('InfiniteSource pulled by Discard through a pull path', async (t) => {
  differential(t, {
    config: 'src :: InfiniteSource(\\<0102 0304>, LIMIT 50, LENGTH 9, STOP true) -> d :: Discard(BURST 4);',
    handlers: ['src.count', 'd.count'],
  });
});

t.test('sanitizer build agrees with the host engine', async (t) => {
  sanitizerRun(t, { config: 'src :: InfiniteSource(LIMIT 100, BURST 32, STOP true) -> d :: Discard;', handlers: ['src.count', 'd.count'] });
});

t.test('conformance 01-counter: FromDump -> Counter -> ToDump', async (t) => conformance(t, '01-counter'));
t.test('conformance 07-ether-encap', async (t) => conformance(t, '07-ether-encap'));
t.test('conformance 19-queue-pull', async (t) => conformance(t, '19-queue-pull'));
t.test('conformance 20-check-length-store', async (t) => conformance(t, '20-check-length-store'));
t.test('conformance 22-print', async (t) => conformance(t, '22-print'));

t.test('Print HEADROOM shows the host engine buffer sizes, through pull, strip and growth', async (t) => {
  differential(t, {
    fromDir: 'test/fixtures/conformance/01-counter',
    config: `FromDump(in.pcap, STOP true) -> Print(a, 8, HEADROOM true) -> Strip(14) -> Print(b, 8, HEADROOM true)
      -> StoreData(100, \\<ff>, GROW true) -> Print(c, 8, HEADROOM true) -> Unstrip(14) -> Print(d, 8, HEADROOM true) -> Discard;`,
  });
});
