/*
 * fs/path.h - path strings handled as text, without looking at a
 * file system (pure code, unit-tested on the host).
 */
#ifndef FS_PATH_H
#define FS_PATH_H

#include <vmos/types.h>

/*
 * path_join_lexical - the absolute path rel names when relative to the
 * absolute directory path base (rel may itself be absolute: base is then
 * ignored), tidied as text: repeated slashes become one, "." components
 * go, ".." removes the component before it (never above "/").  Symbolic
 * links are not looked at, so this is only a name for messages and /proc,
 * not a lookup.  Writes the NUL-terminated result to out (size bytes) and
 * returns true; false if it did not fit (out then holds as much of it as
 * did, still a path ending at a component).
 */
bool path_join_lexical(const char *base, const char *rel, char *out,
		       size_t size);

#endif
