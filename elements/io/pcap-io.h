/* Capture files in C, record for record as host-engine/pcap.ts reads and
 * writes them: classic pcap (micro- or nanosecond, either byte order,
 * Kuznetsov's modified format, version 2.3's swapped lengths) and pcapng
 * (any interface time resolution) for reading, through a sliding window of
 * at least 1 MiB (files larger than memory stream) or from memory (standard
 * input, gzip-compressed files, inflated whole as Node's gunzip does); classic
 * little-endian pcap for writing. Damage is a result with the host's
 * message, never a crash: every length is checked before it is used. */
#ifndef CVM_IO_PCAP_IO_H
#define CVM_IO_PCAP_IO_H

#include "cvm.h"
#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#ifndef CVM_TARGET_VM   /* the VM image links musl, which has no zlib */
#include <zlib.h>
#endif

#define IO_PCAP_MAGIC_US 0xa1b2c3d4u
#define IO_PCAP_MAGIC_NS 0xa1b23c4du
#define IO_PCAP_MAGIC_MODIFIED 0xa1b2cd34u
#define IO_PCAPNG_SHB 0x0a0d0d0au
#define IO_PCAP_MAX_SANE_CAPLEN 262144u
#define IO_PCAP_CHUNK (1u << 20)

/* --- where the bytes come from ------------------------------------------ */

typedef struct IoByteSource {
    int fd;                      /* file, or -1: the bytes are in mem */
    uint8_t *mem;                /* whole content (memory sources) */
    uint64_t size;
    uint8_t *win;                /* file window: bytes [win_start, win_start + win_len) */
    size_t win_cap, win_len;
    uint64_t win_start;
} IoByteSource;

/* Up to `len` bytes at `pos` (fewer only at the end of the data); the
 * pointer is valid until the next call. *got is how many. NULL only when
 * memory ran out (then *got is 0). */
static const uint8_t *io_src_read(IoByteSource *s, uint64_t pos, uint64_t len, uint64_t *got)
{
    uint64_t avail = pos < s->size ? s->size - pos : 0;
    if (s->fd < 0) {
        *got = len < avail ? len : avail;
        return s->mem + (pos < s->size ? pos : s->size);
    }
    if (pos >= s->win_start && pos + len <= s->win_start + s->win_len) {
        *got = len;
        return s->win + (pos - s->win_start);
    }
    /* Never more than the file holds: what is past its end cannot be read anyway. */
    uint64_t want = len < avail ? len : avail;
    if (want > s->win_cap) {
        uint8_t *w = realloc(s->win, (size_t)want);
        if (!w) {
            *got = 0;
            return NULL;
        }
        s->win = w;
        s->win_cap = (size_t)want;
    }
    s->win_start = pos;
    s->win_len = 0;
    while (s->win_len < s->win_cap) {
        ssize_t r = pread(s->fd, s->win + s->win_len, s->win_cap - s->win_len, (off_t)(pos + s->win_len));
        if (r < 0 && errno == EINTR) continue;
        if (r <= 0) break;
        s->win_len += (size_t)r;
    }
    *got = len < s->win_len ? len : s->win_len;
    return s->win;
}

static void io_src_close(IoByteSource *s)
{
    if (s->fd >= 0) close(s->fd);
    s->fd = -1;
    free(s->mem);
    free(s->win);
    s->mem = s->win = NULL;
    s->win_cap = s->win_len = 0;
}

/* Read all of fd into memory. 0, or an errno value. */
static int io_read_all(int fd, uint8_t **out, uint64_t *n)
{
    size_t cap = 1 << 16, len = 0;
    uint8_t *b = malloc(cap);
    if (!b) return ENOMEM;
    for (;;) {
        if (len == cap) {
            uint8_t *nb = realloc(b, cap * 2);
            if (!nb) {
                free(b);
                return ENOMEM;
            }
            b = nb;
            cap *= 2;
        }
        ssize_t r = read(fd, b + len, cap - len);
        if (r < 0 && errno == EINTR) continue;
        if (r < 0) {
            int e = errno;
            free(b);
            return e;
        }
        if (r == 0) break;
        len += (size_t)r;
    }
    *out = b;
    *n = len;
    return 0;
}

