/* Click's checked_output_push for native elements: a packet for an output
 * the element does not have (the optional second output of CheckIPHeader,
 * DecIPTTL, HostEtherFilter...) is dropped and counted, as SimpleElement
 * does in the host engine. The port count is the instance's, so the test
 * folds to a constant in the generated wrapper. */
#ifndef CVM_LIB_CHECKED_OUTPUT_H
#define CVM_LIB_CHECKED_OUTPUT_H

#include "cvm.h"

static inline void emit_checked(CvmOut *out, unsigned port, Packet *p)
{
    if (port < out->nports) cvm_emit(out, port, p);
    else cvm_drop(out, p);
}

#endif
