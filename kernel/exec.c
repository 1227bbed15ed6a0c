/*
 * kernel/exec.c - execve: replace the calling process's program.
 *
 * The new image is built completely in a new address space first: the
 * program's PT_LOAD segments, the dynamic linker's if it has one, and the
 * initial stack with argv, envp and the auxiliary vector laid out exactly
 * as Linux does.  Only when every step succeeded does the process switch
 * to it (the point of no return) and drop the old one; a failed exec
 * returns an error to a caller that keeps running unchanged.
 */
#include "kernel/rseq.h"
#include "kernel/capability.h"
#include "kernel/elf.h"
#include <vmos/errno.h>
#include "kernel/exec.h"
#include "kernel/ptrace.h"
#include "kernel/exit.h"
#include "fs/vfs.h"
#include "fs/internal.h" /* fd_get_cloexec (execveat), path lookups (exe_real_path) */
#include <vmos/printk.h>
#include "kernel/rlimit.h"
#include "kernel/random.h"
#include "kernel/syscall.h"
#include "kernel/task.h"
#include <vmos/format.h>
#include <vmos/string.h>
#include "mm/aslr.h"
#include "mm/kmalloc.h"
#include "mm/mm.h"
#include <asm/arch.h>

#define ARG_MIN_BYTES (128ul << 10)   /* argv + envp may always be this */
#define ARG_MAX_BYTES (6ul << 20)     /* and never more: 3/4 of 8 MiB */
#define MAX_ARG_STRLEN (128ul << 10)  /* one string, its NUL included */
#define SCRIPT_DEPTH_MAX 4            /* #! interpreters of interpreters */
#define HEADER_BYTES 4096             /* read to identify the file */

/* Auxiliary vector keys (Linux's include/uapi/linux/auxvec.h). */
#define AT_NULL 0
#define AT_PHDR 3
#define AT_PHENT 4
#define AT_PHNUM 5
#define AT_PAGESZ 6
#define AT_BASE 7
#define AT_FLAGS 8
#define AT_ENTRY 9
#define AT_UID 11
#define AT_EUID 12
#define AT_GID 13
#define AT_EGID 14
#define AT_PLATFORM 15
#define AT_HWCAP 16
#define AT_CLKTCK 17
#define AT_SECURE 23
#define AT_RANDOM 25
#define AT_HWCAP2 26
#define AT_EXECFN 31
#define AUXV_ENTRIES 20

/* The strings of argv then envp, each NUL-terminated, in one buffer. */
struct exec_strings {
	char *buf;
	size_t len, cap;
	int argc, envc;
	int nr_strings;	/* appended so far, for arg_max()'s pointers */
};

/*
 * arg_max - how many bytes argv and envp may take, their strings and
 * pointers: a quarter of the caller's stack limit (so that they leave
 * room on the new stack), at least ARG_MIN_BYTES and at most
 * ARG_MAX_BYTES, as Linux's bprm_stack_limits().  8 MiB gives 2 MiB.
 */
static size_t arg_max(void)
{
	u64 stack = current->rlimits[RLIMIT_STACK][0];

	return (size_t)MAX(MIN(stack / 4, ARG_MAX_BYTES), ARG_MIN_BYTES);
}

/* Append exactly n bytes (already NUL-terminated strings, or none): the
 * strings and a pointer for each must stay within arg_max(). */
static int strings_append_raw(struct exec_strings *s, const char *bytes, size_t n)
{
	size_t ptrs = (size_t)(s->nr_strings + 1) * sizeof(u64);

	if (n > arg_max() || s->len + n + ptrs > arg_max())
		return -E2BIG;
	if (s->len + n > s->cap) {
		size_t cap = s->cap ? s->cap : 4096;
		char *nb;

		while (cap < s->len + n)
			cap *= 2;
		nb = kmalloc(cap);
		if (!nb)
			return -ENOMEM;
		memcpy(nb, s->buf, s->len);
		kfree(s->buf);
		s->buf = nb;
		s->cap = cap;
	}
	memcpy(s->buf + s->len, bytes, n);
	s->len += n;
	return 0;
}

