/* Unstrip: move each packet's data start LENGTH bytes back; bytes stripped
 * earlier reappear, fresh headroom reads as zeros. A packet that cannot get
 * the room (out of memory) is dropped. */
#include "cvm.h"

struct unstrip {
    CvmElement base;
    uint32_t length;
};

static inline void unstrip_push(struct unstrip *e, int port, Packet **in, unsigned n, CvmOut *out)
{
    (void)port;
    const uint32_t len = e->length;
    for (unsigned i = 0; i < n; i++) {
        if (cvm_packet_push(in[i], len)) cvm_emit(out, 0, in[i]);
        else cvm_drop(out, in[i]);
    }
}
