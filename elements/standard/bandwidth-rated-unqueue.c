/* BandwidthRatedUnqueue: see rated-unqueue.h (tokens are bytes). */
#include "rated-unqueue.h"
