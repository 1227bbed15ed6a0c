/*
 * tests/unit/test_coredump.c - the layout of core files (kernel/elfcore.c):
 * the ELF header, the program headers, the notes in Linux's order and
 * sizes, NT_FILE's table, region data offsets; a sink that fails stops
 * the writing; which part of a region coredump_filter 0x33 dumps.
 */
#include "host.h"
#include "kernel/elfcore.h"
#include "mm/vma.h"
#include <vmos/errno.h>

#include <stddef.h>

#define OUT_MAX (1 << 16)

static u8 out[OUT_MAX];
static u64 out_len;
static u64 fail_after; /* the sink fails once this many bytes came (0: never) */

static int sink(void *ctx, const void *buf, u64 n)
{
	(void)ctx;
	if (fail_after && out_len + n > fail_after)
		return -ENOSPC;
	assert_true(out_len + n <= OUT_MAX);
	memcpy(out + out_len, buf, n);
	out_len += n;
	return 0;
}

static struct core_thread threads[2];
static struct core_region regions[3];
static u64 auxv[] = { 6, 4096, 9, 0x401000, 0, 0 }; /* AT_PAGESZ, AT_ENTRY, AT_NULL */
static struct core_process proc;

/* A process of two threads and three regions: the program's first page
 * (a file, one page dumped), its data (written: whole) and the stack. */
static int setup(void **state)
{
	(void)state;
	memset(out, 0, sizeof(out));
	out_len = fail_after = 0;
	memset(threads, 0, sizeof(threads));
	threads[0].pid = 42;
	threads[0].regs[16] = 0x401234; /* rip */
	threads[0].fpregs[0] = 0x7f;
	threads[1].pid = 43;
	threads[1].regs[16] = 0x405678;
	regions[0] = (struct core_region){ 0x400000, 0x402000, PF_R | PF_X, 0x1000, 0,
					   "/bin/prog" };
	regions[1] = (struct core_region){ 0x600000, 0x601000, PF_R | PF_W, 0x1000, 2,
					   NULL };
	regions[2] = (struct core_region){ 0x7ff000, 0x800000, PF_R | PF_W, 0x1000, 0,
					   NULL };
	proc = (struct core_process){ .pid = 42, .ppid = 1, .pgrp = 42, .sid = 1,
				      .uid = 0, .signo = 11, .si_code = 1,
				      .fname = "prog", .psargs = "prog -x",
				      .auxv = auxv, .auxv_words = 6,
				      .threads = threads, .nthreads = 2,
				      .regions = regions, .nregions = 3 };
	proc.siginfo[0] = 11;
	return 0;
}

static Elf64_Ehdr *ehdr(void)
{
	return (Elf64_Ehdr *)out;
}

static Elf64_Phdr *phdr(int i)
{
	return (Elf64_Phdr *)(out + ehdr()->e_phoff) + i;
}

static void test_struct_layouts(void **state)
{
	(void)state;
	/* Linux's x86-64 offsets, which gdb and readelf read */
	assert_int_equal(offsetof(struct elf_prstatus, pr_cursig), 12);
	assert_int_equal(offsetof(struct elf_prstatus, pr_sigpend), 16);
	assert_int_equal(offsetof(struct elf_prstatus, pr_pid), 32);
	assert_int_equal(offsetof(struct elf_prstatus, pr_utime), 48);
	assert_int_equal(offsetof(struct elf_prstatus, pr_reg), 112);
	assert_int_equal(offsetof(struct elf_prstatus, pr_fpvalid), 328);
	assert_int_equal(offsetof(struct elf_prpsinfo, pr_uid), 16);
	assert_int_equal(offsetof(struct elf_prpsinfo, pr_fname), 40);
	assert_int_equal(offsetof(struct elf_prpsinfo, pr_psargs), 56);
}

