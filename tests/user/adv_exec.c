/*
 * tests/user/adv_exec.c - execve given what a program loader must refuse:
 * enormous argv and envp, pointers to unmapped memory, an argv that runs
 * into an unmapped page before its NULL, and every malformed ELF shape we
 * could think of, written to /tmp from a valid 130-byte program.  Each case
 * runs in a child: execve must fail with the exact errno, and the caller
 * must be intact afterwards (vmos checks the whole file before the point
 * of no return; see docs/robustness.md for where Linux differs).
 */
#include <elf.h>
#include <fcntl.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include "adv.h"

#define DIR "/tmp/adv-exec"
#define BASE 0x400000ul

/* The valid program: one PT_LOAD (r-x) of the whole file; exit(42). */
struct image {
	Elf64_Ehdr eh;
	Elf64_Phdr ph[3];
	unsigned char code[16];
};

static const unsigned char exit42[] = {
	0xb8, 0x3c, 0, 0, 0,	/* mov $60, %eax (exit) */
	0xbf, 0x2a, 0, 0, 0,	/* mov $42, %edi */
	0x0f, 0x05,		/* syscall */
};

static void good_image(struct image *im)
{
	memset(im, 0, sizeof(*im));
	memcpy(im->eh.e_ident, ELFMAG, SELFMAG);
	im->eh.e_ident[EI_CLASS] = ELFCLASS64;
	im->eh.e_ident[EI_DATA] = ELFDATA2LSB;
	im->eh.e_ident[EI_VERSION] = EV_CURRENT;
	im->eh.e_type = ET_EXEC;
	im->eh.e_machine = EM_X86_64;
	im->eh.e_version = EV_CURRENT;
	im->eh.e_entry = BASE + offsetof(struct image, code);
	im->eh.e_phoff = offsetof(struct image, ph);
	im->eh.e_ehsize = sizeof(Elf64_Ehdr);
	im->eh.e_phentsize = sizeof(Elf64_Phdr);
	im->eh.e_phnum = 1;
	im->ph[0].p_type = PT_LOAD;
	im->ph[0].p_flags = PF_R | PF_X;
	im->ph[0].p_offset = 0;
	im->ph[0].p_vaddr = im->ph[0].p_paddr = BASE;
	im->ph[0].p_filesz = im->ph[0].p_memsz = sizeof(*im);
	im->ph[0].p_align = 4096;
	memcpy(im->code, exit42, sizeof(exit42));
}

/* A second program header, for the cases that need one. */
static Elf64_Phdr *add_ph(struct image *im)
{
	return &im->ph[im->eh.e_phnum++];
}

static int canary = 0x5eed;

/* try_exec - write len bytes of im to a file (mode) and execve it in this
 * child: it must fail with err, and this process carry on. */
static void try_exec(const void *im, size_t len, mode_t mode, int err)
{
	char *argv[] = { DIR "/prog", NULL };
	int fd = open(DIR "/prog", O_WRONLY | O_CREAT | O_TRUNC, mode);

	CHECK(fd >= 0 && write(fd, im, len) == (ssize_t)len, "writing the file");
	close(fd);
	chmod(DIR "/prog", mode);
	CHECK_RAW(SC3(SYS_execve, DIR "/prog", argv, 0), -err);
	CHECK(canary == 0x5eed, "the caller's memory changed");
	CHECK_RAW(SC0(SYS_getpid), getpid());
}

static struct image im;

#define ELF_CASE(fn, err, ...)                                              \
	static void fn(void)                                                \
	{                                                                   \
		good_image(&im);                                            \
		__VA_ARGS__;                                                \
		try_exec(&im, sizeof(im), 0755, err);                       \
	}

/* the control: the good image runs (exit 42) */
static void c_good(void)
{
	char *argv[] = { DIR "/prog", NULL };
	int fd = open(DIR "/prog", O_WRONLY | O_CREAT | O_TRUNC, 0755);

	good_image(&im);
	write(fd, &im, sizeof(im));
	close(fd);
	SC3(SYS_execve, DIR "/prog", argv, 0);
	_exit(1);
}

