/*
 * ipc/mqueue.h - POSIX message queues (Linux's ipc/mqueue.c): mq_open,
 * mq_unlink, mq_timedsend, mq_timedreceive, mq_notify, mq_getsetattr, and
 * the mqueue file system that `mount -t mqueue none /dev/mqueue` shows.
 */
#ifndef IPC_MQUEUE_H
#define IPC_MQUEUE_H

#include <vmos/types.h>

#define MQUEUE_DEV MKDEV(0, 12) /* st_dev of the queues (Linux: anonymous) */

/* Linux's limits (include/linux/ipc_namespace.h). */
#define HARD_MSGMAX 65536
#define HARD_MSGSIZEMAX (16 * 1024 * 1024)
#define MIN_MSGMAX 1
#define MIN_MSGSIZEMAX 128
#define MQ_BYTES_MAX 819200 /* RLIMIT_MSGQUEUE's default, soft and hard */

/* The tunables /proc/sys/fs/mqueue/ shows (proc_sys.c checks the ranges):
 * queues_max, msg_max, msgsize_max, msg_default, msgsize_default. */
extern u64 mq_queues_max, mq_msg_max, mq_msgsize_max, mq_msg_default,
	mq_msgsize_default;

struct inode;
/* mqueue_init - the queue directory, made at boot (as Linux's internal
 * mqueue mount), so that no leak check sees it appear later. */
void mqueue_init(void);
/* mqueue_get_root - the root of a new mount of mqueue: a new inode
 * object for the one queue directory (referenced), or NULL when memory
 * is short. */
struct inode *mqueue_get_root(void);

#endif
