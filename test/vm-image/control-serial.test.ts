// COM2 (a second isa-serial on microvm, at 0x2f8) carries bytes both ways
// between a host UNIX socket and the guest: the control channel's transport.
import t from 'tap';
import { connect, type Socket } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { buildProgramImage } from '../../vm-image/build.js';
import { alive, boot } from './vm-util.js';

// The guest echoes what arrives on COM2 in upper case until a newline.
const echo = buildProgramImage(`
#include <stdio.h>
#define COM2 0x2f8
static unsigned char inb(unsigned short p) { unsigned char v; __asm__ volatile("inb %1, %0" : "=a"(v) : "Nd"(p)); return v; }
static void outb(unsigned short p, unsigned char v) { __asm__ volatile("outb %0, %1" : : "a"(v), "Nd"(p)); }
int main(void)
{
    /* 8N1, interrupts off. No FIFO setup: QEMU empties the receive FIFO when
     * the FIFO is switched on, and the host may have written already. */
    outb(COM2 + 1, 0);
    outb(COM2 + 3, 3);
    int n = 0;
    for (;;) {
        while (!(inb(COM2 + 5) & 1)) __asm__ volatile("pause");
        unsigned char c = inb(COM2);
        while (!(inb(COM2 + 5) & 0x20)) __asm__ volatile("pause");
        outb(COM2, c >= 'a' && c <= 'z' ? c - 32 : c);
        n++;
        if (c == '\\n') break;
    }
    printf("echoed %d bytes\\n", n);
    return 0;
}
`);

async function connectWhenListening(path: string): Promise<Socket> {
  for (let i = 0; ; i++) {
    try {
      return await new Promise<Socket>((resolve, reject) => {
        const s = connect(path, () => resolve(s));
        s.once('error', reject);
      });
    } catch (e) {
      if (i > 200) throw e;
      await sleep(25);
    }
  }
}

t.test('bytes go in and come back over the control serial port', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'clickvm-ctl-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const path = join(dir, 'ctl.sock');
  const running = boot(t, echo, { controlSocketPath: path, timeoutMs: 60000 });
  const sock = await connectWhenListening(path);
  t.teardown(() => sock.destroy());
  let got = '';
  sock.on('data', (b) => (got += b.toString('latin1')));
  sock.write('read c.count\n');
  const vm = await running;
  await sleep(50);
  t.same({ kind: vm.kind, console: vm.console }, { kind: 'exit', console: 'echoed 13 bytes\n' });
  t.equal(got, 'READ C.COUNT\n');
  t.notOk(alive(vm.pid));
});
