/*
 * kernel/entry.c - the way back to user mode, and faults as signals.
 */
#include "kernel/rseq.h"
#include "kernel/entry.h"
#include <vmos/bkl.h>
#include <vmos/errno.h>
#include "kernel/rlimit.h"
#include <vmos/printk.h>
#include "kernel/signal.h"
#include "kernel/task.h"
#include <vmos/format.h>
#include <vmos/string.h>
#include "mm/mm.h"
#include <asm/arch.h>
#include <asm/syscall.h>

/* What must happen before tf returns to user mode, if anything. */
enum exit_work { EXIT_NONE, EXIT_RESCHED, EXIT_RSEQ, EXIT_SIGNAL };

static enum exit_work exit_work(struct trap_frame *tf, bool delivered)
{
	if (current->need_resched)
		return EXIT_RESCHED;
	if (current->rseq_notify) /* rseq: after a switch or registering */
		return EXIT_RSEQ;
	if (!delivered && (signal_pending(current) ||
			   (syscall_restartable(tf) &&
			    (syscall_get_return(tf) == -ERESTARTSYS ||
			     syscall_get_return(tf) == -ERESTARTNOHAND))))
		return EXIT_SIGNAL;
	return EXIT_NONE;
}

/*
 * exit_to_user_mode - the last of every way back to user mode: switch
 * tasks, deliver signals, then give the kernel lock up (a system call or
 * a fault holds it; an interrupt from user mode takes it only if there is
 * work).  Returns with interrupts off and the lock free.
 */
void exit_to_user_mode(struct trap_frame *tf)
{
	bool delivered = false, locked = kernel_locked_here();
	enum exit_work w;

	for (;;) {
		arch_irq_disable();
		w = exit_work(tf, delivered);
		if (w == EXIT_NONE) {
			/* the interrupts' deferred work, if the unlock ran
			 * some, may wake a task that should run here instead:
			 * look again */
			if (!locked || !kernel_unlock())
				return;
			locked = false;
			continue;
		}
		if (!locked) {
			kernel_lock();
			locked = true;
			continue; /* another CPU may have changed the answer */
		}
		if (w == EXIT_RESCHED) {
			schedule();
		} else if (w == EXIT_RSEQ) {
			arch_irq_enable();
			rseq_handle_notify_resume(tf, 0);
		} else {
			arch_irq_enable();
			signal_deliver(tf);
			delivered = true;
		}
	}
}

/* What to call a region in a message: its maps name, or a description. */
static const char *region_label(const struct mm *mm, const struct vm_area_struct *v)
{
	const char *name = mm_region_name(mm, v);

	if (name[0])
		return name;
	if (v->vm_flags & VM_GROWSDOWN)
		return "stack";
	return "anonymous memory";
}

/* Why region v refuses this access, in words a student can act on. */
static const char *accerr_reason(const struct mm *mm,
				 const struct vm_area_struct *v,
				 enum fault_access access)
{
	const char *name = mm_region_name(mm, v);

	if (!(v->vm_flags & (VM_READ | VM_WRITE | VM_EXEC)))
		return "the region is PROT_NONE: a guard page, or memory "
		       "mapped with no access at all";
	if (access == FAULT_WRITE) {
		if (v->vm_file && (v->vm_flags & VM_EXEC))
			return "the program's code (text) is read-only";
		if (v->vm_file)
			return "the region is read-only (read-only data, or a file "
			       "mapped without PROT_WRITE)";
		return "the region is not writable (mprotect() can change that)";
	}
	if (access == FAULT_EXEC) {
		if (!strcmp(name, "[stack]") || (v->vm_flags & VM_GROWSDOWN))
			return "the stack is not executable (NX): code cannot run "
			       "from data the program wrote there";
		if (!strcmp(name, "[heap]"))
			return "the heap is not executable (NX)";
		return "the region is not executable (NX)";
	}
	return "the region is not readable";
}

/* Explain in words why the access at f->addr was refused, from what
 * handle_mm_fault() found (o): nothing is looked up again. */