static void test_headers(void **state)
{
	(void)state;
	assert_int_equal(elfcore_write_headers(&proc, sink, NULL), 0);
	assert_int_equal(out_len, elfcore_data_offset(&proc));
	assert_int_equal(out_len % ELFCORE_PAGE, 0);
	assert_memory_equal(out, ELFMAG, SELFMAG);
	assert_int_equal(out[EI_CLASS], ELFCLASS64);
	assert_int_equal(ehdr()->e_type, ET_CORE);
	assert_int_equal(ehdr()->e_machine, EM_X86_64);
	assert_int_equal(ehdr()->e_phnum, 4);
	assert_int_equal(ehdr()->e_phentsize, sizeof(Elf64_Phdr));
	assert_int_equal(phdr(0)->p_type, PT_NOTE);
	assert_int_equal(phdr(0)->p_offset, sizeof(Elf64_Ehdr) + 4 * sizeof(Elf64_Phdr));
	assert_int_equal(phdr(0)->p_filesz, elfcore_notes_size(&proc));
	/* PT_LOADs: in order, each region's data after the previous one */
	u64 off = elfcore_data_offset(&proc);
	for (int i = 1; i <= 3; i++) {
		assert_int_equal(phdr(i)->p_type, PT_LOAD);
		assert_int_equal(phdr(i)->p_vaddr, regions[i - 1].start);
		assert_int_equal(phdr(i)->p_memsz, regions[i - 1].end - regions[i - 1].start);
		assert_int_equal(phdr(i)->p_filesz, regions[i - 1].dump_size);
		assert_int_equal(phdr(i)->p_flags, regions[i - 1].flags);
		assert_int_equal(phdr(i)->p_offset, off);
		off += regions[i - 1].dump_size;
	}
	assert_int_equal(elfcore_file_size(&proc), off);
}

/* walk_notes - the types of the notes in order; checks each is padded
 * and named "CORE". */
static unsigned walk_notes(u32 *types, unsigned max, u8 **descs)
{
	u64 off = phdr(0)->p_offset, end = off + phdr(0)->p_filesz;
	unsigned n = 0;

	while (off < end && n < max) {
		Elf64_Nhdr *nh = (Elf64_Nhdr *)(out + off);

		assert_int_equal(nh->n_namesz, 5);
		assert_string_equal((char *)(nh + 1), "CORE");
		descs[n] = (u8 *)(nh + 1) + 8;
		types[n++] = nh->n_type;
		off += sizeof(*nh) + 8 + ((nh->n_descsz + 3) & ~3u);
	}
	assert_int_equal(off, end);
	return n;
}

static void test_notes_order(void **state)
{
	static const u32 want[] = { NT_PRSTATUS, NT_PRPSINFO, NT_SIGINFO, NT_AUXV,
				    NT_FILE, NT_FPREGSET, NT_PRSTATUS, NT_FPREGSET };
	u32 types[16];
	u8 *descs[16];
	struct elf_prstatus s0, s1, *st;
	struct elf_prpsinfo p0, *ps;

	(void)state;
	assert_int_equal(elfcore_write_headers(&proc, sink, NULL), 0);
	assert_int_equal(walk_notes(types, 16, descs), 8);
	assert_memory_equal(types, want, sizeof(want));
	/* notes are only 4-byte aligned: copied out before reading */
	memcpy(&s0, descs[0], sizeof(s0));
	memcpy(&s1, descs[6], sizeof(s1));
	memcpy(&p0, descs[1], sizeof(p0));
	st = &s0;
	assert_int_equal(st->pr_pid, 42);
	assert_int_equal(st->si_signo, 11);
	assert_int_equal(st->pr_cursig, 11);
	assert_int_equal(st->pr_reg[16], 0x401234);
	st = &s1;
	assert_int_equal(st->pr_pid, 43);
	assert_int_equal(st->si_signo, 0); /* only the first thread got it */
	assert_int_equal(st->pr_reg[16], 0x405678);
	ps = &p0;
	assert_string_equal(ps->pr_fname, "prog");
	assert_string_equal(ps->pr_psargs, "prog -x");
	assert_int_equal(ps->pr_pid, 42);
	assert_int_equal(descs[2][0], 11); /* siginfo's si_signo */
	assert_memory_equal(descs[3], auxv, sizeof(auxv));
	assert_int_equal(descs[5][0], 0x7f); /* FXSAVE */
}

static void test_nt_file(void **state)
{
	u32 types[16];
	u8 *descs[16];
	u64 w[8];

	(void)state;
	assert_int_equal(elfcore_write_headers(&proc, sink, NULL), 0);
	walk_notes(types, 16, descs);
	memcpy(w, descs[4], sizeof(w));
	assert_int_equal(w[0], 1);     /* one file-backed region */
	assert_int_equal(w[1], 4096);  /* page size */
	assert_int_equal(w[2], 0x400000);
	assert_int_equal(w[3], 0x402000);
	assert_int_equal(w[4], 0);     /* page offset */
	assert_string_equal((char *)&w[5], "/bin/prog");
}

