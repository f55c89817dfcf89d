/* Meter: see meter.h (packets per second). */
#include "meter.h"
