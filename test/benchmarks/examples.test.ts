// The examples/ middleboxes as benchmark rows (benchmarks/suite/examples.ts):
// every example rewritten to be fed from memory runs on the host engine and
// counts exactly sources x $N packets; one example through the suite's run
// loop on the host and native engines gives one row at its mean frame size.

import t from 'tap';
import { readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { exampleBench, exampleFiles, MAX_FRAMES, TOTAL_HANDLER } from '../../benchmarks/suite/examples.js';
import { runHost } from '../../benchmarks/suite/host-engine.js';
import { EXAMPLES } from '../../benchmarks/suite/matrix.js';
import { markdown } from '../../benchmarks/suite/report.js';
import { runSuite } from '../../benchmarks/suite/run.js';

t.test('every example, fed from memory, counts what its sources sent', async (t) => {
  for (const e of exampleFiles([...EXAMPLES, 'rate-limiter'])) {
    const b = exampleBench(readFileSync(e.file, 'utf8'), dirname(e.file));
    t.notMatch(b.text, /FromDump|ToDump/, `${e.name}: no capture files left`);
    t.equal(b.text.match(/DriverManager/g)?.length, 1, `${e.name}: only the driver that waits for the sources`);
    t.match(b.text, new RegExp(`DriverManager\\(wait_stop ${b.sources}, stop\\)`));
    t.ok(b.sources >= 1 && b.sources <= 2 * MAX_FRAMES, `${e.name}: ${b.sources} sources`);
    t.ok(b.meanFrameBytes >= 64 && b.meanFrameBytes <= 1518, `${e.name}: mean frame ${b.meanFrameBytes} B`);
    const r = runHost(b.text, e.file, dirname(e.file), { N: '25' }, TOTAL_HANDLER);
    t.equal(r.counted, b.sources * 25, `${e.name}: the total handler counts every packet sent`);
    t.equal(r.created, b.sources * 25, `${e.name}: and that is what the sources made`);
  }
});

t.test('a configuration with no capture to replace is refused', async (t) => {
  t.throws(() => exampleBench('Idle -> Discard;', '.'), /no FromDump/);
});

t.test('an example is one row of the suite, at its mean frame size', async (t) => {
  const r = await runSuite({ only: ['x_nat'], engines: ['host', 'native'], quick: true, runs: 1, frontend: false, scaling: false, deviceLatency: false, write: () => {} });
  t.equal(r.rows.length, 1);
  const row = r.rows[0]!;
  const b = exampleBench(readFileSync(exampleFiles(['nat'])[0]!.file, 'utf8'), dirname(exampleFiles(['nat'])[0]!.file));
  t.match(row, { config: 'x_nat', example: true, size: b.meanFrameBytes });
  t.same(row.errors, {});
  t.equal(row.results.host!.packets, b.sources * Math.ceil(r.matrix.hostPackets / b.sources), 'host: sources x $N');
  t.equal(row.results.native!.packets, b.sources * Math.ceil(r.matrix.packets / b.sources), 'native: sources x $N');
  t.notOk(row.inprocessLatency, 'no latency row for an example');
  t.match(markdown(r, []), `| x_nat | mix, mean ${b.meanFrameBytes} |`);
});
