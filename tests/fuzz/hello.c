/*
 * tests/fuzz/hello.c - a tiny program for the ELF fixtures (build/fixtures,
 * see the Makefile): built static, static-pie and dynamic with musl-gcc, it
 * has text, read-only data, data and .bss, like any real program.
 */
#include <stdio.h>

static const char greeting[] = "hello from vmos";
static int counter = 41; /* .data */
static char buffer[1024]; /* .bss */

int main(int argc, char **argv)
{
	counter += argc;
	snprintf(buffer, sizeof(buffer), "%s (%d, %s)", greeting, counter,
		 argv[0]);
	puts(buffer);
	return 0;
}
