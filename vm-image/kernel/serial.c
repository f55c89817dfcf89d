/* The console: COM1's 16550 UART at 0x3f8, polled (interrupts stay off).
 * stdout and stderr both end here, byte for byte (no newline translation),
 * so the host sees exactly what the program wrote.
 *
 * Every byte costs QEMU a port exit and a write(2) (about 3 us, far more
 * when the host is busy), so the boot log alone would take a millisecond
 * or more of a 5 ms boot budget. Until the first idle moment (the run
 * loop's first wait, a sleep), an exit or a fault, output is held in memory
 * and then written in order; the router is ready to forward in the
 * meantime. */
#include "kernel.h"

#define COM1 0x3f8
#define LSR_THRE 0x20   /* transmit holding register empty */

void serial_init(void)
{
    outb(COM1 + 1, 0x00);   /* no interrupts */
    outb(COM1 + 3, 0x80);   /* DLAB: set the divisor */
    outb(COM1 + 0, 0x01);   /* 115200 baud */
    outb(COM1 + 1, 0x00);
    outb(COM1 + 3, 0x03);   /* 8N1 */
    outb(COM1 + 2, 0x07);   /* FIFO on, cleared */
    outb(COM1 + 4, 0x03);   /* DTR, RTS */
}

static char held[8192];
static size_t nheld;
static int holding = 1;

static void uart_write(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        /* A missing UART reads 0xff: THRE looks set, so this cannot hang. */
        while (!(inb(COM1 + 5) & LSR_THRE)) cpu_relax();
        outb(COM1, (uint8_t)s[i]);
    }
}

void console_release(void)
{
    if (!holding) return;
    holding = 0;
    uart_write(held, nheld);
    nheld = 0;
}

void vm_console_write(const char *s, size_t n)
{
    if (holding && nheld + n <= sizeof held) {
        kmemcpy(held + nheld, s, n);
        nheld += n;
        return;
    }
    console_release();
    uart_write(s, n);
}

void kputs(const char *s) { vm_console_write(s, kstrlen(s)); }

void kput_hex(uint64_t v)
{
    char b[19];
    b[0] = '0';
    b[1] = 'x';
    for (int i = 0; i < 16; i++) b[2 + i] = "0123456789abcdef"[(v >> (60 - 4 * i)) & 15];
    b[18] = 0;
    kputs(b);
}

void kput_dec(int64_t v)
{
    char b[24];
    int i = 23;
    uint64_t u = v < 0 ? -(uint64_t)v : (uint64_t)v;
    b[i] = 0;
    do b[--i] = (char)('0' + u % 10); while (u /= 10);
    if (v < 0) b[--i] = '-';
    kputs(b + i);
}
