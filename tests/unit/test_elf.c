/*
 * tests/unit/test_elf.c - exec's check of ELF programs (kernel/elf.c).
 *
 * Most tests build a small valid program in memory (build_exec), change
 * one field and check that elf_parse refuses it for the right reason.  The
 * others feed it every truncation and random corruptions of that program,
 * in buffers of exactly the file's size so that AddressSanitizer sees any
 * read past the end, and real programs from build/fixtures (musl-gcc
 * static, static-pie and dynamic, and busybox), which it must accept.
 */
#include "host.h"
#include "kernel/elf.h"
#include <vmos/errno.h>

#include <stdio.h>

#define IMG_SIZE 0x3000ul
#define BASE 0x400000ul
#define PHOFF sizeof(Elf64_Ehdr)
#define INTERP_OFF 0x800ul
#define MUSL_LD "/lib/ld-musl-x86_64.so.1"

static u8 img[IMG_SIZE] __aligned(16);
static u64 img_size;
static struct elf_info info;

static Elf64_Ehdr *ehdr(void)
{
	return (Elf64_Ehdr *)img;
}

static Elf64_Phdr *phdr(unsigned i)
{
	return (Elf64_Phdr *)(img + PHOFF) + i;
}

/* add_phdr - append a program header; returns it. */
static Elf64_Phdr *add_phdr(u32 type, u32 flags, u64 offset, u64 vaddr,
			    u64 filesz, u64 memsz)
{
	Elf64_Phdr *ph = phdr(ehdr()->e_phnum++);

	assert_true(PHOFF + ehdr()->e_phnum * sizeof(*ph) <= INTERP_OFF);
	*ph = (Elf64_Phdr){ .p_type = type, .p_flags = flags,
			    .p_offset = offset, .p_vaddr = vaddr,
			    .p_paddr = vaddr, .p_filesz = filesz,
			    .p_memsz = memsz, .p_align = PAGE_SIZE };
	return ph;
}

/*
 * build_exec - a minimal valid static program at BASE, laid out as the
 * linker does it (program headers 0-3):
 *   0 PT_LOAD R   file [0x0000, +0x1000)  the headers
 *   1 PT_LOAD R X file [0x1000, +0x100)   the code; the entry point
 *   2 PT_LOAD RW  file [0x2000, +0x80)    data, then .bss to 0x1800
 *   3 PT_GNU_STACK RW
 */
static void build_exec(void)
{
	Elf64_Ehdr *eh = ehdr();

	memset(img, 0, sizeof(img));
	memcpy(eh->e_ident, ELFMAG, SELFMAG);
	eh->e_ident[EI_CLASS] = ELFCLASS64;
	eh->e_ident[EI_DATA] = ELFDATA2LSB;
	eh->e_ident[EI_VERSION] = EV_CURRENT;
	eh->e_type = ET_EXEC;
	eh->e_machine = EM_X86_64;
	eh->e_version = EV_CURRENT;
	eh->e_entry = BASE + 0x1000;
	eh->e_phoff = PHOFF;
	eh->e_ehsize = sizeof(Elf64_Ehdr);
	eh->e_phentsize = sizeof(Elf64_Phdr);
	add_phdr(PT_LOAD, PF_R, 0, BASE, 0x1000, 0x1000);
	add_phdr(PT_LOAD, PF_R | PF_X, 0x1000, BASE + 0x1000, 0x100, 0x100);
	add_phdr(PT_LOAD, PF_R | PF_W, 0x2000, BASE + 0x2000, 0x80, 0x1800);
	add_phdr(PT_GNU_STACK, PF_R | PF_W, 0, 0, 0, 0)->p_align = 16;
	img_size = 0x2080;
}

/* set_interp - path (n bytes, NUL included or not) as PT_INTERP. */
static Elf64_Phdr *set_interp(const char *path, u64 n)
{
	memcpy(img + INTERP_OFF, path, n);
	return add_phdr(PT_INTERP, PF_R, INTERP_OFF, BASE + INTERP_OFF, n, n);
}

/*
 * build_dyn - the same as a position-independent program linked at 0,
 * with PT_PHDR and PT_INTERP as a dynamic musl-gcc program has them.
 */
