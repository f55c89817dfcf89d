/* Queue (and FullNoteQueue): see queue.h. */
#include "queue.h"
