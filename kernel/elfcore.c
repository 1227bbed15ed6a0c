/*
 * kernel/elfcore.c - the bytes of an ELF core file's headers and notes,
 * and the coredump_filter rule (see elfcore.h).  Pure: no kernel state.
 */
#include "kernel/elfcore.h"
#include "mm/vma.h"
#include <vmos/errno.h>
#include <vmos/string.h>

_Static_assert(sizeof(struct elf_prstatus) == 336, "Linux's x86-64 elf_prstatus");
_Static_assert(sizeof(struct elf_prpsinfo) == 136, "Linux's x86-64 elf_prpsinfo");
_Static_assert(sizeof(Elf64_Nhdr) == 12, "Elf64_Nhdr");

#define NOTE_NAME "CORE" /* every note here is the kernel's */
#define SIGINFO_SIZE 128
#define FILE_ENTRY_WORDS 3 /* NT_FILE: start, end, page offset */

static u64 align4(u64 n)
{
	return (n + 3) & ~3ull;
}

/* note_size - one note with a descriptor of descsz bytes. */
static u64 note_size(u64 descsz)
{
	return sizeof(Elf64_Nhdr) + align4(sizeof(NOTE_NAME)) + align4(descsz);
}

/* The regions NT_FILE lists: those that map a file. */
static unsigned file_count(const struct core_process *p)
{
	unsigned n = 0;

	for (unsigned i = 0; i < p->nregions; i++)
		n += p->regions[i].file != NULL;
	return n;
}

/* NT_FILE's descriptor: count, page size, count triples, then the paths. */
static u64 nt_file_size(const struct core_process *p)
{
	u64 size = 2 * sizeof(u64) + (u64)file_count(p) * FILE_ENTRY_WORDS * sizeof(u64);

	for (unsigned i = 0; i < p->nregions; i++)
		if (p->regions[i].file)
			size += strlen(p->regions[i].file) + 1;
	return size;
}

u64 elfcore_notes_size(const struct core_process *p)
{
	u64 per_thread = note_size(sizeof(struct elf_prstatus)) +
			 note_size(ELF_FPREGS_SIZE);

	return per_thread * p->nthreads + note_size(sizeof(struct elf_prpsinfo)) +
	       note_size(SIGINFO_SIZE) + note_size(p->auxv_words * sizeof(u64)) +
	       note_size(nt_file_size(p));
}

static u64 headers_size(const struct core_process *p)
{
	return sizeof(Elf64_Ehdr) + (1 + (u64)p->nregions) * sizeof(Elf64_Phdr);
}

u64 elfcore_data_offset(const struct core_process *p)
{
	u64 end = headers_size(p) + elfcore_notes_size(p);

	return (end + ELFCORE_PAGE - 1) & ~(u64)(ELFCORE_PAGE - 1);
}

u64 elfcore_file_size(const struct core_process *p)
{
	u64 size = elfcore_data_offset(p);

	for (unsigned i = 0; i < p->nregions; i++)
		size += p->regions[i].dump_size;
	return size;
}

/* ---- writing ---- */

/* The writer's state: the sink, and the first error it gave. */
struct out {
	elfcore_emit_t emit;
	void *ctx;
	int err;
};

static void put(struct out *o, const void *buf, u64 n)
{
	if (!o->err && n)
		o->err = o->emit(o->ctx, buf, n);
}

static void put_zeros(struct out *o, u64 n)
{
	static const u8 zeros[64];

	while (n && !o->err) {
		u64 chunk = MIN(n, (u64)sizeof(zeros));

		put(o, zeros, chunk);
		n -= chunk;
	}
}

/* put_note_start - a note's header and name; its descriptor follows. */
static void put_note_start(struct out *o, u32 type, u64 descsz)
{
	Elf64_Nhdr nh = { .n_namesz = sizeof(NOTE_NAME), .n_descsz = (u32)descsz,
			  .n_type = type };
	char name[8] = NOTE_NAME;

	put(o, &nh, sizeof(nh));
	put(o, name, align4(sizeof(NOTE_NAME)));
}

/* put_note - a whole note whose descriptor is desc. */
static void put_note(struct out *o, u32 type, const void *desc, u64 descsz)
{
	put_note_start(o, type, descsz);
	put(o, desc, descsz);
	put_zeros(o, align4(descsz) - descsz);
}

static struct elf_timeval to_timeval(u64 ns)
{
	return (struct elf_timeval){ (s64)(ns / 1000000000), (s64)(ns / 1000 % 1000000) };
}

static void put_prstatus(struct out *o, const struct core_process *p,
			 const struct core_thread *t, bool signalled)
{
	struct elf_prstatus s;

	memset(&s, 0, sizeof(s));
	if (signalled) { /* Linux: the other threads show signal 0 */
		s.si_signo = p->signo;
		s.si_code = p->si_code;
		s.si_errno = p->si_errno;
	}
	s.pr_cursig = (s16)p->signo;
	s.pr_sigpend = t->sigpend;
	s.pr_sighold = t->sighold;
	s.pr_pid = t->pid;
	s.pr_ppid = p->ppid;
	s.pr_pgrp = p->pgrp;
	s.pr_sid = p->sid;
	s.pr_utime = to_timeval(t->utime_ns);
	s.pr_stime = to_timeval(t->stime_ns);
	memcpy(s.pr_reg, t->regs, sizeof(s.pr_reg));
	s.pr_fpvalid = 1;
	put_note(o, NT_PRSTATUS, &s, sizeof(s));
}

