/*
 * kernel/coredump.c - writing a dying process's core file (Linux's
 * fs/coredump.c do_coredump and fs/binfmt_elf.c elf_core_dump).
 *
 * The steps, as Linux's:
 *   1. coredump_wait: the other threads are killed and waited for, each
 *      recording its registers on its way out (coredump_task_exit), so
 *      that memory holds still while it is written;
 *   2. the facts: registers, the signal, the process, the auxiliary
 *      vector, and for each region how much of it is dumped
 *      (vma_dump_size: Linux's default coredump_filter, 0x33);
 *   3. the file: core_pattern in the current directory, an old one
 *      removed first, created 0600 (not following a symbolic link);
 *   4. the bytes (kernel/elfcore.c lays out the headers and notes), each
 *      region page by page; pages never touched stay holes in the file.
 * The file may not grow past RLIMIT_CORE or RLIMIT_FSIZE: it is cut
 * there.  As on Linux 6.1, a core that was started counts as dumped
 * (WCOREFLAG) even when cut short; one interrupted by SIGKILL does not.
 */
#include "kernel/coredump.h"
#include "kernel/elfcore.h"
#include "kernel/exit.h"
#include "kernel/rlimit.h"
#include "kernel/task.h"
#include "fs/internal.h"
#include "fs/vfs.h"
#include "mm/kmalloc.h"
#include "mm/mm.h"
#include "mm/pagetable.h"
#include <asm/arch.h>
#include <asm/pgtable.h>
#include <asm/ptrace.h>
#include <vmos/errno.h>
#include <vmos/format.h>
#include <vmos/printk.h>
#include <vmos/string.h>

char core_pattern[CORENAME_MAX_SIZE] = "core";
u64 core_uses_pid;

#define AUXV_MAX_WORDS 128 /* 64 pairs: exec writes about 20 */
#define ARGV_SCAN_MAX 4096 /* argv/envp pointers looked at to find auxv */

/*
 * A dump in progress: the process whose leader this is, and the
 * registers its other threads left on the way out.  At most one per
 * process (group_exiting keeps a second away); a short list overall.
 */
struct core_state {
	struct task *leader;
	struct core_thread *threads; /* [0] is the dumper's */
	unsigned nthreads, cap;
	struct core_state *next;
};
static struct core_state *dumps; /* interrupts disabled to change */

/* thread_regs - the user registers (frame tf) and FPU image of t, the
 * current task, into ct. */
static void thread_regs(struct task *t, const struct trap_frame *tf,
			struct core_thread *ct)
{
	struct user_regs r;

	arch_thread_save_fpu(&t->thread); /* live in the CPU: t runs */
	arch_ptrace_get_regs(tf, &t->thread, false, &r);
	r.fs_base = arch_get_fs_base();
	r.gs_base = arch_get_gs_base();
	_Static_assert(sizeof(r) == sizeof(ct->regs), "user_regs is ELF's gregset");
	memcpy(ct->regs, &r, sizeof(r));
	memcpy(ct->fpregs, t->thread.fpu, ELF_FPREGS_SIZE);
	ct->pid = t->pid;
	ct->sigpend = t->sig.pending;
	ct->sighold = t->sig.blocked;
	ct->utime_ns = t->ru.utime_ns;
	ct->stime_ns = t->ru.stime_ns;
}

void coredump_task_exit(struct task *t)
{
	struct core_state *cs;
	u64 flags = arch_irq_save();

	for (cs = dumps; cs && cs->leader != t->group_leader; cs = cs->next)
		;
	if (cs && cs->nthreads < cs->cap)
		thread_regs(t, task_user_frame(t), &cs->threads[cs->nthreads++]);
	arch_irq_restore(flags);
}

/* ---- the facts ---- */

/* read_auxv - the auxiliary vector exec left above envp on the initial
 * stack (argc, argv[], NULL, envp[], NULL, auxv): its words, AT_NULL pair
 * included, or 0 if the program overwrote the stack beyond recognition. */
