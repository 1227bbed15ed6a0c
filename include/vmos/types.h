/*
 * include/vmos/types.h - the basic types and helper macros every file uses.
 *
 * Only compiler-provided freestanding headers are included, so this file
 * works unchanged in the kernel and in the host unit tests.
 */
#ifndef KERNEL_TYPES_H
#define KERNEL_TYPES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef uint8_t u8;
typedef uint16_t u16;
typedef uint32_t u32;
typedef uint64_t u64;
typedef int8_t s8;
typedef int16_t s16;
typedef int32_t s32;
typedef int64_t s64;

typedef u64 phys_addr_t; /* a physical address */
typedef u64 virt_addr_t; /* a virtual address held as a number */

#define KiB(x) ((u64)(x) << 10)
#define MiB(x) ((u64)(x) << 20)
#define GiB(x) ((u64)(x) << 30)

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define ALIGN_DOWN(x, a) ((x) & ~((__typeof__(x))(a) - 1))
#define ALIGN_UP(x, a) ALIGN_DOWN((x) + (__typeof__(x))(a) - 1, (a))
#define IS_ALIGNED(x, a) (((x) & ((__typeof__(x))(a) - 1)) == 0)
#define MIN(a, b) ((a) < (b) ? (a) : (b))
#define MAX(a, b) ((a) > (b) ? (a) : (b))

#define container_of(ptr, type, member) \
	((type *)((char *)(ptr) - offsetof(type, member)))

#define __packed __attribute__((packed))
#define __noreturn __attribute__((noreturn))
#define __printf(a, b) __attribute__((format(printf, a, b)))
#define __aligned(x) __attribute__((aligned(x)))
/* __noinline - keep a function a real frame (a gdb breakpoint, a backtrace line). */
#define __noinline __attribute__((noinline))
#ifndef __always_inline /* the host's C library has the same one */
#define __always_inline inline __attribute__((always_inline))
#endif
#define __unused __attribute__((unused))
/* __sched - a function that only sleeps or switches tasks: it goes into
 * .sched.text, which /proc/PID/wchan skips to name where a task waits
 * (Linux's __sched, kernel/sched.c in_sched_functions). */
#define __sched __attribute__((section(".sched.text")))
#define likely(x) __builtin_expect(!!(x), 1)
#define unlikely(x) __builtin_expect(!!(x), 0)

#endif
