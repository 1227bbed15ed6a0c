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

/* The bytes received and not yet handed on: the interrupt puts them here
 * (reading the data register is what clears the interrupt, and keeps the
 * UART's 16-byte FIFO from overflowing while the work waits for the
 * kernel lock); serial_rx_work() hands them to the receiver.  One
 * producer (the interrupt, or serial_rx_enable() before the line is on)
 * and one consumer (under the kernel lock): head and tail need no lock.
 * A byte that finds the ring full is dropped, as a full UART drops it. */
#define RX_RING 4096
static struct {
	u8 buf[RX_RING];
	u32 head, tail; /* head: next to write; tail: next to read */
} rx;

static void serial_rx_ack(struct trap_frame *tf)
{
	u32 head = rx.head;
	int c;

	(void)tf;
	while ((c = serial_getc()) >= 0)
		if (head - __atomic_load_n(&rx.tail, __ATOMIC_ACQUIRE) < RX_RING)
			rx.buf[head++ % RX_RING] = (u8)c;
	__atomic_store_n(&rx.head, head, __ATOMIC_RELEASE);
}

/* IRQ 4's deferred work: hand the bytes to the receiver (the line
 * discipline, which wakes readers and sends signals). */
static void serial_rx_work(void)
{
	u32 tail = rx.tail;

	while (tail != __atomic_load_n(&rx.head, __ATOMIC_ACQUIRE)) {
		char c = (char)rx.buf[tail++ % RX_RING];

		__atomic_store_n(&rx.tail, tail, __ATOMIC_RELEASE);
		if (serial_receiver)
			serial_receiver(c);
	}
}

void serial_rx_enable(void (*receive)(char c))
{
	u64 flags = arch_irq_save();

	serial_receiver = receive;
	irq_register(COM1_IRQ, serial_rx_ack, serial_rx_work);
	outb(COM1 + UART_IER, IER_RX_AVAILABLE);
	serial_rx_ack(NULL); /* bytes typed before now */
	serial_rx_work();
	arch_irq_restore(flags);
}
