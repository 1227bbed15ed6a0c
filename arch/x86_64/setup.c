/*
 * arch/x86_64/setup.c - bringing up the boot CPU, in dependency order.
 */
#include <asm/acpi.h>
#include <asm/arch.h>
#include <asm/console.h>
#include <asm/irq.h>
#include <asm/percpu.h>

void arch_early_init(void)
{
	percpu_init(0); /* GS: the boot CPU's percpu, so current reads NULL */
	arch_console_init(); /* printk works from here on */
	cpu_init();
	acpi_init(); /* reads the firmware's tables through the boot page tables */
	gdt_init();
	idt_init();
	pic_init();
	timer_init(); /* interrupts stay off until kmain enables them */
}
