/* What FromDevice and ToDevice share (device-element.ts): a device opened
 * by name at initialization and told what the element needs (its receive
 * or transmit side, with the element's keywords), with the polling task
 * started then, and closed at cleanup. */
#ifndef CVM_IO_DEVICE_ELEMENT_H
#define CVM_IO_DEVICE_ELEMENT_H

#include "cvm.h"

static int device_element_init(CvmDevice **dev, const char *devname, const CvmDeviceParams *p, CvmTask *task, CvmStr *err)
{
    *dev = cvm_device_open(devname, err);
    if (!*dev) return -1;
    if (cvm_device_setup(*dev, p, err) < 0) {
        cvm_device_close(*dev);
        *dev = NULL;
        return -1;
    }
    cvm_task_schedule(task);
    return 0;
}

static void device_element_cleanup(CvmDevice **dev)
{
    cvm_device_close(*dev);
    *dev = NULL;
}

#endif
