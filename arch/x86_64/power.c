/*
 * arch/x86_64/power.c - leaving the machine.
 *
 * Under QEMU with "-device isa-debug-exit,iobase=0xf4,iosize=0x04", a write
 * of v to port 0xf4 makes QEMU exit with status 2v+1: that is how the test
 * harness learns the kernel's verdict.  Without that device the write is
 * ignored and we power off through ACPI: S5 sleep (SLP_TYP 0 with SLP_EN)
 * written to the PM1a control register, which the firmware (SeaBIOS) puts
 * at port 0x604 on both QEMU machine types (PIIX4 and ICH9).
 */
#include <asm/arch.h>
#include <asm/cpu.h>

#define DEBUG_EXIT_PORT 0xf4
#define ACPI_PM1A_CNT 0x604
#define ACPI_SLP_EN (1u << 13)

__noreturn void arch_power_off(int status)
{
	arch_irq_disable();
	outl(DEBUG_EXIT_PORT, (u32)status);
	outw(ACPI_PM1A_CNT, ACPI_SLP_EN);
	for (;;)
		asm volatile("hlt");
}
