/*
 * kernel/elf.h - the ELF64 executable format, and the check that exec
 * runs on a file before it maps anything from it.
 *
 * An ELF file starts with a header (Elf64_Ehdr) that says where the
 * program header table is; each program header (Elf64_Phdr) describes a
 * segment.  exec only needs the segments: PT_LOAD ones are mapped into the
 * new address space, PT_INTERP names the dynamic linker, PT_PHDR says where
 * the table itself is in memory, PT_GNU_STACK whether the stack may be
 * executable.  Sections (e_shoff...) are for linkers and debuggers only.
 *
 * elf_parse() is pure: it reads the bytes it is given and nothing else, so
 * it is unit-tested and fuzzed on the host.  The names below are the ELF
 * specification's (System V ABI, "ELF-64 Object File Format").
 */
#ifndef KERNEL_ELF_H
#define KERNEL_ELF_H

#include <vmos/types.h>
#include <asm/page_types.h>

typedef u64 Elf64_Addr;
typedef u64 Elf64_Off;
typedef u16 Elf64_Half;
typedef u32 Elf64_Word;
typedef u64 Elf64_Xword;

/* e_ident[]: the first 16 bytes, the same in every ELF file. */
#define EI_NIDENT 16
#define EI_MAG0 0    /* 0x7f, then 'E', 'L', 'F' */
#define EI_CLASS 4   /* 32- or 64-bit */
#define EI_DATA 5    /* byte order */
#define EI_VERSION 6
#define EI_OSABI 7   /* not checked: Linux binaries say SYSV or GNU */
#define ELFMAG "\177ELF"
#define SELFMAG 4
#define ELFCLASS64 2
#define ELFDATA2LSB 1 /* little-endian */
#define EV_CURRENT 1

/* e_type */
#define ET_NONE 0
#define ET_REL 1  /* an object file (.o) */
#define ET_EXEC 2 /* an executable linked at fixed addresses */
#define ET_DYN 3  /* position-independent: a PIE or a shared library */
#define ET_CORE 4

/* e_machine */
#define EM_386 3
#define EM_X86_64 62

typedef struct {
	unsigned char e_ident[EI_NIDENT];
	Elf64_Half e_type;
	Elf64_Half e_machine;
	Elf64_Word e_version;
	Elf64_Addr e_entry;     /* where the program starts */
	Elf64_Off e_phoff;      /* file offset of the program headers */
	Elf64_Off e_shoff;      /* file offset of the section headers */
	Elf64_Word e_flags;
	Elf64_Half e_ehsize;    /* sizeof(Elf64_Ehdr) */
	Elf64_Half e_phentsize; /* sizeof(Elf64_Phdr) */
	Elf64_Half e_phnum;
	Elf64_Half e_shentsize;
	Elf64_Half e_shnum;
	Elf64_Half e_shstrndx;
} Elf64_Ehdr;

/* p_type */
#define PT_NULL 0
#define PT_LOAD 1    /* map [p_offset, +p_filesz) at p_vaddr, zero to p_memsz */
#define PT_DYNAMIC 2
#define PT_INTERP 3  /* the dynamic linker's path, NUL-terminated */
#define PT_NOTE 4
#define PT_SHLIB 5
#define PT_PHDR 6    /* the program header table, in memory */
#define PT_TLS 7
#define PT_GNU_EH_FRAME 0x6474e550
#define PT_GNU_STACK 0x6474e551 /* p_flags: the stack's permissions */
#define PT_GNU_RELRO 0x6474e552
#define PT_GNU_PROPERTY 0x6474e553

/* p_flags */
#define PF_X 0x1
#define PF_W 0x2
#define PF_R 0x4

typedef struct {
	Elf64_Word p_type;
	Elf64_Word p_flags;
	Elf64_Off p_offset;   /* where the segment's bytes are in the file */
	Elf64_Addr p_vaddr;   /* where they go in memory */
	Elf64_Addr p_paddr;   /* unused on Linux */
	Elf64_Xword p_filesz; /* bytes from the file... */
	Elf64_Xword p_memsz;  /* ...then zeros up to this size (.bss) */
	Elf64_Xword p_align;
} Elf64_Phdr;

