/*
 * kernel/random.c - a xoshiro256** generator seeded at boot from RDRAND
 * (when the CPU has it) mixed with TSC jitter, and stirred again with the
 * TSC on every request.  Good statistical randomness for a teaching kernel
 * (address-space layout, AT_RANDOM); not a cryptographic generator.
 */
#include "kernel/random.h"
#include <vmos/string.h>
#include <asm/arch.h>

static u64 s[4];

static u64 rotl(u64 x, int k)
{
	return (x << k) | (x >> (64 - k));
}

static u64 next(void)
{
	u64 result = rotl(s[1] * 5, 7) * 9, t = s[1] << 17;

	s[2] ^= s[0];
	s[3] ^= s[1];
	s[1] ^= s[2];
	s[0] ^= s[3];
	s[2] ^= t;
	s[3] = rotl(s[3], 45);
	return result;
}

/* splitmix64: spreads one seed word over the whole state. */
static u64 splitmix(u64 *x)
{
	u64 z = (*x += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

void random_init(void)
{
	u64 seed = arch_random_seed();

	for (int i = 0; i < 4; i++)
		s[i] = splitmix(&seed);
}

u64 random_u64(void)
{
	s[0] ^= arch_cycle_counter(); /* a little fresh jitter each time */
	return next();
}

void random_bytes(void *buf, size_t n)
{
	u8 *p = buf;

	while (n) {
		u64 v = random_u64();
		size_t k = MIN(n, sizeof(v));

		memcpy(p, &v, k);
		p += k;
		n -= k;
	}
}
