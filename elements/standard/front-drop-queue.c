/* FrontDropQueue: see queue.h (front_drop: a full queue drops its oldest packet). */
#include "queue.h"
