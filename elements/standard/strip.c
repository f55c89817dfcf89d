/* Strip: drop LENGTH bytes from the front of each packet (they stay in the
 * headroom for Unstrip); shorter packets become empty. */
#include "cvm.h"

struct strip {
    CvmElement base;
    uint32_t length;
};

static inline void strip_push(struct strip *e, int port, Packet **in, unsigned n, CvmOut *out)
{
    (void)port;
    const uint32_t len = e->length;
    for (unsigned i = 0; i < n; i++) {
        cvm_packet_pull(in[i], len);
        cvm_emit(out, 0, in[i]);
    }
}
