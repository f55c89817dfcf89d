/* What CheckUDPHeader and CheckTCPHeader share (check-header-base.ts): the
 * failure path (output 1 if there is one, else a counted drop), the first
 * failure's line (every one with VERBOSE), and the drops handlers. */
#ifndef CVM_TRANSPORT_CHECK_H
#define CVM_TRANSPORT_CHECK_H

#include "cvm.h"
#include "elements/lib/checked-output.h"
#include "transport-checksum.h"

typedef struct CheckHeaderState {
    uint8_t verbose, details;
    uint64_t drops;
    uint64_t reason_drops[3];
} CheckHeaderState;

/* Count a failure and send the packet on (output 1) or drop it. */
static inline void check_header_fail(CheckHeaderState *s, const char *prefix, const char *what, const char *reason, Packet *p, CvmOut *out)
{
    if (s->drops == 0 || s->verbose) cvm_stderr_line("%s%s header check failed: %s", prefix, what, reason);
    s->drops++;
    emit_checked(out, 1, p);
}

static void check_header_drop_details(const CheckHeaderState *s, const char *const reasons[3], CvmStr *o)
{
    /* Without DETAILS the host engine has no such read handler (an error);
     * the C read contract cannot fail, so the value is empty. */
    if (!s->details) return;
    for (int i = 0; i < 3; i++) cvm_str_printf(o, "%llu\t%s\n", (unsigned long long)s->reason_drops[i], reasons[i]);
}

#endif
