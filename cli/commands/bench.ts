// `clickvm bench`: the benchmark suite (benchmarks/suite/), the same as
// `npm run bench`: configurations x engines x frame sizes, results written
// as JSON, Markdown and SVG charts.

import type { CommandModule } from 'yargs';
import { bench, BENCH_OPTIONS, benchArgs, BenchUsageError, type BenchValues } from '../../benchmarks/suite/main.js';
import { UsageError } from '../report.js';

const DESCRIBE: Record<keyof typeof BENCH_OPTIONS, string> = {
  quick: 'a seconds-long subset (configs a and e, 64 and 1500 B, few packets)',
  reference: 'path of an original Click userlevel `click`: run it too and report ratios',
  callgrind: 'native instructions per packet at the smallest frame size (valgrind)',
  dpdk: 'DPDK baseline: dpdk-testpmd io forwarding between null PMDs',
  'march-native': 'build the native engine with -march=native',
  runs: 'measured runs per figure, after one warm-up (default 5)',
  packets: 'packets per run, native and Click (default 2000000)',
  'host-packets': 'packets per run, host engine (default 200000)',
  'skip-frontend': 'skip the front-end timings (10,000-element configuration, examples through gcc)',
  'skip-scaling': 'skip multi-core scaling (the native binary on 1 core, then one instance per core)',
  'skip-device-latency': "skip the latency rows on veth pairs (needs root) and through the VM's NICs",
  'vm-packets': 'packets per run inside the VM (default 1000000)',
  sizes: 'frame sizes in bytes, comma-separated (default 64,128,256,512,1024,1500)',
  configs: 'configurations by name prefix, comma-separated (default all)',
  engines: 'engines, comma-separated: host, native, inprocess, vm (default all)',
  out: 'where to write the results (default benchmarks/results)',
  stem: 'file name stem (default <date>-<host>)',
  render: 'measure nothing: write the Markdown and charts again from this results JSON',
};

export const benchCommand: CommandModule<object, BenchValues> = {
  command: 'bench',
  describe: 'run the benchmark suite and write its results (JSON, Markdown, SVG)',
  builder: (y) => {
    let b = y;
    for (const [name, type] of Object.entries(BENCH_OPTIONS)) b = b.option(name, { type, describe: DESCRIBE[name as keyof typeof BENCH_OPTIONS] });
    return b.example('$0 bench --quick --out /tmp/bench', 'a quick run into /tmp/bench') as never;
  },
  handler: async (args) => {
    const values: BenchValues = {};
    for (const name of Object.keys(BENCH_OPTIONS) as (keyof typeof BENCH_OPTIONS)[]) {
      const v = (args as Record<string, unknown>)[name];
      if (v !== undefined) (values as Record<string, unknown>)[name] = v;
    }
    try {
      await bench(benchArgs(values));
    } catch (e) {
      if (e instanceof BenchUsageError) throw new UsageError(e.message);
      throw e;
    }
  },
};
