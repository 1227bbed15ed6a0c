/*
 * kernel/cmdline.h - the kernel command line, split into options.
 *
 * "loglevel=4 ktest=frames,nx quiet init=/bin/prog -v file" gives options
 * loglevel=4, ktest=frames,nx and quiet (a flag: empty value); init=PATH
 * ends the options, and every word after it is an argument for init, as
 * the kernel's boot contract says (init=/path arg...).  A value may be double-quoted to hold
 * spaces: msg="hello world".  Pure logic, unit-tested on the host.
 */
#ifndef KERNEL_CMDLINE_H
#define KERNEL_CMDLINE_H

#include <vmos/types.h>

#define CMDLINE_MAX 1024     /* bytes kept, NUL included */
#define CMDLINE_MAX_OPTS 32
#define CMDLINE_MAX_ARGS 32  /* init's arguments, argv[0] included */

struct cmdline_opt {
	const char *key;
	const char *value; /* "" for a flag without '=' */
};

struct cmdline {
	char buf[CMDLINE_MAX];
	struct cmdline_opt opts[CMDLINE_MAX_OPTS];
	unsigned nopts;
	const char *init;                          /* NULL if no init= */
	const char *init_argv[CMDLINE_MAX_ARGS + 1]; /* NULL-terminated */
	unsigned init_argc;
	unsigned dropped; /* words that did not fit (reported, not fatal) */
};

/* cmdline_parse - split s (may be NULL) into c. Never fails: what does not
 * fit is counted in c->dropped, and an over-long line is cut. */
void cmdline_parse(struct cmdline *c, const char *s);
/* cmdline_get - the value of key ("" for a flag), or NULL if absent. The
 * last occurrence wins, as on Linux. */
const char *cmdline_get(const struct cmdline *c, const char *key);
/* cmdline_get_uint - key's decimal value, or dflt if absent or malformed. */
u64 cmdline_get_uint(const struct cmdline *c, const char *key, u64 dflt);
/* cmdline_list_has - is word one of the comma-separated items of list? */
bool cmdline_list_has(const char *list, const char *word);

#endif