static void build_dyn(void)
{
	build_exec();
	ehdr()->e_type = ET_DYN;
	ehdr()->e_entry -= BASE;
	for (unsigned i = 0; i < 3; i++)
		phdr(i)->p_vaddr -= BASE;
	add_phdr(PT_PHDR, PF_R, PHOFF, PHOFF, 6 * sizeof(Elf64_Phdr),
		 6 * sizeof(Elf64_Phdr));
	set_interp(MUSL_LD, sizeof(MUSL_LD))->p_vaddr = INTERP_OFF;
}

static int setup(void **state)
{
	build_exec();
	return 0;
}

/* parse_copy - elf_parse on an exact-size heap copy of data (ASan sees
 * any read past the end). */
static int parse_copy(const void *data, u64 size, struct elf_info *out)
{
	u8 *copy = malloc(size ? size : 1);
	int ret;

	assert_non_null(copy);
	memcpy(copy, data, size);
	ret = elf_parse(copy, size, out);
	free(copy);
	return ret;
}

/* The image must be refused, with a message containing why. */
static void expect_refused(const char *why)
{
	int ret = parse_copy(img, img_size, &info);

	if (ret != -ENOEXEC)
		fail_msg("elf_parse returned %d, expected -ENOEXEC (\"%s\")",
			 ret, why);
	if (!strstr(info.error, why))
		fail_msg("refused with \"%s\", expected \"%s\"", info.error,
			 why);
}

static void expect_accepted(void)
{
	int ret = parse_copy(img, img_size, &info);

	if (ret != 0)
		fail_msg("refused: %s", info.error);
	assert_string_equal(info.error, "");
}

/*
 * check_invariants - what the loader relies on after a success: every
 * promise of elf.h, checked independently of how elf.c does it.
 */
static void check_invariants(const u8 *file, u64 size,
			     const struct elf_info *in)
{
	bool entry_ok = false, phdr_ok = in->phdr_vaddr == 0;
	u64 top = 0;

	assert_true(in->type == ET_EXEC || in->type == ET_DYN);
	assert_true(in->nload >= 1 && in->nload <= ELF_MAX_LOADS);
	for (unsigned k = 0; k < in->nload; k++) {
		const struct elf_segment *s = &in->load[k];

		assert_true(s->memsz > 0 && s->filesz <= s->memsz);
		assert_true(s->offset <= size && s->filesz <= size - s->offset);
		assert_true(s->vaddr < ELF_USER_TOP &&
			    s->memsz <= ELF_USER_TOP - s->vaddr);
		assert_int_equal(s->vaddr % PAGE_SIZE, s->offset % PAGE_SIZE);
		assert_true((s->flags & (PF_W | PF_X)) != (PF_W | PF_X));
		assert_true((s->flags & ~(u32)(PF_R | PF_W | PF_X)) == 0);
		assert_true((s->align & (s->align - 1)) == 0);
		if (in->type == ET_EXEC)
			assert_true(s->vaddr >= ELF_EXEC_MIN_VADDR);
		if (k > 0)
			assert_true(s->vaddr >= top); /* sorted, disjoint */
		top = s->vaddr + s->memsz;
		if (s->flags & PF_X && in->entry >= s->vaddr &&
		    in->entry < top)
			entry_ok = true;
		if (in->phdr_vaddr >= s->vaddr && in->phdr_vaddr < top)
			phdr_ok = true;
	}
	assert_true(entry_ok);
	assert_true(phdr_ok);
	assert_true(IS_ALIGNED(in->span_start, PAGE_SIZE));
	assert_true(IS_ALIGNED(in->span_end, PAGE_SIZE));
	assert_true(in->span_start <= in->load[0].vaddr);
	assert_true(in->span_end >= top && in->span_end <= ELF_USER_TOP);
	if (in->type == ET_DYN)
		assert_true(in->span_end - in->span_start <= ELF_DYN_MAX_SPAN);
	if (in->has_interp) {
		assert_true(in->interp_len >= 1 &&
			    in->interp_len <= ELF_INTERP_MAX);
		assert_true(in->interp_offset < size &&
			    in->interp_len < size - in->interp_offset);
		assert_int_equal(strnlen((const char *)file + in->interp_offset,
					 in->interp_len + 1),
				 in->interp_len);
	}
	assert_string_equal(in->error, "");
}

/* ------------------------------------------------------------ accepted */