static unsigned read_auxv(struct mm *mm, u64 *auxv)
{
	u64 sp = mm->start_stack, word = 0, argc;
	unsigned nulls = 0, n = 0;

	if (mm_copy_from(mm, sp, &argc, sizeof(argc)) || argc > ARGV_SCAN_MAX)
		return 0;
	sp += (argc + 1) * sizeof(u64); /* argc, argv[]; now at argv's NULL */
	for (unsigned i = 0; nulls < 1 && i < ARGV_SCAN_MAX; i++, sp += 8) {
		if (mm_copy_from(mm, sp, &word, sizeof(word)))
			return 0;
		nulls += word == 0 && i > 0; /* i == 0: argv's own NULL */
	}
	while (n + 2 <= AUXV_MAX_WORDS) {
		if (mm_copy_from(mm, sp + n * sizeof(u64), &auxv[n], 2 * sizeof(u64)))
			return 0;
		n += 2;
		if (auxv[n - 2] == 0) /* AT_NULL */
			return n;
	}
	return 0;
}

/* read_psargs - the command line, its NULs as spaces (ps's "args"). */
static void read_psargs(struct mm *mm, char *out)
{
	u64 len = MIN(mm->arg_end - mm->arg_start, (u64)ELF_PRARGSZ - 1);

	memset(out, 0, ELF_PRARGSZ);
	if (mm->arg_end <= mm->arg_start || mm_copy_from(mm, mm->arg_start, out, len))
		return;
	for (u64 i = 0; i + 1 < len; i++)
		if (!out[i])
			out[i] = ' ';
}

/* Does the page table hold any entry of [start, end) (a page present or
 * in swap)? */
static int any_entry(pte_t *e, u64 va, void *arg)
{
	return 1;
}

static u64 region_dump_size(struct mm *mm, const struct vm_area_struct *v)
{
	const struct inode *inode = v->vm_file ? v->vm_file->inode : NULL;
	bool anon = vma_is_anonymous(v);
	struct core_vma_facts f = {
		.size = v->vm_end - v->vm_start, .vm_flags = v->vm_flags,
		.pgoff = v->vm_pgoff, .has_file = !anon,
		.file_unlinked = inode && inode->nlink == 0,
		.file_exec = inode && (inode->mode & 0111),
	};

	/* Linux asks whether the region has an anon_vma; here: anonymous
	 * memory with a page, or a private file region that may be written
	 * (a program's .data and .bss) */
	f.written = anon ? pt_for_each(mm->pgd, v->vm_start, v->vm_end, any_entry, NULL)
			 : (v->vm_flags & VM_WRITE) != 0;
	return vma_dump_size(&f, DUMP_FILTER_DEFAULT);
}

static u32 region_pflags(const struct vm_area_struct *v)
{
	return ((v->vm_flags & VM_READ) ? PF_R : 0) | ((v->vm_flags & VM_WRITE) ? PF_W : 0) |
	       ((v->vm_flags & VM_EXEC) ? PF_X : 0);
}

/* gather_regions - every region of mm, with its dump size: a kmalloc'ed
 * array (NULL when out of memory or with too many regions). */
static struct core_region *gather_regions(struct mm *mm, unsigned *n)
{
	struct core_region *r;
	struct vm_area_struct *v;
	unsigned i = 0;

	if (mm->vmas.count > ELFCORE_MAX_REGIONS)
		return NULL;
	r = kzalloc(MAX(mm->vmas.count, 1ul) * sizeof(*r));
	if (!r)
		return NULL;
	for (v = vma_first(&mm->vmas); v; v = vma_next(&mm->vmas, v), i++) {
		r[i].start = v->vm_start;
		r[i].end = v->vm_end;
		r[i].flags = region_pflags(v);
		r[i].pgoff = v->vm_pgoff;
		r[i].file = vma_is_anonymous(v) ? NULL : v->vm_file->path;
		r[i].dump_size = region_dump_size(mm, v);
	}
	*n = i;
	return r;
}

static void fill_process(struct core_process *p, int sig, const struct k_siginfo *info)
{
	struct task *t = current, *leader = t->group_leader;

	p->pid = leader->pid;
	p->ppid = leader->parent ? leader->parent->pid : 0;
	p->pgrp = t->pgid;
	p->sid = t->sid;
	p->uid = t->cred.uid;
	p->gid = t->cred.gid;
	p->signo = sig;
	if (info && info->si_signo == sig) {
		_Static_assert(sizeof(*info) == sizeof(p->siginfo), "siginfo_t");
		memcpy(p->siginfo, info, sizeof(p->siginfo));
		p->si_code = info->si_code;
		p->si_errno = info->si_errno;
	} else {
		memcpy(p->siginfo, &sig, sizeof(sig));
	}
	memcpy(p->fname, t->comm, sizeof(p->fname));
	read_psargs(t->mm, p->psargs);
}

