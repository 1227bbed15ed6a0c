/*
 * tests/fuzz/fuzz_elf.c - libFuzzer target for elf_parse (kernel/elf.c).
 *
 * libFuzzer hands each input in a buffer of exactly its size, so
 * AddressSanitizer catches any read past the file.  Beyond not crashing,
 * every answer must keep elf.h's promises: a refusal has a reason that
 * was not cut short, and an accepted file is safe for the loader to map.
 */
#define FUZZ_NAME "fuzz_elf"
#include "tests/fuzz/fuzz.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kernel/elf.h"
#include <vmos/errno.h>


/* check_segment - load k of an accepted file of size bytes. */
static void check_segment(const struct elf_info *in, unsigned k, u64 size)
{
	const struct elf_segment *s = &in->load[k];

	CHECK(s->memsz > 0 && s->filesz <= s->memsz);
	CHECK(s->offset <= size && s->filesz <= size - s->offset);
	CHECK(s->vaddr < ELF_USER_TOP && s->memsz <= ELF_USER_TOP - s->vaddr);
	CHECK(s->vaddr % PAGE_SIZE == s->offset % PAGE_SIZE);
	CHECK((s->flags & (PF_W | PF_X)) != (PF_W | PF_X));
	CHECK((s->align & (s->align - 1)) == 0);
	CHECK(in->type == ET_DYN || s->vaddr >= ELF_EXEC_MIN_VADDR);
	if (k > 0) /* sorted, bytes disjoint */
		CHECK(s->vaddr >= in->load[k - 1].vaddr + in->load[k - 1].memsz);
}

/* check_accepted - what exec relies on when elf_parse returned 0. */
static void check_accepted(const u8 *file, u64 size, const struct elf_info *in)
{
	bool entry_ok = false, phdr_ok = in->phdr_vaddr == 0;

	CHECK(in->error[0] == '\0');
	CHECK(in->type == ET_EXEC || in->type == ET_DYN);
	CHECK(in->nload >= 1 && in->nload <= ELF_MAX_LOADS);
	for (unsigned k = 0; k < in->nload; k++) {
		const struct elf_segment *s = &in->load[k];

		check_segment(in, k, size);
		if ((s->flags & PF_X) && in->entry - s->vaddr < s->memsz)
			entry_ok = true;
		if (in->phdr_vaddr - s->vaddr < s->memsz)
			phdr_ok = true;
	}
	CHECK(entry_ok);
	CHECK(phdr_ok);
	CHECK(in->span_start % PAGE_SIZE == 0 && in->span_end % PAGE_SIZE == 0);
	CHECK(in->span_start <= in->load[0].vaddr);
	CHECK(in->span_end <= ELF_USER_TOP);
	CHECK(in->type == ET_EXEC ||
	      in->span_end - in->span_start <= ELF_DYN_MAX_SPAN);
	if (in->has_interp) {
		CHECK(in->interp_len >= 1 && in->interp_len <= ELF_INTERP_MAX);
		CHECK(in->interp_offset < size &&
		      in->interp_len < size - in->interp_offset);
		CHECK(strnlen((const char *)file + in->interp_offset,
			      in->interp_len + 1) == in->interp_len);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct elf_info info;
	int ret = elf_parse(data, size, &info);
	size_t len = strnlen(info.error, sizeof(info.error));

	CHECK(len < sizeof(info.error) - 1); /* no message was cut short */
	if (ret == 0)
		check_accepted(data, size, &info);
	else
		CHECK(ret == -ENOEXEC && len > 0);
	return 0;
}
