/*
 * include/vmos/uaccess.h - crossing the user/kernel boundary.
 *
 * Every pointer a system call receives from user space is untrusted: it may
 * be NULL, point into the kernel half, be non-canonical, wrap around, or
 * straddle into an unmapped or read-only page.  These functions are the
 * only kernel code that touches user memory (with SMAP on, the CPU enforces
 * that): they check the range, copy, and turn any fault into -EFAULT.
 * A bad pointer never panics the kernel.
 */
#ifndef KERNEL_UACCESS_H
#define KERNEL_UACCESS_H

#include <vmos/types.h>
#include <asm/page_types.h>

#define __user /* marks a user-space pointer (documentation only) */

/* access_ok - [p, p + n) lies wholly in the user half (n may be 0). */
static inline bool access_ok(const void __user *p, size_t n)
{
	u64 a = (u64)(uintptr_t)p;

	return a <= USER_SPACE_END && n <= USER_SPACE_END - a;
}

/* copy_from_user / copy_to_user - 0, or -EFAULT (and nothing is promised
 * about how much of dst was written). */
int copy_from_user(void *dst, const void __user *src, size_t n);
int copy_to_user(void __user *dst, const void *src, size_t n);
/* clear_user - zero n bytes of user memory: 0 or -EFAULT. */
int clear_user(void __user *dst, size_t n);

/*
 * strncpy_from_user - copy a NUL-terminated string of at most max-1
 * characters into dst (max bytes). Returns its length, -EFAULT, or
 * -ENAMETOOLONG if no NUL comes within max bytes.
 */
long strncpy_from_user(char *dst, const char __user *src, size_t max);

/* get_user_u64 / put_user_u64 - one word: 0 or -EFAULT. */
int get_user_u64(u64 *v, const void __user *p);
int put_user_u64(void __user *p, u64 v);

#endif
