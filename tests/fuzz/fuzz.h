/*
 * tests/fuzz/fuzz.h - what every libFuzzer target shares: CHECK, a promise
 * of the code under test that must hold for every input.  A broken one is
 * reported with the target's name (FUZZ_NAME, defined before including
 * this) and aborts, so libFuzzer keeps the input as a crash.
 */
#ifndef TESTS_FUZZ_FUZZ_H
#define TESTS_FUZZ_FUZZ_H

#include <stdio.h>
#include <stdlib.h>

#define CHECK(cond)                                                        \
	do {                                                               \
		if (!(cond)) {                                             \
			fprintf(stderr, FUZZ_NAME ": broken promise: %s\n", \
				#cond);                                    \
			abort();                                           \
		}                                                          \
	} while (0)

#endif