/* Append one string of n characters and its NUL. */
static int strings_append(struct exec_strings *s, const char *str, size_t n)
{
	int err;

	if (n >= MAX_ARG_STRLEN)
		return -E2BIG;
	err = strings_append_raw(s, str, n);
	if (!err)
		err = strings_append_raw(s, "", 1);
	if (!err)
		s->nr_strings++;
	return err;
}

/* Copy a NULL-terminated user array of strings; returns the count or -errno. */
static int copy_user_strings(struct exec_strings *s, const char __user *const __user *arr)
{
	char *tmp;
	int n = 0, err = 0;

	if (!arr)
		return 0;
	tmp = kmalloc(MAX_ARG_STRLEN);
	if (!tmp)
		return -ENOMEM;
	for (;; n++) {
		u64 p;
		long len;

		if (get_user_u64(&p, arr + n)) {
			err = -EFAULT;
			break;
		}
		if (!p)
			break;
		len = strncpy_from_user(tmp, (const char __user *)p, MAX_ARG_STRLEN);
		if (len < 0) {
			err = len == -ENAMETOOLONG ? -E2BIG : (int)len;
			break;
		}
		err = strings_append(s, tmp, (size_t)len);
		if (err)
			break;
	}
	kfree(tmp);
	return err ? err : n;
}

/*
 * empty_argv - an execve with argv NULL or empty gets one empty string as
 * argv[0], so that a program that starts reading at argv[1] does not walk
 * into envp; Linux 6.1 does it and logs a line once
 * (do_execveat_common).  Returns the new argc, 1, or -errno.
 */
static int empty_argv(struct exec_strings *s)
{
	static bool said;
	int err = strings_append(s, "", 0);

	if (!said && !err)
		printk(KERN_INFO "process '%s' launched with NULL argv: empty "
		       "string added\n", current->comm);
	said = true;
	return err ? err : 1;
}

/* The i-th string of s (argv first, then envp). */
static const char *string_at(const struct exec_strings *s, int i)
{
	const char *p = s->buf;

	while (i--)
		p += strlen(p) + 1;
	return p;
}

/*
 * A "#!" script: argv becomes interpreter [argument] script-path argv[1..].
 * Returns 1 if the file was a script (s and *path replaced), 0 if not,
 * -errno on a malformed line.
 */
static int rewrite_for_script(struct exec_strings *s, char *path,
			      const char *hdr, size_t n)
{
	char line[256], *interp, *arg = NULL, *end;
	struct exec_strings ns = { 0 };
	size_t skip;
	int err = 0;

	if (n < 2 || hdr[0] != '#' || hdr[1] != '!')
		return 0;
	n = MIN(n - 2, sizeof(line) - 1);
	memcpy(line, hdr + 2, n);
	line[n] = '\0';
	end = strchr(line, '\n');
	if (!end)
		return -ENOEXEC; /* longer than 255 bytes, as Linux refuses */
	*end = '\0';
	for (interp = line; *interp == ' ' || *interp == '\t'; interp++)
		;
	if (!*interp)
		return -ENOEXEC;
	for (end = interp; *end && *end != ' ' && *end != '\t'; end++)
		;
	if (*end) { /* the rest of the line is one argument, as on Linux */
		*end++ = '\0';
		while (*end == ' ' || *end == '\t')
			end++;
		if (*end)
			arg = end;
	}
	err = strings_append(&ns, interp, strlen(interp));
	if (!err && arg)
		err = strings_append(&ns, arg, strlen(arg));
	if (!err)
		err = strings_append(&ns, path, strlen(path));
	skip = s->argc ? strlen(s->buf) + 1 : 0; /* drop the old argv[0] */
	ns.nr_strings += s->nr_strings - (s->argc ? 1 : 0);
	if (!err) /* the other arguments and the environment, as they are */
		err = strings_append_raw(&ns, s->buf + skip, s->len - skip);
	if (err) {
		kfree(ns.buf);
		return err;
	}
	ns.argc = s->argc - (s->argc ? 1 : 0) + (arg ? 3 : 2);
	ns.envc = s->envc;
	kfree(s->buf);
	*s = ns;
	strlcpy(path, interp, PATH_MAX);
	return 1;
}

