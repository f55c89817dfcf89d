/* MixedQueue: queue.h with `mixed` set: input 0 joins the tail (FIFO, the
 * newcomer dropped when full), input 1 joins the head (LIFO, the packet at
 * the tail dropped when full). */
#include "queue.h"
