/*
 * kernel/spinlock.c - what a spinlock needs out of line (vmos/spinlock.h).
 */
#include <vmos/printk.h>
#include <vmos/spinlock.h>

void spin_lock_recursion(const struct spinlock *l)
{
	panic("spin_lock: CPU %u takes %s, which it holds already: it would "
	      "spin forever", smp_processor_id(), l->name);
}
