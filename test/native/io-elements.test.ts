// The io elements in both engines: same handler values, output and accounting.
import t from 'tap';
import { differential, sanitizerRun } from './differential.js';

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
