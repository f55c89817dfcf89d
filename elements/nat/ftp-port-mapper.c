/* FTPPortMapper: rewrite FTP PORT commands for the data connection a
 * rewriter maps, with a sequence delta on the control flow
 * (ftp-port-mapper.ts). */
#include "cvm.h"
#include "../lib/rewriter.h"

struct ftp_port_mapper {
    CvmElement base;
    RwCore *control, *data;
    int32_t data_input;
};

static int ftp_port_mapper_init(struct ftp_port_mapper *e, CvmStr *err)
{
    if (e->data_input < 0 || (uint32_t)e->data_input >= e->data->ninputs) return cvm_str_printf(err, "DATA_REWRITER_INPUT out of range"), -1;
    return 0;
}

static inline int ftp_port_mapper_lower(uint8_t c) { return c | 0x20; }

/* One packet; 0 if it went unchanged, -1 if memory ran out. */
static int ftp_port_mapper_one(struct ftp_port_mapper *e, Packet *p)
{
    TcHeaders h;
    if (!tc_headers(p, &h) || h.ip[9] != 6 || tc_transport_length(&h) < 20) return 0;
    int64_t start = h.trans_off + ((h.trans[12] >> 4) << 2), len = (int64_t)p->len - start;
    const uint8_t *d = p->data + start;
    if (len < 5 || ftp_port_mapper_lower(d[0]) != 'p' || ftp_port_mapper_lower(d[1]) != 'o' || ftp_port_mapper_lower(d[2]) != 'r' ||
        ftp_port_mapper_lower(d[3]) != 't' || d[4] != ' ')
        return 0;
    RwFlowID cid = { cvm_be32(h.ip + 12), cvm_be32(h.ip + 16), cvm_be16(h.trans), cvm_be16(h.trans + 2) };
    RwEntry *control = rw_get_entry(e->control, 6, &cid, -1);
    if (!control) return 0;

    /* Six decimal numbers separated by commas, then CR or LF. */
    int64_t pos = 5;
    while (pos < len && d[pos] == ' ') pos++;
    int64_t arg_at = pos;
    uint32_t nums[6] = { 0 };
    int which = 0;
    for (; pos < len && which < 6; pos++) {
        if (d[pos] >= '0' && d[pos] <= '9') nums[which] = nums[which] * 10u + (uint32_t)(d[pos] - '0');   /* unsigned, as Click's */
        else if (d[pos] == ',') which++;
        else break;
    }
    if (which != 5 || pos >= len || (d[pos] != '\r' && d[pos] != '\n')) return 0;
    for (int i = 0; i < 6; i++)
        if (nums[i] >= 256) return 0;

    RwFlowID did = { nums[0] << 24 | nums[1] << 16 | nums[2] << 8 | nums[3], cvm_be32(h.ip + 16), (uint16_t)(nums[4] << 8 | nums[5]),
                     (uint16_t)(cvm_be16(h.trans + 2) - 1) };
    RwEntry *forward = rw_get_entry(e->data, 6, &did, e->data_input);
    if (!forward) return 0;
    RwFlow *ff = rw_entry_flow(forward), *cf = rw_entry_flow(control);
    RwFlowID nf = rw_flowid_reverse(ff->e[forward->direction ? 0 : 1].id);
    /* A1,A2,A3,A4,P1,P2 of the mapped flow. */
    const unsigned parts[6] = { nf.saddr >> 24, (nf.saddr >> 16) & 255, (nf.saddr >> 8) & 255, nf.saddr & 255, (unsigned)nf.sport >> 8, nf.sport & 255u };
    char text[32];
    int64_t tlen = 0;
    for (int i = 0; i < 6; i++) {
        if (i) text[tlen++] = ',';
        unsigned v = parts[i];
        if (v >= 100) text[tlen++] = (char)('0' + v / 100);
        if (v >= 10) text[tlen++] = (char)('0' + v / 10 % 10);
        text[tlen++] = (char)('0' + v % 10);
    }
    int64_t arg_len = pos - arg_at;
    if (arg_len < tlen) {
        if (!cvm_packet_put(p, (uint32_t)(tlen - arg_len))) return -1;
    } else {
        if (!cvm_packet_writable(p)) return -1;
        cvm_packet_take(p, (uint32_t)(arg_len - tlen));
    }
    uint8_t *w = p->data + start;
    memmove(w + arg_at + tlen, w + pos, (size_t)(len - pos));
    memcpy(w + arg_at, text, (size_t)tlen);

    tc_headers(p, &h);   /* the data may have moved */
    uint16_t old_len = cvm_be16(h.ip + 2), new_len = (uint16_t)(p->len - (uint32_t)h.ip_off);
    cvm_put16(h.ip + 2, new_len);
    tc_update_field(h.ip + 10, old_len, new_len);
    /* From the end of the old command on, the control stream is longer (or shorter) by the change. */
    rw_seq_update(&cf->dt, control->direction, cvm_be32(h.trans + 4) + (uint32_t)len, (int32_t)(tlen - arg_len));
    ff->reply_anno = cf->reply_anno;
    uint32_t tcp_len = (uint32_t)tc_transport_length(&h);
    cvm_put16(h.trans + 16, 0);
    cvm_put16(h.trans + 16, tc_transport_checksum(p, &h, tcp_len));
    return 0;
}

static inline void ftp_port_mapper_push(struct ftp_port_mapper *e, int port, Packet **in, unsigned n, CvmOut *out)
{
    (void)port;
    for (unsigned i = 0; i < n; i++) {
        if (ftp_port_mapper_one(e, in[i]) < 0) cvm_drop(out, in[i]);
        else cvm_emit(out, 0, in[i]);
    }
}
