/*
 * arch/x86_64/vga.c - the VGA text screen (80x25 at physical 0xB8000),
 * a mirror of the serial console for a QEMU window.
 */
#include <asm/console.h>
#include <asm/cpu.h>
#include <asm/page.h>

#define VGA_PHYS 0xB8000
#define VGA_COLS 80
#define VGA_ROWS 25
#define VGA_ATTR 0x07 /* light grey on black */
#define CRTC_INDEX 0x3D4
#define CRTC_DATA 0x3D5

static volatile u16 *screen;
static unsigned row, col;

static void move_cursor(void)
{
	u16 pos = (u16)(row * VGA_COLS + col);

	outb(CRTC_INDEX, 0x0F);
	outb(CRTC_DATA, pos & 0xff);
	outb(CRTC_INDEX, 0x0E);
	outb(CRTC_DATA, pos >> 8);
}

void vga_init(void)
{
	screen = phys_to_virt(VGA_PHYS);
	for (unsigned i = 0; i < VGA_COLS * VGA_ROWS; i++)
		screen[i] = (VGA_ATTR << 8) | ' ';
	row = col = 0;
	move_cursor();
}

static void scroll(void)
{
	for (unsigned i = 0; i < VGA_COLS * (VGA_ROWS - 1); i++)
		screen[i] = screen[i + VGA_COLS];
	for (unsigned i = 0; i < VGA_COLS; i++)
		screen[(VGA_ROWS - 1) * VGA_COLS + i] = (VGA_ATTR << 8) | ' ';
	row = VGA_ROWS - 1;
}

void vga_putc(char c)
{
	if (!screen)
		return;
	if (c == '\n') {
		col = 0;
		row++;
	} else if (c == '\r') {
		col = 0;
	} else if (c == '\b') {
		if (col)
			col--;
	} else {
		screen[row * VGA_COLS + col] = (VGA_ATTR << 8) | (u8)c;
		if (++col == VGA_COLS) {
			col = 0;
			row++;
		}
	}
	if (row == VGA_ROWS)
		scroll();
	move_cursor();
}