/* VM_* flags for an ELF segment's PF_* flags. */
static u64 segment_vm_flags(u32 pf)
{
	return ((pf & PF_R) ? VM_READ : 0) | ((pf & PF_W) ? VM_WRITE : 0) |
	       ((pf & PF_X) ? VM_EXEC : 0) | VM_MAYREAD | VM_MAYWRITE |
	       VM_MAYEXEC;
}

/*
 * Map one PT_LOAD at bias: its file bytes as a private mapping of the file
 * (pages come from the file on first touch and are copied on the first
 * write), the rest of .bss as anonymous memory, and the .bss part of the
 * last file page zeroed.  The segment's pages start at start (later than
 * its first page when that page is shared with the previous segment).
 */
static int map_segment(struct mm *mm, struct file *f, const struct elf_segment *sg,
		       u64 bias, u64 start, u64 flags)
{
	u64 va = sg->vaddr + bias, first_page = ALIGN_DOWN(va, PAGE_SIZE);
	u64 file_end = ALIGN_UP(va + sg->filesz, PAGE_SIZE);
	u64 end = ALIGN_UP(va + sg->memsz, PAGE_SIZE);
	u64 pgoff = (ALIGN_DOWN(sg->offset, PAGE_SIZE) + (start - first_page)) >> PAGE_SHIFT;
	int err = 0;

	if (sg->filesz && file_end > start)
		err = mm_map_file(mm, start, file_end - start, flags, f, pgoff);
	if (!err && sg->memsz > sg->filesz && sg->filesz)
		err = mm_clear(mm, va + sg->filesz,
			       MIN(va + sg->memsz, file_end) - (va + sg->filesz));
	if (!err && end > MAX(file_end, start))
		err = mm_map_anon(mm, MAX(file_end, start), end - MAX(file_end, start),
				  flags);
	return err;
}

/*
 * Map every PT_LOAD of an ELF at bias into mm.  Segments sharing a page
 * (the end of one, the start of the next: the same file page, elf.c
 * checks) get one mapping for that page with the union of their
 * permissions.
 */
static int load_segments(struct mm *mm, struct file *f, const struct elf_info *ei,
			 u64 bias, u64 *end_out)
{
	u64 prev_end = 0;
	int err = 0;

	for (unsigned i = 0; i < ei->nload && !err; i++) {
		const struct elf_segment *sg = &ei->load[i];
		u64 start = ALIGN_DOWN(sg->vaddr + bias, PAGE_SIZE);
		u64 end = ALIGN_UP(sg->vaddr + bias + sg->memsz, PAGE_SIZE);
		u64 flags = segment_vm_flags(sg->flags);

		if (start < prev_end) { /* first page shared with the previous */
			const struct vm_area_struct *prev = vma_lookup(&mm->vmas, start);

			err = mm_protect(mm, start, PAGE_SIZE,
					 flags | (prev ? prev->vm_flags : 0));
			start = prev_end;
		}
		if (!err)
			err = map_segment(mm, f, sg, bias, start, flags);
		prev_end = MAX(prev_end, end);
	}
	*end_out = prev_end;
	return err;
}

/* Where execveat finds the program (NULL for execve: the path itself). */
struct exec_at {
	int dirfd;
	const char *lookup; /* relative to dirfd; "" with AT_EMPTY_PATH */
	int flags;          /* AT_EMPTY_PATH, AT_SYMLINK_NOFOLLOW */
	bool hidden;        /* dirfd is close-on-exec: /dev/fd/N will not be
			       there for an interpreter (Linux's
			       BINPRM_FLAGS_PATH_INACCESSIBLE) */
	bool fd_name;       /* the name is /dev/fd/N...: comm comes from the
			       file's own name (as Linux 6.1 shows it) */
	char comm[TASK_COMM_LEN];
};

/* open_program - open_exec() (the checks, the write denial) of path, or
 * of at's program, and read the first HEADER_BYTES into hdr;
 * close_program ends it. */
