/*
 * kernel/elf.c - checking an ELF64 program before exec maps it (see elf.h).
 *
 * Everything in the file is untrusted: each offset and size is checked
 * against the file before it is used, with subtractions that cannot wrap
 * (never "a + b <= size", which overflows).  Headers are copied out with
 * memcpy, so the file may sit at any alignment.
 */
#include "kernel/elf.h"
#include <vmos/errno.h>
#include <vmos/format.h>
#include <vmos/string.h>

/* The permissions one mapping must never have together (our W^X rule). */
#define PF_WX (PF_W | PF_X)

/* fail - record why the file is refused; returns -ENOEXEC. */
static __printf(2, 3) int fail(struct elf_info *out, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	kvsnprintf(out->error, sizeof(out->error), fmt, ap);
	va_end(ap);
	return -ENOEXEC;
}

/* fits - does [off, off + len) lie inside a file of size bytes? */
static bool fits(u64 off, u64 len, u64 size)
{
	return off <= size && len <= size - off;
}

/* check_ident - e_ident: the magic, 64-bit, little-endian, version 1. */
static int check_ident(const Elf64_Ehdr *eh, struct elf_info *out)
{
	const unsigned char *id = eh->e_ident;

	if (memcmp(id, ELFMAG, SELFMAG))
		return fail(out, "bad magic %02x %02x %02x %02x (not an ELF file)",
			    id[0], id[1], id[2], id[3]);
	if (id[EI_CLASS] != ELFCLASS64)
		return fail(out, "EI_CLASS is %u (not 64-bit)", id[EI_CLASS]);
	if (id[EI_DATA] != ELFDATA2LSB)
		return fail(out, "EI_DATA is %u (not little-endian)",
			    id[EI_DATA]);
	if (id[EI_VERSION] != EV_CURRENT)
		return fail(out, "EI_VERSION is %u (not %u)", id[EI_VERSION],
			    EV_CURRENT);
	return 0;
}

/*
 * check_header - the fields after e_ident: a version 1 x86-64 program
 * (ET_EXEC or ET_DYN) whose program header table is inside the file.
 */
static int check_header(const Elf64_Ehdr *eh, u64 size, struct elf_info *out)
{
	u64 table = (u64)eh->e_phnum * eh->e_phentsize;

	if (eh->e_version != EV_CURRENT)
		return fail(out, "e_version is %u (not %u)", eh->e_version,
			    EV_CURRENT);
	if (eh->e_machine != EM_X86_64)
		return fail(out, "e_machine is %u (not x86-64)", eh->e_machine);
	if (eh->e_type != ET_EXEC && eh->e_type != ET_DYN)
		return fail(out, "e_type is %u (not ET_EXEC or ET_DYN: not a "
			    "program)", eh->e_type);
	if (eh->e_phentsize != sizeof(Elf64_Phdr))
		return fail(out, "e_phentsize is %u (not %zu)", eh->e_phentsize,
			    sizeof(Elf64_Phdr));
	if (eh->e_phnum == 0)
		return fail(out, "e_phnum is 0 (no program headers)");
	if (eh->e_phnum > ELF_MAX_PHNUM)
		return fail(out, "e_phnum is %u (more than %u)", eh->e_phnum,
			    ELF_MAX_PHNUM);
	if (!fits(eh->e_phoff, table, size))
		return fail(out, "program headers at 0x%lx (0x%lx bytes) run "
			    "past the end of the file (0x%lx bytes)",
			    eh->e_phoff, table, size);
	return 0;
}

/*
 * check_load - one PT_LOAD (program header i) on its own: its file bytes
 * are in the file, its memory in user space, it can be mapped page by page
 * and it is not both writable and executable.
 */