static void test_minimal_exec(void **state)
{
	expect_accepted();
	check_invariants(img, img_size, &info);
	assert_int_equal(info.type, ET_EXEC);
	assert_int_equal(info.entry, BASE + 0x1000);
	assert_int_equal(info.phoff, PHOFF);
	assert_int_equal(info.phnum, 4);
	assert_int_equal(info.phentsize, sizeof(Elf64_Phdr));
	assert_int_equal(info.nload, 3);
	assert_int_equal(info.load[1].vaddr, BASE + 0x1000);
	assert_int_equal(info.load[1].offset, 0x1000);
	assert_int_equal(info.load[1].filesz, 0x100);
	assert_int_equal(info.load[1].flags, PF_R | PF_X);
	assert_int_equal(info.load[2].memsz, 0x1800);
	assert_int_equal(info.load[2].filesz, 0x80);
	assert_int_equal(info.load[2].flags, PF_R | PF_W);
	assert_int_equal(info.load[2].align, PAGE_SIZE);
	assert_int_equal(info.span_start, BASE);
	assert_int_equal(info.span_end, BASE + 0x4000);
	assert_int_equal(info.phdr_vaddr, BASE + PHOFF); /* from PT_LOAD 0 */
	assert_false(info.has_interp);
	assert_false(info.exec_stack);
}

static void test_dynamic_pie(void **state)
{
	build_dyn();
	expect_accepted();
	check_invariants(img, img_size, &info);
	assert_int_equal(info.type, ET_DYN);
	assert_int_equal(info.entry, 0x1000);
	assert_int_equal(info.span_start, 0);
	assert_int_equal(info.span_end, 0x4000);
	assert_int_equal(info.phdr_vaddr, PHOFF);
	assert_true(info.has_interp);
	assert_int_equal(info.interp_offset, INTERP_OFF);
	assert_int_equal(info.interp_len, strlen(MUSL_LD));
	assert_memory_equal(img + info.interp_offset, MUSL_LD,
			    sizeof(MUSL_LD));
}

static void test_phdr_from_pt_phdr(void **state)
{
	add_phdr(PT_PHDR, PF_R, PHOFF, BASE + 0x100, 0x100, 0x100);
	expect_accepted();
	assert_int_equal(info.phdr_vaddr, BASE + 0x100); /* PT_PHDR wins */
}

static void test_phdr_not_mapped_is_zero(void **state)
{
	phdr(0)->p_filesz = 0x100; /* ends before the table (0x40-0x120) */
	expect_accepted();
	assert_int_equal(info.phdr_vaddr, 0);
}

static void test_exec_stack(void **state)
{
	phdr(3)->p_flags = PF_R | PF_W | PF_X;
	expect_accepted();
	assert_true(info.exec_stack);
	phdr(3)->p_type = PT_NOTE; /* no PT_GNU_STACK: not executable */
	expect_accepted();
	assert_false(info.exec_stack);
}

static void test_empty_load_is_skipped(void **state)
{
	/* Inside the code: it would overlap, but it maps nothing. */
	add_phdr(PT_LOAD, PF_R, 0x1000, BASE + 0x1000, 0, 0);
	expect_accepted();
	assert_int_equal(info.nload, 3);
}

static void test_other_segments_ignored(void **state)
{
	/* PT_NOTE, PT_TLS, PT_GNU_RELRO... are not exec's business, even
	 * when they point anywhere. */
	add_phdr(PT_NOTE, PF_R, ~0ul, ~0ul, ~0ul, 1);
	add_phdr(PT_TLS, PF_R, 0x2000, BASE + 0x2000, 0x10, 0x40);
	add_phdr(PT_GNU_RELRO, PF_R, 0x2000, BASE + 0x2000, 0x80, 0x80);
	add_phdr(0x12345678, 0, ~0ul, 0, ~0ul, 0);
	expect_accepted();
	assert_int_equal(info.nload, 3);
}

static void test_alignment_values(void **state)
{
	phdr(1)->p_align = 0;
	phdr(2)->p_align = 1;
	phdr(0)->p_align = 0x200000;
	expect_accepted();
	phdr(1)->p_align = 0x3000;
	expect_refused("segment 1: p_align 0x3000 is not a power of two");
}

/* The load address alignment: the largest p_align, at least a page. */
static void test_load_align(void **state)
{
	expect_accepted();
	assert_int_equal(elf_load_align(&info), 0x1000);
	phdr(1)->p_align = 0x200000;
	phdr(2)->p_align = 0x10000;
	expect_accepted();
	assert_int_equal(elf_load_align(&info), 0x200000);
	phdr(1)->p_align = 0;
	phdr(2)->p_align = 1;
	phdr(0)->p_align = 0;
	expect_accepted();
	assert_int_equal(elf_load_align(&info), 0x1000);
}