static void put_prpsinfo(struct out *o, const struct core_process *p)
{
	struct elf_prpsinfo s;

	memset(&s, 0, sizeof(s));
	s.pr_state = 0; /* running */
	s.pr_sname = 'R';
	s.pr_uid = p->uid;
	s.pr_gid = p->gid;
	s.pr_pid = p->pid;
	s.pr_ppid = p->ppid;
	s.pr_pgrp = p->pgrp;
	s.pr_sid = p->sid;
	memcpy(s.pr_fname, p->fname, sizeof(s.pr_fname));
	memcpy(s.pr_psargs, p->psargs, sizeof(s.pr_psargs));
	put_note(o, NT_PRPSINFO, &s, sizeof(s));
}

static void put_nt_file(struct out *o, const struct core_process *p)
{
	u64 size = nt_file_size(p), head[2] = { file_count(p), ELFCORE_PAGE };

	put_note_start(o, NT_FILE, size);
	put(o, head, sizeof(head));
	for (unsigned i = 0; i < p->nregions; i++) {
		const struct core_region *r = &p->regions[i];
		u64 entry[FILE_ENTRY_WORDS] = { r->start, r->end, r->pgoff };

		if (r->file)
			put(o, entry, sizeof(entry));
	}
	for (unsigned i = 0; i < p->nregions; i++)
		if (p->regions[i].file)
			put(o, p->regions[i].file, strlen(p->regions[i].file) + 1);
	put_zeros(o, align4(size) - size);
}

static void put_notes(struct out *o, const struct core_process *p)
{
	for (unsigned i = 0; i < p->nthreads; i++) {
		put_prstatus(o, p, &p->threads[i], i == 0);
		if (i == 0) { /* the process's notes follow the first thread's */
			put_prpsinfo(o, p);
			put_note(o, NT_SIGINFO, p->siginfo, SIGINFO_SIZE);
			put_note(o, NT_AUXV, p->auxv, p->auxv_words * sizeof(u64));
			put_nt_file(o, p);
		}
		put_note(o, NT_FPREGSET, p->threads[i].fpregs, ELF_FPREGS_SIZE);
	}
}

static void put_ehdr(struct out *o, const struct core_process *p)
{
	Elf64_Ehdr eh;

	memset(&eh, 0, sizeof(eh));
	memcpy(eh.e_ident, ELFMAG, SELFMAG);
	eh.e_ident[EI_CLASS] = ELFCLASS64;
	eh.e_ident[EI_DATA] = ELFDATA2LSB;
	eh.e_ident[EI_VERSION] = EV_CURRENT;
	eh.e_type = ET_CORE;
	eh.e_machine = EM_X86_64;
	eh.e_version = EV_CURRENT;
	eh.e_phoff = sizeof(Elf64_Ehdr);
	eh.e_ehsize = sizeof(Elf64_Ehdr);
	eh.e_phentsize = sizeof(Elf64_Phdr);
	eh.e_phnum = (u16)(1 + p->nregions);
	put(o, &eh, sizeof(eh));
}

static void put_phdrs(struct out *o, const struct core_process *p)
{
	Elf64_Phdr ph = { .p_type = PT_NOTE, .p_offset = headers_size(p),
			  .p_filesz = elfcore_notes_size(p), .p_align = 4 };
	u64 offset = elfcore_data_offset(p);

	put(o, &ph, sizeof(ph));
	for (unsigned i = 0; i < p->nregions; i++) {
		const struct core_region *r = &p->regions[i];

		ph = (Elf64_Phdr){ .p_type = PT_LOAD, .p_flags = r->flags,
				   .p_offset = offset, .p_vaddr = r->start,
				   .p_filesz = r->dump_size,
				   .p_memsz = r->end - r->start,
				   .p_align = ELFCORE_PAGE };
		put(o, &ph, sizeof(ph));
		offset += r->dump_size;
	}
}

int elfcore_write_headers(const struct core_process *p, elfcore_emit_t emit,
			  void *ctx)
{
	struct out o = { emit, ctx, 0 };

	if (p->nregions > ELFCORE_MAX_REGIONS)
		return -E2BIG;
	put_ehdr(&o, p);
	put_phdrs(&o, p);
	put_notes(&o, p);
	put_zeros(&o, elfcore_data_offset(p) - headers_size(p) - elfcore_notes_size(p));
	return o.err;
}

/* ---- which memory goes in (Linux's vma_dump_size) ---- */

u64 vma_dump_size(const struct core_vma_facts *f, u32 filter)
{
	if (f->vm_flags & (VM_DONTDUMP | VM_IO | VM_PFNMAP))
		return 0; /* device memory: reading it could have effects */
	if (!(f->vm_flags & VM_READ))
		return 0;
	if (f->vm_flags & VM_SHARED) {
		u32 bit = f->file_unlinked ? DUMP_ANON_SHARED : DUMP_MAPPED_SHARED;

		return (filter & bit) ? f->size : 0;
	}
	if (f->written && (filter & DUMP_ANON_PRIVATE))
		return f->size;
	if (!f->has_file)
		return 0;
	if (filter & DUMP_MAPPED_PRIVATE)
		return f->size;
	/* The start of an executable file: its ELF header and program
	 * headers tell a debugger what was mapped here. */
	if ((filter & DUMP_ELF_HEADERS) && f->pgoff == 0 && f->file_exec)
		return MIN(f->size, (u64)ELFCORE_PAGE);
	return 0;
}
