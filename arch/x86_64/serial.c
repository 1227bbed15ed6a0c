/*
 * arch/x86_64/serial.c - the COM1 UART (16550), the primary console.
 * 115200 baud, 8 data bits, no parity, one stop bit, FIFOs on.
 * Output is polled; input arrives by interrupt (IRQ 4) once
 * serial_rx_enable() is called, and goes to the receiver it names.
 */
#include <asm/arch.h>
#include <asm/cpu.h>
#include <asm/console.h>
#include <asm/irq.h>

#define COM1 0x3F8
#define UART_DATA 0
#define UART_IER 1    /* interrupt enable */
#define UART_FCR 2    /* FIFO control */
#define UART_LCR 3    /* line control */
#define UART_MCR 4    /* modem control */
#define UART_LSR 5    /* line status */
#define LCR_DLAB 0x80 /* divisor latch access */
#define LCR_8N1 0x03
#define LSR_DATA_READY 0x01
#define LSR_THR_EMPTY 0x20
#define IER_RX_AVAILABLE 0x01 /* interrupt when a received byte waits */
#define COM1_IRQ 4

void serial_init(void)
{
	outb(COM1 + UART_IER, 0x00);
	outb(COM1 + UART_LCR, LCR_DLAB);
	outb(COM1 + UART_DATA, 1); /* divisor 1: 115200 baud */
	outb(COM1 + UART_IER, 0);
	outb(COM1 + UART_LCR, LCR_8N1);
	outb(COM1 + UART_FCR, 0xC7); /* enable, clear, 14-byte threshold */
	outb(COM1 + UART_MCR, 0x0B); /* DTR, RTS, OUT2 */
}

void serial_putc(char c)
{
	while (!(inb(COM1 + UART_LSR) & LSR_THR_EMPTY))
		cpu_relax();
	outb(COM1 + UART_DATA, (u8)c);
}

int serial_getc(void)
{
	if (!(inb(COM1 + UART_LSR) & LSR_DATA_READY))
		return -1;
	return inb(COM1 + UART_DATA);
}

static void (*serial_receiver)(char c);

/* IRQ 4: hand every byte waiting in the receive FIFO to the receiver.
 * Reading the data register is what clears the interrupt. */
static void serial_irq(struct trap_frame *tf)
{
	int c;

	(void)tf;
	while ((c = serial_getc()) >= 0)
		if (serial_receiver)
			serial_receiver((char)c);
}

void serial_rx_enable(void (*receive)(char c))
{
	u64 flags = arch_irq_save();

	serial_receiver = receive;
	irq_register(COM1_IRQ, serial_irq);
	outb(COM1 + UART_IER, IER_RX_AVAILABLE);
	serial_irq(NULL); /* bytes typed before now */
	arch_irq_restore(flags);
}
