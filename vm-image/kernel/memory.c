/* Memory: the heap is the largest RAM region of the PVH memory map above
 * the kernel image. brk grows up from its bottom; mmap hands out page runs
 * from the top down, from a free list sorted by address whose nodes live in
 * the free pages themselves. munmap puts runs back, merged with their
 * neighbours, so a router that allocates and frees for hours does not
 * fragment the heap into nothing. Pages are zeroed when handed out, as
 * Linux's anonymous memory is. */
#include "kernel.h"
#include "pvh.h"

#define PAGE 4096ul

struct free_run {
    size_t size;              /* bytes, a multiple of PAGE */
    struct free_run *next;    /* the next run at a higher address */
};

extern char __kernel_end[];
static uintptr_t heap_base, heap_end;
static uintptr_t brk_base, brk_cur;
static struct free_run *free_list;
static size_t free_bytes;

static uintptr_t page_up(uintptr_t a) { return (a + PAGE - 1) & ~(PAGE - 1); }

void memory_init(const struct hvm_start_info *si)
{
    if (si->version < 1 || !si->memmap_paddr || !si->memmap_entries) panic("no memory map in the PVH start info");
    const struct hvm_memmap_entry *e = (const void *)(uintptr_t)si->memmap_paddr;
    uintptr_t low = page_up((uintptr_t)__kernel_end), best = 0, best_end = 0;
    for (uint32_t i = 0; i < si->memmap_entries; i++) {
        if (e[i].type != PVH_MEMMAP_RAM) continue;
        uint64_t a = e[i].addr, b = e[i].addr + e[i].size;
        if (b > 0x100000000ull) b = 0x100000000ull;   /* only 4 GiB are mapped */
        if (a < low) a = low;
        a = page_up(a);
        b &= ~(PAGE - 1);
        if (b > a && b - a > best_end - best) best = a, best_end = b;
    }
    if (best_end - best < 64 * PAGE) panic("less than 256 KiB of RAM above the kernel");
    heap_base = best;
    heap_end = best_end;
    brk_base = brk_cur = heap_base;
    free_list = (struct free_run *)heap_base;
    free_list->size = heap_end - heap_base;
    free_list->next = 0;
    free_bytes = free_list->size;
}

void vm_heap_region(void **base, size_t *size)
{
    *base = (void *)heap_base;
    *size = heap_end - heap_base;
}

size_t mem_free_bytes(void) { return free_bytes; }

int mem_in_heap(uintptr_t addr, size_t len)
{
    return addr >= heap_base && addr <= heap_end && len <= heap_end - addr;
}

/* Take [a, b) out of the free list if one run holds all of it. */
static int take_range(uintptr_t a, uintptr_t b)
{
    for (struct free_run **pp = &free_list; *pp; pp = &(*pp)->next) {
        struct free_run *r = *pp;
        uintptr_t s = (uintptr_t)r, e = s + r->size;
        if (a < s) return 0;
        if (b > e) continue;
        struct free_run *next = r->next;
        if (b < e) {                          /* the part above stays free */
            struct free_run *hi = (struct free_run *)b;
            hi->size = e - b;
            hi->next = next;
            next = hi;
        }
        if (a > s) {                          /* the part below too */
            r->size = a - s;
            r->next = next;
        } else {
            *pp = next;
        }
        free_bytes -= b - a;
        return 1;
    }
    return 0;
}

/* Put [a, b) back, merged with every run it touches or overlaps (so
 * unmapping a range twice, which Linux allows, changes nothing). */
static void give_range(uintptr_t a, uintptr_t b)
{
    struct free_run **pp = &free_list;
    while (*pp && (uintptr_t)*pp + (*pp)->size < a) pp = &(*pp)->next;
    struct free_run *r = *pp;
    while (r && (uintptr_t)r <= b) {
        uintptr_t s = (uintptr_t)r, e = s + r->size;
        struct free_run *next = r->next;
        free_bytes -= r->size;
        if (s < a) a = s;
        if (e > b) b = e;
        r = next;
    }
    struct free_run *n = (struct free_run *)a;
    n->size = b - a;
    n->next = r;
    *pp = n;
    free_bytes += b - a;
}

void *mem_map(size_t len)
{
    len = page_up(len);
    if (!len) return 0;
    /* The highest run that fits, so brk keeps room to grow at the bottom. */
    struct free_run *fit = 0;
    for (struct free_run *r = free_list; r; r = r->next)
        if (r->size >= len) fit = r;
    if (!fit) return 0;
    uintptr_t b = (uintptr_t)fit + fit->size, a = b - len;
    take_range(a, b);
    kmemset((void *)a, 0, len);
    return (void *)a;
}

int mem_unmap(void *addr, size_t len)
{
    uintptr_t a = (uintptr_t)addr, b = page_up(a + len);
    if ((a & (PAGE - 1)) || !len || b < a) return -1;
    /* Only what mmap handed out (never brk's part or the kernel). */
    if (a < page_up(brk_cur) || b > heap_end) return -1;
    give_range(a, b);
    return 0;
}

uintptr_t mem_brk(uintptr_t want)
{
    if (want < brk_base) return brk_cur;
    uintptr_t have = page_up(brk_cur), need = page_up(want);
    if (need > have) {
        if (need > heap_end || !take_range(have, need)) return brk_cur;
        kmemset((void *)have, 0, need - have);
    } else if (need < have) {
        give_range(need, have);
    }
    /* Bytes between the old and new break within a page read as zero. */
    if (want > brk_cur) kmemset((void *)brk_cur, 0, want - brk_cur > have - brk_cur ? have - brk_cur : want - brk_cur);
    brk_cur = want;
    return brk_cur;
}
