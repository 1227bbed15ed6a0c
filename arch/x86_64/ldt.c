/*
 * arch/x86_64/ldt.c - modify_ldt(2): a process's own code and data
 * segments, as Linux's arch/x86/kernel/ldt.c.
 *
 * Programs use it for 16- and 32-bit code (DOSEMU, Wine), for a segment
 * with its own base in FS or GS, and Linux's selftests use it for all of
 * these.  The user describes a segment with a struct user_desc; the kernel
 * builds the descriptor itself so that it can never grant more than user
 * mode has: always a code or data segment (S set: no call gates, no system
 * segments), always DPL 3, never a 64-bit code segment (L clear), never a
 * present conforming code segment, the base a 32-bit number.  The CPU
 * enforces the rest (limits, the present bit) with a fault in user mode.
 *
 * No 16-bit segments, as Linux built without CONFIG_X86_16BIT: an iretq
 * to a 16-bit stack segment loads only bits 15..0 of the stack pointer and
 * leaves the kernel's in bits 63..16 (Linux hides them with "espfix", a
 * page-table trick vmos does not have), so the kernel refuses them.
 */
#include <asm/arch.h>
#include <asm/ldt.h>
#include <vmos/errno.h>
#include "kernel/syscall.h"
#include "kernel/task.h"
#include <vmos/uaccess.h>
#include <vmos/string.h>
#include "mm/kmalloc.h"
#include "mm/mm.h"

/* Linux's uapi asm/ldt.h. */
struct user_desc {
	u32 entry_number;
	u32 base_addr;
	u32 limit;
	u32 seg_32bit : 1;
	u32 contents : 2;        /* 0 data, 1 expand-down data, 2 code,
				    3 conforming code */
	u32 read_exec_only : 1;
	u32 limit_in_pages : 1;
	u32 seg_not_present : 1;
	u32 useable : 1;
	u32 lm : 1;              /* ignored: no 64-bit LDT code segments */
};

#define CONTENTS_CODE_CONFORMING 3
#define DEFAULT_LDT_SIZE 128 /* what func 2 reads on x86-64: zeros */

/* Descriptor fields (Intel SDM vol. 3, 3.4.5). */
#define DESC_ACCESSED (1ull << 40) /* set, so the CPU never writes it */
#define DESC_TYPE_SHIFT 40
#define DESC_S (1ull << 44)
#define DESC_DPL3 (3ull << 45)
#define DESC_P (1ull << 47)
#define DESC_AVL (1ull << 52)
#define DESC_DB (1ull << 54)
#define DESC_G (1ull << 55)

/* ldt_empty - does info ask to clear the entry (Linux's LDT_empty)? */
static bool ldt_empty(const struct user_desc *info)
{
	return info->base_addr == 0 && info->limit == 0 && info->contents == 0 &&
	       info->read_exec_only == 1 && info->seg_32bit == 0 &&
	       info->limit_in_pages == 0 && info->seg_not_present == 1 &&
	       info->useable == 0; /* lm is not looked at */
}

/* fill_ldt - the descriptor for info (Linux's fill_ldt): a user segment,
 * DPL 3, accessed, L clear. */
static u64 fill_ldt(const struct user_desc *info)
{
	u64 base = info->base_addr, limit = info->limit;
	u64 type = ((u64)(info->read_exec_only ^ 1) << 1) |
		   ((u64)info->contents << 2);
	u64 d = (limit & 0xffff) | ((base & 0xffffff) << 16) |
		((limit >> 16 & 0xf) << 48) | ((base >> 24 & 0xff) << 56);

	d |= (type << DESC_TYPE_SHIFT) | DESC_ACCESSED | DESC_S | DESC_DPL3;
	if (!info->seg_not_present)
		d |= DESC_P;
	if (info->useable)
		d |= DESC_AVL;
	if (info->seg_32bit)
		d |= DESC_DB;
	if (info->limit_in_pages)
		d |= DESC_G;
	return d;
}

static struct ldt *ldt_alloc(unsigned nr_entries)
{
	struct ldt *ldt = kzalloc(sizeof(*ldt) + nr_entries * LDT_ENTRY_SIZE);

	if (ldt)
		ldt->nr_entries = nr_entries;
	return ldt;
}

struct ldt *ldt_dup(const struct ldt *src)
{
	struct ldt *ldt;

	if (!src)
		return NULL;
	ldt = ldt_alloc(src->nr_entries);
	if (ldt)
		memcpy(ldt->entries, src->entries, src->nr_entries * LDT_ENTRY_SIZE);
	return ldt;
}

void ldt_free(struct ldt *ldt)
{
	if (!ldt)
		return;
	arch_unload_ldt(ldt->entries);
	kfree(ldt);
}

