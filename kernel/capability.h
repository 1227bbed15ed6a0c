/*
 * kernel/capability.h - Linux's capabilities: root's power split into 41
 * separate privileges, each a bit of a task's credentials.
 *
 * Each task (thread) has five sets, as Linux's struct cred:
 *   permitted   - what it may make effective;
 *   effective   - what the kernel's checks (capable()) look at;
 *   inheritable - what may survive an execve (with ambient);
 *   bounding    - the most an execve can ever give (PR_CAPBSET_DROP);
 *   ambient     - kept across an execve of an ordinary program.
 * There are no file capabilities (ramfs has no extended attributes), so
 * only uid 0 gains capabilities at execve, as Linux's "root is special"
 * compatibility rules (kernel/capability.c has them).
 */
#ifndef KERNEL_CAPABILITY_H
#define KERNEL_CAPABILITY_H

#include <vmos/types.h>

/* The capabilities (include/uapi/linux/capability.h), those checked here. */
#define CAP_CHOWN 0
#define CAP_DAC_OVERRIDE 1
#define CAP_DAC_READ_SEARCH 2
#define CAP_FOWNER 3
#define CAP_FSETID 4
#define CAP_KILL 5
#define CAP_SETGID 6
#define CAP_SETUID 7
#define CAP_SETPCAP 8
#define CAP_NET_BIND_SERVICE 10
#define CAP_IPC_LOCK 14
#define CAP_IPC_OWNER 15
#define CAP_SYS_PTRACE 19
#define CAP_SYS_ADMIN 21
#define CAP_SYS_BOOT 22
#define CAP_SYS_NICE 23
#define CAP_SYS_RESOURCE 24
#define CAP_MKNOD 27
#define CAP_SYSLOG 34
#define CAP_LAST_CAP 40 /* CAP_CHECKPOINT_RESTORE, the last in Linux 6.1 */

#define CAP_TO_MASK(cap) (1ull << (cap))
#define CAP_FULL_SET ((1ull << (CAP_LAST_CAP + 1)) - 1) /* 000001ffffffffff */
#define cap_valid(cap) ((u64)(cap) <= CAP_LAST_CAP)

/* securebits (include/uapi/linux/securebits.h): each bit has a lock bit
 * just above it that makes it permanent. */
#define SECBIT_NOROOT (1u << 0)
#define SECBIT_NO_SETUID_FIXUP (1u << 2)
#define SECBIT_KEEP_CAPS (1u << 4)
#define SECBIT_KEEP_CAPS_LOCKED (1u << 5)
#define SECBIT_NO_CAP_AMBIENT_RAISE (1u << 6)
#define SECURE_ALL_BITS 0x55u
#define SECURE_ALL_LOCKS (SECURE_ALL_BITS << 1)

struct task_cred;
struct task;
struct inode;

/* capable - does the current task have cap in its effective set? */
bool capable(int cap);
/* has_capability - the same for task t. */
bool has_capability(const struct task *t, int cap);
/* cred_init_root - the capabilities of the first task: all of them. */
void cred_init_root(struct task_cred *c);
/* cap_emulate_setxuid - set*uid changed old's uids into new's: a task that
 * leaves uid 0 loses its capabilities (unless SECBIT_KEEP_CAPS), one whose
 * effective uid becomes 0 again gets its permitted set back in effective. */
void cap_emulate_setxuid(struct task_cred *new, const struct task_cred *old);
/* exec_creds - execve of the program file inode, at the point of no
 * return: the caller's IDs (set-user-ID, set-group-ID) and capabilities
 * for the new program (root gets the bounding set; others keep only the
 * ambient set). */
void exec_creds(const struct inode *inode);
/* cap_prctl - prctl's capability options (PR_CAPBSET_*, PR_*_KEEPCAPS,
 * PR_*_SECUREBITS, PR_CAP_AMBIENT); -ENOSYS for other options. */
long cap_prctl(int option, u64 arg2, u64 arg3, u64 arg4, u64 arg5);

#endif
