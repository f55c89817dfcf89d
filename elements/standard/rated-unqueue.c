/* RatedUnqueue: see rated-unqueue.h (tokens are packets). */
#include "rated-unqueue.h"
