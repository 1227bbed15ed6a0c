/*
 * ipc/shm.h - System V shared memory (Linux's ipc/shm.c): shmget,
 * shmat, shmdt, shmctl.  A segment is a shmem object (mm/shmem.h); an
 * attach is a MAP_SHARED mapping of it, so its pages are the object's
 * pages and every process that attaches the segment maps the same frames.
 */
#ifndef IPC_SHM_H
#define IPC_SHM_H

#include <vmos/types.h>

struct file;
struct pbuf;
struct task;

/* is_shm_file - is f the open file behind a SysV segment's mappings?
 * (smaps counts their pages as shared memory, as Linux's shmem.) */
bool is_shm_file(const struct file *f);

/* shm_proc_show - /proc/sysvipc/shm: a header line, then one line per
 * segment in Linux's format. */
void shm_proc_show(struct pbuf *b);

/* shm_exit - thread t exits: the segments it created lose their creator,
 * and with shm_rmid_forced those nothing maps are destroyed. */
void shm_exit(struct task *t);

/* shm_rmid_forced - /proc/sys/kernel/shm_rmid_forced (0 or 1);
 * shm_set_rmid_forced(1) also destroys every segment whose creator exited
 * and that nothing maps (Linux's shm_destroy_orphaned). */
extern u64 shm_rmid_forced;
void shm_set_rmid_forced(u64 on);

#endif