static void test_highest_segment(void **state)
{
	/* The data segment may end exactly at ELF_USER_TOP, not beyond. */
	phdr(2)->p_vaddr = ELF_USER_TOP - 0x2000;
	phdr(2)->p_memsz = 0x2000;
	expect_accepted();
	assert_int_equal(info.span_end, ELF_USER_TOP);
	phdr(2)->p_memsz = 0x2001;
	expect_refused("segment 2: [0x7fffffffd000, +0x2001) is not below "
		       "the top of user space (0x7ffffffff000)");
}

static void test_sixteen_loads(void **state)
{
	/* 13 more read-only pages after the data: 16 PT_LOADs in all. */
	for (u64 k = 0; k < ELF_MAX_LOADS - 3; k++)
		add_phdr(PT_LOAD, PF_R, 0, BASE + 0x10000 * (k + 1), 0x10,
			 0x10);
	expect_accepted();
	assert_int_equal(info.nload, ELF_MAX_LOADS);
	add_phdr(PT_LOAD, PF_R, 0, BASE + 0x10000 * ELF_MAX_LOADS, 0x10, 0x10);
	expect_refused("more than 16 PT_LOAD segments");
}

/* ------------------------------------------------------ the ELF header */

static void test_too_small(void **state)
{
	for (img_size = 0; img_size < sizeof(Elf64_Ehdr); img_size++)
		expect_refused("too small for an ELF header");
	img_size = 63;
	expect_refused("file is 63 bytes, too small for an ELF header (64)");
}

static void test_bad_magic(void **state)
{
	memcpy(img, "#!/b", 4);
	expect_refused("bad magic 23 21 2f 62 (not an ELF file)");
	build_exec();
	img[3] = 'f';
	expect_refused("bad magic");
}

static void test_not_64bit(void **state)
{
	img[EI_CLASS] = 1; /* ELFCLASS32 */
	expect_refused("EI_CLASS is 1 (not 64-bit)");
}

static void test_big_endian(void **state)
{
	img[EI_DATA] = 2; /* ELFDATA2MSB */
	expect_refused("EI_DATA is 2 (not little-endian)");
}

static void test_bad_versions(void **state)
{
	img[EI_VERSION] = 0;
	expect_refused("EI_VERSION is 0 (not 1)");
	build_exec();
	ehdr()->e_version = 2;
	expect_refused("e_version is 2 (not 1)");
}

static void test_wrong_machine(void **state)
{
	ehdr()->e_machine = EM_386;
	expect_refused("e_machine is 3 (not x86-64)");
	ehdr()->e_machine = 183; /* AArch64 */
	expect_refused("e_machine is 183 (not x86-64)");
}

static void test_not_a_program(void **state)
{
	const u16 types[] = { ET_NONE, ET_REL, ET_CORE, 0xfe00, 0xffff };

	for (unsigned k = 0; k < ARRAY_SIZE(types); k++) {
		ehdr()->e_type = types[k];
		expect_refused("(not ET_EXEC or ET_DYN");
	}
	ehdr()->e_type = ET_REL;
	expect_refused("e_type is 1 ");
}

static void test_phentsize(void **state)
{
	ehdr()->e_phentsize = 32; /* an Elf32_Phdr */
	expect_refused("e_phentsize is 32 (not 56)");
	ehdr()->e_phentsize = 57;
	expect_refused("e_phentsize is 57 (not 56)");
}

static void test_phnum(void **state)
{
	ehdr()->e_phnum = 0;
	expect_refused("e_phnum is 0 (no program headers)");
	ehdr()->e_phnum = ELF_MAX_PHNUM + 1;
	expect_refused("e_phnum is 65 (more than 64)");
	ehdr()->e_phnum = 0xffff; /* PN_XNUM: extended numbering */
	expect_refused("e_phnum is 65535");
}

static void test_phdrs_outside_file(void **state)
{
	ehdr()->e_phoff = img_size - 4 * sizeof(Elf64_Phdr) + 1;
	expect_refused("program headers at 0x1fa1 (0xe0 bytes) run past the "
		       "end of the file (0x2080 bytes)");
	ehdr()->e_phoff = img_size + 0x1000;
	expect_refused("run past the end of the file");
	ehdr()->e_phoff = ~0ul - 0x10; /* phoff + size wraps around */
	expect_refused("run past the end of the file");
}

