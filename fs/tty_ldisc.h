/*
 * fs/tty_ldisc.h - the terminal line discipline: what happens to
 * each typed byte before a program reads it (Linux's n_tty, simplified).
 *
 * In canonical mode (ICANON, the default) bytes collect in an edit
 * buffer: erase (DEL or ^H) removes the last one, ^W the last word, ^U
 * the whole line, ^V takes the next byte literally, ^R retypes the line.
 * Enter (or EOL/EOL2) completes the line and makes it readable; ^D
 * completes it without a newline, and on an empty line is end of file
 * (read returns 0).  A read never returns more than one line.
 *
 * In non-canonical mode (ICANON off: shells with line editing, vi, ...)
 * every byte is readable at once; a read waits for VMIN bytes (or, with
 * VMIN 0, for at most VTIME tenths of a second).
 *
 * With ISIG, ^C and ^\ flush the input and ask the caller to send SIGINT
 * or SIGQUIT to the foreground process group.  Echo (ECHO, ECHOE, ECHOK,
 * ECHOKE, ECHOCTL, ECHONL) goes through ld->echo.  Input mapping: ISTRIP,
 * INLCR, IGNCR, ICRNL (a serial terminal sends CR for Enter).  Not done:
 * output processing (the console always turns "\n" into "\r\n"), flow
 * control (IXON's ^S/^Q are swallowed), job control (^Z is swallowed).
 *
 * Pure code: no locking (tty.c calls it with interrupts disabled, since
 * input arrives in an interrupt handler) and unit-tested on the host.
 */
#ifndef FS_TTY_LDISC_H
#define FS_TTY_LDISC_H

#include <vmos/types.h>

/* struct termios as Linux's x86-64 TCGETS/TCSETS pass it (36 bytes). */
#define NCCS 19
struct ktermios {
	u32 c_iflag;
	u32 c_oflag;
	u32 c_cflag;
	u32 c_lflag;
	u8 c_line;
	u8 c_cc[NCCS];
};

/* c_cc indices */
#define VINTR 0
#define VQUIT 1
#define VERASE 2
#define VKILL 3
#define VEOF 4
#define VTIME 5
#define VMIN 6
#define VSWTC 7
#define VSTART 8
#define VSTOP 9
#define VSUSP 10
#define VEOL 11
#define VREPRINT 12
#define VDISCARD 13
#define VWERASE 14
#define VLNEXT 15
#define VEOL2 16

/* c_iflag */
#define IGNBRK 0000001
#define BRKINT 0000002
#define ISTRIP 0000040
#define INLCR 0000100
#define IGNCR 0000200
#define ICRNL 0000400
#define IXON 0002000
#define IXANY 0004000
#define IXOFF 0010000
#define IMAXBEL 0020000
#define IUTF8 0040000

/* c_oflag */
#define OPOST 0000001
#define ONLCR 0000004

/* c_cflag */
#define B38400 0000017
#define CS8 0000060
#define CREAD 0000200
#define HUPCL 0002000

/* c_lflag */
#define ISIG 0000001
#define ICANON 0000002
#define ECHO 0000010
#define ECHOE 0000020
#define ECHOK 0000040
#define ECHONL 0000100
#define NOFLSH 0000200
#define TOSTOP 0000400
#define ECHOCTL 0001000
#define ECHOPRT 0002000
#define ECHOKE 0004000
#define IEXTEN 0100000

#define LDISC_BUF_SIZE 4096 /* typed bytes held: the edit line plus readable ones */
#define LDISC_MAX_LINES 256 /* completed lines waiting to be read */

struct ldisc {
	struct ktermios termios;
	/* The line being edited (canonical mode): not yet readable. */
	u8 edit[LDISC_BUF_SIZE];
	u32 edit_len;
	/* Readable bytes, a ring: ring[head], ... (count of them). */
	u8 ring[LDISC_BUF_SIZE];
	u32 head, count;
	/* Canonical mode: the lengths of the completed lines in the ring, in
	 * order (they add up to count); a 0 is an end of file. */
	u16 lines[LDISC_MAX_LINES];
	u32 lines_head, lines_count;
	bool lnext; /* ^V was typed: the next byte is taken literally */
	/* Where echoed bytes go (the terminal's output). */
	void (*echo)(void *arg, const char *s, size_t n);
	void *echo_arg;
};

/* What the caller must do after ldisc_receive(). */
struct ldisc_result {
	int signal; /* send this to the foreground process group (0: none) */
	bool wake;  /* readers may be able to read now */
};

/* ldisc_init - Linux's default termios (canonical, echo, ^C...), empty. */
void ldisc_init(struct ldisc *ld, void (*echo)(void *, const char *, size_t),
		void *echo_arg);
/* ldisc_receive - one typed byte. */
void ldisc_receive(struct ldisc *ld, u8 c, struct ldisc_result *res);
/*
 * ldisc_read_ready - would a read of n bytes return now?  Canonical: a
 * completed line (or end of file) is waiting.  Otherwise: MIN(VMIN, n)
 * bytes are (VMIN 0: always).
 */
bool ldisc_read_ready(const struct ldisc *ld, size_t n);
/* ldisc_has_input - is anything readable (for poll)? */
bool ldisc_has_input(const struct ldisc *ld);
/*
 * ldisc_read - take up to n readable bytes into dst: the count (0 at end
 * of file or when nothing is readable).  Canonical: at most one line.
 */
size_t ldisc_read(struct ldisc *ld, u8 *dst, size_t n);
/* ldisc_input_bytes - readable bytes (FIONREAD). */
u32 ldisc_input_bytes(const struct ldisc *ld);
/* ldisc_flush_input - forget the edit line and every readable byte. */
void ldisc_flush_input(struct ldisc *ld);
/* ldisc_set_termios - new settings; switching canonical mode on or off
 * keeps the typed bytes (an edit line becomes readable when it goes off). */
void ldisc_set_termios(struct ldisc *ld, const struct ktermios *t);

#endif