/* ---- the file ---- */

/* core_name - core_pattern expanded into out (size bytes): false for a
 * pipe pattern or an empty name. */
static bool core_name(char *out, size_t size, int sig)
{
	struct task *t = current;
	const char *pat = core_pattern;
	size_t len = 0;
	bool has_pid = false;

	if (pat[0] == '|' || !pat[0])
		return false;
	for (; *pat && len + 1 < size; pat++) {
		if (*pat != '%') {
			out[len++] = *pat;
			continue;
		}
		switch (*++pat) {
		case '%': out[len++] = '%'; break;
		case 'p': case 'P':
			len += (size_t)ksnprintf(out + len, size - len, "%d", t->tgid);
			has_pid = true;
			break;
		case 'e': len += strlcpy(out + len, t->comm, size - len); break;
		case 's': len += (size_t)ksnprintf(out + len, size - len, "%d", sig); break;
		case '\0': pat--; break; /* a lone '%' at the end */
		default: break; /* others expand to nothing here */
		}
		len = MIN(len, size - 1);
	}
	out[len] = '\0';
	if (core_uses_pid && !has_pid)
		ksnprintf(out + len, size - len, ".%d", t->tgid);
	return len > 0;
}

/* core_open - create the core file name: an old file of that name goes
 * first; the new one is 0600, a regular file with one link (not a link
 * planted to overwrite another file).  NULL if it cannot be made. */
static struct file *core_open(const char *name)
{
	struct file *f;
	int err;

	do_unlinkat(AT_FDCWD, name, false); /* an error shows at the open */
	f = vfs_open(name, O_CREAT | O_EXCL | O_WRONLY | O_NOFOLLOW, 0600, &err);
	if (!f)
		return NULL;
	if (!S_ISREG(f->inode->mode) || f->inode->nlink != 1) {
		file_put(f);
		return NULL;
	}
	return f;
}

/* The writer: the file, where the next byte goes, and how far it may. */
struct core_file {
	struct file *f;
	u64 pos;
	u64 limit;      /* RLIMIT_CORE and RLIMIT_FSIZE */
	bool in_hole;   /* the bytes before pos were skipped, not written */
};

/* core_emit - n bytes at pos; the part beyond the limit is not written
 * (-EFBIG), nor anything once a SIGKILL came (-EINTR). */
static int core_emit(void *ctx, const void *buf, u64 n)
{
	struct core_file *cf = ctx;
	u64 room = cf->limit > cf->pos ? cf->limit - cf->pos : 0;
	long done;

	if (fatal_signal_pending(current))
		return -EINTR;
	done = kernel_write(cf->f, buf, MIN(n, room), cf->pos);
	if (done < 0)
		return (int)done;
	cf->pos += (u64)done;
	cf->in_hole = false;
	if ((u64)done < MIN(n, room))
		return -ENOSPC;
	return n > room ? -EFBIG : 0;
}

/* write_region - the dumped part of region r, page by page from mm; an
 * anonymous page never touched is left a hole (it reads as zeros). */
static int write_region(struct core_file *cf, struct mm *mm,
			const struct core_region *r, u8 *page)
{
	for (u64 a = r->start; a < r->start + r->dump_size; a += PAGE_SIZE) {
		pte_t *e;
		int err;

		cond_resched(); /* the kernel is not preempted: a big core
				   must not stall the other tasks */
		e = pt_walk(mm->pgd, a, false);

		if (!r->file && (!e || !*e)) {
			cf->pos += PAGE_SIZE;
			cf->in_hole = true;
			if (cf->pos > cf->limit)
				return -EFBIG;
			continue;
		}
		if (mm_copy_from(mm, a, page, PAGE_SIZE))
			memset(page, 0, PAGE_SIZE);
		err = core_emit(cf, page, PAGE_SIZE);
		if (err)
			return err;
	}
	return 0;
}