static int check_load(const Elf64_Phdr *ph, unsigned i, u16 type, u64 size,
		      struct elf_info *out)
{
	if (ph->p_filesz > ph->p_memsz)
		return fail(out, "segment %u: p_filesz 0x%lx is larger than "
			    "p_memsz 0x%lx", i, ph->p_filesz, ph->p_memsz);
	if (!fits(ph->p_offset, ph->p_filesz, size))
		return fail(out, "segment %u: file bytes [0x%lx, +0x%lx) run "
			    "past the end of the file (0x%lx bytes)", i,
			    ph->p_offset, ph->p_filesz, size);
	if (!fits(ph->p_vaddr, ph->p_memsz, ELF_USER_TOP))
		return fail(out, "segment %u: [0x%lx, +0x%lx) is not below "
			    "the top of user space (0x%lx)", i, ph->p_vaddr,
			    ph->p_memsz, ELF_USER_TOP);
	if (ph->p_vaddr % PAGE_SIZE != ph->p_offset % PAGE_SIZE)
		return fail(out, "segment %u: p_vaddr 0x%lx and p_offset 0x%lx "
			    "differ within a page (cannot be mapped page by "
			    "page)", i, ph->p_vaddr, ph->p_offset);
	if (ph->p_align & (ph->p_align - 1))
		return fail(out, "segment %u: p_align 0x%lx is not a power of "
			    "two", i, ph->p_align);
	if ((ph->p_flags & PF_WX) == PF_WX)
		return fail(out, "segment %u at 0x%lx is writable and "
			    "executable (W^X)", i, ph->p_vaddr);
	if (type == ET_EXEC && ph->p_vaddr < ELF_EXEC_MIN_VADDR)
		return fail(out, "segment %u at 0x%lx is below 0x%lx (the "
			    "never-mapped low area)", i, ph->p_vaddr,
			    ELF_EXEC_MIN_VADDR);
	return 0;
}

/*
 * The last page of the PT_LOADs seen so far, which the next one may share:
 * the permissions of every segment in it, and whether one of them has
 * file bytes there, from the file page at (page - delta).
 */
struct tail_page {
	u64 page;
	u32 flags;
	bool has_file;
	u64 delta; /* p_vaddr - p_offset of the segment with file bytes */
};

/*
 * check_order - PT_LOAD s (program header i) against the previous one
 * (program header prev_i, whose last page is *tail): it must come after it
 * in memory without overlapping; if it starts in *tail's page, that page
 * must still be mappable once (see struct elf_info).
 */
static int check_order(const struct elf_segment *s, unsigned i,
		       const struct elf_segment *prev, unsigned prev_i,
		       const struct tail_page *tail, struct elf_info *out)
{
	bool s_file = s->filesz > 0;

	if (s->vaddr < prev->vaddr)
		return fail(out, "segment %u (0x%lx) comes after segment %u "
			    "(0x%lx): PT_LOADs must be sorted by p_vaddr", i,
			    s->vaddr, prev_i, prev->vaddr);
	if (s->vaddr < prev->vaddr + prev->memsz)
		return fail(out, "segment %u overlaps segment %u", i, prev_i);
	if (ALIGN_DOWN(s->vaddr, PAGE_SIZE) != tail->page)
		return 0;
	if (((tail->flags | s->flags) & PF_WX) == PF_WX)
		return fail(out, "segment %u shares page 0x%lx with segment "
			    "%u, making it writable and executable (W^X)", i,
			    tail->page, prev_i);
	if (tail->has_file && s_file && tail->delta != s->vaddr - s->offset)
		return fail(out, "segment %u shares page 0x%lx with segment "
			    "%u but maps another file page there", i,
			    tail->page, prev_i);
	return 0;
}

/* update_tail - *tail becomes the last page of s, just accepted. */
static void update_tail(const struct elf_segment *s, struct tail_page *tail)
{
	u64 last = ALIGN_DOWN(s->vaddr + s->memsz - 1, PAGE_SIZE);
	bool file_in_last = s->vaddr + s->filesz > last;

	if (last != tail->page) {
		tail->page = last;
		tail->flags = 0;
		tail->has_file = false;
	}
	tail->flags |= s->flags;
	if (file_in_last) {
		tail->has_file = true;
		tail->delta = s->vaddr - s->offset;
	}
}

