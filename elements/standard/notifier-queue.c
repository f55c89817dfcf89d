/* NotifierQueue: the FIFO of queue.h (no notifiers: tasks poll). */
#include "queue.h"
