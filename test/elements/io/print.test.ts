import t from 'tap';
import { readFileSync } from 'node:fs';
import { spec, type PrintElement } from '../../../elements/io/print.js';
import { readCapture } from '../../../host-engine/pcap.js';
import { Packet } from '../../../host-engine/packet.js';
import { configError, harness } from '../../util/element-harness.js';
import { pkt } from '../../util/packets.js';

const CASE = new URL('../../fixtures/conformance/22-print/', import.meta.url).pathname;

t.test("matches Click byte for byte on the 22-print conformance case", async (t) => {
  // The case: Classifier(12/0806, -) sends ARP frames through Print(arp, 42), then every
  // frame goes through Truncate(20) and Print(head, 20). Classifier and Truncate are
  // played here by hand; both Print elements are the real ones.
  const arp = harness<PrintElement>(spec, 'arp, 42', { name: 'Print@3' });
  const head = harness<PrintElement>(spec, 'head, 20', { name: 'Print@5' });
  const lines: string[] = [];
  for (const rec of readCapture(new Uint8Array(readFileSync(`${CASE}in.pcap`))).packets) {
    const p = Packet.make(rec.data);
    if (p.data[12] === 0x08 && p.data[13] === 0x06) {
      arp.push(0, p);
      lines.push(...arp.stderr.splice(0));
    }
    if (p.length > 20) p.take(p.length - 20);
    head.push(0, p);
    lines.push(...head.stderr.splice(0));
  }
  const expected = readFileSync(`${CASE}expected/stderr.txt`, 'utf8').split('\n').filter((l) => l !== '');
  t.equal(lines.length, expected.length);
  t.same(lines, expected);
  t.equal(head.outputs[0]!.length, lines.filter((l) => l.startsWith('head:')).length, 'packets pass through');
});

t.test('options: timestamp, headroom, annotations, ASCII, no contents, whole packet', async (t) => {
  const p = Packet.make(Uint8Array.from([0x41, 0x42, 0x00, 0x7f, 0x20, 0x7e, 0x43, 0x44, 0x45, 0x46]), 16, 4);
  p.tsSec = 12;
  p.tsNsec = 5000;
  p.setAnnoU8(0, 0xab);
  const line = (config: string) => {
    const h = harness<PrintElement>(spec, config);
    return h.element.line(p);
  };
  t.equal(line(''), '  10 | 4142007f 207e4344 4546');
  t.equal(line('x, 4'), 'x:   10 | 4142007f');
  t.equal(line('x, TIMESTAMP true, CONTENTS NONE'), 'x: 12.000005:   10');
  t.equal(line('TIMESTAMP true, CONTENTS false'), '12.000005:   10');
  t.equal(line('HEADROOM true, CONTENTS none'), '  10 (h16 t4)');
  t.equal(line('l, CONTENTS ascii, MAXLENGTH -1'), 'l:   10 |  AB.. ~CD EF');
  t.equal(line('PRINTANNO true, MAXLENGTH 0'), `  10 | ab${'00'.repeat(47)}`);
  t.equal(line('l, LENGTH 2'), 'l:   10 | 4142', 'the old keyword name');
  p.tsNsec = 123456789;
  t.equal(line('TIMESTAMP true, CONTENTS no'), '12.123456789:   10', 'nanoseconds when not a whole microsecond');
});

t.test('ACTIVE, the active handler, pull mode', async (t) => {
  const h = harness(spec, 'ACTIVE false', { inputs: ['pull'], outputs: ['pull'] });
  h.pullable[0]!.push(pkt(Uint8Array.of(1)));
  t.equal(h.pull(0, 1).length, 1);
  t.same(h.stderr, []);
  h.write('active', 'true');
  t.equal(h.read('active'), 'true');
  h.pullable[0]!.push(pkt(Uint8Array.of(1)));
  h.pull(0, 1);
  t.same(h.stderr, ['   1 | 01']);
  t.throws(() => h.write('active', 'sometimes'));
});

t.test('Print is marked as writing to stderr; configuration errors', async (t) => {
  t.equal(spec.writesStream, 'stderr');
  t.equal(configError(spec, 'x, CONTENTS octal'), "bad contents value 'OCTAL'; should be 'NONE', 'HEX', or 'ASCII'");
  t.match(configError(spec, 'x, many'), /^MAXLENGTH: /);
});