void load_mm_ldt(const struct ldt *ldt)
{
	if (ldt)
		arch_load_ldt(ldt->entries, ldt->nr_entries);
	else
		arch_load_ldt(NULL, 0);
}

/* read_ldt - func 0: the table's bytes, zeros past its end, bytecount
 * (at most the whole 64 KiB table) or 0 with no LDT. */
static long read_ldt(void __user *ptr, u64 bytecount)
{
	const struct ldt *ldt = current->mm->ldt;
	u64 size;
	void *copy;
	long ret = (long)bytecount;

	if (!ldt)
		return 0;
	if (bytecount > (u64)LDT_ENTRY_SIZE * LDT_ENTRIES)
		ret = bytecount = (u64)LDT_ENTRY_SIZE * LDT_ENTRIES;
	size = (u64)ldt->nr_entries * LDT_ENTRY_SIZE;
	if (size > bytecount)
		size = bytecount;
	/* A fault in the copy to user memory may sleep, and another thread
	 * may replace the table meanwhile: copy a snapshot. */
	copy = kmalloc(size ? size : 1);
	if (!copy)
		return -ENOMEM;
	memcpy(copy, ldt->entries, size);
	if (copy_to_user(ptr, copy, size) ||
	    clear_user((u8 __user *)ptr + size, bytecount - size))
		ret = -EFAULT;
	kfree(copy);
	return ret;
}

/* read_default_ldt - func 2: Linux's 128 bytes of zeros. */
static long read_default_ldt(void __user *ptr, u64 bytecount)
{
	if (bytecount > DEFAULT_LDT_SIZE)
		bytecount = DEFAULT_LDT_SIZE;
	if (clear_user(ptr, bytecount))
		return -EFAULT;
	return (long)bytecount;
}

/* install_entry - put desc at index in mm's LDT, growing it: 0 or -ENOMEM. */
static long install_entry(struct mm *mm, unsigned index, u64 desc)
{
	struct ldt *old = mm->ldt, *new;

	if (old && index < old->nr_entries) {
		old->entries[index] = desc;
		return 0;
	}
	new = ldt_alloc(index + 1);
	if (!new)
		return -ENOMEM;
	old = mm->ldt; /* the allocation may have slept */
	if (old && index < old->nr_entries) {
		kfree(new);
		old->entries[index] = desc;
		return 0;
	}
	if (old)
		memcpy(new->entries, old->entries, old->nr_entries * LDT_ENTRY_SIZE);
	new->entries[index] = desc;
	mm->ldt = new;
	load_mm_ldt(new); /* mm is current's; other threads load it on switch */
	ldt_free(old);
	return 0;
}

/* write_ldt - func 1 (oldmode) and 0x11: set one entry, as Linux's. */
static long write_ldt(const void __user *ptr, u64 bytecount, bool oldmode)
{
	struct user_desc info;
	u64 desc = 0;

	if (bytecount != sizeof(info))
		return -EINVAL;
	if (copy_from_user(&info, ptr, sizeof(info)))
		return -EFAULT;
	if (info.entry_number >= LDT_ENTRIES)
		return -EINVAL;
	/* A conforming code segment would run at the caller's privilege
	 * from any ring: only a not-present one (never usable) passes. */
	if (info.contents == CONTENTS_CODE_CONFORMING &&
	    (oldmode || !info.seg_not_present))
		return -EINVAL;
	if (!(oldmode && !info.base_addr && !info.limit) && !ldt_empty(&info)) {
		if (!info.seg_32bit) /* Linux's allow_16bit_segments() */
			return -EINVAL;
		desc = fill_ldt(&info);
		if (oldmode)
			desc &= ~DESC_AVL;
	}
	return install_entry(current->mm, info.entry_number, desc);
}

/*
 * modify_ldt(func, ptr, bytecount): 0 reads the LDT, 1 and 0x11 write an
 * entry (struct user_desc), 2 reads the default LDT; anything else is
 * -ENOSYS.  Linux returns the result as an int zero-extended to 64 bits
 * (so an error is 0xffffffea, not -22, in rax); so do we.
 */
SYSCALL_DEFINE3(modify_ldt, int, func, void __user *, ptr, u64, bytecount)
{
	long ret = -ENOSYS;

	if (!current->mm)
		return -EINVAL;
	switch (func) {
	case 0:
		ret = read_ldt(ptr, bytecount);
		break;
	case 1:
		ret = write_ldt(ptr, bytecount, true);
		break;
	case 2:
		ret = read_default_ldt(ptr, bytecount);
		break;
	case 0x11:
		ret = write_ldt(ptr, bytecount, false);
		break;
	}
	return (long)(u32)ret;
}
