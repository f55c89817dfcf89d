/* BandwidthRatedSplitter: see rated-splitter.h (tokens are bytes). */
#include "rated-splitter.h"
