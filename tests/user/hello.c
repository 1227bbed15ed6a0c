/*
 * tests/user/hello.c - the smallest end-to-end check: write to the
 * console, read argv and the environment, exit with a status.
 */
#include <stdio.h>
#include <stdlib.h>

int main(int argc, char **argv)
{
	printf("hello from user space: argc=%d", argc);
	for (int i = 0; i < argc; i++)
		printf(" argv[%d]=%s", i, argv[i]);
	printf(" PATH=%s\n", getenv("PATH") ? getenv("PATH") : "(none)");
	return argc > 1 ? atoi(argv[1]) : 0;
}
