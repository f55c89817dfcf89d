/* Everything an element C file needs. */
#ifndef CVM_H
#define CVM_H
#include "packet.h"
#include "element.h"
#include "sched.h"
#include "io.h"
#include "str.h"
#include "output.h"
#include "handlers.h"
#include "device.h"
#include <stdlib.h>
#include <string.h>
#endif
