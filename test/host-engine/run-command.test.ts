// `clickvm run`, driven in-process through yargs as cli/main.ts does, with
// the command's output captured through cli/report.ts's `io`.

import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import yargs from 'yargs';
import { formatTimes, runCommand } from '../../cli/commands/run.js';
import { io, reportFailure, UsageError } from '../../cli/report.js';

interface CliResult {
  status: number;
  stdout: string;
  stderr: string;
}

async function cli(...argv: string[]): Promise<CliResult> {
  const out: string[] = [];
  const err: string[] = [];
  const saved = { out: io.out, err: io.err };
  io.out = (s) => void out.push(s);
  io.err = (s) => void err.push(s);
  let status = 0;
  try {
    await yargs(argv)
      .command(runCommand)
      .strict()
      .help('help')
      .exitProcess(false)
      .fail((message, error) => {
        throw error ?? new UsageError(message);
      })
      .parseAsync();
  } catch (e) {
    status = reportFailure(e);
  } finally {
    io.out = saved.out;
    io.err = saved.err;
  }
  return { status, stdout: out.join(''), stderr: err.join('') };
}

const COUNT5 = 'InfiniteSource(LENGTH 60, LIMIT 5, STOP true) -> c :: Counter -> Discard;';
const dir = mkdtempSync(join(tmpdir(), 'clickvm-run-'));
t.teardown(() => rmSync(dir, { recursive: true, force: true }));
const file = join(dir, 'five.click');
writeFileSync(file, `define($N 5);\nInfiniteSource(LENGTH 60, LIMIT $N, STOP true) -> c :: Counter -> Discard;\n`);

t.test('one handler: only its value', async (t) => {
  t.same(await cli('run', '--simtime', '-e', COUNT5, '-h', 'c.count'), { status: 0, stdout: '5\n', stderr: '' });
});

t.test('several handlers: name, value, blank line', async (t) => {
  const r = await cli('run', '-h', 'c.count', '-h', 'c.byte_count', file);
  t.equal(r.stdout, 'c.count:\n5\n\nc.byte_count:\n300\n\n');
  t.equal(r.status, 0);
});

t.test('a file by -f, defines by NAME=VALUE', async (t) => {
  t.equal((await cli('run', '-f', file, 'N=7', '-h', 'c.count')).stdout, '7\n');
  t.equal((await cli('run', file, 'N=3', '-h', 'c.count')).stdout, '3\n');
  t.match((await cli('run', '-f', file, '-e', COUNT5)).stderr, /specified twice/);
  t.match((await cli('run', '-f', file, file)).stderr, /unexpected argument/);
});

t.test('-x: exit status from a handler', async (t) => {
  t.equal((await cli('run', '-e', COUNT5, '-x', 'c.count')).status, 5);
  const bad = await cli('run', '-e', COUNT5, '-x', 'c.class');
  t.equal(bad.status, 255);
  t.match(bad.stderr, /exit handler value should be integer/);
});

t.test('-q initializes without running; -o writes the flat configuration', async (t) => {
  t.equal((await cli('run', '-q', '-e', COUNT5, '-h', 'c.count')).stdout, '0\n');
  const flat = await cli('run', '-qo-', '-e', 'a :: InfiniteSource(LIMIT 1) -> Discard;');
  t.equal(flat.stdout, 'a :: InfiniteSource(LIMIT 1);\nDiscard@2 :: Discard;\n\na -> Discard@2;\n');
  t.equal(flat.status, 0);
  const out = join(dir, 'flat.click');
  const r = await cli('run', '-o', out, '-e', COUNT5, '-h', 'c.count');
  t.equal(r.stdout, '5\n');
  t.match(readFileSync(out, 'utf8'), /^c :: Counter;$/m);
});

t.test('-t prints the run time on stderr', async (t) => {
  const r = await cli('run', '-t', '-e', COUNT5);
  t.match(r.stderr, /^\d+\.\d{3}u \d+\.\d{3}s \d+:\d{2}\.\d{2}\n$/);
  t.equal(formatTimes(1_234_567, 5_000, 61_234_567_890n), '1.235u 0.005s 1:01.23\n');
});

t.test('handler errors in Click words, exit status 1, the others still printed', async (t) => {
  const r = await cli('run', '-e', COUNT5, '-h', 'c.nope', '-h', 'x.count', '-h', 'c.count');
  t.equal(r.status, 1);
  t.equal(r.stdout, 'c.count:\n5\n\n');
  t.match(r.stderr, /no 'c\.nope' handler/);
  t.match(r.stderr, /no element 'x'/);
});

t.test('patterns, class names and global handlers', async (t) => {
  t.equal((await cli('run', '-e', COUNT5, '-h', 'Counter.count')).stdout, 'c.count:\n5\n\n');
  t.equal((await cli('run', '-e', COUNT5, '-h', '[bc].count')).stdout, 'c.count:\n5\n\n');
  t.equal((await cli('run', '-e', COUNT5, '-h', '*.byte_count')).stdout, 'c.byte_count:\n300\n\n', 'only elements that have the handler');
  t.equal((await cli('run', '-q', '-e', COUNT5, '-h', 'list')).stdout, '3\nInfiniteSource@1\nc\nDiscard@3\n');
  t.equal((await cli('run', '-q', '-e', COUNT5, '-h', '.version')).stdout, '2.1\n');
});

t.test('configuration errors are diagnostics with status 1, never a stack trace', async (t) => {
  const r = await cli('run', '-e', 'InfiniteSource -> NoSuchThing;');
  t.equal(r.status, 1);
  t.match(r.stderr, /<expr>:1:\d+: error: /);
  t.notMatch(r.stderr, /\n\s+at /);
});

t.test('simulated time and seeds are accepted; a bad seed is a usage error', async (t) => {
  t.equal((await cli('run', '--simtime=5000', '--seed', '0x1234', '-e', COUNT5, '-h', 'c.count')).stdout, '5\n');
  t.equal((await cli('run', '--simtime', file, '-h', 'c.count')).stdout, '5\n', '--simtime does not swallow the file');
  const r = await cli('run', '--seed', '0', '-e', COUNT5);
  t.equal(r.status, 1);
  t.match(r.stderr, /--seed expects a nonzero 32-bit integer/);
});

t.test('an empty configuration warns and exits 0; -w silences it', async (t) => {
  const r = await cli('run', '-e', '');
  t.equal(r.status, 0);
  t.match(r.stderr, /configuration has no elements, exiting/);
  t.equal((await cli('run', '-w', '-e', '')).stderr, '');
});

t.test('--accounting prints every element', async (t) => {
  const r = await cli('run', '--accounting', '-e', COUNT5);
  t.match(r.stderr, /^element\s+in\s+created\s+out\s+dropped\s+consumed\s+held$/m);
  t.match(r.stderr, /^c :: Counter\s+5\s+0\s+5\s+0\s+0\s+0$/m);
});

t.test('an initialization error names the element and exits 1', async (t) => {
  const r = await cli('run', '-e', `FromDump(${join(dir, 'missing.pcap')}) -> Discard;`);
  t.equal(r.status, 1);
  t.match(r.stderr, /<expr>:1:1: error: While initializing 'FromDump@1 :: FromDump': /);
  t.notMatch(r.stderr, /\n\s+at /);
});
