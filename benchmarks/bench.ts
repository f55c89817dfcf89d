// `npm run bench`: the benchmark suite (benchmarks/suite/). See
// benchmarks/README.md, or run with --help.

import { bench, BenchUsageError, parseBenchArgs, USAGE } from './suite/main.js';

const argv = process.argv.slice(2);
if (argv.includes('--help')) {
  console.log(USAGE);
} else {
  try {
    await bench(parseBenchArgs(argv));
  } catch (e) {
    console.error(`bench: ${e instanceof Error ? e.message : String(e)}`);
    process.exitCode = e instanceof BenchUsageError ? 1 : 2;
  }
}