/* ----------------------------------------------------- the PT_LOADs */

static void test_no_load(void **state)
{
	for (unsigned i = 0; i < 3; i++)
		phdr(i)->p_type = PT_NOTE;
	expect_refused("no PT_LOAD segment (nothing to map)");
	phdr(1)->p_type = PT_LOAD;
	phdr(1)->p_memsz = phdr(1)->p_filesz = 0; /* empty: no mapping */
	expect_refused("no PT_LOAD segment");
}

static void test_filesz_larger_than_memsz(void **state)
{
	phdr(2)->p_filesz = 0x1801;
	expect_refused("segment 2: p_filesz 0x1801 is larger than p_memsz "
		       "0x1800");
}

static void test_file_bytes_outside(void **state)
{
	phdr(2)->p_filesz = 0x81; /* one byte past the end of the file */
	expect_refused("segment 2: file bytes [0x2000, +0x81) run past the "
		       "end of the file (0x2080 bytes)");
	build_exec();
	phdr(2)->p_offset = ~0ul & PAGE_MASK; /* offset + filesz wraps */
	phdr(2)->p_vaddr = BASE + 0x2000;
	expect_refused("segment 2: file bytes [0xfffffffffffff000, +0x80) "
		       "run past");
}

static void test_vaddr_wraps_or_beyond_user(void **state)
{
	phdr(2)->p_vaddr = ~0ul & PAGE_MASK; /* vaddr + memsz wraps */
	expect_refused("segment 2: [0xfffffffffffff000, +0x1800) is not "
		       "below the top of user space");
	phdr(2)->p_vaddr = KERNEL_VMA; /* the kernel's own text */
	expect_refused("is not below the top of user space");
	phdr(2)->p_vaddr = USER_SPACE_END - 0x1000; /* in the guard page */
	expect_refused("is not below the top of user space");
	phdr(2)->p_vaddr = USER_SPACE_END - 0x2000; /* reaches into it */
	expect_refused("is not below the top of user space");
}

static void test_page_offset_mismatch(void **state)
{
	phdr(1)->p_offset = 0x1010;
	expect_refused("segment 1: p_vaddr 0x401000 and p_offset 0x1010 "
		       "differ within a page (cannot be mapped page by "
		       "page)");
}

static void test_writable_and_executable(void **state)
{
	phdr(1)->p_flags = PF_R | PF_W | PF_X;
	expect_refused("segment 1 at 0x401000 is writable and executable "
		       "(W^X)");
	phdr(1)->p_flags = PF_W | PF_X;
	expect_refused("(W^X)");
}

static void test_low_area(void **state)
{
	phdr(0)->p_vaddr = 0xf000; /* ends at 0x10000: still below */
	expect_refused("segment 0 at 0xf000 is below 0x10000 (the "
		       "never-mapped low area)");
	phdr(0)->p_vaddr = 0;
	expect_refused("segment 0 at 0x0 is below 0x10000");
	phdr(0)->p_vaddr = 0x10000; /* the lowest allowed */
	expect_accepted();
}

static void test_unsorted(void **state)
{
	Elf64_Phdr tmp = *phdr(1);

	*phdr(1) = *phdr(2);
	*phdr(2) = tmp;
	expect_refused("segment 2 (0x401000) comes after segment 1 "
		       "(0x402000): PT_LOADs must be sorted by p_vaddr");
}

static void test_overlap(void **state)
{
	phdr(2)->p_vaddr = BASE + 0x10ff; /* the code's last byte */
	phdr(2)->p_offset = 0x10ff;
	phdr(2)->p_filesz = 1;
	expect_refused("segment 2 overlaps segment 1");
	phdr(2)->p_vaddr = phdr(1)->p_vaddr; /* same start */
	phdr(2)->p_offset = 0x2000;
	expect_refused("segment 2 overlaps segment 1");
	/* A later segment inside an earlier one (but not the previous). */
	build_exec();
	add_phdr(PT_LOAD, PF_R, 0x2000, BASE + 0x3000, 0x10, 0x10);
	phdr(2)->p_memsz = 0x3000;
	expect_refused("segment 4 overlaps segment 2");
}

/*
 * build_shared - a layout where two segments share a page, as a linker
 * packs .rodata and .data:
 *   2 PT_LOAD R   file [0x2000, +0x100)  at BASE + 0x2000 (rodata)
 *   4 PT_LOAD RW  file [0x2100, +0x80)   at BASE + 0x2100, .bss to 0x1000
 * Page BASE + 0x2000 holds both, from the same file page.
 */
