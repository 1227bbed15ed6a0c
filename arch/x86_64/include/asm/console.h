/*
 * asm/console.h - the console devices (serial COM1 and VGA text).
 */
#ifndef ASM_CONSOLE_H
#define ASM_CONSOLE_H

#include <vmos/types.h>

void serial_init(void);
void serial_putc(char c);
int serial_getc(void); /* a received byte, or -1 when none is waiting */
/*
 * serial_rx_enable - from now on, call receive(c) for every byte COM1
 * receives, from the receive interrupt (IRQ 4, interrupts disabled).
 */
void serial_rx_enable(void (*receive)(char c));
void vga_init(void);
void vga_putc(char c);

/* arch_console_init - bring up serial and VGA; printk works after this. */
void arch_console_init(void);
/* arch_console_write - n bytes to every console ('\n' becomes CR LF on serial). */
void arch_console_write(const char *s, size_t n);

#endif
