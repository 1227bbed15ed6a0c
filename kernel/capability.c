/*
 * kernel/capability.c - capabilities (see capability.h): the check the
 * rest of the kernel makes (capable), capget and capset, the rules that
 * change the sets when a task changes its uids or calls execve (Linux's
 * security/commoncap.c), and prctl's capability options.
 */
#include "kernel/capability.h"
#include <vmos/errno.h>
#include "fs/vfs.h"
#include "kernel/syscall.h"
#include "kernel/task.h"
#include <vmos/string.h>

/* capget/capset's ABI (include/uapi/linux/capability.h). */
#define LINUX_CAPABILITY_VERSION_1 0x19980330 /* one 32-bit word per set */
#define LINUX_CAPABILITY_VERSION_2 0x20071026 /* two */
#define LINUX_CAPABILITY_VERSION_3 0x20080522 /* two */

/* prctl options and PR_CAP_AMBIENT's operations (include/uapi/linux/prctl.h). */
#define PR_GET_KEEPCAPS 7
#define PR_SET_KEEPCAPS 8
#define PR_CAPBSET_READ 23
#define PR_CAPBSET_DROP 24
#define PR_GET_SECUREBITS 27
#define PR_SET_SECUREBITS 28
#define PR_CAP_AMBIENT 47
#define PR_CAP_AMBIENT_IS_SET 1
#define PR_CAP_AMBIENT_RAISE 2
#define PR_CAP_AMBIENT_LOWER 3
#define PR_CAP_AMBIENT_CLEAR_ALL 4

struct cap_header {
	u32 version;
	int pid;
};

struct cap_data {
	u32 effective, permitted, inheritable;
};

bool has_capability(const struct task *t, int cap)
{
	return t->cred.cap_effective & CAP_TO_MASK(cap);
}

bool capable(int cap)
{
	return !current || has_capability(current, cap); /* boot: the kernel */
}

void cred_init_root(struct task_cred *c)
{
	c->cap_permitted = c->cap_effective = c->cap_bset = CAP_FULL_SET;
	c->cap_inheritable = c->cap_ambient = 0;
	c->securebits = 0;
}

/* is_root_any - is one of the real, effective and saved uids 0? */
static bool is_root_any(const struct task_cred *c)
{
	return c->uid == 0 || c->euid == 0 || c->suid == 0;
}

void cap_emulate_setxuid(struct task_cred *new, const struct task_cred *old)
{
	if (new->securebits & SECBIT_NO_SETUID_FIXUP)
		return;
	if (is_root_any(old) && !is_root_any(new)) {
		if (!(new->securebits & SECBIT_KEEP_CAPS))
			new->cap_permitted = new->cap_effective = 0;
		new->cap_ambient = 0; /* setresuid then exec drops them all */
	}
	if (old->euid == 0 && new->euid != 0)
		new->cap_effective = 0;
	if (old->euid != 0 && new->euid == 0)
		new->cap_effective = new->cap_permitted;
}

/*
 * exec_creds - execve of inode: Linux's bprm_fill_uid and
 * cap_bprm_creds_from_file for a file without file capabilities.  A
 * set-user-ID file gives its owner as the effective uid (set-group-ID
 * with group execute, its group as the effective gid); the saved IDs
 * follow the effective ones.  Capabilities:
 *   P' = (real or effective uid 0 ? bounding | inheritable : 0) | ambient
 *   E' = effective uid 0 ? P' : ambient
 * A set-ID program clears the ambient set.  Under a tracer without
 * CAP_SYS_PTRACE the program gains nothing: the IDs stay (unless the caller
 * has CAP_SETUID) and P' shrinks to the old permitted set.  KEEP_CAPS is
 * cleared; a change of effective ID clears the parent-death signal.
 */
