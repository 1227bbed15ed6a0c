/*
 * fs/path.c - path strings as text (see path.h).
 */
#include "fs/path.h"
#include <vmos/string.h>

/* append - the components of path onto out[0..*len): false if out is full. */
static bool append(const char *path, char *out, size_t size, size_t *len)
{
	const char *p = path;

	while (*p) {
		const char *name;
		size_t n;

		while (*p == '/')
			p++;
		for (name = p; *p && *p != '/'; p++)
			;
		n = (size_t)(p - name);
		if (n == 0 || (n == 1 && name[0] == '.'))
			continue;
		if (n == 2 && name[0] == '.' && name[1] == '.') {
			while (*len > 0 && out[*len - 1] != '/')
				(*len)--;
			if (*len > 0)
				(*len)--; /* the slash before it */
			continue;
		}
		if (*len + 1 + n + 1 > size)
			return false;
		out[(*len)++] = '/';
		memcpy(out + *len, name, n);
		*len += n;
	}
	return true;
}

bool path_join_lexical(const char *base, const char *rel, char *out,
		       size_t size)
{
	size_t len = 0;
	bool fit = true;

	if (size < 2) {
		if (size)
			out[0] = '\0';
		return false;
	}
	if (rel[0] != '/')
		fit = append(base, out, size, &len);
	if (fit)
		fit = append(rel, out, size, &len);
	if (len == 0)
		out[len++] = '/';
	out[len] = '\0';
	return fit;
}