static void explain(const struct fault *f, const struct fault_outcome *o,
		    char *buf, size_t size)
{
	const char *what = fault_access_words(f->access);
	const struct vm_area_struct *v = o->region.vma;
	struct mm *mm = current->mm;
	char p[5];

	switch (o->how) {
	case HOW_BEYOND_EOF:
		ksnprintf(buf, size, "%s 0x%lx in %s: beyond the end of the file "
			  "(a mapping may be longer than its file; touching past the "
			  "file's last page is a bus error)", what, f->addr,
			  region_label(mm, v));
		return;
	case HOW_SWAP_IO_ERROR:
		ksnprintf(buf, size, "%s 0x%lx in %s: the page could not be read "
			  "back from swap (a disk error)", what, f->addr,
			  region_label(mm, v));
		return;
	case HOW_LAB_STUB:
		ksnprintf(buf, size, "%s 0x%lx in %s: the fault case that handles it "
			  "is a lab skeleton's stub, not written yet (docs/labs/)",
			  what, f->addr, region_label(mm, v));
		return;
	case HOW_KERNEL_HALF:
		ksnprintf(buf, size, "%s 0x%lx: that is the kernel's half of the "
			  "address space, never accessible from user mode", what,
			  f->addr);
		return;
	case HOW_FORBIDDEN:
		mm_region_perms(v, p);
		ksnprintf(buf, size, "%s 0x%lx in region 0x%lx-0x%lx %s (%s): %s",
			  what, f->addr, o->region.start, o->region.end, p,
			  region_label(mm, v), accerr_reason(mm, v, f->access));
		return;
	case HOW_STACK_OVERFLOW:
		ksnprintf(buf, size, "%s 0x%lx, %lu KiB below the stack region "
			  "0x%lx-0x%lx: beyond the stack limit or into the guard "
			  "gap (stack overflow)", what, f->addr,
			  (o->region.start - f->addr) >> 10, o->region.start,
			  o->region.end);
		return;
	default:
		ksnprintf(buf, size, "%s 0x%lx: no region is mapped there%s", what,
			  f->addr,
			  f->addr < NULL_GUARD_END
				  ? " (possibly a NULL pointer dereference)"
				  : "");
	}
}

/* What a fatal fault prints is rate-limited, so that no program can flood
 * the console (a fork loop of crashing children). */
static struct ratelimit fault_messages = RATELIMIT_INIT("segfault");
static struct ratelimit trap_messages = RATELIMIT_INIT("trap");

void user_page_fault(const struct fault *f, const struct fault_outcome *o, u64 ip,
		     u64 sp, u64 hw_error)
{
	struct task *t = current;
	enum fault_result r = o->result;
	int sig = r == FAULT_SIGBUS ? SIGBUS : SIGSEGV;
	struct k_siginfo info = { .si_signo = sig };
	char why[200];

	info.si_code = r == FAULT_SIGBUS	 ? BUS_ADRERR
		       : r == FAULT_SIGSEGV_ACCERR ? SEGV_ACCERR
						  : SEGV_MAPERR;
	info.f.fault.addr = f->addr;
	explain(f, o, why, sizeof(why));
	ksnprintf(t->sig.fault_reason, sizeof(t->sig.fault_reason), "%s", why);
	if (r == FAULT_OOM) {
		/* out_of_memory() chose this process (and said so), or found
		 * nothing it could kill: either way it cannot go on. */
		info.si_signo = sig = SIGKILL;
	} else if (fault_signal_fatal(sig) && printk_ratelimit(&fault_messages)) {
		printk(KERN_INFO "%s[%d]: %s at %lx ip %016lx sp %016lx error %lx\n",
		       t->comm, t->pid, sig == SIGBUS ? "bus error" : "segfault",
		       f->addr, ip, sp, hw_error);
		printk(KERN_INFO "%s[%d]: %s\n", t->comm, t->pid, why);
	}
	if (sig == SIGKILL)
		send_signal(t, sig, &info);
	else
		force_sig_fault(sig, &info);
}

void user_exception(int sig, int code, u64 addr, const char *what,
		    const char *why, u64 ip, u64 sp)
{
	struct task *t = current;
	struct k_siginfo info = { .si_signo = sig, .si_code = code };

	info.f.fault.addr = addr;
	if (why)
		ksnprintf(t->sig.fault_reason, sizeof(t->sig.fault_reason), "%s",
			  why);
	if (fault_signal_fatal(sig) && printk_ratelimit(&trap_messages)) {
		printk(KERN_INFO "%s[%d]: %s ip %016lx sp %016lx: signal %d\n",
		       t->comm, t->pid, what, ip, sp, sig);
		if (why)
			printk(KERN_INFO "%s[%d]: %s\n", t->comm, t->pid, why);
	}
	force_sig_fault(sig, &info);
}
