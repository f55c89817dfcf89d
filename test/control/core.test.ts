// The transport-free control core (runtime/control.c) in the VM image's
// build (-DCVM_TARGET_VM: no sockets), under ASan/UBSan: the shared
// conversations fed a byte at a time and in larger chunks, 540 before a
// router is installed, and ControlSocket refusing to initialize there.
import t from 'tap';
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createHash } from 'node:crypto';
import '../../elements/registry.js';
import { loadConfig } from '../../config-lang/load.js';
import { generateC } from '../../dataplane-native/codegen.js';
import { runtimeDir } from '../../dataplane-native/build.js';
import { repoRoot } from '../../dataplane-native/native-spec.js';
import { NATIVE_CACHE_DIR } from '../native/engines.js';
import { conversations, framingProblem, ROUTER_CORE } from './conversations.js';

const driver = join(dirname(fileURLToPath(import.meta.url)), 'core-driver.c');

function buildVm(config: string): string {
  const src = generateC(loadConfig(config, 'core.click'), { configText: config }).source;
  const dir = join(NATIVE_CACHE_DIR, `vm-core-${createHash('sha256').update(src).digest('hex').slice(0, 16)}`);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'generated.c'), src);
  const out = join(dir, 'core');
  const r = spawnSync('gcc', ['-std=gnu11', '-O1', '-g', '-fsanitize=address,undefined', '-fno-sanitize-recover=undefined', '-DCVM_TARGET_VM', '-Wall', '-Wextra', '-Werror', '-Wno-unused-function', '-Wno-unused-parameter',
    `-I${repoRoot}`, `-I${runtimeDir}`, 'generated.c', driver, '-o', out, '-lm', '-lz'], { cwd: dir, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(r.stderr);
  return out;
}

const BANNER = 'Click::ControlSocket/1.3\r\n';

t.test('the core in the VM build speaks the shared conversations', async (t) => {
  const bin = buildVm(ROUTER_CORE.join('\n'));
  const nm = spawnSync('nm', [bin], { encoding: 'utf8' }).stdout;
  t.notMatch(nm, /cvm_control_listen/, 'no socket transport in the VM build');
  for (const chunk of [1, 7, 65536]) {
    for (const c of conversations.filter((c) => c.exact && !c.readOnly && c.name !== 'list')) {
      const input = Buffer.concat(c.send.map((s) => (typeof s === 'string' ? Buffer.from(s, 'latin1') : s)));
      if (chunk < 4096 && input.length > 65536) continue;   // megabytes a byte at a time: slow under ASan, and covered by the split-CRLF conversation
      const r = spawnSync(bin, [String(chunk)], { input, maxBuffer: 64 << 20 });
      t.equal(r.status, 0, `${c.name}: exit (${r.stderr?.toString()})`);
      const out = r.stdout.toString('latin1');
      const early = `${BANNER}540 No router installed\r\n200 Goodbye!\r\n${BANNER}`;
      t.equal(out.slice(0, early.length), early, `${c.name}: 540 before the router, then the banner`);
      t.match(out.slice(early.length), c.expect, `${c.name} (chunks of ${chunk})`);
      t.equal(framingProblem(Buffer.from(out.slice(early.length), 'latin1')), undefined);
    }
  }
});

t.test('ControlSocket fails to initialize in the VM build, saying why', async (t) => {
  const bin = buildVm(`${ROUTER_CORE.join('\n')}\ncs :: ControlSocket(TCP, 7777);`);
  const r = spawnSync(bin, ['1'], { input: '', encoding: 'utf8' });
  t.equal(r.status, 1);
  t.match(r.stderr, /ControlSocket needs sockets, which the VM image does not have/);
});
