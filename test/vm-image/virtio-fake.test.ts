// The VM's virtio-net driver (vm-image/kernel/virtio-{mmio,net}.c) on the
// host, against the simulated virtio-mmio device of virtio-fake.c: the
// handshake, feature negotiation, NIC numbering, names, receive into pool
// packets with drops for runts and oversized frames, batched refills and
// notifications, transmit with a full ring, reclaim and shutdown. Built
// with the dataplane's flags, and again under ASan/UBSan.
import t from 'tap';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { repoRoot } from '../../dataplane-native/native-spec.js';

const runtime = join(repoRoot, 'dataplane-native', 'runtime');
const sources = [
  join(repoRoot, 'test', 'vm-image', 'virtio-fake.c'),
  join(repoRoot, 'vm-image', 'kernel', 'virtio-mmio.c'),
  join(repoRoot, 'vm-image', 'kernel', 'virtio-net.c'),
  ...['packet.c', 'str.c', 'device.c'].map((f) => join(runtime, f)),
];

const dir = mkdtempSync(join(tmpdir(), 'clickvm-virtio-fake-'));
t.teardown(() => rmSync(dir, { recursive: true, force: true }));

for (const [label, flags] of [
  ['-O2', ['-O2']],
  ['sanitizers', ['-O1', '-g', '-fsanitize=address,undefined', '-fno-sanitize-recover=undefined']],
] as const) {
  t.test(`driver against the simulated device (${label})`, async (t) => {
    const exe = join(dir, label === '-O2' ? 'fake' : 'fake-asan');
    execFileSync('gcc', ['-std=gnu11', ...flags, '-Wall', '-Wextra', '-Werror', '-DVIRTIO_MMIO_HOOKED', `-I${repoRoot}`, `-I${runtime}`, ...sources, '-o', exe], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out: string;
    let status = 0;
    try {
      out = execFileSync(exe, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    } catch (e) {
      const err = e as { stdout?: string; stderr?: string; status?: number };
      out = `${err.stdout ?? ''}`;
      status = err.status ?? -1;
      t.comment(err.stderr ?? '');
    }
    const lines = out.split('\n').filter((l) => /^(not )?ok \d+ - /.test(l));
    for (const l of lines) t.ok(l.startsWith('ok'), l.replace(/^(not )?ok \d+ - /, ''));
    const plan = /^1\.\.(\d+)$/m.exec(out);
    t.ok(plan && Number(plan[1]) === lines.length && lines.length >= 39, 'the program ran every check to its end');
    t.equal(status, 0, 'exit status 0');
  });
}
