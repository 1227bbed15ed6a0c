/*
 * kernel/elfcore.h - the layout of an ELF core file (Linux's
 * include/linux/elfcore.h and fs/binfmt_elf.c elf_core_dump), and which
 * part of each memory region goes into it (vma_dump_size, Linux's
 * coredump_filter).
 *
 * A core file is an ELF64 file of type ET_CORE:
 *
 *   ELF header | program headers | notes | padding to a page | region data
 *
 * The first program header is PT_NOTE and covers the notes; then one
 * PT_LOAD per memory region, in address order: p_vaddr and p_memsz say
 * where the region was and how big; p_filesz how much of it the file
 * holds (0 for a region left out), at p_offset, each region's bytes
 * following the previous region's.  The notes are, as Linux writes them:
 * for the thread that got the signal NT_PRSTATUS (its registers),
 * NT_PRPSINFO (the process), NT_SIGINFO (the signal), NT_AUXV (the
 * auxiliary vector exec gave it), NT_FILE (which file each mapped region
 * shows) and NT_FPREGSET (its FPU/SSE registers); then for every other
 * thread NT_PRSTATUS and NT_FPREGSET.  gdb reads them to show `bt`,
 * `info registers`, `info threads` and `info proc mappings`.
 *
 * Pure: elfcore_write() hands the bytes to a callback, so the layout is
 * unit-tested on the host (tests/unit/test_coredump.c); kernel/coredump.c
 * gathers the facts from a dying process and writes the file.
 */
#ifndef KERNEL_ELFCORE_H
#define KERNEL_ELFCORE_H

#include <asm/elf.h> /* ELF_NGREG, ELF_FPREGS_SIZE */
#include <vmos/types.h>
#include "kernel/elf.h"

/* Note types (Linux's include/uapi/linux/elf.h). */
#define NT_PRSTATUS 1
#define NT_FPREGSET 2
#define NT_PRPSINFO 3
#define NT_AUXV 6
#define NT_SIGINFO 0x53494749 /* "SIGI" */
#define NT_FILE 0x46494c45    /* "FILE" */

/* A note: this header, the name (padded to 4 bytes), the descriptor
 * (padded to 4 bytes). */
typedef struct {
	Elf64_Word n_namesz; /* with its NUL */
	Elf64_Word n_descsz;
	Elf64_Word n_type;
} Elf64_Nhdr;

#define ELF_PRARGSZ 80      /* pr_psargs: the start of the command line */
#define ELFCORE_PAGE 4096   /* ELF_EXEC_PAGESIZE: region data is aligned to it */
#define ELFCORE_MAX_REGIONS 65534 /* e_phnum is 16 bits (PN_XNUM not used) */

/* Linux's struct elf_prstatus on x86-64 (336 bytes). */
struct elf_timeval {
	s64 tv_sec, tv_usec;
};
struct elf_prstatus {
	s32 si_signo, si_code, si_errno; /* pr_info */
	s16 pr_cursig;
	u64 pr_sigpend, pr_sighold;
	s32 pr_pid, pr_ppid, pr_pgrp, pr_sid;
	struct elf_timeval pr_utime, pr_stime, pr_cutime, pr_cstime;
	u64 pr_reg[ELF_NGREG];
	s32 pr_fpvalid;
};

/* Linux's struct elf_prpsinfo on x86-64 (136 bytes). */
struct elf_prpsinfo {
	char pr_state, pr_sname, pr_zomb, pr_nice;
	u64 pr_flag;
	u32 pr_uid, pr_gid;
	s32 pr_pid, pr_ppid, pr_pgrp, pr_sid;
	char pr_fname[16];
	char pr_psargs[ELF_PRARGSZ];
};

/* One thread of the dumped process. */
struct core_thread {
	s32 pid;
	u64 regs[ELF_NGREG];         /* struct user_regs_struct, its order */
	u8 fpregs[ELF_FPREGS_SIZE];  /* the FXSAVE image */
	u64 sigpend, sighold;        /* pending and blocked signals */
	u64 utime_ns, stime_ns;
};

/* One memory region. */
struct core_region {
	u64 start, end;       /* page-aligned */
	u32 flags;            /* PF_R | PF_W | PF_X */
	u64 dump_size;        /* bytes of it in the file, from start */
	u64 pgoff;            /* the file's page at start */
	const char *file;     /* the mapped file's path, or NULL (anonymous) */
};

/* Everything the notes and headers say. */
struct core_process {
	s32 pid, ppid, pgrp, sid;
	u32 uid, gid;
	u8 siginfo[128];          /* the signal, as the user's siginfo_t */
	int signo, si_code, si_errno;
	char fname[16];           /* comm */
	char psargs[ELF_PRARGSZ]; /* NUL-terminated */
	const u64 *auxv;          /* pairs, ending with AT_NULL (or NULL) */
	unsigned auxv_words;      /* u64s in auxv, AT_NULL pair included */
	const struct core_thread *threads; /* [0]: the one that got the signal */
	unsigned nthreads;
	const struct core_region *regions; /* in address order */
	unsigned nregions;
};

/* elfcore_notes_size - the bytes of all notes. */
u64 elfcore_notes_size(const struct core_process *p);

/* elfcore_data_offset - where the first region's bytes start: after the
 * headers and notes, rounded up to a page. */
u64 elfcore_data_offset(const struct core_process *p);

/* elfcore_file_size - the size of the whole core file. */
u64 elfcore_file_size(const struct core_process *p);

/* The sink of elfcore_write_headers: take n bytes; 0 or -errno (which
 * stops the writing). */
typedef int (*elfcore_emit_t)(void *ctx, const void *buf, u64 n);

/*
 * elfcore_write_headers - emit everything before the region data: the ELF
 * header, the program headers, the notes and the zero padding up to
 * elfcore_data_offset(p).  The caller then emits each region's dump_size
 * bytes, in order.  0, -E2BIG for more than ELFCORE_MAX_REGIONS regions,
 * or emit's error.
 */
int elfcore_write_headers(const struct core_process *p, elfcore_emit_t emit,
			  void *ctx);

/* The coredump_filter bits (Linux's MMF_DUMP_*, /proc/PID/coredump_filter). */
#define DUMP_ANON_PRIVATE 0x01
#define DUMP_ANON_SHARED 0x02
#define DUMP_MAPPED_PRIVATE 0x04
#define DUMP_MAPPED_SHARED 0x08
#define DUMP_ELF_HEADERS 0x10
#define DUMP_HUGETLB_PRIVATE 0x20
#define DUMP_FILTER_DEFAULT 0x33 /* anonymous memory, ELF headers, huge pages */

/* What vma_dump_size needs to know about a region. */
struct core_vma_facts {
	u64 size;            /* vm_end - vm_start */
	u64 vm_flags;        /* VM_* (mm/vma.h) */
	u64 pgoff;
	bool has_file;       /* maps a file (not anonymous memory) */
	bool file_unlinked;  /* ...in no directory: shared anonymous memory */
	bool file_exec;      /* ...with an execute bit */
	bool written;        /* a private region with pages of its own (Linux:
				vma->anon_vma): anonymous memory touched, a
				file's region written to */
};

/* vma_dump_size - how many bytes of a region a core file holds (Linux's
 * vma_dump_size): the whole region, its first page (an ELF header), or 0. */
u64 vma_dump_size(const struct core_vma_facts *f, u32 filter);

#endif
