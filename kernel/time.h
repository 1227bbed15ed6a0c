/*
 * kernel/time.h - wall-clock time (CLOCK_REALTIME, file times).
 */
#ifndef KERNEL_TIME_H
#define KERNEL_TIME_H

#include <vmos/types.h>

/* The clocks (Linux's clockid_t numbers) and clock_nanosleep's flag. */
#define CLOCK_REALTIME 0
#define CLOCK_MONOTONIC 1
#define CLOCK_PROCESS_CPUTIME_ID 2
#define CLOCK_THREAD_CPUTIME_ID 3
#define CLOCK_MONOTONIC_RAW 4
#define CLOCK_REALTIME_COARSE 5
#define CLOCK_MONOTONIC_COARSE 6
#define CLOCK_BOOTTIME 7
#define CLOCK_REALTIME_ALARM 8
#define CLOCK_BOOTTIME_ALARM 9
#define TIMER_ABSTIME 1

/* time_init - read the date from the hardware clock. */
void time_init(void);
/* ktime_get_real_ns - nanoseconds since 1970-01-01 00:00:00 UTC. */
u64 ktime_get_real_ns(void);

#endif