static struct file *open_program(const struct exec_at *at, const char *path,
				 void *hdr, size_t *hdr_len, int *err)
{
	struct file *f = at ? open_exec_at(at->dirfd, at->lookup, at->flags, err)
			    : open_exec(path, err);
	long n;

	if (!f)
		return NULL;
	n = kernel_read(f, hdr, HEADER_BYTES, 0);
	if (n < 0) {
		*err = (int)n;
		allow_write_access(f->inode);
		file_put(f);
		return NULL;
	}
	*hdr_len = (size_t)n;
	return f;
}

/* close_program - the end of open_program's file. */
static void close_program(struct file *f)
{
	allow_write_access(f->inode);
	file_put(f);
}

struct loaded_image {
	u64 entry;       /* where the program starts (the interpreter's, if any) */
	u64 prog_entry;  /* AT_ENTRY */
	u64 phdr, phnum; /* AT_PHDR, AT_PHNUM */
	u64 interp_base; /* AT_BASE */
	u64 load_end;    /* end of the program's highest segment: the heap follows */
	u64 start_code, end_code, start_data, end_data;
};

/*
 * Load an ELF file (already open, header read) into mm. A position-
 * independent one goes at base, or (base 0) where mmap would put it.  A
 * PIE that has a dynamic linker goes at base aligned down to its largest
 * p_align (Linux 6.1's load_elf_binary: programs linked for 2 MiB pages
 * get a 2 MiB-aligned text); an alignment so large that nothing would be
 * left below is ignored.
 */
static int load_elf(struct mm *mm, struct file *f, const void *hdr, size_t hdr_len,
		    struct elf_info *ei, u64 base, u64 *bias_out, u64 *end_out)
{
	int err = elf_parse_headers(hdr, hdr_len, f->inode->size, ei);
	u64 bias;

	if (err) {
		printk(KERN_INFO "exec: %s: not a valid program: %s\n", f->path,
		       ei->error);
		return err;
	}
	if (ei->type == ET_DYN && !base) {
		base = mm_get_unmapped_area(mm, ei->span_end - ei->span_start);
		if (!base)
			return -ENOMEM;
	} else if (ei->type == ET_DYN && ei->has_interp &&
		   ALIGN_DOWN(base, elf_load_align(ei)) >= MMAP_MIN_ADDR) {
		base = ALIGN_DOWN(base, elf_load_align(ei));
	}
	bias = ei->type == ET_DYN ? base - ei->span_start : 0;
	*bias_out = bias;
	return load_segments(mm, f, ei, bias, end_out);
}

static void note_code_data(struct loaded_image *img, const struct elf_info *ei,
			   u64 bias)
{
	img->start_code = img->start_data = ~0ul;
	for (unsigned i = 0; i < ei->nload; i++) {
		const struct elf_segment *sg = &ei->load[i];
		u64 s = sg->vaddr + bias, e = s + sg->filesz;

		if (sg->flags & PF_X) {
			img->start_code = MIN(img->start_code, s);
			img->end_code = MAX(img->end_code, e);
		} else if (sg->flags & PF_W) {
			img->start_data = MIN(img->start_data, s);
			img->end_data = MAX(img->end_data, e);
		}
	}
	if (img->start_code == ~0ul)
		img->start_code = img->end_code = 0;
	if (img->start_data == ~0ul)
		img->start_data = img->end_data = img->end_code;
}

