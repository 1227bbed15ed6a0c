/*
 * fs/anon_inodes.c - open files that are not in any directory and
 * stand for a kernel object (a pidfd, a userfaultfd): Linux's anon_inode
 * files.  Each gets an inode of its own with mode 0600 and no file type,
 * named "anon_inode:[NAME]" in /proc/PID/fd, as Linux shows them.
 */
#include <vmos/errno.h>
#include "fs/internal.h"
#include <vmos/format.h>

#define ANON_INODE_MODE 0600 /* S_IRUSR | S_IWUSR, no S_IF* bits */

static u32 next_anon_ino = 1;

struct file *anon_inode_getfile(const char *name,
				const struct file_operations *fops, void *priv,
				u32 flags, int *err)
{
	char path[sizeof(((struct file *)0)->path)];
	struct inode *inode;
	struct file *f;

	inode = inode_alloc(ANON_INODE_DEV, next_anon_ino++, ANON_INODE_MODE,
			    NULL, fops);
	if (!inode) {
		*err = -ENOMEM;
		return NULL;
	}
	ksnprintf(path, sizeof(path), "anon_inode:%s", name);
	f = file_open_inode(inode, flags, path, err);
	iput(inode); /* the file holds it now */
	if (f)
		f->private = priv;
	return f;
}