/* A sink that fails stops everything: its error comes back, nothing
 * more is asked of it. */
static void test_sink_error(void **state)
{
	(void)state;
	fail_after = 100;
	assert_int_equal(elfcore_write_headers(&proc, sink, NULL), -ENOSPC);
	assert_true(out_len <= 100);
}

static void test_too_many_regions(void **state)
{
	(void)state;
	proc.nregions = ELFCORE_MAX_REGIONS + 1;
	assert_int_equal(elfcore_write_headers(&proc, sink, NULL), -E2BIG);
	assert_int_equal(out_len, 0);
}

/* No file, no threads' extra notes: still a valid layout. */
static void test_minimal(void **state)
{
	(void)state;
	proc.nthreads = 1;
	proc.nregions = 0;
	proc.auxv_words = 0;
	assert_int_equal(elfcore_write_headers(&proc, sink, NULL), 0);
	assert_int_equal(ehdr()->e_phnum, 1);
	assert_int_equal(out_len, ELFCORE_PAGE);
	assert_int_equal(elfcore_file_size(&proc), ELFCORE_PAGE);
}

static void test_dump_size_filter(void **state)
{
	struct core_vma_facts anon = { .size = 0x5000, .vm_flags = VM_READ | VM_WRITE,
				       .written = true };
	struct core_vma_facts f;

	(void)state;
	assert_int_equal(vma_dump_size(&anon, DUMP_FILTER_DEFAULT), 0x5000);
	f = anon, f.written = false; /* never touched */
	assert_int_equal(vma_dump_size(&f, DUMP_FILTER_DEFAULT), 0);
	f = anon, f.vm_flags |= VM_DONTDUMP;
	assert_int_equal(vma_dump_size(&f, DUMP_FILTER_DEFAULT), 0);
	f = anon, f.vm_flags = VM_NONE; /* PROT_NONE: a guard */
	assert_int_equal(vma_dump_size(&f, DUMP_FILTER_DEFAULT), 0);
	f = anon, f.vm_flags |= VM_IO;
	assert_int_equal(vma_dump_size(&f, DUMP_FILTER_DEFAULT), 0);
	assert_int_equal(vma_dump_size(&anon, 0), 0); /* filter 0: nothing */
	/* the text of a program: its ELF header page only */
	f = (struct core_vma_facts){ .size = 0xf000, .vm_flags = VM_READ | VM_EXEC,
				     .has_file = true, .file_exec = true };
	assert_int_equal(vma_dump_size(&f, DUMP_FILTER_DEFAULT), 0x1000);
	f.pgoff = 1; /* not its start */
	assert_int_equal(vma_dump_size(&f, DUMP_FILTER_DEFAULT), 0);
	assert_int_equal(vma_dump_size(&f, DUMP_FILTER_DEFAULT | DUMP_MAPPED_PRIVATE), 0xf000);
	f.pgoff = 0, f.file_exec = false; /* a data file */
	assert_int_equal(vma_dump_size(&f, DUMP_FILTER_DEFAULT), 0);
	/* .data: a private file region written to */
	f = (struct core_vma_facts){ .size = 0x2000, .vm_flags = VM_READ | VM_WRITE,
				     .has_file = true, .written = true, .pgoff = 0x12 };
	assert_int_equal(vma_dump_size(&f, DUMP_FILTER_DEFAULT), 0x2000);
	/* shared: anonymous (a file in no directory) yes, a real file no */
	f = (struct core_vma_facts){ .size = 0x3000,
				     .vm_flags = VM_READ | VM_WRITE | VM_SHARED,
				     .has_file = true, .file_unlinked = true };
	assert_int_equal(vma_dump_size(&f, DUMP_FILTER_DEFAULT), 0x3000);
	f.file_unlinked = false;
	assert_int_equal(vma_dump_size(&f, DUMP_FILTER_DEFAULT), 0);
	assert_int_equal(vma_dump_size(&f, DUMP_MAPPED_SHARED), 0x3000);
}

int main(void)
{
#define T(name) cmocka_unit_test_setup(name, setup)
	const struct CMUnitTest tests[] = {
		T(test_struct_layouts),
		T(test_headers),
		T(test_notes_order),
		T(test_nt_file),
		T(test_sink_error),
		T(test_too_many_regions),
		T(test_minimal),
		T(test_dump_size_filter),
	};

	return cmocka_run_group_tests_name("kernel/elfcore", tests, host_group_setup,
					   host_group_teardown);
}
