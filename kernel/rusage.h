/*
 * kernel/rusage.h - struct rusage as getrusage and wait4 return it
 * (Linux x86-64 layout).
 */
#ifndef KERNEL_RUSAGE_H
#define KERNEL_RUSAGE_H

#include "kernel/task.h"

struct k_rusage {
	u64 utime_sec, utime_usec, stime_sec, stime_usec;
	s64 maxrss, ixrss, idrss, isrss, minflt, majflt, nswap, inblock,
		oublock, msgsnd, msgrcv, nsignals, nvcsw, nivcsw;
};

/* rusage_fill - the user's view of a task's counters. */
void rusage_fill(const struct rusage_counts *r, struct k_rusage *out);

#endif
