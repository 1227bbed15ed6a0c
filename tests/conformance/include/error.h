/*
 * tests/conformance/include/error.h - glibc's error(3), which musl lacks:
 * print the program name, the message and strerror(errnum) to stderr, and
 * exit with status if it is not 0.
 */
#ifndef CONFORMANCE_ERROR_H
#define CONFORMANCE_ERROR_H
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

extern char *program_invocation_name;

static inline void error(int status, int errnum, const char *format, ...)
{
	va_list ap;

	fflush(stdout);
	fprintf(stderr, "%s: ", program_invocation_name);
	va_start(ap, format);
	vfprintf(stderr, format, ap);
	va_end(ap);
	if (errnum)
		fprintf(stderr, ": %s", strerror(errnum));
	fputc('\n', stderr);
	if (status)
		exit(status);
}
#endif
