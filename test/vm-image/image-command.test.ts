// `clickvm image`: the image and its report; configurations that need files are refused where they say so.
import t from 'tap';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { includedHeaders } from '../../dataplane-native/build.js';
import { repoRoot } from '../../dataplane-native/native-spec.js';
import { registry } from '../../elements/registry.js';
import { FILE_CLASSES, FILE_OPTIONAL } from '../../vm-image/check.js';
import { alive, boot } from './vm-util.js';

const clickvm = (args: string[]) =>
  spawnSync(process.execPath, ['--import', import.meta.resolve('tsx'), join(repoRoot, 'cli', 'main.ts'), ...args], { encoding: 'utf8' });

t.test('image writes a bootable image and lists its elements', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'clickvm-image-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const img = join(dir, 'router.img');
  const r = clickvm(['image', '-e', 'src :: InfiniteSource(LIMIT $N, STOP true) -> c :: Counter -> Discard; Idle -> Discard', '-D', 'N=321', '-o', img]);
  t.equal(r.status, 0, r.stderr);
  const size = statSync(img).size;
  t.match(r.stdout, new RegExp(`: ${size} bytes \\(`), 'the size printed is the file\'s');
  t.match(r.stdout, /5 elements in 4 classes:\n\s+1 {2}Counter\n\s+2 {2}Discard\n\s+1 {2}Idle\n\s+1 {2}InfiniteSource\n/);
  t.ok(size < 512 * 1024, `a small image (${size} bytes)`);
  t.equal(readFileSync(img).subarray(0, 4).toString('latin1'), '\x7fELF');
  const vm = await boot(t, img, { append: '-h c.count' });
  t.same({ kind: vm.kind, console: vm.console }, { kind: 'exit', console: '321\n' });
  t.notOk(alive(vm.pid));
});

t.test('image refuses file-based elements with file:line:col, the line, a caret and a hint', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'clickvm-image-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const conf = join(dir, 'dump.click');
  writeFileSync(conf, 'c :: Counter;\n  FromDump("x.pcap", STOP true) -> c -> Discard;\n');
  const r = clickvm(['image', conf, '-o', join(dir, 'x.img')]);
  t.equal(r.status, 1);
  t.match(r.stderr, `${conf}:2:3: error: FromDump 'FromDump@2' reads or writes files, which a VM image cannot\n`);
  t.match(r.stderr, / 2 \|   FromDump\("x\.pcap", STOP true\) -> c -> Discard;\n\s+\| {3}\^/);
  t.match(r.stderr, /= hint: the VM image has no file system/);
  t.throws(() => statSync(join(dir, 'x.img')), 'no image written');
});

t.test('image without -o is a usage error', async (t) => {
  const r = clickvm(['image', '-e', 'Idle -> Discard']);
  t.equal(r.status, 1);
  t.match(r.stderr, /needs an output file/);
});

t.test('every class whose C code opens files is either refused or known not to need a file system', async (t) => {
  const opening: string[] = [];
  for (const [name, spec] of registry) {
    if (!spec.native) continue;
    const files = new Set<string>([join(repoRoot, spec.native.source)]);
    includedHeaders(join(repoRoot, spec.native.source), files);
    const text = [...files].map((f) => readFileSync(f, 'utf8')).join('\n');
    if (/\b(fopen|open|openat)\s*\(/.test(text)) opening.push(name);
  }
  t.ok(opening.length >= FILE_CLASSES.size, `classes that open files: ${opening.join(', ')}`);
  for (const c of opening) t.ok(FILE_CLASSES.has(c) || FILE_OPTIONAL.has(c), `${c} is classified for the VM`);
  for (const c of FILE_CLASSES) t.ok(opening.includes(c), `${c} does open files`);
});