/* Load the program and, if it asks for one, its dynamic linker. */
static int load_image(struct mm *mm, struct file *f, const void *hdr,
		      size_t hdr_len, struct loaded_image *img)
{
	struct elf_info *ei = kzalloc(sizeof(*ei) * 2), *ii = ei + 1;
	u64 bias, ibias = 0, iend = 0;
	int err;

	if (!ei)
		return -ENOMEM;
	err = load_elf(mm, f, hdr, hdr_len, ei,
		       PIE_BASE + aslr_random_pages(MMAP_RND_BITS, mm->personality),
		       &bias, &img->load_end);
	if (err)
		goto out;
	img->prog_entry = img->entry = ei->entry + bias;
	img->phdr = ei->phdr_vaddr ? ei->phdr_vaddr + bias : 0;
	img->phnum = ei->phnum;
	img->interp_base = 0;
	note_code_data(img, ei, bias);
	if (ei->has_interp) {
		char path[ELF_INTERP_MAX + 1];
		void *ihdr = kmalloc(HEADER_BYTES);
		struct file *interp;
		size_t ilen;

		err = -ENOMEM;
		if (!ihdr)
			goto out;
		if (kernel_read(f, path, ei->interp_len + 1, ei->interp_offset) !=
		    (long)ei->interp_len + 1) {
			kfree(ihdr);
			err = -EIO;
			goto out;
		}
		interp = open_program(NULL, path, ihdr, &ilen, &err);
		if (interp) {
			err = load_elf(mm, interp, ihdr, ilen, ii, 0, &ibias,
				       &iend);
			if (!err && ii->has_interp)
				err = -ELIBBAD; /* an interpreter needing one */
			img->entry = ii->entry + ibias;
			img->interp_base = ii->span_start + ibias;
			close_program(interp);
		}
		kfree(ihdr);
	}
out:
	kfree(ei);
	return err;
}

/* Push n bytes below *sp in mm; returns their address (0 on failure). */
static u64 push_bytes(struct mm *mm, u64 *sp, const void *src, size_t n)
{
	*sp -= n;
	return mm_copy_to(mm, *sp, src, n) ? 0 : *sp;
}

/*
 * Build the initial stack (from the top down): the file name, the argv
 * and envp strings, "x86_64", 16 random bytes; then, 16-byte aligned,
 * argc, argv[], NULL, envp[], NULL and the auxiliary vector.  Returns the
 * stack pointer for _start, or 0.
 */
static u64 build_stack(struct mm *mm, const struct exec_strings *s,
		       const char *execfn, const struct loaded_image *img)
{
	u64 sp = mm->stack_top - 8, strings, execfn_at, platform, random_at;
	u64 aux[AUXV_ENTRIES * 2], *a = aux, nwords, *vec;
	u8 rnd[16];
	int nptr = s->argc + s->envc;

	execfn_at = push_bytes(mm, &sp, execfn, strlen(execfn) + 1);
	strings = push_bytes(mm, &sp, s->buf, s->len);
	platform = push_bytes(mm, &sp, "x86_64", 7);
	random_bytes(rnd, sizeof(rnd));
	random_at = push_bytes(mm, &sp, rnd, sizeof(rnd));
	if (!execfn_at || !strings || !platform || !random_at)
		return 0;
	mm->arg_start = strings;
	mm->arg_end = mm->env_start = s->argc ? strings + (string_at(s, s->argc) - s->buf)
					      : strings;
	mm->env_end = strings + s->len;

#define AUX(k, v) (*a++ = (k), *a++ = (v))
	AUX(AT_HWCAP, arch_hwcap());
	AUX(AT_PAGESZ, PAGE_SIZE);
	AUX(AT_CLKTCK, 100);
	AUX(AT_PHDR, img->phdr);
	AUX(AT_PHENT, sizeof(Elf64_Phdr));
	AUX(AT_PHNUM, img->phnum);
	AUX(AT_BASE, img->interp_base);
	AUX(AT_FLAGS, 0);
	AUX(AT_ENTRY, img->prog_entry);
	AUX(AT_UID, 0);
	AUX(AT_EUID, 0);
	AUX(AT_GID, 0);
	AUX(AT_EGID, 0);
	AUX(AT_SECURE, 0);
	AUX(AT_RANDOM, random_at);
	AUX(AT_HWCAP2, arch_hwcap2());
	AUX(AT_EXECFN, execfn_at);
	AUX(AT_PLATFORM, platform);
	AUX(AT_NULL, 0);
#undef AUX

	/* argc + argv[] + NULL + envp[] + NULL + auxv, ending 16-aligned. */
	nwords = 1 + (u64)nptr + 2 + (u64)(a - aux);
	sp = ALIGN_DOWN(sp - nwords * 8, 16ul);
	vec = kmalloc(nwords * 8);
	if (!vec)
		return 0;
	{
		u64 *w = vec, p = strings;
		const char *str = s->buf;

		*w++ = (u64)s->argc;
		for (int i = 0; i < nptr; i++) {
			if (i == s->argc)
				*w++ = 0; /* argv's NULL */
			*w++ = p;
			p += strlen(str) + 1;
			str += strlen(str) + 1;
		}
		if (s->argc == nptr)
			*w++ = 0;
		*w++ = 0; /* envp's NULL */
		memcpy(w, aux, (size_t)(a - aux) * 8);
	}
	if (mm_copy_to(mm, sp, vec, nwords * 8))
		sp = 0;
	kfree(vec);
	return sp;
}

