/*
 * kernel/catch.c - jumping back to an armed catcher (see catch.h).
 */
#include "kernel/catch.h"
#include <vmos/string.h>

struct catcher *active_catcher;

void catch_trap(u64 vector, u64 error_code, const struct fault *f)
{
	struct catcher *c = active_catcher;

	if (!c)
		return;
	active_catcher = NULL; /* a fault in the recovery path is not caught */
	c->caught = CAUGHT_TRAP;
	c->vector = vector;
	c->error_code = error_code;
	if (f)
		c->fault = *f;
	arch_longjmp(&c->ctx, 1);
}

void catch_panic(const char *message)
{
	struct catcher *c = active_catcher;

	if (!c)
		return;
	active_catcher = NULL;
	c->caught = CAUGHT_PANIC;
	strlcpy(c->message, message, sizeof(c->message));
	arch_longjmp(&c->ctx, 1);
}
