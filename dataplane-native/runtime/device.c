/* The device table: back-ends by registration order, open devices by name. */
#include "device.h"
#include <string.h>

#define CVM_MAX_BACKENDS 4

static CvmDeviceOpener backends[CVM_MAX_BACKENDS];
static int nbackends;
static CvmDevice *open_devices;

void cvm_device_backend(CvmDeviceOpener open)
{
    for (int i = 0; i < nbackends; i++)
        if (backends[i] == open) return;
    if (nbackends < CVM_MAX_BACKENDS) backends[nbackends++] = open;
}

CvmDevice *cvm_device_open(const char *name, CvmStr *err)
{
    for (CvmDevice *d = open_devices; d; d = d->next)
        if (!strcmp(d->name, name)) {
            d->users++;
            return d;
        }
    for (int i = 0; i < nbackends; i++) {
        size_t before = err->len;
        CvmDevice *d = backends[i](name, err);
        if (d) {
            d->users = 1;
            d->next = open_devices;
            open_devices = d;
            return d;
        }
        if (err->len != before) return NULL;
    }
    cvm_str_printf(err, "%s: no such device (no device back-end of this engine has it; in-process runs can use memory devices)", name);
    return NULL;
}

void cvm_device_close(CvmDevice *d)
{
    if (!d || --d->users > 0) return;
    for (CvmDevice **pp = &open_devices; *pp; pp = &(*pp)->next)
        if (*pp == d) {
            *pp = d->next;
            break;
        }
    d->ops->close(d);
}

int cvm_device_setup(CvmDevice *d, const CvmDeviceParams *p, CvmStr *err)
{
    return d->setup ? d->setup(d, p, err) : 0;
}

void cvm_device_forget_all(void) { open_devices = NULL; }