/*
 * add_load - check PT_LOAD ph (program header i) and append it to
 * out->load.  A PT_LOAD with nothing in memory (p_memsz 0) maps nothing,
 * as on Linux: it is checked but not kept.
 */
static int add_load(const Elf64_Phdr *ph, unsigned i, u64 size,
		    unsigned *prev_i, struct tail_page *tail,
		    struct elf_info *out)
{
	struct elf_segment *s = &out->load[out->nload];
	int err = check_load(ph, i, out->type, size, out);

	if (err || ph->p_memsz == 0)
		return err;
	if (out->nload == ELF_MAX_LOADS)
		return fail(out, "more than %u PT_LOAD segments", ELF_MAX_LOADS);
	s->vaddr = ph->p_vaddr;
	s->memsz = ph->p_memsz;
	s->offset = ph->p_offset;
	s->filesz = ph->p_filesz;
	s->align = ph->p_align;
	s->flags = ph->p_flags & (PF_R | PF_W | PF_X);
	if (out->nload > 0) {
		err = check_order(s, i, s - 1, *prev_i, tail, out);
		if (err)
			return err;
	}
	update_tail(s, tail);
	*prev_i = i;
	out->nload++;
	return 0;
}

/*
 * check_interp - PT_INTERP (program header i): the path of the dynamic
 * linker, 1 to ELF_INTERP_MAX bytes inside the file, then one NUL.
 */
static int check_interp(const u8 *file, u64 size, const Elf64_Phdr *ph,
			unsigned i, struct elf_info *out)
{
	const char *path;
	u64 n = ph->p_filesz;

	if (out->has_interp)
		return fail(out, "segment %u: a second PT_INTERP", i);
	if (!fits(ph->p_offset, n, size))
		return fail(out, "segment %u: PT_INTERP [0x%lx, +0x%lx) runs "
			    "past the end of the file (0x%lx bytes)", i,
			    ph->p_offset, n, size);
	path = (const char *)file + ph->p_offset; /* only now: it fits */
	if (n == 0 || path[0] == '\0')
		return fail(out, "segment %u: PT_INTERP is empty", i);
	if (n - 1 > ELF_INTERP_MAX)
		return fail(out, "segment %u: PT_INTERP is 0x%lx bytes (a path "
			    "of at most %u)", i, n, ELF_INTERP_MAX);
	if (path[n - 1] != '\0')
		return fail(out, "segment %u: PT_INTERP is not NUL-terminated",
			    i);
	if (strnlen(path, n) != n - 1)
		return fail(out, "segment %u: PT_INTERP has a NUL inside the "
			    "path", i);
	out->has_interp = true;
	out->interp_offset = ph->p_offset;
	out->interp_len = (u32)(n - 1);
	return 0;
}

/* load_containing - the PT_LOAD whose memory holds [va, va + len), or NULL. */
static const struct elf_segment *load_containing(const struct elf_info *out,
						 u64 va, u64 len)
{
	for (unsigned k = 0; k < out->nload; k++) {
		const struct elf_segment *s = &out->load[k];

		if (va >= s->vaddr && len <= s->memsz &&
		    va - s->vaddr <= s->memsz - len)
			return s;
	}
	return NULL;
}

/*
 * find_phdr - out->phdr_vaddr for AT_PHDR: the p_vaddr of PT_PHDR
 * (program header i, if i >= 0: the table must be inside a PT_LOAD
 * there), else where a PT_LOAD maps the file's program header table,
 * else 0.
 */
static int find_phdr(int i, u64 vaddr, struct elf_info *out)
{
	u64 table = (u64)out->phnum * out->phentsize;

	if (i >= 0) {
		if (!load_containing(out, vaddr, table))
			return fail(out, "segment %d: PT_PHDR at 0x%lx is not "
				    "inside a PT_LOAD segment", i, vaddr);
		out->phdr_vaddr = vaddr;
		return 0;
	}
	for (unsigned k = 0; k < out->nload; k++) {
		const struct elf_segment *s = &out->load[k];

		if (out->phoff >= s->offset && s->filesz >= table &&
		    out->phoff - s->offset <= s->filesz - table) {
			out->phdr_vaddr = s->vaddr + (out->phoff - s->offset);
			break;
		}
	}
	return 0;
}

