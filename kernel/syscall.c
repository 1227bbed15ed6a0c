/*
 * kernel/syscall.c - from the syscall instruction to a handler and back.
 */
#include "kernel/syscall.h"
#include "kernel/entry.h"
#include <vmos/bkl.h>
#include <vmos/errno.h>
#include <vmos/printk.h>
#include "kernel/ptrace.h"
#include "kernel/syscall_table.h"
#include "kernel/task.h"
#include <asm/arch.h>
#include <asm/syscall.h>

static u64 enosys_logged[NR_SYSCALLS / 64];

static const char *syscall_name(u64 nr)
{
	if (nr < NR_SYSCALLS && syscall_table[nr].name)
		return syscall_table[nr].name;
	return "unknown";
}

/* Out-of-range numbers logged so far: each once, up to OOR_LOGGED_MAX of
 * them, then one line saying the rest are not (a fuzzer makes millions). */
#define OOR_LOGGED_MAX 32
static u64 oor_logged[OOR_LOGGED_MAX];
static unsigned nr_oor_logged;
static bool oor_full_said;

/* first_time - note nr; true the first time it is seen (and still logged). */
static bool first_time(u64 nr)
{
	if (nr < NR_SYSCALLS) {
		bool seen = enosys_logged[nr / 64] & (1ull << (nr % 64));

		enosys_logged[nr / 64] |= 1ull << (nr % 64);
		return !seen;
	}
	for (unsigned i = 0; i < nr_oor_logged; i++)
		if (oor_logged[i] == nr)
			return false;
	if (nr_oor_logged == OOR_LOGGED_MAX) {
		if (!oor_full_said)
			pr_debug("syscall: %u out-of-range numbers logged; no more will be\n",
				OOR_LOGGED_MAX);
		oor_full_said = true;
		return false;
	}
	oor_logged[nr_oor_logged++] = nr;
	return true;
}

/* An unimplemented call: log its number and name once, return -ENOSYS.
 * A notice, not an error (programs probe for calls and fall back): at
 * KERN_DEBUG, so it reaches the log (dmesg) but not the console unless
 * asked for ("loglevel=8", `dmesg -n 8`), and program output stays clean. */
static long not_implemented(u64 nr)
{
	if (!first_time(nr))
		return -ENOSYS;
	if (nr < NR_SYSCALLS)
		pr_debug("syscall %lu (%s) not implemented (called by %s[%d])\n",
			nr, syscall_name(nr), current->comm, current->pid);
	else
		pr_debug("syscall %lu is out of range (called by %s[%d])\n", nr,
			current->comm, current->pid);
	return -ENOSYS;
}

/*
 * Called from entry.asm with the user's registers saved in tf.  Only the
 * low 32 bits of rax name the call, as on Linux >= 5.12 (do_syscall_64
 * takes an int and compares it as unsigned): 0x100000027 is getpid.
 */
void syscall_dispatch(struct trap_frame *tf)
{
	u64 nr = (u32)syscall_get_nr(tf);
	struct syscall_args args;
	bool traced = false;
	long ret;

	syscall_get_args(tf, args.a);
	arch_irq_enable();
	kernel_lock();
	/* One load on the hot path: only a traced task asks ptrace.c. */
	if (unlikely(current->ptracer) && ptrace_wants_syscalls()) {
		ptrace_syscall_entry(tf); /* the tracer may change the call */
		nr = (u32)syscall_get_nr(tf);
		syscall_get_args(tf, args.a);
		traced = true;
	}
	if (traced && nr == (u32)-1)
		ret = syscall_get_return(tf); /* skipped by the tracer: rax as
						 * it left it (Linux: only -1) */
	else if (nr < NR_SYSCALLS && syscall_table[nr].fn)
		ret = syscall_table[nr].fn(&args);
	else
		ret = not_implemented(nr);
	syscall_set_return(tf, ret);
	if (unlikely(current->ptracer) && ptrace_wants_syscalls())
		ptrace_syscall_exit(tf);
	exit_to_user_mode(tf);
}