static void build_shared(void)
{
	build_exec();
	phdr(2)->p_flags = PF_R;
	phdr(2)->p_filesz = phdr(2)->p_memsz = 0x100;
	add_phdr(PT_LOAD, PF_R | PF_W, 0x2100, BASE + 0x2100, 0x80, 0x1000);
	img_size = 0x2180;
}

static void test_shared_page(void **state)
{
	build_shared();
	expect_accepted();
	check_invariants(img, img_size, &info);
	assert_int_equal(info.nload, 4);
	assert_int_equal(info.span_end, BASE + 0x4000);
}

static void test_shared_page_other_file_page(void **state)
{
	build_shared();
	phdr(4)->p_offset = 0x1100; /* same page offset, other file page */
	expect_refused("segment 4 shares page 0x402000 with segment 2 but "
		       "maps another file page there");
	/* No file bytes of its own there (only .bss): nothing to disagree. */
	phdr(4)->p_filesz = 0;
	expect_accepted();
}

static void test_shared_page_wx(void **state)
{
	build_shared();
	phdr(2)->p_flags = PF_R | PF_X;
	expect_refused("segment 4 shares page 0x402000 with segment 2, making "
		       "it writable and executable (W^X)");
}

static void test_shared_page_three_segments(void **state)
{
	/* Code to 0x402f00, a tiny read-only segment, then data, all three
	 * in page 0x402000: the data may not join the code there through
	 * the middle segment. */
	phdr(1)->p_filesz = phdr(1)->p_memsz = 0x1f00;
	phdr(2)->p_flags = PF_R;
	phdr(2)->p_offset = 0x2f00;
	phdr(2)->p_vaddr = BASE + 0x2f00;
	phdr(2)->p_filesz = phdr(2)->p_memsz = 0x10;
	add_phdr(PT_LOAD, PF_R | PF_W, 0x2f80, BASE + 0x2f80, 0x80, 0x1000);
	img_size = IMG_SIZE;
	expect_refused("segment 4 shares page 0x402000 with segment 2, making "
		       "it writable and executable (W^X)");
	phdr(4)->p_flags = PF_R; /* read-only: fine */
	expect_accepted();
	assert_int_equal(info.nload, 4);
}

/* -------------------------------------------------- the entry point */

static void test_entry_not_executable(void **state)
{
	ehdr()->e_entry = BASE + 0x10; /* in the headers' segment */
	expect_refused("entry point 0x400010 is not in an executable "
		       "segment");
	ehdr()->e_entry = BASE + 0x1100; /* one past the code */
	expect_refused("entry point 0x401100 is not");
	ehdr()->e_entry = 0;
	expect_refused("entry point 0x0 is not");
	ehdr()->e_entry = BASE + 0x10ff; /* the code's last byte */
	expect_accepted();
}

static void test_dyn_entry_is_relative(void **state)
{
	build_dyn();
	ehdr()->e_entry = BASE + 0x1000; /* absolute: wrong for ET_DYN */
	expect_refused("entry point 0x401000 is not");
}

static void test_dyn_span(void **state)
{
	build_dyn();
	phdr(2)->p_vaddr = ELF_DYN_MAX_SPAN - 0x2000; /* ends at 1 TiB */
	phdr(2)->p_memsz = 0x2000;
	expect_accepted();
	assert_int_equal(info.span_end - info.span_start, ELF_DYN_MAX_SPAN);
	phdr(2)->p_vaddr += 0x1000;
	expect_refused("the segments span 0x10000001000 bytes (an ET_DYN may "
		       "span at most 0x10000000000)");
}

static void test_dyn_high_vaddr(void **state)
{
	build_dyn(); /* same top-of-user-space rule on unbiased addresses */
	phdr(2)->p_vaddr = USER_SPACE_END;
	expect_refused("segment 2: [0x800000000000, +0x1800) is not below");
}

/* ------------------------------------------------ PT_INTERP, PT_PHDR */

static void test_interp_limits(void **state)
{
	char path[ELF_INTERP_MAX + 2];

	memset(path, 'a', sizeof(path));
	path[0] = '/';
	path[ELF_INTERP_MAX] = '\0'; /* 255 bytes then the NUL */
	set_interp(path, ELF_INTERP_MAX + 1);
	expect_accepted();
	assert_int_equal(info.interp_len, ELF_INTERP_MAX);
	build_exec();
	path[ELF_INTERP_MAX] = 'a';
	path[ELF_INTERP_MAX + 1] = '\0';
	set_interp(path, ELF_INTERP_MAX + 2);
	expect_refused("segment 4: PT_INTERP is 0x101 bytes (a path of at "
		       "most 255)");
}

