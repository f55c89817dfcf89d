/* The PVH boot protocol's start information (Xen's public hvm/start_info.h
 * layout, which QEMU's microvm fills in): where the command line and the
 * memory map are. Physical addresses; the kernel identity-maps memory. */
#ifndef CVM_VM_PVH_H
#define CVM_VM_PVH_H

#include <stdint.h>

#define PVH_START_MAGIC 0x336ec578u
#define PVH_MEMMAP_RAM  1u

struct hvm_start_info {
    uint32_t magic;
    uint32_t version;          /* the memory map fields exist from version 1 */
    uint32_t flags;
    uint32_t nr_modules;
    uint64_t modlist_paddr;
    uint64_t cmdline_paddr;    /* NUL-terminated, 0 if none */
    uint64_t rsdp_paddr;
    uint64_t memmap_paddr;
    uint32_t memmap_entries;
    uint32_t reserved;
};

struct hvm_memmap_entry {
    uint64_t addr;
    uint64_t size;
    uint32_t type;
    uint32_t reserved;
};

#endif