/* The stack region: what the strings need plus room to grow, grows down. */
static int map_stack(struct mm *mm, size_t strings_len)
{
	u64 size = ALIGN_UP(strings_len + 8 * PAGE_SIZE, PAGE_SIZE) +
		   STACK_INITIAL_SIZE;

	return mm_map_anon(mm, mm->stack_top - size, size,
			   VM_READ | VM_WRITE | VM_MAYREAD | VM_MAYWRITE |
				   VM_MAYEXEC | VM_GROWSDOWN);
}

/* append_name - "/" and name[0..len) after the len0 bytes of path (a
 * directory's absolute path) in buf (size bytes): 0 or -ENAMETOOLONG. */
static int append_name(char *buf, size_t len0, size_t size, const char *name,
		       size_t len)
{
	if (len0 > 1) /* not the root: "/bin" gets a "/" */
		buf[len0++] = '/';
	if (len0 + len >= size)
		return -ENAMETOOLONG;
	memcpy(buf + len0, name, len);
	buf[len0 + len] = '\0';
	return 0;
}

/*
 * exe_real_path - the absolute path, without symbolic links, of the
 * program that path names (Linux's /proc/PID/exe is d_path of the file):
 * the path of the directory that holds its last name, then that name; a
 * symbolic link there (/proc/self/exe, a link to a program) is followed
 * and the walk starts again from its target.  0 with the path in out
 * (size bytes), or -errno.
 */
static int exe_real_path(const char *path, char *out, size_t size)
{
	char *cur = kmalloc(2 * PATH_MAX), *target = cur + PATH_MAX;
	int err = -ELOOP;

	if (!cur)
		return -ENOMEM;
	strlcpy(cur, path, PATH_MAX);
	for (int links = 0; links <= MAXSYMLINKS; links++) {
		struct inode *dir, *inode;
		struct last_name last;
		long n;

		err = vfs_lookup_parent(AT_FDCWD, cur, &dir, &last);
		if (err)
			break;
		err = lookup_one(dir, last.name, last.len, &inode);
		if (!err && !S_ISLNK(inode->mode)) { /* found: its directory's path, its name */
			iput(inode);
			n = vfs_path_of(dir, out, size);
			err = n < 0 ? (int)n : append_name(out, (size_t)n, size, last.name, last.len);
			iput(dir);
			break;
		}
		n = err ? err : inode->iops && inode->iops->readlink ?
			inode->iops->readlink(inode, target, PATH_MAX - 1) : -EINVAL;
		if (!err)
			iput(inode);
		err = n > 0 ? 0 : n ? (int)n : -ENOENT;
		target[n > 0 ? n : 0] = '\0';
		/* a relative target starts from the link's directory */
		if (!err && target[0] != '/') {
			n = vfs_path_of(dir, cur, PATH_MAX);
			err = n < 0 ? (int)n : append_name(cur, (size_t)n, PATH_MAX, target,
							   strlen(target));
		} else if (!err) {
			strlcpy(cur, target, PATH_MAX);
		}
		iput(dir);
		if (err)
			break;
		err = -ELOOP; /* unless a later round finds the file */
	}
	kfree(cur);
	return err;
}

/* set_exe_path - t's /proc/PID/exe: the real file's absolute path, so
 * that exec'ing /proc/self/exe finds the program again (the path as
 * given if it cannot be named, e.g. too long for exe_path).  The lookup
 * may read the old exe_path (/proc/self/exe), hence the copy. */
static void set_exe_path(struct task *t, const char *path)
{
	char *real = kmalloc(sizeof(t->exe_path));

	if (real && !exe_real_path(path, real, sizeof(t->exe_path)))
		strlcpy(t->exe_path, real, sizeof(t->exe_path));
	else
		strlcpy(t->exe_path, path, sizeof(t->exe_path));
	kfree(real);
}

