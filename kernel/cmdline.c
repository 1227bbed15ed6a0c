/*
 * kernel/cmdline.c - splitting the command line (see cmdline.h).
 */
#include "kernel/cmdline.h"
#include <vmos/string.h>

static bool is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/*
 * Cut the next word out of *p (in place): quotes are removed and a space
 * inside them does not end the word. Returns NULL when no word is left.
 */
static char *next_word(char **p)
{
	char *s = *p, *out, *word;
	bool quoted = false;

	while (is_space(*s))
		s++;
	if (!*s)
		return NULL;
	word = out = s;
	for (; *s && (quoted || !is_space(*s)); s++) {
		if (*s == '"')
			quoted = !quoted;
		else
			*out++ = *s;
	}
	if (*s)
		s++; /* step over the separating space */
	*out = '\0';
	*p = s;
	return word;
}

void cmdline_parse(struct cmdline *c, const char *s)
{
	char *p = c->buf, *w;

	c->nopts = c->init_argc = c->dropped = 0;
	c->init = NULL;
	c->init_argv[0] = NULL;
	strlcpy(c->buf, s ? s : "", sizeof(c->buf));

	while ((w = next_word(&p))) {
		char *eq;

		if (c->init) { /* everything after init= is init's */
			if (c->init_argc < CMDLINE_MAX_ARGS)
				c->init_argv[c->init_argc++] = w;
			else
				c->dropped++;
			continue;
		}
		eq = strchr(w, '=');
		if (eq)
			*eq = '\0';
		if (!strcmp(w, "init") && eq && eq[1]) {
			c->init = eq + 1;
			c->init_argv[c->init_argc++] = c->init;
			continue;
		}
		if (c->nopts == CMDLINE_MAX_OPTS) {
			c->dropped++;
			continue;
		}
		c->opts[c->nopts].key = w;
		c->opts[c->nopts].value = eq ? eq + 1 : "";
		c->nopts++;
	}
	c->init_argv[c->init_argc] = NULL;
}

const char *cmdline_get(const struct cmdline *c, const char *key)
{
	for (unsigned i = c->nopts; i-- > 0;)
		if (!strcmp(c->opts[i].key, key))
			return c->opts[i].value;
	return NULL;
}

u64 cmdline_get_uint(const struct cmdline *c, const char *key, u64 dflt)
{
	const char *v = cmdline_get(c, key);
	u64 n = 0;

	if (!v || !*v)
		return dflt;
	for (; *v; v++) {
		u64 digit = (u64)(*v - '0');

		/* n * 10 + digit must not overflow (UINT64_MAX itself fits). */
		if (*v < '0' || *v > '9' || n > (UINT64_MAX - digit) / 10)
			return dflt;
		n = n * 10 + digit;
	}
	return n;
}

bool cmdline_list_has(const char *list, const char *word)
{
	size_t n = strlen(word);

	while (list && *list) {
		const char *comma = strchr(list, ',');
		size_t len = comma ? (size_t)(comma - list) : strlen(list);

		if (len == n && !strncmp(list, word, n))
			return true;
		list = comma ? comma + 1 : NULL;
	}
	return false;
}
