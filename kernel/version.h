/*
 * kernel/version.h - the kernel's name and version, as the banner, uname
 * and /proc/version show them.  uname says "Linux" because that is the
 * system-call ABI programs see (and test for); the release says vmos.
 */
#ifndef KERNEL_VERSION_H
#define KERNEL_VERSION_H

#define KERNEL_NAME "vmos"
#define KERNEL_VERSION "0.1"
#define UTS_SYSNAME "Linux"
#define UTS_RELEASE "6.1.0-vmos"
#define UTS_VERSION "#1 vmos " KERNEL_VERSION " teaching kernel"

#endif