/* Switch current to the new image: the point of no return. */
static void commit_exec(struct mm *mm, const char *path, u64 entry, u64 sp)
{
	struct task *t = current;
	struct mm *old = t->mm;

	t->mm = mm;
	mm_activate(mm);
	if (old) {
		rusage_note_mm(t, old); /* ru_maxrss covers the old image too */
		mm_put(old);
	}
	if (t->files)
		files_close_on_exec(t->files);
	signal_reset_on_exec(&t->sig);
	rseq_execve(t);
	timers_exec(t->group_leader);
	arch_thread_reset_fpu(&t->thread);
	task_set_comm(t, path);
	set_exe_path(t, path);
	arch_frame_setup_user(task_user_frame(t), entry, sp);
}

/*
 * exec_strings - the whole of execve once argv and envp are in kernel
 * memory (s) and path (PATH_MAX bytes, rewritten for scripts) is known.
 * On success the current task runs the new program when it returns to user
 * mode; on failure nothing about the caller changed.
 */
/* task_comm_of - the last part of path, as comm shows it. */
static void task_comm_of(char *comm, size_t size, const char *path)
{
	const char *base = strrchr(path, '/');

	strlcpy(comm, base && base[1] ? base + 1 : path, size);
}

static int exec_strings(struct exec_at *at, char *path,
			struct exec_strings *s)
{
	char *hdr = kmalloc(HEADER_BYTES + PATH_MAX), *execfn = hdr + HEADER_BYTES;
	struct loaded_image img = { 0 };
	struct file *f = NULL;
	struct mm *mm = NULL;
	size_t hdr_len;
	int err = -ENOMEM, depth;
	u64 sp;

	if (!hdr)
		return -ENOMEM;
	strlcpy(execfn, path, PATH_MAX);
	for (depth = 0;; depth++) {
		f = open_program(depth ? NULL : at, path, hdr, &hdr_len, &err);
		if (!f)
			goto out;
		if (!depth && at && at->fd_name)
			task_comm_of(at->comm, sizeof(at->comm), f->path);
		err = rewrite_for_script(s, path, hdr, hdr_len);
		if (err <= 0)
			break;
		if (!depth && at && at->hidden) {
			err = -ENOENT; /* the interpreter could not open it */
			goto out;
		}
		close_program(f);
		f = NULL;
		if (depth == SCRIPT_DEPTH_MAX) {
			err = -ELOOP;
			goto out;
		}
	}
	if (err < 0)
		goto out;
	err = -ENOMEM;
	mm = mm_create();
	if (!mm)
		goto out;
	/* The personality (ADDR_NO_RANDOMIZE) carries over to the new image. */
	mm_layout(mm, current->mm ? current->mm->personality : PER_LINUX);
	mm->vmtrace = current->mm && current->mm->vmtrace; /* `vmtrace CMD` */
	err = load_image(mm, f, hdr, hdr_len, &img);
	if (!err)
		err = map_stack(mm, s->len + strlen(execfn));
	if (err)
		goto out;
	sp = build_stack(mm, s, execfn, &img);
	if (!sp) {
		err = -ENOMEM;
		goto out;
	}
	mm->start_code = img.start_code;
	mm->end_code = img.end_code;
	mm->start_data = img.start_data;
	mm->end_data = img.end_data;
	mm->start_brk = mm->brk = ALIGN_UP(img.load_end, PAGE_SIZE) +
				  aslr_random_below(BRK_RND_RANGE, mm->personality);
	mm->start_stack = sp;
	/* The point of no return: no other thread may run the old program. */
	err = exec_kill_other_threads();
	if (err)
		goto out;
	exec_creds(f->inode);
	mm->exe_deny = f->inode; /* the denial stays as long as mm does */
	ihold(f->inode);
	file_put(f);
	f = NULL;
	commit_exec(mm, path, img.entry, sp);
	if (at && at->fd_name)
		strlcpy(current->comm, at->comm, sizeof(current->comm));
	ptrace_exec();
	mm = NULL;
	err = 0;
out:
	if (mm)
		mm_put(mm);
	if (f)
		close_program(f);
	kfree(hdr);
	return err;
}