/* What elf_parse() accepts. */
#define ELF_MAX_PHNUM 64       /* program headers: real programs have ~10 */
#define ELF_MAX_LOADS 16       /* PT_LOAD segments: real programs have 2-5 */
#define ELF_INTERP_MAX 255     /* bytes of the PT_INTERP path, NUL excluded */
#define ELF_EXEC_MIN_VADDR 0x10000ul /* below: never mapped (Linux's
					 mmap_min_addr), NULL stays a fault */
#define ELF_DYN_MAX_SPAN (1ul << 40) /* 1 TiB: room for any ET_DYN base */
/*
 * The highest address a segment may reach: the last page of user space
 * stays unmapped, as on Linux (TASK_SIZE_MAX), because returning to user
 * mode with sysret just below the non-canonical hole is an Intel erratum.
 */
#define ELF_USER_TOP (USER_SPACE_END - PAGE_SIZE)
#define ELF_ERROR_MAX 160 /* every message fits, with 64-bit numbers */

struct elf_segment {
	u64 vaddr, memsz;   /* in memory (relative to the base for ET_DYN) */
	u64 offset, filesz; /* in the file; filesz <= memsz */
	u64 align;          /* p_align: 0 or a power of two */
	u32 flags;          /* PF_R | PF_W | PF_X, never both W and X */
};

/*
 * What exec needs to know about a valid program.  For ET_DYN every address
 * is relative: the loader adds the base it chooses.  The PT_LOAD segments
 * are sorted by vaddr and their bytes do not overlap, but, as on Linux, one
 * page may hold the end of a segment and the start of the next (a linker
 * packs .rodata and .data that way).  Such a page is accepted only if it
 * can be mapped once: the segments that have file bytes in it take them
 * from the same file page, and their permissions together are not both
 * writable and executable; the loader gives the page all of them.
 *
 * Messages name a program header by its index, "segment 3", as in the
 * output of `readelf -l`.
 */
struct elf_info {
	u16 type;              /* ET_EXEC or ET_DYN */
	u64 entry;
	u64 phoff;             /* the program header table, in the file */
	u16 phnum, phentsize;
	struct elf_segment load[ELF_MAX_LOADS];
	unsigned nload;        /* >= 1; PT_LOADs with p_memsz 0 are left out */
	u64 span_start;        /* page-aligned: the lowest PT_LOAD page... */
	u64 span_end;          /* ...and the end of the highest one */
	u64 phdr_vaddr;        /* for AT_PHDR: PT_PHDR's p_vaddr, else where
				  a PT_LOAD maps e_phoff; 0 if nowhere */
	bool has_interp;       /* PT_INTERP: a dynamic linker must run first */
	u64 interp_offset;     /* its path, in the file... */
	u32 interp_len;        /* ...NUL excluded; the NUL follows it */
	bool exec_stack;       /* PT_GNU_STACK asks for PF_X */
	char error[ELF_ERROR_MAX]; /* why the file was refused, in words;
				      "" after a success */
};

/*
 * elf_load_align - the alignment a position-independent program's load
 * address needs: the largest p_align of its PT_LOAD segments (each a power
 * of two, elf_parse checked), at least a page (Linux's maximum_alignment).
 */
u64 elf_load_align(const struct elf_info *ei);

/*
 * elf_parse - check that the size bytes at file are an x86-64 program that
 * exec can load safely, and describe it in *out.  file needs no particular
 * alignment; nothing outside [file, file + size) is read.
 * Returns 0, or -ENOEXEC with out->error saying what is wrong (for example
 * "e_machine is 3 (not x86-64)" or "segment 2 overlaps segment 1").
 */
int elf_parse(const void *file, u64 size, struct elf_info *out);

/*
 * elf_parse_headers - the same check when only the first avail bytes of a
 * file of size bytes are at hand (exec reads one page): the program
 * headers and the PT_INTERP path must lie in those bytes, the segments in
 * the file.
 */
int elf_parse_headers(const void *file, u64 avail, u64 size,
		      struct elf_info *out);

#endif
