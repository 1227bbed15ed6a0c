/*
 * tests/ktest/ktest_util.h - small helpers shared by the self-tests.
 */
#ifndef KTEST_UTIL_H
#define KTEST_UTIL_H

#include "kernel/types.h"
#include "lib/string.h"

/* strstr_simple - does haystack contain needle? */
static inline bool strstr_simple(const char *haystack, const char *needle)
{
	size_t n = strlen(needle);

	for (; *haystack; haystack++)
		if (!strncmp(haystack, needle, n))
			return true;
	return false;
}

#endif
