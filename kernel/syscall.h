/*
 * kernel/syscall.h - the system call table and how handlers are declared.
 *
 * User code puts Linux's call number in rax and up to six arguments in rdi,
 * rsi, rdx, r10, r8, r9, then executes `syscall`.  syscall_dispatch() looks
 * the number up in syscall_table[] and calls the handler; the handler's
 * return value (or -errno) goes back in rax.
 *
 * Handlers are written with their real C types through SYSCALL_DEFINEn,
 * which generates the entry the table calls:
 *
 *	SYSCALL_DEFINE3(read, int, fd, void __user *, buf, size_t, count)
 *	{
 *		...
 *	}
 *
 * defines `long sys_read(const struct syscall_args *)` for the table and a
 * typed function for the body, as Linux does.
 */
#ifndef KERNEL_SYSCALL_H
#define KERNEL_SYSCALL_H

#include <vmos/types.h>
#include <vmos/uaccess.h>

struct syscall_args {
	u64 a[6];
};

typedef long (*syscall_fn)(const struct syscall_args *args);

struct syscall_entry {
	const char *name;
	syscall_fn fn; /* NULL: not implemented, -ENOSYS */
};

#define NR_SYSCALLS 512
extern const struct syscall_entry syscall_table[NR_SYSCALLS];

#define SC_ARG(t, i) ((t)(args->a[i]))

#define SYSCALL_DEFINE0(name)                                           \
	static long do_sys_##name(void);                                \
	long sys_##name(const struct syscall_args *args)                \
	{                                                               \
		(void)args;                                             \
		return do_sys_##name();                                 \
	}                                                               \
	static long do_sys_##name(void)
#define SYSCALL_DEFINE1(name, t1, a1)                                   \
	static long do_sys_##name(t1 a1);                               \
	long sys_##name(const struct syscall_args *args)                \
	{                                                               \
		return do_sys_##name(SC_ARG(t1, 0));                    \
	}                                                               \
	static long do_sys_##name(t1 a1)
#define SYSCALL_DEFINE2(name, t1, a1, t2, a2)                           \
	static long do_sys_##name(t1 a1, t2 a2);                        \
	long sys_##name(const struct syscall_args *args)                \
	{                                                               \
		return do_sys_##name(SC_ARG(t1, 0), SC_ARG(t2, 1));     \
	}                                                               \
	static long do_sys_##name(t1 a1, t2 a2)
#define SYSCALL_DEFINE3(name, t1, a1, t2, a2, t3, a3)                   \
	static long do_sys_##name(t1 a1, t2 a2, t3 a3);                 \
	long sys_##name(const struct syscall_args *args)                \
	{                                                               \
		return do_sys_##name(SC_ARG(t1, 0), SC_ARG(t2, 1),      \
				     SC_ARG(t3, 2));                    \
	}                                                               \
	static long do_sys_##name(t1 a1, t2 a2, t3 a3)
#define SYSCALL_DEFINE4(name, t1, a1, t2, a2, t3, a3, t4, a4)           \
	static long do_sys_##name(t1 a1, t2 a2, t3 a3, t4 a4);          \
	long sys_##name(const struct syscall_args *args)                \
	{                                                               \
		return do_sys_##name(SC_ARG(t1, 0), SC_ARG(t2, 1),      \
				     SC_ARG(t3, 2), SC_ARG(t4, 3));     \
	}                                                               \
	static long do_sys_##name(t1 a1, t2 a2, t3 a3, t4 a4)
#define SYSCALL_DEFINE5(name, t1, a1, t2, a2, t3, a3, t4, a4, t5, a5)   \
	static long do_sys_##name(t1 a1, t2 a2, t3 a3, t4 a4, t5 a5);   \
	long sys_##name(const struct syscall_args *args)                \
	{                                                               \
		return do_sys_##name(SC_ARG(t1, 0), SC_ARG(t2, 1),      \
				     SC_ARG(t3, 2), SC_ARG(t4, 3),      \
				     SC_ARG(t5, 4));                    \
	}                                                               \
	static long do_sys_##name(t1 a1, t2 a2, t3 a3, t4 a4, t5 a5)
#define SYSCALL_DEFINE6(name, t1, a1, t2, a2, t3, a3, t4, a4, t5, a5, t6, a6) \
	static long do_sys_##name(t1 a1, t2 a2, t3 a3, t4 a4, t5 a5, t6 a6);  \
	long sys_##name(const struct syscall_args *args)                      \
	{                                                                     \
		return do_sys_##name(SC_ARG(t1, 0), SC_ARG(t2, 1),            \
				     SC_ARG(t3, 2), SC_ARG(t4, 3),            \
				     SC_ARG(t5, 4), SC_ARG(t6, 5));           \
	}                                                                     \
	static long do_sys_##name(t1 a1, t2 a2, t3 a3, t4 a4, t5 a5, t6 a6)

#endif