static void test_interp_malformed(void **state)
{
	set_interp("", 0);
	expect_refused("segment 4: PT_INTERP is empty");
	build_exec();
	set_interp("", 1); /* only the NUL */
	expect_refused("segment 4: PT_INTERP is empty");
	build_exec();
	set_interp("/lib/ld.so", 10); /* NUL left out */
	expect_refused("segment 4: PT_INTERP is not NUL-terminated");
	build_exec();
	set_interp("/lib\0ld.so", 11);
	expect_refused("segment 4: PT_INTERP has a NUL inside the path");
}

static void test_interp_outside_file(void **state)
{
	set_interp(MUSL_LD, sizeof(MUSL_LD))->p_offset = img_size - 4;
	expect_refused("segment 4: PT_INTERP [0x207c, +0x19) runs past the "
		       "end of the file (0x2080 bytes)");
	phdr(4)->p_offset = ~0ul - 4; /* offset + size wraps */
	expect_refused("PT_INTERP [0xfffffffffffffffb, +0x19) runs past");
}

static void test_two_interps(void **state)
{
	set_interp(MUSL_LD, sizeof(MUSL_LD));
	set_interp(MUSL_LD, sizeof(MUSL_LD));
	expect_refused("segment 5: a second PT_INTERP");
}

static void test_phdr_checks(void **state)
{
	build_dyn();
	phdr(4)->p_vaddr = 0x5000; /* PT_PHDR in no segment */
	expect_refused("segment 4: PT_PHDR at 0x5000 is not inside a PT_LOAD "
		       "segment");
	phdr(4)->p_vaddr = 0x1000 - 0x100; /* table runs past segment 0 */
	expect_refused("PT_PHDR at 0xf00 is not inside");
	build_dyn();
	add_phdr(PT_PHDR, PF_R, PHOFF, PHOFF, 0x100, 0x100);
	expect_refused("segment 6: a second PT_PHDR");
}

/* ------------------------------------------------------ robustness */

/* Every prefix of a valid program: refused until the last file byte. */
static void test_every_truncation(void **state)
{
	u64 full;

	build_dyn();
	full = img_size;
	for (u64 n = 0; n <= full; n++) {
		int ret = parse_copy(img, n, &info);

		if (n < full) {
			assert_int_equal(ret, -ENOEXEC);
			assert_true(info.error[0] != '\0');
		} else {
			assert_int_equal(ret, 0);
		}
	}
}

/* Random corruptions: refused with a reason, or every invariant holds. */
static void test_random_corruption(void **state)
{
	u64 seed = 0x9e3779b97f4a7c15ull;
	unsigned accepted = 0;

	for (int round = 0; round < 20000; round++) {
		u8 *copy;
		int ret;

		if (round % 2)
			build_exec();
		else
			build_dyn();
		copy = malloc(img_size);
		assert_non_null(copy);
		memcpy(copy, img, img_size);
		/* Corrupt a few bytes, mostly in the headers. */
		for (int k = 0; k < 1 + (int)(host_rand(&seed) % 4); k++) {
			u64 r = host_rand(&seed);
			u64 at = r % 4 ? r % (PHOFF + 7 * sizeof(Elf64_Phdr)) :
					 r % img_size;

			copy[at] ^= (u8)(1u << (r >> 32) % 8);
		}
		ret = elf_parse(copy, img_size, &info);
		if (ret == 0) {
			check_invariants(copy, img_size, &info);
			accepted++;
		} else {
			assert_int_equal(ret, -ENOEXEC);
			assert_true(info.error[0] != '\0');
		}
		free(copy);
	}
	assert_true(accepted > 100); /* some flips are harmless */
}

/* The file may be at any address: headers are copied, not cast. */
static void test_unaligned_file(void **state)
{
	u8 *buf = malloc(img_size + 1);

	build_dyn();
	assert_non_null(buf);
	memcpy(buf + 1, img, img_size);
	assert_int_equal(elf_parse(buf + 1, img_size, &info), 0);
	free(buf);
}

/* ------------------------------------------------------ real programs */