void exec_creds(const struct inode *inode)
{
	struct task_cred *c = &current->cred;
	u32 old_euid = c->euid, old_egid = c->egid;
	u64 old_permitted = c->cap_permitted, permitted = 0;
	bool root_effective = false, setid, unsafe;

	if (inode->mode & S_ISUID)
		c->euid = inode->uid;
	if ((inode->mode & (S_ISGID | S_IXGRP)) == (S_ISGID | S_IXGRP))
		c->egid = inode->gid;
	if (!(c->securebits & SECBIT_NOROOT)) {
		if (c->euid == 0 || c->uid == 0)
			permitted = c->cap_bset | c->cap_inheritable;
		root_effective = c->euid == 0;
	}
	setid = c->euid != old_euid || c->egid != old_egid;
	unsafe = current->ptracer && !has_capability(current->ptracer, CAP_SYS_PTRACE);
	if ((setid || (permitted & ~old_permitted)) && unsafe) {
		if (!capable(CAP_SETUID)) {
			c->euid = c->uid;
			c->egid = c->gid;
		}
		permitted &= old_permitted;
	}
	c->suid = c->euid;
	c->sgid = c->egid;
	if (setid)
		c->cap_ambient = 0;
	c->cap_permitted = permitted | c->cap_ambient;
	c->cap_effective = root_effective ? c->cap_permitted : c->cap_ambient;
	c->securebits &= ~SECBIT_KEEP_CAPS;
	if (c->euid != old_euid || c->egid != old_egid)
		current->pdeath_signal = 0;
}

/* cap_words - how many 32-bit words per set a header's version has (1 or
 * 2); -EINVAL for an unknown version, which is answered with the version
 * we prefer written back (-EFAULT if that fails). */
static int cap_words(struct cap_header __user *header, u32 version)
{
	if (version == LINUX_CAPABILITY_VERSION_1)
		return 1;
	if (version == LINUX_CAPABILITY_VERSION_2 ||
	    version == LINUX_CAPABILITY_VERSION_3)
		return 2;
	version = LINUX_CAPABILITY_VERSION_3;
	/* the version is the header's first field; no member access through
	 * a user pointer, which may be misaligned */
	return copy_to_user(header, &version, sizeof(version)) ? -EFAULT : -EINVAL;
}

/*
 * capget: a task's three sets.  An unknown version gets version 3 written
 * back and -EINVAL, but 0 when data is NULL (the way a program asks which
 * version the kernel prefers).  A NULL data pointer only checks the version.
 */
SYSCALL_DEFINE2(capget, struct cap_header __user *, header,
		struct cap_data __user *, data)
{
	struct cap_header h;
	struct cap_data d[2];
	const struct task_cred *c;
	struct task *t;
	int words;

	if (copy_from_user(&h, header, sizeof(h)))
		return -EFAULT;
	words = cap_words(header, h.version);
	if (words < 0)
		return !data && words == -EINVAL ? 0 : words;
	if (!data)
		return 0;
	if (h.pid < 0)
		return -EINVAL;
	t = h.pid ? task_find(h.pid) : current;
	if (!t)
		return -ESRCH;
	c = &t->cred;
	for (int i = 0; i < 2; i++) {
		d[i].effective = (u32)(c->cap_effective >> (32 * i));
		d[i].permitted = (u32)(c->cap_permitted >> (32 * i));
		d[i].inheritable = (u32)(c->cap_inheritable >> (32 * i));
	}
	return copy_to_user(data, d, (size_t)words * sizeof(d[0])) ? -EFAULT : 0;
}

/* cap_set_ok - Linux's cap_capset: may c's sets become these?  Permitted
 * may only shrink, effective stays inside it; inheritable may only gain
 * what is permitted (unless CAP_SETPCAP) and never leave the bounding set. */
static bool cap_set_ok(const struct task_cred *c, u64 eff, u64 perm, u64 inh)
{
	if (!(c->cap_effective & CAP_TO_MASK(CAP_SETPCAP)) &&
	    (inh & ~(c->cap_inheritable | c->cap_permitted)))
		return false;
	if (inh & ~(c->cap_inheritable | c->cap_bset))
		return false;
	return !(perm & ~c->cap_permitted) && !(eff & ~perm);
}

/*
 * capset: set the caller's own three sets (pid 0 or the caller's; any
 * other is -EPERM), within cap_set_ok's rules (-EPERM).  Bits past the
 * last capability are ignored; the ambient set keeps only what stays both
 * permitted and inheritable.
 */