static void c_empty(void) { try_exec("", 0, 0755, ENOEXEC); }
static void c_truncated(void) { good_image(&im); try_exec(&im, 10, 0755, ENOEXEC); }
static void c_half_header(void) { good_image(&im); try_exec(&im, 40, 0755, ENOEXEC); }
static void c_no_phdrs_in_file(void) { good_image(&im); try_exec(&im, sizeof(Elf64_Ehdr), 0755, ENOEXEC); }
ELF_CASE(c_bad_magic, ENOEXEC, im.eh.e_ident[1] = 'X')
ELF_CASE(c_class32, ENOEXEC, im.eh.e_ident[EI_CLASS] = ELFCLASS32)
ELF_CASE(c_big_endian, ENOEXEC, im.eh.e_ident[EI_DATA] = ELFDATA2MSB)
ELF_CASE(c_machine_386, ENOEXEC, im.eh.e_machine = EM_386)
ELF_CASE(c_machine_aarch64, ENOEXEC, im.eh.e_machine = EM_AARCH64)
ELF_CASE(c_et_rel, ENOEXEC, im.eh.e_type = ET_REL)
ELF_CASE(c_et_core, ENOEXEC, im.eh.e_type = ET_CORE)
ELF_CASE(c_phentsize, ENOEXEC, im.eh.e_phentsize = 32)
ELF_CASE(c_phnum_zero, ENOEXEC, im.eh.e_phnum = 0)
ELF_CASE(c_phnum_huge, ENOEXEC, im.eh.e_phnum = 0xffff)
ELF_CASE(c_phoff_beyond, ENOEXEC, im.eh.e_phoff = 1 << 20)
ELF_CASE(c_phoff_wrap, ENOEXEC, im.eh.e_phoff = ~0ul - 8)
ELF_CASE(c_filesz_gt_memsz, ENOEXEC, im.ph[0].p_memsz = 16)
ELF_CASE(c_offset_beyond_eof, ENOEXEC, im.ph[0].p_offset = 1 << 20;
	 im.ph[0].p_vaddr = BASE + (1 << 20))
ELF_CASE(c_filesz_beyond_eof, ENOEXEC, im.ph[0].p_filesz = im.ph[0].p_memsz = 1 << 20)
ELF_CASE(c_offset_wrap, ENOEXEC, im.ph[0].p_offset = ~0ul & ~0xffful;
	 im.ph[0].p_filesz = 0x2000)
ELF_CASE(c_kernel_half, ENOEXEC, im.ph[0].p_vaddr = KERNEL_TEXT;
	 im.eh.e_entry = KERNEL_TEXT + 0x78)
ELF_CASE(c_noncanonical, ENOEXEC, im.ph[0].p_vaddr = NONCANON_LOW;
	 im.eh.e_entry = NONCANON_LOW + 0x78)
ELF_CASE(c_last_page, ENOEXEC, im.ph[0].p_vaddr = 0x7ffffffff000ul;
	 im.ph[0].p_memsz = 0x2000)
ELF_CASE(c_vaddr_wrap, ENOEXEC, im.ph[0].p_vaddr = 0xfffffffffffff000ul;
	 im.ph[0].p_memsz = 0x2000)
ELF_CASE(c_memsz_huge, ENOEXEC, im.ph[0].p_memsz = ~0ul)
ELF_CASE(c_misaligned, ENOEXEC, im.ph[0].p_vaddr = BASE + 0x10)
ELF_CASE(c_align_not_pow2, ENOEXEC, im.ph[0].p_align = 3000)
ELF_CASE(c_below_min, ENOEXEC, im.ph[0].p_vaddr = 0;
	 im.eh.e_entry = offsetof(struct image, code))
