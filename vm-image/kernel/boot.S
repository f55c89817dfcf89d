/* PVH entry: QEMU (microvm, -kernel) finds the ELF note below and starts the
 * CPU at pvh_start32 in flat 32-bit protected mode, paging off, with %ebx
 * holding the physical address of struct hvm_start_info. This file zeroes
 * the BSS, identity-maps the first 4 GiB (virtio-mmio sits at 0xfeb00000),
 * enters long mode and calls kmain(start_info) on the boot stack. */

#define CR0_PE  (1 << 0)
#define CR0_PG  (1 << 31)
#define CR4_PAE (1 << 5)
#define EFER_MSR 0xc0000080
#define EFER_LME (1 << 8)
#define PTE_P   (1 << 0)
#define PTE_W   (1 << 1)
#define PTE_PS  (1 << 7)

    .section .note.Xen, "a", @note
    .p2align 2
    .long 4                   /* name size: "Xen\0" */
    .long 4                   /* descriptor size */
    .long 18                  /* XEN_ELFNOTE_PHYS32_ENTRY */
    .asciz "Xen"
    .long pvh_start32

    .section .boot.text, "ax"
    .code32
    .globl pvh_start32
pvh_start32:
    rdtsc                               /* time zero for the boot clock */
    mov %eax, boot_tsc
    mov %edx, boot_tsc + 4
    cld
    mov %ebx, %esi                      /* start_info survives in %esi */

    /* The BSS (page tables, stack, queues: 600 KiB) is not cleared here:
     * the PVH loader zeroes an ELF segment's memory beyond its file bytes
     * (QEMU's ELF loader does, at every reset), and clearing it again cost
     * about 0.2 ms of the boot budget under TCG. */

    /* PML4[0] -> PDPT; PDPT[0..3] -> four page directories of 2 MiB pages,
     * except that the first 2 MiB go through a page table of 4 KiB pages so
     * that page 0 can stay unmapped: a NULL dereference faults. */
    mov $boot_pdpt, %eax
    or $(PTE_P | PTE_W), %eax
    mov %eax, boot_pml4
    mov $boot_pd, %edi
    mov $boot_pdpt, %ebx
    mov $4, %ecx
1:  mov %edi, %eax
    or $(PTE_P | PTE_W), %eax
    mov %eax, (%ebx)
    add $8, %ebx
    add $4096, %edi
    loop 1b

    mov $boot_pd, %edi                  /* 2048 entries of 2 MiB */
    mov $(PTE_P | PTE_W | PTE_PS), %eax
    xor %edx, %edx                      /* high half of the physical address */
    mov $2048, %ecx
2:  mov %eax, (%edi)
    mov %edx, 4(%edi)
    add $0x200000, %eax
    adc $0, %edx
    add $8, %edi
    loop 2b

    mov $boot_pt0, %eax                 /* first 2 MiB: 4 KiB pages */
    or $(PTE_P | PTE_W), %eax
    mov %eax, boot_pd
    mov $boot_pt0, %edi
    mov $(PTE_P | PTE_W), %eax
    mov $512, %ecx
3:  mov %eax, (%edi)
    add $4096, %eax
    add $8, %edi
    loop 3b
    movl $0, boot_pt0                   /* page 0: not present */
    /* The page under the stack too, when it lies in the first 2 MiB (the
     * linker script puts the stack first in the BSS, so it does unless the
     * image is over a megabyte): an overflow faults instead of overwriting. */
    mov $boot_stack_guard, %eax
    cmp $0x200000, %eax
    jae 5f
    shr $12, %eax
    movl $0, boot_pt0(,%eax,8)
5:
    rdtsc                               /* the page tables are built (the verbose boot steps) */
    mov %eax, boot_tsc_paging
    mov %edx, boot_tsc_paging + 4

    mov %cr4, %eax
    or $CR4_PAE, %eax
    mov %eax, %cr4
    mov $boot_pml4, %eax
    mov %eax, %cr3
    mov $EFER_MSR, %ecx
    rdmsr
    or $EFER_LME, %eax
    wrmsr
    mov %cr0, %eax
    or $(CR0_PG | CR0_PE), %eax
    mov %eax, %cr0

    lgdt boot_gdt_ptr
    ljmp $0x08, $long_entry

    .code64
long_entry:
    mov $0x10, %ax
    mov %ax, %ds
    mov %ax, %es
    mov %ax, %ss
    xor %eax, %eax
    mov %ax, %fs
    mov %ax, %gs
    lea boot_stack_top(%rip), %rsp
    mov %esi, %edi                      /* kmain(start_info) */
    xor %ebp, %ebp
    call kmain
4:  cli
    hlt
    jmp 4b

    .section .rodata
    .p2align 3
    /* Flat segments: 0x08 64-bit code, 0x10 data. cpu.c loads the final GDT
     * (with a TSS) once in C; this one only gets the CPU into long mode. */
boot_gdt:
    .quad 0
    .quad 0x00af9a000000ffff
    .quad 0x00cf92000000ffff
boot_gdt_ptr:
    .word boot_gdt_ptr - boot_gdt - 1
    .long boot_gdt

    .section .bss
    .p2align 12
boot_pml4:  .skip 4096
boot_pdpt:  .skip 4096
boot_pd:    .skip 4 * 4096
boot_pt0:   .skip 4096

    .section .bss.stack, "aw", @nobits
    .p2align 12
boot_stack_guard:
    .skip 4096
    .globl boot_stack_bottom
boot_stack_bottom:
    .skip 256 * 1024
boot_stack_top:
