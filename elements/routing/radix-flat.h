/* RadixIPLookup's lookup table for the packet path: a flat 16-8-8 table
 * (DIR-16-8-8) derived from Click's trie. Click's trie walks one level per
 * 4 bits below the first 8, so a /24 route costs five dependent reads per
 * packet; the flat table answers any address in at most three.
 *
 * The table is not a second routing table: it is computed from the trie by
 * walking it, so it answers exactly what the trie answers, for any mask,
 * non-contiguous ones included. Route changes only mark it stale; the next
 * batch rebuilds it (a walk of the trie, tens of microseconds for small
 * tables), so a burst of handler writes costs one rebuild.
 *
 * An entry is a trie key (1-based route slot, 0 = no route), or, with the
 * top bit set, the index of a 256-entry chunk for the next 8 bits. */
#ifndef CLICKVM_RADIX_FLAT_H
#define CLICKVM_RADIX_FLAT_H

#include <stdint.h>
#include <stdlib.h>

#define RADIX_FLAT_CHUNK 0x80000000u

typedef struct RadixFlat {
    uint32_t *top;       /* 65536 entries: the top 16 bits */
    uint32_t *chunks;    /* 256 entries per chunk */
    uint32_t nchunks, cap;
    int stale;           /* a route changed since the last build */
    int broken;          /* out of memory: the trie answers instead */
} RadixFlat;

static inline int32_t radix_flat_lookup(const RadixFlat *f, uint32_t addr)
{
    uint32_t e = f->top[addr >> 16];
    if (e & RADIX_FLAT_CHUNK) {
        e = f->chunks[(e & ~RADIX_FLAT_CHUNK) << 8 | (addr >> 8 & 255)];
        if (e & RADIX_FLAT_CHUNK) e = f->chunks[(e & ~RADIX_FLAT_CHUNK) << 8 | (addr & 255)];
    }
    return (int32_t)e;
}

/* The chunk below entry *slot, made (filled with the entry's key) if the
 * entry is a key; -1 when out of memory. */
static int64_t radix_flat_chunk_at(RadixFlat *f, uint32_t *slot_owner, size_t slot_index)
{
    uint32_t e = slot_owner ? slot_owner[slot_index] : f->chunks[slot_index];
    if (e & RADIX_FLAT_CHUNK) return e & ~RADIX_FLAT_CHUNK;
    if (f->nchunks == f->cap) {
        uint32_t cap = f->cap ? f->cap * 2 : 16;
        uint32_t *c = realloc(f->chunks, (size_t)cap * 256 * sizeof *c);
        if (!c) return -1;
        f->chunks = c;
        f->cap = cap;
    }
    uint32_t idx = f->nchunks++;
    for (unsigned i = 0; i < 256; i++) f->chunks[(size_t)idx << 8 | i] = e;
    /* the chunk array may have moved: write the owner's entry afterwards */
    if (slot_owner) slot_owner[slot_index] = idx | RADIX_FLAT_CHUNK;
    else f->chunks[slot_index] = idx | RADIX_FLAT_CHUNK;
    return idx;
}

/* Every address in [lo, lo + 2^shift) (aligned) answers `key`. */
static int radix_flat_paint(RadixFlat *f, uint32_t lo, unsigned shift, uint32_t key)
{
    if (shift >= 16) {
        for (uint32_t i = 0; i < 1u << (shift - 16); i++) f->top[(lo >> 16) + i] = key;
        return 0;
    }
    int64_t c = radix_flat_chunk_at(f, f->top, lo >> 16);
    if (c < 0) return -1;
    if (shift >= 8) {
        for (uint32_t i = 0; i < 1u << (shift - 8); i++) f->chunks[(size_t)c << 8 | ((lo >> 8 & 255) + i)] = key;
        return 0;
    }
    c = radix_flat_chunk_at(f, NULL, (size_t)c << 8 | (lo >> 8 & 255));
    if (c < 0) return -1;
    for (uint32_t i = 0; i < 1u << shift; i++) f->chunks[(size_t)c << 8 | ((lo & 255) + i)] = key;
    return 0;
}

static void radix_flat_free(RadixFlat *f)
{
    free(f->top);
    free(f->chunks);
    *f = (RadixFlat){ 0 };
}

#endif