SYSCALL_DEFINE2(capset, struct cap_header __user *, header,
		const struct cap_data __user *, data)
{
	struct task_cred *c = &current->cred;
	struct cap_header h;
	struct cap_data d[2];
	u64 eff = 0, perm = 0, inh = 0;
	int words;

	if (copy_from_user(&h, header, sizeof(h)))
		return -EFAULT;
	words = cap_words(header, h.version);
	if (words < 0)
		return words;
	if (h.pid != 0 && h.pid != current->pid)
		return -EPERM;
	if (copy_from_user(d, data, (size_t)words * sizeof(d[0])))
		return -EFAULT;
	for (int i = 0; i < words; i++) {
		eff |= (u64)d[i].effective << (32 * i);
		perm |= (u64)d[i].permitted << (32 * i);
		inh |= (u64)d[i].inheritable << (32 * i);
	}
	eff &= CAP_FULL_SET, perm &= CAP_FULL_SET, inh &= CAP_FULL_SET;
	if (!cap_set_ok(c, eff, perm, inh))
		return -EPERM;
	c->cap_effective = eff;
	c->cap_permitted = perm;
	c->cap_inheritable = inh;
	c->cap_ambient &= perm & inh;
	return 0;
}

/* set_securebits - PR_SET_SECUREBITS: needs CAP_SETPCAP; a locked bit
 * cannot change, a lock cannot be undone, unknown bits are refused. */
static long set_securebits(struct task_cred *c, u64 bits)
{
	u32 old = c->securebits;

	if ((((old & SECURE_ALL_LOCKS) >> 1) & (old ^ bits)) ||
	    (old & SECURE_ALL_LOCKS & ~bits) ||
	    (bits & ~(u64)(SECURE_ALL_LOCKS | SECURE_ALL_BITS)) ||
	    !capable(CAP_SETPCAP))
		return -EPERM;
	c->securebits = (u32)bits;
	return 0;
}

/* cap_ambient - PR_CAP_AMBIENT: ask about, raise (only a capability both
 * permitted and inheritable), lower or clear the ambient set. */
static long cap_ambient(struct task_cred *c, u64 op, u64 cap, u64 arg4, u64 arg5)
{
	if (op == PR_CAP_AMBIENT_CLEAR_ALL) {
		if (cap | arg4 | arg5)
			return -EINVAL;
		c->cap_ambient = 0;
		return 0;
	}
	if (!cap_valid(cap) || arg4 || arg5)
		return -EINVAL;
	switch (op) {
	case PR_CAP_AMBIENT_IS_SET:
		return !!(c->cap_ambient & CAP_TO_MASK(cap));
	case PR_CAP_AMBIENT_RAISE:
		if (!(c->cap_permitted & c->cap_inheritable & CAP_TO_MASK(cap)) ||
		    (c->securebits & SECBIT_NO_CAP_AMBIENT_RAISE))
			return -EPERM;
		c->cap_ambient |= CAP_TO_MASK(cap);
		return 0;
	case PR_CAP_AMBIENT_LOWER:
		c->cap_ambient &= ~CAP_TO_MASK(cap);
		return 0;
	}
	return -EINVAL;
}

long cap_prctl(int option, u64 arg2, u64 arg3, u64 arg4, u64 arg5)
{
	struct task_cred *c = &current->cred;

	switch (option) {
	case PR_CAPBSET_READ:
		return cap_valid(arg2) ? !!(c->cap_bset & CAP_TO_MASK(arg2)) : -EINVAL;
	case PR_CAPBSET_DROP:
		if (!capable(CAP_SETPCAP))
			return -EPERM;
		if (!cap_valid(arg2))
			return -EINVAL;
		c->cap_bset &= ~CAP_TO_MASK(arg2);
		return 0;
	case PR_GET_KEEPCAPS:
		return !!(c->securebits & SECBIT_KEEP_CAPS);
	case PR_SET_KEEPCAPS:
		if (arg2 > 1)
			return -EINVAL;
		if (c->securebits & SECBIT_KEEP_CAPS_LOCKED)
			return -EPERM;
		c->securebits = arg2 ? c->securebits | SECBIT_KEEP_CAPS
				     : c->securebits & ~SECBIT_KEEP_CAPS;
		return 0;
	case PR_GET_SECUREBITS:
		return c->securebits;
	case PR_SET_SECUREBITS:
		return set_securebits(c, arg2);
	case PR_CAP_AMBIENT:
		return cap_ambient(c, arg2, arg3, arg4, arg5);
	}
	return -ENOSYS;
}