/*
 * check_image - the program as a whole, once every program header is
 * read: something to map, the entry point in executable memory, the span
 * of an ET_DYN small enough for any base.
 */
static int check_image(struct elf_info *out)
{
	const struct elf_segment *last = &out->load[out->nload - 1];
	const struct elf_segment *s;

	out->span_start = ALIGN_DOWN(out->load[0].vaddr, PAGE_SIZE);
	out->span_end = ALIGN_UP(last->vaddr + last->memsz, PAGE_SIZE);
	s = load_containing(out, out->entry, 1);
	if (!s || !(s->flags & PF_X))
		return fail(out, "entry point 0x%lx is not in an executable "
			    "segment", out->entry);
	if (out->type == ET_DYN &&
	    out->span_end - out->span_start > ELF_DYN_MAX_SPAN)
		return fail(out, "the segments span 0x%lx bytes (an ET_DYN "
			    "may span at most 0x%lx)",
			    out->span_end - out->span_start, ELF_DYN_MAX_SPAN);
	return 0;
}

/* read_phdrs - check every program header in turn and fill *out. */
static int read_phdrs(const u8 *file, u64 avail, u64 size, struct elf_info *out)
{
	struct tail_page tail = { .page = 1 }; /* no page: not aligned */
	unsigned prev_i = 0;
	int phdr_i = -1, err = 0;
	u64 phdr_vaddr = 0;
	Elf64_Phdr ph;

	for (unsigned i = 0; i < out->phnum && !err; i++) {
		memcpy(&ph, file + out->phoff + (u64)i * sizeof(ph), sizeof(ph));
		if (ph.p_type == PT_LOAD) {
			err = add_load(&ph, i, size, &prev_i, &tail, out);
		} else if (ph.p_type == PT_INTERP) {
			err = check_interp(file, avail, &ph, i, out);
		} else if (ph.p_type == PT_PHDR) {
			if (phdr_i >= 0)
				return fail(out, "segment %u: a second PT_PHDR",
					    i);
			phdr_i = (int)i;
			phdr_vaddr = ph.p_vaddr;
		} else if (ph.p_type == PT_GNU_STACK) {
			out->exec_stack = ph.p_flags & PF_X;
		}
	}
	if (err)
		return err;
	if (out->nload == 0)
		return fail(out, "no PT_LOAD segment (nothing to map)");
	return find_phdr(phdr_i, phdr_vaddr, out);
}

int elf_parse(const void *file, u64 size, struct elf_info *out)
{
	return elf_parse_headers(file, size, size, out);
}

int elf_parse_headers(const void *file, u64 avail, u64 size,
		      struct elf_info *out)
{
	Elf64_Ehdr eh;
	int err;

	memset(out, 0, sizeof(*out));
	if (avail > size)
		avail = size;
	if (avail < sizeof(eh))
		return fail(out, "file is %lu bytes, too small for an ELF "
			    "header (%zu)", size, sizeof(eh));
	memcpy(&eh, file, sizeof(eh));
	err = check_ident(&eh, out);
	if (!err)
		err = check_header(&eh, avail, out);
	if (err)
		return err;
	out->type = eh.e_type;
	out->entry = eh.e_entry;
	out->phoff = eh.e_phoff;
	out->phnum = eh.e_phnum;
	out->phentsize = eh.e_phentsize;
	err = read_phdrs(file, avail, size, out);
	if (!err)
		err = check_image(out);
	return err;
}

u64 elf_load_align(const struct elf_info *ei)
{
	u64 align = PAGE_SIZE;

	for (unsigned i = 0; i < ei->nload; i++)
		if (ei->load[i].align > align)
			align = ei->load[i].align;
	return align;
}