/* write_core - the whole file; 0 or -errno. */
static int write_core(struct core_file *cf, const struct core_process *p,
		      struct mm *mm)
{
	u64 size = elfcore_file_size(p);
	u8 *page = kmalloc(PAGE_SIZE);
	int err = page ? elfcore_write_headers(p, core_emit, cf) : -ENOMEM;

	for (unsigned i = 0; i < p->nregions && !err; i++)
		err = write_region(cf, mm, &p->regions[i], page);
	if (!err && cf->in_hole) { /* a hole at the end: a last byte makes
				    the file its full size */
		u8 zero = 0;
		long n;

		cf->pos = size - 1;
		n = kernel_write(cf->f, &zero, 1, cf->pos);
		err = n == 1 ? 0 : n < 0 ? (int)n : -ENOSPC;
	}
	kfree(page);
	return err;
}

/* ---- the steps ---- */

/* dump_limit - the most the core file may hold. */
static u64 dump_limit(void)
{
	return MIN(current->rlimits[RLIMIT_CORE][0], current->rlimits[RLIMIT_FSIZE][0]);
}

/* start_dump - register cs for the current process and end its other
 * threads (coredump_wait); false (nothing registered) if the process is
 * already ending or a SIGKILL cut the wait short. */
static bool start_dump(struct core_state *cs, int sig)
{
	struct task *leader = current->group_leader;
	bool ok;
	u64 flags = arch_irq_save();

	cs->leader = leader;
	cs->next = dumps;
	dumps = cs;
	ok = coredump_wait(sig);
	if (!ok) {
		struct core_state **pp = &dumps;

		while (*pp != cs)
			pp = &(*pp)->next;
		*pp = cs->next;
	}
	arch_irq_restore(flags);
	return ok;
}

static void end_dump(struct core_state *cs)
{
	u64 flags = arch_irq_save();
	struct core_state **pp = &dumps;

	while (*pp != cs)
		pp = &(*pp)->next;
	*pp = cs->next;
	arch_irq_restore(flags);
}

/* dump_to_file - steps 2 to 4, once the process is down to this thread. */
static bool dump_to_file(struct core_state *cs, int sig, const struct k_siginfo *info)
{
	struct mm *mm = current->mm;
	struct core_process p = { 0 };
	u64 auxv[AUXV_MAX_WORDS];
	char name[CORENAME_MAX_SIZE];
	struct core_file cf = { .limit = dump_limit() };
	bool ok = false;

	fill_process(&p, sig, info);
	p.threads = cs->threads;
	p.nthreads = cs->nthreads;
	p.auxv = auxv;
	p.auxv_words = read_auxv(mm, auxv);
	p.regions = gather_regions(mm, &p.nregions);
	if (!p.regions || !core_name(name, sizeof(name), sig))
		goto out;
	cf.f = core_open(name);
	if (!cf.f)
		goto out;
	write_core(&cf, &p, mm); /* cut short or not, it was dumped */
	ok = !fatal_signal_pending(current);
	file_put(cf.f);
out:
	kfree((void *)p.regions);
	return ok;
}

bool do_coredump(int sig, const struct k_siginfo *info)
{
	struct task *t = current;
	struct core_state cs = { .cap = 1 };
	bool ok;

	if (dump_limit() < ELFCORE_PAGE || !t->mm || t->mm->nodump)
		return false; /* Linux's min_coredump; PR_SET_DUMPABLE 0 */
	/* Room for every thread's registers, the dumper's first; threads
	 * made meanwhile are killed too, but not recorded. */
	cs.cap = (unsigned)MAX(t->group_leader->group_live, 1);
	cs.threads = kzalloc(cs.cap * sizeof(*cs.threads));
	if (!cs.threads)
		return false;
	thread_regs(t, task_user_frame(t), &cs.threads[0]);
	cs.nthreads = 1;
	if (!start_dump(&cs, sig)) {
		kfree(cs.threads);
		return false;
	}
	end_dump(&cs); /* every other thread is gone: no more records */
	ok = dump_to_file(&cs, sig, info);
	kfree(cs.threads);
	coredump_finish(ok);
	return ok;
}
