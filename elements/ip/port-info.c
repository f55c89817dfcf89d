/* PortInfo: port names, used while the configuration is read
 * (port-info.ts); nothing remains to do at run time. */
#include "cvm.h"

struct port_info {
    CvmElement base;
};
