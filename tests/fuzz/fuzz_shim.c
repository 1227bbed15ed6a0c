/*
 * tests/fuzz/fuzz_shim.c - what the fuzzed kernel files need from the
 * kernel, on Linux.  lib/string.h is the C library on the host, except
 * strlcpy, which glibc lacks before 2.38 (as in tests/unit/host_shim.c).
 */
#include <string.h>

size_t strlcpy(char *dst, const char *src, size_t size);

/* strlcpy - as lib/string.c: copy at most size - 1 bytes, always end
 * with a NUL (if size > 0); returns strlen(src). */
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