int kernel_execve(const char *path, const char *const argv[],
		  const char *const envp[])
{
	struct exec_strings s = { 0 };
	char *p = kmalloc(PATH_MAX);
	int err = 0;

	if (!p)
		return -ENOMEM;
	strlcpy(p, path, PATH_MAX);
	for (; argv && argv[s.argc] && !err; s.argc++)
		err = strings_append(&s, argv[s.argc], strlen(argv[s.argc]));
	for (; envp && envp[s.envc] && !err; s.envc++)
		err = strings_append(&s, envp[s.envc], strlen(envp[s.envc]));
	if (!err)
		err = exec_strings(NULL, p, &s);
	kfree(s.buf);
	kfree(p);
	return err;
}

/* user_execve - execve, or execveat with at: the path is the program's
 * name (AT_EXECFN, a script's argument, comm). */
static int user_execve(struct exec_at *at, char *path,
		       const char __user *const __user *argv,
		       const char __user *const __user *envp)
{
	struct exec_strings s = { 0 };
	int err = copy_user_strings(&s, argv);

	if (err == 0) /* no argv: argv[0] = "" (Linux >= 5.18) */
		err = empty_argv(&s);
	if (err >= 0) {
		s.argc = err;
		err = copy_user_strings(&s, envp);
	}
	if (err >= 0) {
		s.envc = err;
		err = exec_strings(at, path, &s);
	}
	kfree(s.buf);
	return err;
}

SYSCALL_DEFINE3(execve, const char __user *, filename,
		const char __user *const __user *, argv,
		const char __user *const __user *, envp)
{
	char *path = kmalloc(PATH_MAX);
	long len;
	int err;

	if (!path)
		return -ENOMEM;
	len = strncpy_from_user(path, filename, PATH_MAX);
	err = len < 0 ? (int)len : len == 0 ? -ENOENT : 0;
	if (!err)
		err = user_execve(NULL, path, argv, envp);
	kfree(path);
	return err;
}

/*
 * execveat: the program is path from dirfd (or dirfd itself: "" with
 * AT_EMPTY_PATH, which is how musl's fexecve runs a descriptor).  As
 * Linux's, its name is path when absolute or from AT_FDCWD, else
 * "/dev/fd/N/path" or "/dev/fd/N", and its comm is that name's last part.
 */
SYSCALL_DEFINE5(execveat, int, dirfd, const char __user *, filename,
		const char __user *const __user *, argv,
		const char __user *const __user *, envp, int, flags)
{
	struct exec_at at = { .dirfd = dirfd, .flags = flags };
	char *lookup, *name;
	long len;
	int err;

	lookup = kmalloc(2 * PATH_MAX);
	if (!lookup)
		return -ENOMEM;
	name = lookup + PATH_MAX;
	at.lookup = lookup;
	/* Linux's order: the name (ENOENT for "" without AT_EMPTY_PATH),
	 * then the flags. */
	len = strncpy_from_user(lookup, filename, PATH_MAX);
	err = len < 0 ? (int)len : len >= PATH_MAX ? -ENAMETOOLONG :
	      !len && !(flags & AT_EMPTY_PATH) ? -ENOENT :
	      (flags & ~(AT_EMPTY_PATH | AT_SYMLINK_NOFOLLOW)) ? -EINVAL : 0;
	if (!err && lookup[0] != '/' && dirfd != AT_FDCWD) {
		at.fd_name = true;
		ksnprintf(name, PATH_MAX, lookup[0] ? "/dev/fd/%d/%s" : "/dev/fd/%d",
			  dirfd, lookup);
		at.hidden = current->files && dirfd >= 0 && dirfd < NR_OPEN_DEFAULT &&
			    fd_get_cloexec(current->files, dirfd);
	} else if (!err) {
		strlcpy(name, lookup, PATH_MAX);
	}
	if (!err)
		err = user_execve(&at, name, argv, envp);
	kfree(lookup);
	return err;
}