ELF_CASE(c_overlap, ENOEXEC, Elf64_Phdr *p = add_ph(&im); *p = im.ph[0];
	 p->p_vaddr = BASE + 0x10; p->p_offset = 0x10; p->p_flags = PF_R)
ELF_CASE(c_unsorted, ENOEXEC, Elf64_Phdr *p = add_ph(&im); *p = im.ph[0];
	 p->p_vaddr = BASE - 0x10000; p->p_flags = PF_R)
ELF_CASE(c_wx, ENOEXEC, im.ph[0].p_flags = PF_R | PF_W | PF_X)
ELF_CASE(c_no_load, ENOEXEC, im.ph[0].p_type = PT_NOTE)
ELF_CASE(c_entry_outside, ENOEXEC, im.eh.e_entry = BASE + 0x100000)
ELF_CASE(c_entry_noncanon, ENOEXEC, im.eh.e_entry = NONCANON_HIGH)
ELF_CASE(c_entry_not_exec, ENOEXEC, im.ph[0].p_flags = PF_R)

/* PT_INTERP: its path is bytes of the file, at the end of the code */
static void set_interp(struct image *e, const char *path, size_t n)
{
	Elf64_Phdr *p = add_ph(e);

	memcpy(e->code, path, n);
	p->p_type = PT_INTERP;
	p->p_offset = offsetof(struct image, code);
	p->p_filesz = n;
}

ELF_CASE(c_interp_missing, ENOENT, set_interp(&im, "/no/such", 9))
ELF_CASE(c_interp_unterminated, ENOEXEC, set_interp(&im, "/bin/sh", 7))
ELF_CASE(c_interp_empty, ENOEXEC, set_interp(&im, "", 1))
ELF_CASE(c_interp_beyond, ENOEXEC, set_interp(&im, "/x", 3);
	 im.ph[1].p_offset = 1 << 20)
ELF_CASE(c_interp_huge, ENOEXEC, set_interp(&im, "/x", 3);
	 im.ph[1].p_filesz = 1ul << 40)
ELF_CASE(c_interp_dir, EACCES, set_interp(&im, "/tmp", 5))
ELF_CASE(c_two_interps, ENOEXEC, set_interp(&im, "/x", 3);
	 set_interp(&im, "/x", 3))

static void c_not_executable(void) { good_image(&im); try_exec(&im, sizeof(im), 0644, EACCES); }

static void c_directory(void)
{
	CHECK_RAW(SC3(SYS_execve, DIR, 0, 0), -EACCES);
}

static void c_missing(void)
{
	CHECK_RAW(SC3(SYS_execve, DIR "/none", 0, 0), -ENOENT);
	CHECK_RAW(SC3(SYS_execve, DIR "/prog/x", 0, 0), -ENOTDIR);
}

static void c_script_missing(void)
{
	try_exec("#!/no/such/shell\n", 17, 0755, ENOENT);
}

static void c_script_loop(void)
{
	try_exec("#!" DIR "/prog\n", strlen("#!" DIR "/prog\n"), 0755, ELOOP);
}

/* ---- argv and envp */
static char *arena; /* page 0 read-write, page 1 unmapped */

static void c_argv_unmapped(void)
{
	CHECK_RAW(SC3(SYS_execve, "/bin/false", arena + 4096, 0), -EFAULT);
	CHECK_RAW(SC3(SYS_execve, "/bin/false", KERNEL_TEXT, 0), -EFAULT);
	CHECK_RAW(SC3(SYS_execve, "/bin/false", 0, NONCANON_HIGH), -EFAULT);
}

static void c_argv_string_unmapped(void)
{
	char *argv[] = { "false", arena + 4096, NULL };
	char *envp[] = { "A=1", (char *)KERNEL_DIRECT, NULL };

	CHECK_RAW(SC3(SYS_execve, "/bin/false", argv, 0), -EFAULT);
	CHECK_RAW(SC3(SYS_execve, "/bin/false", 0, envp), -EFAULT);
}

