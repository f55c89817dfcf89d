// The QEMU command line and the decoding of the VM's exit status.
import t from 'tap';
import { decodeExitStatus, kvmUsable, qemuArgs, resolveAccel } from '../../vm-image/qemu.js';

t.test('qemuArgs: microvm, console on COM1, control on COM2, debug exit', async (t) => {
  const a = qemuArgs({ image: '/x/router.img', append: '-h c.count', controlSocketPath: '/run/ctl.sock', consolePath: '/run/con.log', extra: ['-netdev', 'dgram,id=n0'] });
  const s = a.join(' ');
  t.match(s, /^-M microvm,acpi=off,auto-kernel-cmdline=off -accel tcg -nodefaults -no-user-config -nographic -no-reboot -m 16M /);
  t.match(s, /-kernel \/x\/router\.img -append -h c\.count /);
  t.equal(a[a.indexOf('-append') + 1], '-h c.count', 'the command line is one argument');
  t.match(s, /-device isa-debug-exit,iobase=0xf4,iosize=4/);
  t.match(s, /-global virtio-mmio\.force-legacy=false/);
  t.match(s, /-chardev file,id=con,path=\/run\/con\.log -serial chardev:con/);
  t.match(s, /-chardev socket,id=ctl,path=\/run\/ctl\.sock,server=on,wait=off -device isa-serial,chardev=ctl,iobase=0x2f8,irq=3/);
  t.match(s, /-netdev dgram,id=n0$/);
  t.match(qemuArgs({ image: 'i', memory: '8M', accel: 'kvm' }).join(' '), /-accel kvm .*-m 8M .*-serial stdio/);
});

t.test('auto is KVM only with vmx or svm in the CPU flags', async (t) => {
  t.equal(resolveAccel('auto'), kvmUsable() ? 'kvm' : 'tcg');
  t.equal(resolveAccel('tcg'), 'tcg');
  t.equal(resolveAccel(), 'tcg');
});

t.test('decodeExitStatus', async (t) => {
  t.same(decodeExitStatus(1), { kind: 'exit', status: 0 });
  t.same(decodeExitStatus((3 << 1) | 1), { kind: 'exit', status: 3 });
  t.same(decodeExitStatus((123 << 1) | 1), { kind: 'exit', status: 123 });
  t.same(decodeExitStatus((124 << 1) | 1), { kind: 'exit', status: 124 });
  t.same(decodeExitStatus((125 << 1) | 1), { kind: 'abort', status: 134 });
  t.same(decodeExitStatus((126 << 1) | 1), { kind: 'crash', status: 139 });
  t.same(decodeExitStatus((127 << 1) | 1), { kind: 'panic', status: 125 });
  t.same(decodeExitStatus(0), { kind: 'reset', status: 125 }, 'a triple fault under -no-reboot is not success');
  t.equal(decodeExitStatus(2).kind, 'qemu');
  t.equal(decodeExitStatus(null, 'SIGKILL').kind, 'qemu');
});
