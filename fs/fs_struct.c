/*
 * fs/fs_struct.c - a process's file system context: the current
 * directory (where relative paths start) and the file creation mask.
 * fork copies it; chdir and umask change it.
 */
#include "fs/internal.h"
#include <vmos/printk.h>
#include <vmos/string.h>
#include "mm/kmalloc.h"

#define UMASK_DEFAULT 0022 /* Linux's for init: files 0644, directories 0755 */

struct fs_context *fs_context_alloc(void)
{
	struct fs_context *fs = kzalloc(sizeof(*fs));

	if (!fs)
		return NULL;
	fs->cwd = vfs_root; /* NULL before vfs_init: lookups use the root */
	if (fs->cwd)
		ihold(fs->cwd);
	strlcpy(fs->cwd_path, "/", sizeof(fs->cwd_path));
	fs->umask = UMASK_DEFAULT;
	fs->refcount = 1;
	return fs;
}

struct fs_context *fs_context_fork(struct fs_context *src)
{
	struct fs_context *fs = fs_context_alloc();

	if (!fs || !src)
		return fs;
	iput(fs->cwd);
	fs->cwd = src->cwd;
	if (fs->cwd)
		ihold(fs->cwd);
	memcpy(fs->cwd_path, src->cwd_path, sizeof(fs->cwd_path));
	fs->umask = src->umask;
	return fs;
}

void fs_context_put(struct fs_context *fs)
{
	if (!fs)
		return;
	if (fs->refcount == 0)
		panic("fs_context_put: put once too often");
	if (--fs->refcount)
		return;
	iput(fs->cwd);
	kfree(fs);
}