/* argv's pointers fill its page up to the unmapped one: no NULL */
static void c_argv_unterminated(void)
{
	char **v = (char **)arena;

	for (int i = 0; i < 512; i++)
		v[i] = "x";
	CHECK_RAW(SC3(SYS_execve, "/bin/false", v, 0), -EFAULT);
	CHECK_RAW(SC3(SYS_execve, "/bin/false", 0, v), -EFAULT);
}

/* a string that runs into the unmapped page without its NUL */
static void c_argv_string_unterminated(void)
{
	char *argv[] = { arena + 4096 - 16, NULL };

	memset(arena, 'a', 4096);
	CHECK_RAW(SC3(SYS_execve, "/bin/false", argv, 0), -EFAULT);
}

/* one string longer than MAX_ARG_STRLEN (128 KiB) */
static void c_arg_too_long(void)
{
	char *big = malloc(200 << 10);
	char *argv[] = { "false", big, NULL };

	memset(big, 'a', (200 << 10) - 1);
	big[(200 << 10) - 1] = 0;
	CHECK_RAW(SC3(SYS_execve, "/bin/false", argv, 0), -E2BIG);
	CHECK_RAW(SC3(SYS_execve, "/bin/false", 0, argv), -E2BIG);
}

/* 40 strings of 100 KiB: 4 MiB, past the 2 MiB limit (RLIMIT_STACK / 4) */
static void c_args_too_many_bytes(void)
{
	char *s = malloc(100 << 10);
	char **v = calloc(41, sizeof(char *));

	memset(s, 'b', (100 << 10) - 1);
	s[(100 << 10) - 1] = 0;
	for (int i = 0; i < 40; i++)
		v[i] = s;
	CHECK_RAW(SC3(SYS_execve, "/bin/false", v, 0), -E2BIG);
	CHECK_RAW(SC3(SYS_execve, "/bin/false", 0, v), -E2BIG);
}

/* 600,000 empty strings: few bytes, but 4.8 MB of pointers on the new
 * stack (Linux counts the pointers against the same limit) */
static void c_args_too_many_pointers(void)
{
	size_t n = 600000;
	char **v = calloc(n + 1, sizeof(char *));

	for (size_t i = 0; i < n; i++)
		v[i] = "";
	CHECK_RAW(SC3(SYS_execve, "/bin/false", v, 0), -E2BIG);
}

static void run(const char *name, void (*fn)(void), int exit_status)
{
	char why[64];
	int status = run_child(fn);

	snprintf(why, sizeof(why), "wait status 0x%x", status);
	tap_result(WIFEXITED(status) && WEXITSTATUS(status) == exit_status, name,
		   why);
}

#define CASE(fn, what) run(#fn ": " what, fn, 0)

