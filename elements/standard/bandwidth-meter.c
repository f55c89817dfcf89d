/* BandwidthMeter: see meter.h (bytes per second). */
#include "meter.h"