/* Inflate gzip data as Node's gunzipSync does: members one after another
 * until the data ends or a zero byte follows a member.
 * 0, or -1 with zlib's message (or "unexpected end of file") in err. */
static int io_gunzip(const uint8_t *in, uint64_t n, uint8_t **out, uint64_t *outlen, CvmStr *err)
{
#ifdef CVM_TARGET_VM
    (void)in, (void)n, (void)out, (void)outlen;
    return cvm_str_printf(err, "gzip-compressed captures need zlib, which the VM image does not have"), -1;
#else
    size_t cap = n * 4 + 4096, len = 0;
    uint8_t *b = malloc(cap);
    if (!b) return cvm_str_printf(err, "out of memory"), -1;
    uint64_t used = 0;
    /* after a member, anything but a zero byte must be another member */
    for (int member = 0; used < n && (member == 0 || in[used] != 0); member++) {
        z_stream z;
        memset(&z, 0, sizeof z);
        if (inflateInit2(&z, 16 + MAX_WBITS) != Z_OK) {
            free(b);
            return cvm_str_printf(err, "zlib initialization failed"), -1;
        }
        z.next_in = (Bytef *)(in + used);
        uint64_t left = n - used;
        z.avail_in = left > UINT32_MAX ? UINT32_MAX : (uInt)left;
        int r;
        do {
            if (len == cap) {
                uint8_t *nb = realloc(b, cap * 2);
                if (!nb) {
                    inflateEnd(&z);
                    free(b);
                    return cvm_str_printf(err, "out of memory"), -1;
                }
                b = nb;
                cap *= 2;
            }
            z.next_out = b + len;
            size_t room = cap - len;
            z.avail_out = room > UINT32_MAX ? UINT32_MAX : (uInt)room;
            r = inflate(&z, Z_NO_FLUSH);
            len = (size_t)(z.next_out - b);
            if (r == Z_BUF_ERROR && z.avail_in == 0) break;
        } while (r == Z_OK || (r == Z_BUF_ERROR && z.avail_out == 0));
        used += (uint64_t)(z.next_in - (in + used));
        if (r != Z_STREAM_END) {
            const char *msg = r != Z_BUF_ERROR && r != Z_OK && z.msg ? z.msg : "unexpected end of file";
            cvm_str_printf(err, "%s", msg);
            inflateEnd(&z);
            free(b);
            return -1;
        }
        inflateEnd(&z);
    }
    *out = b;
    *outlen = len;
    return 0;
#endif
}

/* --- reading captures ---------------------------------------------------- */

typedef struct IoPcapIface {
    uint32_t link_type, snaplen;
    int tsresol_pow2;            /* units per second: 2^exp or 10^exp */
    unsigned tsresol_exp;
} IoPcapIface;

typedef struct IoPcapReader {
    IoByteSource src;
    int ng;                      /* pcapng */
    int le, ng_le;
    unsigned extra_header, minor;
    int nanosecond;
    uint32_t link_type, snaplen;
    uint64_t position, first_block;
    IoPcapIface *ifaces;
    unsigned nifaces, ifaces_cap;
} IoPcapReader;

typedef struct IoPcapRecord {
    int64_t ts_sec;
    uint32_t ts_nsec;
    uint32_t orig_len;
    const uint8_t *data;         /* valid until the next read */
    uint32_t len;
    uint64_t filepos;
} IoPcapRecord;

enum { IO_PCAP_PACKET, IO_PCAP_END, IO_PCAP_DAMAGED };

