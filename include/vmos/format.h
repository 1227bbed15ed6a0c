/*
 * include/vmos/format.h - printf-style formatting into a buffer (pure, host-tested).
 *
 * Supported: %d %i %u %x %X %o %p %s %c %%, flags '-' and '0', a field
 * width (number or '*'), a precision for %s, and the length modifiers
 * h, hh, l, ll, z.  %p prints 0x followed by 16 hex digits.  Widths and
 * precisions above 65536 are cut to 65536.  Anything else after a '%' is
 * printed as written.
 */
#ifndef LIB_FORMAT_H
#define LIB_FORMAT_H

#include <stdarg.h>
#include <vmos/types.h>

/*
 * kvsnprintf - format into buf (size bytes, always NUL-terminated when
 * size > 0). Returns the length the whole result would have, like C99.
 */
int kvsnprintf(char *buf, size_t size, const char *fmt, va_list ap);
__printf(3, 4) int ksnprintf(char *buf, size_t size, const char *fmt, ...);

#endif
