/* SimpleQueue: see queue.h (the same storage as Queue). */
#include "queue.h"
