/* The boundary between the VM's kernel (vm-image/kernel/) and its C library
 * (vm-image/libc/): the few things a library cannot do by itself on bare
 * metal. The kernel implements these; the library's stdio, time, malloc
 * and exit are built on them and nothing else, so either side can be
 * tested alone (the library's host tests implement them over POSIX). */
#ifndef CVM_VM_PLATFORM_H
#define CVM_VM_PLATFORM_H

#include <stddef.h>
#include <stdint.h>

/* Bytes for the serial console (stdout and stderr both end here). */
void vm_console_write(const char *s, size_t n);
/* Nanoseconds since boot, from the calibrated TSC; never goes back. */
int64_t vm_monotonic_ns(void);
/* Nanoseconds since the Unix epoch (boot time read from the RTC, then the TSC). */
int64_t vm_realtime_ns(void);
/* The memory malloc may hand out: one region, fixed at boot. */
void vm_heap_region(void **base, size_t *size);
/* Serve the control channel (COM2) if the VM has one; the driver calls it
 * once the router is up (kernel/control-serial.c). */
void vm_control_start(void);
/* Power off with this status (QEMU's isa-debug-exit when present). */
_Noreturn void vm_exit(int status);

#endif
