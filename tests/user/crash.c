/*
 * tests/user/crash.c - a program that writes through a NULL pointer, to
 * see the kernel's segfault report and explanation.
 */
#include <stdio.h>

int main(void)
{
	volatile int *p = NULL;

	printf("crash: writing to address %p...\n", (void *)p);
	fflush(stdout);
	*p = 42;
	printf("crash: still alive?\n");
	return 0;
}