static inline uint32_t io_get32(const uint8_t *p, int le)
{
    return le ? (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24 : cvm_be32(p);
}
static inline uint16_t io_get16(const uint8_t *p, int le) { return le ? (uint16_t)(p[0] | p[1] << 8) : cvm_be16(p); }

static void io_pcap_close(IoPcapReader *r)
{
    io_src_close(&r->src);
    free(r->ifaces);
    r->ifaces = NULL;
    r->nifaces = r->ifaces_cap = 0;
}

/* The first interface description of a pcapng file (linktype and snaplen at open). */
static int io_pcapng_scan_first(IoPcapReader *r, uint32_t *link_type, uint32_t *snaplen)
{
    uint64_t pos = 0, got;
    int le = 1;
    for (int i = 0; i < 64; i++) {
        const uint8_t *h = io_src_read(&r->src, pos, 12, &got);
        if (got < 12) return 0;
        if (io_get32(h, 1) == IO_PCAPNG_SHB) le = io_get32(h + 8, 1) == 0x1a2b3c4d;
        uint32_t type = io_get32(h, le), len = io_get32(h + 4, le);
        if (len < 12 || len % 4) return 0;
        if (type == 1) {
            const uint8_t *b = io_src_read(&r->src, pos + 8, 8, &got);
            if (got < 8) return 0;
            *link_type = io_get16(b, le);
            *snaplen = io_get32(b + 4, le);
            return 1;
        }
        pos += len;
    }
    return 0;
}

/* Check the file header (the source is set up). 0, or -1 with the host's
 * PcapError message in err. */
static int io_pcap_begin(IoPcapReader *r, CvmStr *err)
{
    uint64_t got;
    const uint8_t *head = io_src_read(&r->src, 0, 24, &got);
    if (!head) return cvm_str_printf(err, "out of memory"), -1;
    if (got == 0) return cvm_str_printf(err, "empty file"), -1;
    if (got < 4) return cvm_str_printf(err, "not a tcpdump file (too short)"), -1;
    if (io_get32(head, 1) == IO_PCAPNG_SHB) {
        r->ng = 1;
        r->le = r->ng_le = 1;
        r->nanosecond = 1;
        r->first_block = r->position = 0;
        if (got < 12) return cvm_str_printf(err, "not a pcapng file (too short)"), -1;
        uint32_t bom = io_get32(head + 8, 1);
        if (bom != 0x1a2b3c4d && bom != 0x4d3c2b1a) return cvm_str_printf(err, "pcapng section header has a bad byte-order mark"), -1;
        r->link_type = 1;
        r->snaplen = 65535;
        io_pcapng_scan_first(r, &r->link_type, &r->snaplen);
        return 0;
    }
    if (got < 24) return cvm_str_printf(err, "not a tcpdump file (too short)"), -1;
    uint32_t m = io_get32(head, 1);
    int le;
    if (m == IO_PCAP_MAGIC_US || m == IO_PCAP_MAGIC_NS || m == IO_PCAP_MAGIC_MODIFIED) le = 1;
    else {
        m = io_get32(head, 0);
        if (m == IO_PCAP_MAGIC_US || m == IO_PCAP_MAGIC_NS || m == IO_PCAP_MAGIC_MODIFIED) le = 0;
        else return cvm_str_printf(err, "not a tcpdump file (bad magic number)"), -1;
    }
    r->le = le;
    r->nanosecond = m == IO_PCAP_MAGIC_NS;
    r->extra_header = m == IO_PCAP_MAGIC_MODIFIED ? 8 : 0;
    unsigned major = io_get16(head + 4, le);
    if (major != 2) return cvm_str_printf(err, "unknown major version %u", major), -1;
    r->minor = io_get16(head + 6, le);
    r->snaplen = io_get32(head + 16, le);
    r->link_type = io_get32(head + 20, le) & 0x0fffffff;
    r->first_block = r->position = 24;
    return 0;
}

/* Open a capture: `-` is standard input, a gzip file is inflated whole.
 * 0, or -1 with the message the host puts after the file name. */
static int io_pcap_open(IoPcapReader *r, const char *name, CvmStr *err)
{
    memset(r, 0, sizeof *r);
    r->src.fd = -1;
    if (!strcmp(name, "-")) {
        int e = io_read_all(0, &r->src.mem, &r->src.size);
        if (e) return cvm_str_printf(err, "%s", strerror(e)), -1;
    } else {
        int fd = open(*name ? name : ".", O_RDONLY);
        if (fd < 0) return cvm_str_printf(err, "%s", strerror(errno)), -1;
        uint8_t magic[2];
        ssize_t n = pread(fd, magic, 2, 0);
        if (n < 0) {
            int e = errno;
            close(fd);
            return cvm_str_printf(err, "%s", strerror(e)), -1;
        }
        if (n == 2 && magic[0] == 0x1f && magic[1] == 0x8b) {
            uint8_t *raw;
            uint64_t rawlen;
            int e = io_read_all(fd, &raw, &rawlen);
            close(fd);
            if (e) return cvm_str_printf(err, "%s", strerror(e)), -1;
            int z = io_gunzip(raw, rawlen, &r->src.mem, &r->src.size, err);
            free(raw);
            if (z < 0) return -1;
        } else {
            struct stat st;
            if (fstat(fd, &st) < 0) {
                int e = errno;
                close(fd);
                return cvm_str_printf(err, "%s", strerror(e)), -1;
            }
            r->src.fd = fd;
            r->src.size = (uint64_t)st.st_size;
            r->src.win = malloc(IO_PCAP_CHUNK);
            if (!r->src.win) {
                io_pcap_close(r);
                return cvm_str_printf(err, "out of memory"), -1;
            }
            r->src.win_cap = IO_PCAP_CHUNK;
        }
    }
    if (io_pcap_begin(r, err) < 0) {
        io_pcap_close(r);
        return -1;
    }
    return 0;
}

/* Move to a record boundary; before the first record means the first. */
static void io_pcap_seek(IoPcapReader *r, uint64_t pos)
{
    r->position = pos > r->first_block ? pos : r->first_block;
    if (r->ng && pos <= r->first_block) r->nifaces = 0;
}

static int io_pcap_next_classic(IoPcapReader *r, IoPcapRecord *rec, CvmStr *msg)
{
    uint64_t hlen = 16 + r->extra_header, at = r->position, got;
    const uint8_t *h = io_src_read(&r->src, at, hlen, &got);
    if (got == 0) return IO_PCAP_END;
    if (got < hlen) return cvm_str_printf(msg, "file ends inside the header of the packet at offset %llu", (unsigned long long)at), IO_PCAP_DAMAGED;
    uint32_t sec = io_get32(h, r->le), frac = io_get32(h + 4, r->le);
    uint32_t caplen = io_get32(h + 8, r->le), orig_len = io_get32(h + 12, r->le);
    /* Before version 2.3 the two length fields were the other way round. */
    if (!(r->minor > 3 || (r->minor == 3 && caplen <= orig_len))) {
        uint32_t t = caplen;
        caplen = orig_len;
        orig_len = t;
    }
    if (caplen > IO_PCAP_MAX_SANE_CAPLEN && caplen > r->snaplen)
        return cvm_str_printf(msg, "bad packet header at offset %llu; giving up", (unsigned long long)at), IO_PCAP_DAMAGED;
    uint32_t keep = caplen < orig_len ? caplen : orig_len;
    const uint8_t *data = io_src_read(&r->src, at + hlen, caplen, &got);
    if (got < caplen)
        return cvm_str_printf(msg, "packet at offset %llu is cut short (%llu of %u bytes present)", (unsigned long long)at, (unsigned long long)got, caplen), IO_PCAP_DAMAGED;
    r->position = at + hlen + caplen;
    uint64_t ns = r->nanosecond ? frac : (uint64_t)frac * 1000;
    rec->ts_sec = (int64_t)sec + (int64_t)(ns / 1000000000u);
    rec->ts_nsec = (uint32_t)(ns % 1000000000u);
    rec->orig_len = orig_len;
    rec->data = data;
    rec->len = keep;
    rec->filepos = at;
    return IO_PCAP_PACKET;
}

static int io_pcapng_add_iface(IoPcapReader *r, const uint8_t *block, uint32_t len, int le)
{
    if (r->nifaces == r->ifaces_cap) {
        unsigned cap = r->ifaces_cap ? r->ifaces_cap * 2 : 4;
        IoPcapIface *n = realloc(r->ifaces, cap * sizeof *n);
        if (!n) return -1;
        r->ifaces = n;
        r->ifaces_cap = cap;
    }
    IoPcapIface *f = &r->ifaces[r->nifaces++];
    f->link_type = io_get16(block + 8, le);
    f->snaplen = io_get32(block + 12, le);
    f->tsresol_pow2 = 0;
    f->tsresol_exp = 6;
    uint64_t o = 16, end = len - 4;
    while (o + 4 <= end) {
        unsigned code = io_get16(block + o, le), olen = io_get16(block + o + 2, le);
        if (code == 0) break;
        if (code == 9 && olen >= 1 && o + 4 < end) {
            uint8_t v = block[o + 4];
            f->tsresol_pow2 = !!(v & 0x80);
            f->tsresol_exp = v & 0x7f;
        }
        o += 4 + ((olen + 3) & ~3u);
    }
    return 0;
}

static int io_pcap_next_ng(IoPcapReader *r, IoPcapRecord *rec, CvmStr *msg)
{
    for (;;) {
        uint64_t at = r->position, got;
        const uint8_t *h = io_src_read(&r->src, at, 12, &got);
        if (got == 0) return IO_PCAP_END;
        if (got < 12) return cvm_str_printf(msg, "file ends inside the block at offset %llu", (unsigned long long)at), IO_PCAP_DAMAGED;
        if (io_get32(h, 1) == IO_PCAPNG_SHB) {
            uint32_t bom = io_get32(h + 8, 1);
            if (bom == 0x1a2b3c4d) r->ng_le = 1;
            else if (bom == 0x4d3c2b1a) r->ng_le = 0;
            else return cvm_str_printf(msg, "pcapng section header at offset %llu has a bad byte-order mark", (unsigned long long)at), IO_PCAP_DAMAGED;
            r->nifaces = 0;
        }
        int le = r->ng_le;
        uint32_t type = io_get32(h, le), len = io_get32(h + 4, le);
        if (len < 12 || len % 4) return cvm_str_printf(msg, "pcapng block at offset %llu has a bad length", (unsigned long long)at), IO_PCAP_DAMAGED;
        const uint8_t *b = io_src_read(&r->src, at, len, &got);
        if (got < len) return cvm_str_printf(msg, "file ends inside the pcapng block at offset %llu", (unsigned long long)at), IO_PCAP_DAMAGED;
        r->position = at + len;
        if (type == 1) {
            if (len < 20) return cvm_str_printf(msg, "pcapng interface block at offset %llu is too short", (unsigned long long)at), IO_PCAP_DAMAGED;
            if (io_pcapng_add_iface(r, b, len, le) < 0) return cvm_str_printf(msg, "out of memory"), IO_PCAP_DAMAGED;
            continue;
        }
        if (type != 6 && type != 3 && type != 2) continue;
        uint32_t ifindex = 0, caplen, orig_len, data_off;
        uint64_t ts = 0;
        if (type == 6 || type == 2) {
            if (len < 32) return cvm_str_printf(msg, "pcapng packet block at offset %llu is too short", (unsigned long long)at), IO_PCAP_DAMAGED;
            ifindex = type == 6 ? io_get32(b + 8, le) : io_get16(b + 8, le);
            ts = (uint64_t)io_get32(b + 12, le) << 32 | io_get32(b + 16, le);
            caplen = io_get32(b + 20, le);
            orig_len = io_get32(b + 24, le);
            data_off = 28;
        } else {
            if (len < 16) return cvm_str_printf(msg, "pcapng packet block at offset %llu is too short", (unsigned long long)at), IO_PCAP_DAMAGED;
            orig_len = io_get32(b + 8, le);
            caplen = orig_len < len - 16 ? orig_len : len - 16;
            uint32_t snap = r->nifaces && r->ifaces[0].snaplen ? r->ifaces[0].snaplen : orig_len;
            if (snap < caplen) caplen = snap;
            data_off = 12;
        }
        if (ifindex >= r->nifaces)
            return cvm_str_printf(msg, "pcapng packet at offset %llu refers to undeclared interface %u", (unsigned long long)at, ifindex), IO_PCAP_DAMAGED;
        if ((uint64_t)data_off + caplen > (uint64_t)len - 4)
            return cvm_str_printf(msg, "pcapng packet block at offset %llu is shorter than its captured length", (unsigned long long)at), IO_PCAP_DAMAGED;
        const IoPcapIface *f = &r->ifaces[ifindex];
        /* ns = ts * 10^9 / units per second, exactly (0 when a unit is tinier than 2^-94 s) */
        unsigned __int128 per = 1;
        int fits = 1;
        for (unsigned i = 0; i < f->tsresol_exp && fits; i++) {
            if (per > ((unsigned __int128)1 << 120)) fits = 0;
            else per *= f->tsresol_pow2 ? 2 : 10;
        }
        unsigned __int128 ns = fits ? (unsigned __int128)ts * 1000000000u / per : 0;
        rec->ts_sec = (int64_t)(uint64_t)(ns / 1000000000u);
        rec->ts_nsec = (uint32_t)(ns % 1000000000u);
        rec->orig_len = orig_len;
        rec->data = b + data_off;
        uint32_t lim = orig_len ? orig_len : caplen;
        rec->len = caplen < lim ? caplen : lim;
        rec->filepos = at;
        return IO_PCAP_PACKET;
    }
}

/* The next record: IO_PCAP_PACKET (rec set), IO_PCAP_END, or IO_PCAP_DAMAGED
 * (the host's message in msg; nothing more can be read there). */
static inline int io_pcap_next(IoPcapReader *r, IoPcapRecord *rec, CvmStr *msg)
{
    return r->ng ? io_pcap_next_ng(r, rec, msg) : io_pcap_next_classic(r, rec, msg);
}

/* --- writing ------------------------------------------------------------- */

static inline void io_put_le32(uint8_t *o, uint32_t v)
{
    o[0] = (uint8_t)v;
    o[1] = (uint8_t)(v >> 8);
    o[2] = (uint8_t)(v >> 16);
    o[3] = (uint8_t)(v >> 24);
}

/* The 24-byte classic pcap file header (little-endian, version 2.4). */
static void io_pcap_file_header(uint8_t *o, uint32_t link_type, uint32_t snaplen, int nanosecond)
{
    memset(o, 0, 24);
    io_put_le32(o, nanosecond ? IO_PCAP_MAGIC_NS : IO_PCAP_MAGIC_US);
    o[4] = 2;
    o[6] = 4;
    io_put_le32(o + 16, snaplen);
    io_put_le32(o + 20, link_type);
}

static inline void io_pcap_record_header(uint8_t *o, uint32_t sec, uint32_t frac, uint32_t caplen, uint32_t orig_len)
{
    io_put_le32(o, sec);
    io_put_le32(o + 4, frac);
    io_put_le32(o + 8, caplen);
    io_put_le32(o + 12, orig_len);
}

#endif
