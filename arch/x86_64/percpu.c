/*
 * arch/x86_64/percpu.c - each CPU's struct percpu (asm/percpu.h).
 */
#include <asm/cpu.h>
#include <asm/percpu.h>
#include <vmos/types.h>

_Static_assert(__builtin_offsetof(struct percpu, kernel_rsp) == PERCPU_KERNEL_RSP,
	       "entry.asm's PERCPU_KERNEL_RSP");
_Static_assert(__builtin_offsetof(struct percpu, user_rsp) == PERCPU_USER_RSP,
	       "entry.asm's PERCPU_USER_RSP");
_Static_assert(__builtin_offsetof(struct percpu, current) == PERCPU_CURRENT,
	       "asm/current.h's PERCPU_CURRENT");

struct percpu percpu[NR_CPUS];

void percpu_init(unsigned cpu)
{
	percpu[cpu].self = &percpu[cpu];
	percpu[cpu].cpu = cpu;
	wrmsr(MSR_GS_BASE, (u64)&percpu[cpu]);
	wrmsr(MSR_KERNEL_GS_BASE, 0);
}
