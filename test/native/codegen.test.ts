import t from 'tap';
import { execFileSync } from 'node:child_process';
import { a } from '../../config-lang/args/args.js';
import { T } from '../../config-lang/args/types.js';
import { syntheticSpan } from '../../config-lang/source.js';
import { generateC } from '../../dataplane-native/codegen.js';
import { buildNative } from '../../dataplane-native/build.js';
import { nativeSource } from '../../dataplane-native/native-spec.js';
import { spec as counter } from '../../elements/standard/counter.js';
import { defineElement, type AnyElementSpec } from '../../elements/spec.js';
import type { CheckedElement, CheckedGraph, GraphConnection } from '../../graph/router-graph.js';
import type { PortMode } from '../../host-engine/element.js';
import { NATIVE_CACHE_DIR } from './engines.js';

const noHost = () => {
  throw new Error('native-only test element');
};

const source = defineElement({
  name: 'TestSource', ports: '0/1', processing: '/h', args: { LIMIT: a.p(T.unsigned, 10), BURST: a.kw(T.unsigned, 32), LENGTH: a.kw(T.unsigned, 60) },
  host: noHost,
  handlers: { sent: { read: () => '' } },
  native: {
    source: nativeSource(import.meta.url, 'fixtures/test-source.c'), prefix: 'test_source', hooks: { init: true, task: true },
    init: (c) => `.limit = ${c.LIMIT}, .burst = ${c.BURST}, .len = ${c.LENGTH}`,
  },
}) as unknown as AnyElementSpec;

const sink = defineElement({
  name: 'TestSink', ports: '1/0', processing: 'h/', args: {}, host: noHost,
  handlers: { count: { read: () => '' } },
  native: { source: nativeSource(import.meta.url, 'fixtures/test-sink.c'), prefix: 'test_sink' },
}) as unknown as AnyElementSpec;

// Counter's C file is written against its handler set; this test uses the core three.
const counterNative = {
  ...counter,
  handlers: { count: counter.handlers!.count, byte_count: counter.handlers!.byte_count, reset: counter.handlers!.reset },
  native: { source: 'elements/standard/counter.c', prefix: 'counter', inPlace: true },
} as unknown as AnyElementSpec;

function graph(elems: [string, AnyElementSpec, unknown, PortMode[], PortMode[]][], conns: [number, number, number, number][]): CheckedGraph {
  const span = syntheticSpan('test');
  const elements: CheckedElement[] = elems.map(([name, spec, conf, inputs, outputs], index) => ({
    index, name, className: spec.name, config: '', span, context: [], spec, conf, inputs, outputs,
  }));
  const connections: GraphConnection[] = conns.map(([fe, fp, te, tp]) => ({ from: { element: fe, port: fp }, to: { element: te, port: tp }, span, context: [] }));
  return { elements, connections, requirements: [] };
}

const chain = graph(
  [
    ['src', source, { LIMIT: 1000, BURST: 32, LENGTH: 60 }, [], ['push']],
    ['c', counterNative, {}, ['push'], ['push']],
    ['sink', sink, {}, ['push'], []],
  ],
  [[0, 0, 1, 0], [1, 0, 2, 0]],
);


t.test('a source -> Counter -> sink chain compiles and runs as a binary', async (t) => {
  const prog = generateC(chain);
  t.match(prog.source, /static void e1_in0\(PacketBatch \*b\)/);
  t.match(prog.source, /e2_in0\(b\)/, 'Counter hands its batch straight to the sink');
  const built = buildNative(prog, { kind: 'exe', cacheDir: NATIVE_CACHE_DIR });
  const out = execFileSync(built.output, ['-h', 'c.count', '-h', 'c.byte_count', '-h', 'sink.count', '--accounting'], { encoding: 'utf8' });
  t.equal(out, 'c.count:\n1000\n\nc.byte_count:\n60000\n\nsink.count:\n1000\n\n');
  t.equal(buildNative(prog, { kind: 'exe', cacheDir: NATIVE_CACHE_DIR }).cached, true, 'second build is cached');
});

t.test('the sanitizer build runs clean', async (t) => {
  const built = buildNative(generateC(chain), { kind: 'exe', cacheDir: NATIVE_CACHE_DIR, sanitize: true });
  const out = execFileSync(built.output, ['-h', 'sink.count', '--accounting'], { encoding: 'utf8', env: { ...process.env, ASAN_OPTIONS: 'detect_leaks=0' } });
  t.equal(out, '1000\n');
});

t.test('the shared library runs in-process through koffi', async (t) => {
  const { NativeRouter } = await import('../../dataplane-native/native-router.js');
  const built = buildNative(generateC(chain), { kind: 'shared', cacheDir: NATIVE_CACHE_DIR });
  const r = new NativeRouter(built.output);
  r.start({ simtime: true });
  r.run();
  r.finish();
  t.equal(r.read('c.count'), '1000');
  t.equal(r.read('sink.count'), '1000');
  t.same(r.accounting(), []);
  r.write('c.reset', '');
  t.equal(r.read('c.count'), '0');
  t.throws(() => r.read('nosuch.count'), /no element named 'nosuch'/);
  t.equal(r.read('c.class'), 'Counter');
});

t.test('a class without a native implementation is an error at the element', async (t) => {
  const { ClickError, formatDiagnostics } = await import('../../config-lang/diagnostics.js');
  const hostOnly = { ...sink, name: 'HostOnly', native: undefined } as unknown as AnyElementSpec;
  const g = graph([['src', source, { LIMIT: 1, BURST: 1, LENGTH: 1 }, [], ['push']], ['h', hostOnly, {}, ['push'], []]], [[0, 0, 1, 0]]);
  try {
    generateC(g);
    t.fail('should not compile');
  } catch (e) {
    t.ok(e instanceof ClickError);
    t.match(formatDiagnostics((e as InstanceType<typeof ClickError>).diagnostics), /'h' :: HostOnly has no native implementation[\s\S]*--engine host/);
  }
});
