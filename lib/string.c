/*
 * lib/string.c - memory and string functions for the freestanding kernel.
 * gcc may emit calls to memset/memcpy/memmove/memcmp itself, so these names
 * and contracts are the C standard's.
 */
#include <vmos/string.h>

/*
 * memset and memcpy move 8 bytes per step (rep stosq / rep movsq) and the
 * last n % 8 one by one.  Under QEMU's emulator this matters: every store
 * into a frame that once held executed code takes a slow path (QEMU checks
 * whether it rewrote translated code), so 8-byte stores are about 8 times
 * faster than bytes when a recycled frame is zeroed or filled.
 */
void *memset(void *dst, int c, size_t n)
{
	void *ret = dst;
	u64 v = 0x0101010101010101ull * (u8)c;
	size_t words = n / 8, rest = n % 8;

	asm volatile("rep stosq" : "+D"(dst), "+c"(words) : "a"(v) : "memory");
	asm volatile("rep stosb" : "+D"(dst), "+c"(rest) : "a"(v) : "memory");
	return ret;
}

void *memcpy(void *dst, const void *src, size_t n)
{
	void *ret = dst;
	size_t words = n / 8, rest = n % 8;

	asm volatile("rep movsq" : "+D"(dst), "+S"(src), "+c"(words) : : "memory");
	asm volatile("rep movsb" : "+D"(dst), "+S"(src), "+c"(rest) : : "memory");
	return ret;
}

void *memmove(void *dst, const void *src, size_t n)
{
	unsigned char *d = dst;
	const unsigned char *s = src;

	if (d <= s || d >= s + n)
		return memcpy(dst, src, n);
	while (n--) /* overlapping with dst above src: copy backwards */
		d[n] = s[n];
	return dst;
}

int memcmp(const void *a, const void *b, size_t n)
{
	const unsigned char *x = a, *y = b;

	for (size_t i = 0; i < n; i++)
		if (x[i] != y[i])
			return x[i] - y[i];
	return 0;
}

size_t strlen(const char *s)
{
	size_t n = 0;

	while (s[n])
		n++;
	return n;
}

size_t strnlen(const char *s, size_t max)
{
	size_t n = 0;

	while (n < max && s[n])
		n++;
	return n;
}

int strcmp(const char *a, const char *b)
{
	while (*a && *a == *b)
		a++, b++;
	return (unsigned char)*a - (unsigned char)*b;
}

int strncmp(const char *a, const char *b, size_t n)
{
	for (; n; n--, a++, b++) {
		if (*a != *b)
			return (unsigned char)*a - (unsigned char)*b;
		if (!*a)
			return 0;
	}
	return 0;
}

char *strrchr(const char *s, int c)
{
	const char *last = NULL;

	for (;; s++) {
		if (*s == (char)c)
			last = s;
		if (!*s)
			return (char *)last;
	}
}

char *strchr(const char *s, int c)
{
	for (;; s++) {
		if (*s == (char)c)
			return (char *)s;
		if (!*s)
			return NULL;
	}
}
