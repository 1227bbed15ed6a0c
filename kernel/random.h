/*
 * kernel/random.h - the kernel's random numbers (AT_RANDOM, getrandom,
 * /dev/urandom, later ASLR).
 */
#ifndef KERNEL_RANDOM_H
#define KERNEL_RANDOM_H

#include <vmos/types.h>

/* random_init - seed from the CPU (RDRAND/RDSEED when present) and timer jitter. */
void random_init(void);
/* random_bytes - n bytes from the generator. */
void random_bytes(void *buf, size_t n);
/* random_u64 - one 64-bit number. */
u64 random_u64(void);

#endif
