// NIC specs for `vm start --nic` and the NICs a configuration needs in a VM.

import t from 'tap';
import { loadConfig } from '../../config-lang/load.js';
import { formatDiagnostics } from '../../config-lang/diagnostics.js';
import { formatNicSpec, nicQemuArgs, parseNicSpec } from '../../vm-image/nic-spec.js';
import { nicNumber, nicsUsed } from '../../vm-image/nics-used.js';

t.test('NIC specs parse, print back, and become QEMU netdevs', async (t) => {
  const cases: [string, string][] = [
    ['dgram:9000:9001', 'dgram,id=nic0,local.type=inet,local.host=127.0.0.1,local.port=9000,remote.type=inet,remote.host=127.0.0.1,remote.port=9001'],
    ['dgram:5:6@10.0.0.1', 'dgram,id=nic0,local.type=inet,local.host=10.0.0.1,local.port=5,remote.type=inet,remote.host=10.0.0.1,remote.port=6'],
    ['unix:/tmp/a.sock:/tmp/b.sock', 'dgram,id=nic0,local.type=unix,local.path=/tmp/a.sock,remote.type=unix,remote.path=/tmp/b.sock'],
    ['listen:7000', 'socket,id=nic0,listen=127.0.0.1:7000'],
    ['connect:7001', 'socket,id=nic0,connect=127.0.0.1:7001'],
    ['tap:tap0', 'tap,id=nic0,ifname=tap0,script=no,downscript=no'],
  ];
  for (const [spec, netdev] of cases) {
    const nic = parseNicSpec(spec);
    t.equal(formatNicSpec(nic), spec, `${spec} prints back`);
    t.same(nicQemuArgs(nic, 0), ['-netdev', netdev, '-device', 'virtio-net-device,netdev=nic0,mac=52:54:00:c1:0c:00'], spec);
  }
  // The MAC carries the NIC's number: the guest orders its NICs by it.
  t.match(nicQemuArgs(parseNicSpec('tap:x'), 11)[3], /netdev=nic11,mac=52:54:00:c1:0c:0b$/);
});

t.test('bad NIC specs say what is wrong', async (t) => {
  for (const bad of ['', 'dgram', 'dgram:1', 'dgram:0:5', 'dgram:1:70000', 'dgram:a:b', 'unix:/x', 'listen:', 'tap:', 'tap:a b', 'tap:' + 'x'.repeat(16), 'vde:/x', 'dgram:1:2@bad host']) {
    t.throws(() => parseNicSpec(bad), { name: 'NicSpecError' }, `'${bad}' is refused`);
  }
  t.throws(() => parseNicSpec('dgram:1:99999'), /bad port '99999'/);
  t.throws(() => parseNicSpec('floppy:1'), /write dgram:LPORT:RPORT/);
});

t.test('the NICs a configuration uses, by number', async (t) => {
  t.equal(nicNumber('0'), 0);
  t.equal(nicNumber('eth3'), 3);
  t.equal(nicNumber('eth'), undefined);
  t.equal(nicNumber('br-lan'), undefined);
  const g = loadConfig('FromDevice(0) -> Queue -> ToDevice(eth2); FromDevice(eth1) -> Discard;', 'two.click');
  const used = nicsUsed(g);
  t.equal(used.count, 3, 'eth2 is the third NIC');
  t.same(used.uses.map((u) => [u.className, u.nic]), [['FromDevice', 0], ['ToDevice', 2], ['FromDevice', 1]]);
  t.equal(nicsUsed(loadConfig('InfiniteSource(LIMIT 1) -> Discard;', 'none.click')).count, 0);
});

t.test('a device name a VM cannot have is an error at the element', async (t) => {
  const g = loadConfig('src :: FromDevice(wlan0) -> Discard;', 'wifi.click');
  const used = nicsUsed(g);
  t.equal(used.count, 0);
  const text = formatDiagnostics(used.diagnostics);
  t.match(text, /^wifi\.click:1:\d+: error: FromDevice 'src' names device 'wlan0', which a VM does not have/);
  t.match(text, /\^/, 'a caret under the fault');
  t.match(text, /by number: 0, 1/, 'a hint');
});