/* read_fixture - the whole file build/fixtures/name, or NULL if absent. */
static u8 *read_fixture(const char *name, u64 *size)
{
	char path[512];
	FILE *f;
	long n;
	u8 *buf;

	snprintf(path, sizeof(path), "%s/%s", fixtures_dir(), name);
	f = fopen(path, "rb");
	if (!f)
		return NULL;
	assert_int_equal(fseek(f, 0, SEEK_END), 0);
	n = ftell(f);
	assert_true(n > 0);
	rewind(f);
	buf = malloc((size_t)n);
	assert_non_null(buf);
	assert_int_equal(fread(buf, 1, (size_t)n, f), (size_t)n);
	fclose(f);
	*size = (u64)n;
	return buf;
}

/*
 * check_real - the fixture must be accepted, with the given type and
 * interpreter (NULL: none).  A missing file fails the test, except
 * busybox, which only exists if busybox-static is installed.
 */
static void check_real(const char *name, u16 type, const char *interp)
{
	u64 size;
	u8 *file = read_fixture(name, &size);

	if (!file && !strcmp(name, "busybox")) {
		fprintf(stderr, "# no %s/busybox (busybox-static not "
			"installed)\n", fixtures_dir());
		skip();
	}
	if (!file)
		fail_msg("%s/%s is missing: make build/fixtures/elf.stamp",
			 fixtures_dir(), name);
	if (elf_parse(file, size, &info))
		fail_msg("%s refused: %s", name, info.error);
	check_invariants(file, size, &info);
	assert_int_equal(info.type, type);
	assert_true(info.phdr_vaddr != 0);
	assert_false(info.exec_stack);
	assert_int_equal(info.has_interp, interp != NULL);
	if (interp) {
		assert_int_equal(info.interp_len, strlen(interp));
		assert_memory_equal(file + info.interp_offset, interp,
				    strlen(interp) + 1);
	}
	/* And every prefix of its headers is refused, never overread. */
	for (u64 n = 0; n < PHOFF + info.phnum * sizeof(Elf64_Phdr); n++)
		assert_int_equal(parse_copy(file, n, &info), -ENOEXEC);
	free(file);
}

static void test_real_static(void **state)
{
	check_real("hello-static", ET_EXEC, NULL);
}

static void test_real_static_pie(void **state)
{
	check_real("hello-static-pie", ET_DYN, NULL);
}

static void test_real_dynamic(void **state)
{
	check_real("hello-dynamic", ET_DYN, MUSL_LD);
}

static void test_real_busybox(void **state)
{
	check_real("busybox", ET_EXEC, NULL);
}

#define T(name) cmocka_unit_test_setup(name, setup)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_minimal_exec),
		T(test_dynamic_pie),
		T(test_phdr_from_pt_phdr),
		T(test_phdr_not_mapped_is_zero),
		T(test_exec_stack),
		T(test_empty_load_is_skipped),
		T(test_other_segments_ignored),
		T(test_alignment_values),
		T(test_load_align),
		T(test_highest_segment),
		T(test_sixteen_loads),
		T(test_too_small),
		T(test_bad_magic),
		T(test_not_64bit),
		T(test_big_endian),
		T(test_bad_versions),
		T(test_wrong_machine),
		T(test_not_a_program),
		T(test_phentsize),
		T(test_phnum),
		T(test_phdrs_outside_file),
		T(test_no_load),
		T(test_filesz_larger_than_memsz),
		T(test_file_bytes_outside),
		T(test_vaddr_wraps_or_beyond_user),
		T(test_page_offset_mismatch),
		T(test_writable_and_executable),
		T(test_low_area),
		T(test_unsorted),
		T(test_overlap),
		T(test_shared_page),
		T(test_shared_page_other_file_page),
		T(test_shared_page_wx),
		T(test_shared_page_three_segments),
		T(test_entry_not_executable),
		T(test_dyn_entry_is_relative),
		T(test_dyn_span),
		T(test_dyn_high_vaddr),
		T(test_interp_limits),
		T(test_interp_malformed),
		T(test_interp_outside_file),
		T(test_two_interps),
		T(test_phdr_checks),
		T(test_every_truncation),
		T(test_random_corruption),
		T(test_unaligned_file),
		T(test_real_static),
		T(test_real_static_pie),
		T(test_real_dynamic),
		T(test_real_busybox),
	};

	return cmocka_run_group_tests_name("kernel/elf", tests,
					   host_group_setup,
					   host_group_teardown);
}
