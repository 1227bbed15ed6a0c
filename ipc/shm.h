/*
 * ipc/shm.h - System V shared memory (Linux's ipc/shm.c): shmget,
 * shmat, shmdt, shmctl.  A segment is a ramfs file in no directory; an
 * attach is a MAP_SHARED mapping of it, so its pages are the file's pages
 * and every process that attaches the segment maps the same frames.
 */
#ifndef IPC_SHM_H
#define IPC_SHM_H

#include <vmos/types.h>

struct file;
struct pbuf;

/* is_shm_file - is f the open file behind a SysV segment's mappings?
 * (smaps counts their pages as shared memory, as Linux's shmem.) */
bool is_shm_file(const struct file *f);

/* shm_proc_show - /proc/sysvipc/shm: a header line, then one line per
 * segment in Linux's format. */
void shm_proc_show(struct pbuf *b);

#endif