int main(void)
{
	long before;

	mkdir(DIR, 0755);
	arena = mmap(NULL, 2 * 4096, PROT_READ | PROT_WRITE,
		     MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	munmap(arena + 4096, 4096);
	run("c_good: the control program runs and exits 42", c_good, 42);
	unlink(DIR "/prog");
	before = kmem_baseline();
	CASE(c_empty, "empty file: ENOEXEC");
	CASE(c_truncated, "10 bytes of header: ENOEXEC");
	CASE(c_half_header, "40 bytes of header: ENOEXEC");
	CASE(c_no_phdrs_in_file, "header only: ENOEXEC");
	CASE(c_bad_magic, "bad magic: ENOEXEC");
	CASE(c_class32, "ELFCLASS32: ENOEXEC");
	CASE(c_big_endian, "big-endian: ENOEXEC");
	CASE(c_machine_386, "EM_386: ENOEXEC");
	CASE(c_machine_aarch64, "EM_AARCH64: ENOEXEC");
	CASE(c_et_rel, "ET_REL: ENOEXEC");
	CASE(c_et_core, "ET_CORE: ENOEXEC");
	CASE(c_phentsize, "e_phentsize 32: ENOEXEC");
	CASE(c_phnum_zero, "e_phnum 0: ENOEXEC");
	CASE(c_phnum_huge, "e_phnum 65535: ENOEXEC");
	CASE(c_phoff_beyond, "e_phoff beyond the file: ENOEXEC");
	CASE(c_phoff_wrap, "e_phoff + size wraps: ENOEXEC");
	CASE(c_filesz_gt_memsz, "p_filesz > p_memsz: ENOEXEC");
	CASE(c_offset_beyond_eof, "p_offset beyond EOF: ENOEXEC");
	CASE(c_filesz_beyond_eof, "p_filesz beyond EOF: ENOEXEC");
	CASE(c_offset_wrap, "p_offset + p_filesz wraps: ENOEXEC");
	CASE(c_kernel_half, "segment in the kernel half: ENOEXEC");
	CASE(c_noncanonical, "segment at a non-canonical address: ENOEXEC");
	CASE(c_last_page, "segment past the end of user space: ENOEXEC");
	CASE(c_vaddr_wrap, "p_vaddr + p_memsz wraps: ENOEXEC");
	CASE(c_memsz_huge, "p_memsz 2^64-1: ENOEXEC");
	CASE(c_misaligned, "p_vaddr and p_offset differ mod 4096: ENOEXEC");
	CASE(c_align_not_pow2, "p_align not a power of two: ENOEXEC");
	CASE(c_below_min, "ET_EXEC segment at 0: ENOEXEC");
	CASE(c_overlap, "overlapping segments: ENOEXEC");
	CASE(c_unsorted, "unsorted segments: ENOEXEC");
	CASE(c_wx, "a writable and executable segment: ENOEXEC");
	CASE(c_no_load, "no PT_LOAD: ENOEXEC");
	CASE(c_entry_outside, "entry outside every segment: ENOEXEC");
	CASE(c_entry_noncanon, "entry non-canonical: ENOEXEC");
	CASE(c_entry_not_exec, "entry in a non-executable segment: ENOEXEC");
	CASE(c_interp_missing, "PT_INTERP names a missing file: ENOENT");
	CASE(c_interp_unterminated, "PT_INTERP without its NUL: ENOEXEC");
	CASE(c_interp_empty, "PT_INTERP empty: ENOEXEC");
	CASE(c_interp_beyond, "PT_INTERP beyond EOF: ENOEXEC");
	CASE(c_interp_huge, "PT_INTERP of 2^40 bytes: ENOEXEC");
	CASE(c_interp_dir, "PT_INTERP names a directory: EACCES");
	CASE(c_two_interps, "two PT_INTERPs: ENOEXEC");
	CASE(c_not_executable, "mode 0644: EACCES");
	CASE(c_directory, "a directory: EACCES");
	CASE(c_missing, "a missing file: ENOENT, ENOTDIR");
	CASE(c_script_missing, "#! a missing interpreter: ENOENT");
	CASE(c_script_loop, "#! itself: ELOOP");
	CASE(c_argv_unmapped, "argv, envp unmapped or in the kernel: EFAULT");
	CASE(c_argv_string_unmapped, "an argv or envp string unmapped: EFAULT");
	CASE(c_argv_unterminated, "argv with no NULL before an unmapped page: EFAULT");
	CASE(c_argv_string_unterminated, "a string running into an unmapped page: EFAULT");
	CASE(c_arg_too_long, "a 200 KiB string: E2BIG");
	CASE(c_args_too_many_bytes, "4 MiB of strings: E2BIG");
	CASE(c_args_too_many_pointers, "600,000 empty strings: E2BIG");
	unlink(DIR "/prog");
	leak_check("adv_exec: no kernel memory lost", before, kmem_usage());
	rmdir(DIR);
	return tap_done();
}
