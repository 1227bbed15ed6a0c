/*
 * user/vmtrace.c - run a command and watch its page faults: every fault
 * of the command (and of what it forks and execs) is logged by the kernel
 * with its address, access, region and resolution.
 *
 *   vmtrace /tests/hello
 *   [  1.234] vmtrace: hello[9] write 0x7ffd...e8 in [stack] rw-p: zero-fill
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <unistd.h>

#define PR_VMOS_VMTRACE 0x564d5452 /* kernel/sys.c */

int main(int argc, char **argv)
{
	if (argc < 2) {
		fprintf(stderr, "usage: vmtrace COMMAND [ARG...]\n");
		return 2;
	}
	if (prctl(PR_VMOS_VMTRACE, 1, 0, 0, 0) < 0) {
		fprintf(stderr, "vmtrace: prctl: %s\n", strerror(errno));
		return 1;
	}
	execvp(argv[1], argv + 1);
	fprintf(stderr, "vmtrace: %s: %s\n", argv[1], strerror(errno));
	return 127;
}
