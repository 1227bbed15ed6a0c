/*
 * mm/uaccess.c - checked copies between user and kernel memory (see
 * include/vmos/uaccess.h).  The range check happens here; the copy itself is in
 * arch (uaccess.asm), where a fault becomes a short count, not a panic.
 */
#include <vmos/uaccess.h>
#include <vmos/errno.h>

u64 arch_copy_user(void *dst, const void *src, u64 n);
u64 arch_clear_user(void *dst, u64 n);

int copy_from_user(void *dst, const void __user *src, size_t n)
{
	if (!access_ok(src, n))
		return -EFAULT;
	return arch_copy_user(dst, src, n) ? -EFAULT : 0;
}

int copy_to_user(void __user *dst, const void *src, size_t n)
{
	if (!access_ok(dst, n))
		return -EFAULT;
	return arch_copy_user(dst, src, n) ? -EFAULT : 0;
}

int clear_user(void __user *dst, size_t n)
{
	if (!access_ok(dst, n))
		return -EFAULT;
	return arch_clear_user(dst, n) ? -EFAULT : 0;
}

long strncpy_from_user(char *dst, const char __user *src, size_t max)
{
	size_t done = 0;

	/* Copy page by page, so that bytes past the terminating NUL are never
	 * read from a page the string does not reach. */
	while (done < max) {
		u64 addr = (u64)(uintptr_t)src + done;
		size_t chunk = MIN(max - done, PAGE_SIZE - (addr & (PAGE_SIZE - 1)));

		if (copy_from_user(dst + done, (const char __user *)addr, chunk))
			return -EFAULT;
		for (size_t i = 0; i < chunk; i++)
			if (dst[done + i] == '\0')
				return (long)(done + i);
		done += chunk;
	}
	return -ENAMETOOLONG;
}

int get_user_u64(u64 *v, const void __user *p)
{
	return copy_from_user(v, p, sizeof(*v));
}

int put_user_u64(void __user *p, u64 v)
{
	return copy_to_user(p, &v, sizeof(v));
}
