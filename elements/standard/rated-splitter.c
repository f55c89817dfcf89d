/* RatedSplitter: see rated-splitter.h (tokens are packets). */
#include "rated-splitter.h"
