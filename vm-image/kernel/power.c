/* Leaving the VM. QEMU's isa-debug-exit (port 0xf4) makes QEMU exit with
 * (value << 1) | 1; without it, a triple fault resets the machine (QEMU
 * exits under -no-reboot) and, if even that returns, the CPU halts. */
#include "kernel.h"

#define DEBUG_EXIT_PORT 0xf4

_Noreturn void vm_exit_reason(int code)
{
    console_release();
    outl(DEBUG_EXIT_PORT, (uint32_t)code);
    /* Still here: no debug-exit device. An empty IDT turns the next
     * exception into a triple fault. */
    struct __attribute__((packed)) { uint16_t limit; uint64_t base; } none = { 0, 0 };
    __asm__ volatile("lidt %0\n\tint3" : : "m"(none));
    for (;;) __asm__ volatile("cli\n\thlt");
}

_Noreturn void vm_exit(int status)
{
    status &= 0xff;   /* as a Linux process status */
    if (status > VM_EXIT_STATUS_MAX) {
        kputs("clickvm: exit status ");
        kput_dec(status);
        kputs("\n");
        vm_exit_reason(VM_EXIT_BIG);
    }
    vm_exit_reason(status);
}

_Noreturn void panic(const char *why)
{
    console_release();
    kputs("\nclickvm: kernel panic: ");
    kputs(why);
    kputs("\n");
    vm_exit_reason(VM_EXIT_PANIC);
}
