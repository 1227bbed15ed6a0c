/*
 * kernel/time.h - wall-clock time (CLOCK_REALTIME, file times).
 */
#ifndef KERNEL_TIME_H
#define KERNEL_TIME_H

#include "kernel/types.h"

/* time_init - read the date from the hardware clock. */
void time_init(void);
/* ktime_get_real_ns - nanoseconds since 1970-01-01 00:00:00 UTC. */
u64 ktime_get_real_ns(void);

#endif
