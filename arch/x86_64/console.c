/*
 * arch/x86_64/console.c - where kernel messages go: serial first, VGA too.
 */
#include <asm/console.h>

void arch_console_init(void)
{
	serial_init();
	vga_init();
}

void arch_console_write(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '\n')
			serial_putc('\r');
		serial_putc(s[i]);
		vga_putc(s[i]);
	}
}
