/* The Internet checksum (RFC 1071) and Click's incremental update (RFC 1624),
 * for every native element that reads or writes IP, ICMP, UDP or TCP
 * headers. The arithmetic is exactly that of elements/lib/checksum.ts, so the
 * two engines produce the same checksum bits in every case (including the
 * 0x0000/0xFFFF choice).
 *
 * Conventions: a "word" is a 16-bit header field as a number (big-endian on
 * the wire, read with cvm_be16); sums and checksums are such numbers too.
 *
 *   inet_sum(b, n, init)      folded one's-complement sum of b[0..n) read as
 *                             big-endian words (an odd last byte is the high
 *                             byte of a word), plus init: fold(onesSum()) in TS
 *   inet_checksum(b, n, init) the checksum field for b[0..n): ~inet_sum
 *   inet_header_ok(h, hlen)   inet_checksum(h, hlen, 0) == 0, the IP header check
 *                             (20-byte headers unrolled)
 *   inet_pseudo_sum(...)      the UDP/TCP pseudo-header sum (pseudoHeaderSum)
 *   inet_update(sum, o, n)    checksum field after one word changes from o to n
 *                             (Click's click_update_in_cksum; updateChecksum)
 *   inet_add_words(a, b)      a + b with the end-around carry (addWords)
 *
 * The bulk sum loads 32 bits at a time in host byte order and swaps the
 * folded result once: one's-complement addition is independent of grouping
 * and byte order (RFC 1071 section 2), and a folded sum is 0 only when every
 * byte is 0, whatever the grouping, so the result equals the TypeScript
 * word-by-word loop bit for bit. */
#ifndef CVM_LIB_CHECKSUM_H
#define CVM_LIB_CHECKSUM_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

/* Fold a sum to 16 bits with end-around carries (fold() in TS). Each step
 * keeps the value modulo 0xFFFF and keeps a nonzero value nonzero, so four
 * fixed steps (enough for any 64-bit sum) give exactly the loop's result. */
static inline uint32_t inet_fold(uint64_t sum)
{
    sum = (sum & 0xffffffffu) + (sum >> 32);
    sum = (sum & 0xffff) + (sum >> 16);
    sum = (sum & 0xffff) + (sum >> 16);
    sum = (sum & 0xffff) + (sum >> 16);
    return (uint32_t)sum;
}

/* Sum of b[0..n) as host-order 16-bit words, not folded; an odd last byte
 * counts as the first byte of a word padded with zero. */
static inline uint64_t inet_sum_host_order(const uint8_t *b, size_t n)
{
    uint64_t sum = 0;
    size_t i = 0;
    for (; i + 4 <= n; i += 4) {
        uint32_t w;
        memcpy(&w, b + i, 4);
        sum += w;
    }
    if (i + 2 <= n) {
        uint16_t w;
        memcpy(&w, b + i, 2);
        sum += w;
        i += 2;
    }
    if (i < n) {
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
        sum += b[i];
#else
        sum += (uint32_t)b[i] << 8;
#endif
    }
    return sum;
}

static inline uint32_t inet_sum(const uint8_t *b, size_t n, uint32_t initial)
{
    uint32_t s = inet_fold(inet_sum_host_order(b, n));
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    s = ((s & 0xff) << 8) | (s >> 8);
#endif
    return inet_fold((uint64_t)s + initial);
}

static inline uint16_t inet_checksum(const uint8_t *b, size_t n, uint32_t initial)
{
    return (uint16_t)(~inet_sum(b, n, initial) & 0xffff);
}

/* The header checksum verifies: the folded sum of the header is 0xFFFF.
 * The common 20-byte header is five loads and adds. */
static inline int inet_header_ok(const uint8_t *h, size_t hlen)
{
    if (hlen == 20) {
        uint32_t w[5];
        memcpy(w, h, 20);
        return inet_fold((uint64_t)w[0] + w[1] + w[2] + w[3] + w[4]) == 0xffff;
    }
    return inet_fold(inet_sum_host_order(h, hlen)) == 0xffff;
}

/* Pseudo-header sum for UDP/TCP over IPv4 (addresses in host order). */
static inline uint32_t inet_pseudo_sum(uint32_t src, uint32_t dst, uint32_t protocol, uint32_t length)
{
    return (src >> 16) + (src & 0xffff) + (dst >> 16) + (dst & 0xffff) + protocol + length;
}

/* RFC 1624 equation 3, folded as Click's click_update_in_cksum does. */
static inline uint16_t inet_update(uint32_t sum, uint32_t old_word, uint32_t new_word)
{
    uint32_t s = (~sum & 0xffff) + (~old_word & 0xffff) + (new_word & 0xffff);
    s = (s & 0xffff) + (s >> 16);
    return (uint16_t)(~(s + (s >> 16)) & 0xffff);
}

static inline uint16_t inet_add_words(uint32_t a, uint32_t b)
{
    uint32_t s = a + b;
    return (uint16_t)((s + (s >> 16)) & 0xffff);
}

#endif
