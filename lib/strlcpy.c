/*
 * lib/strlcpy.c - strlcpy, in a file of its own so that the host unit tests
 * and fuzzers can link it too (glibc before 2.38 has none), while the rest
 * of lib/string.c is the C library's on the host.
 */
#include <vmos/string.h>

/* strlcpy - copy at most size-1 bytes and always terminate; returns strlen(src). */
size_t strlcpy(char *dst, const char *src, size_t size)
{
	size_t len = strlen(src);

	if (size) {
		size_t n = len < size - 1 ? len : size - 1;
		memcpy(dst, src, n);
		dst[n] = '\0';
	}
	return len;
}
