/*
 * fs/tty_ldisc.c - the terminal line discipline (see tty_ldisc.h).
 */
#include "fs/tty_ldisc.h"
#include "kernel/signal.h"
#include <vmos/string.h>

#define CTRL(c) ((c) & 0x1f) /* ^C is CTRL('C') */
#define ASCII_DEL 0x7f
#define CTRL_ECHO_FLIP 0x40  /* ^A is echoed as '^' and 'A' = 0x01 ^ 0x40 */
#define ASCII_STRIP 0x7f     /* ISTRIP keeps 7 bits */

/* Linux's defaults (INIT_C_CC, tty_std_termios). */
static const struct ktermios default_termios = {
	.c_iflag = ICRNL | IXON,
	.c_oflag = OPOST | ONLCR,
	.c_cflag = B38400 | CS8 | CREAD | HUPCL,
	.c_lflag = ISIG | ICANON | ECHO | ECHOE | ECHOK | ECHOCTL | ECHOKE | IEXTEN,
	.c_cc = {
		[VINTR] = CTRL('C'), [VQUIT] = CTRL('\\'), [VERASE] = ASCII_DEL,
		[VKILL] = CTRL('U'), [VEOF] = CTRL('D'), [VTIME] = 0,
		[VMIN] = 1, [VSTART] = CTRL('Q'), [VSTOP] = CTRL('S'),
		[VSUSP] = CTRL('Z'), [VREPRINT] = CTRL('R'),
		[VDISCARD] = CTRL('O'), [VWERASE] = CTRL('W'),
		[VLNEXT] = CTRL('V'),
	},
};

static bool lflag(const struct ldisc *ld, u32 flag)
{
	return ld->termios.c_lflag & flag;
}

static bool iflag(const struct ldisc *ld, u32 flag)
{
	return ld->termios.c_iflag & flag;
}

/* is_cc - is c the special character cc[idx]?  0 disables one. */
static bool is_cc(const struct ldisc *ld, int idx, u8 c)
{
	return ld->termios.c_cc[idx] && ld->termios.c_cc[idx] == c;
}

static bool is_ctrl(u8 c)
{
	return c < ' ' || c == ASCII_DEL;
}

void ldisc_init(struct ldisc *ld, void (*echo)(void *, const char *, size_t),
		void *echo_arg)
{
	memset(ld, 0, sizeof(*ld));
	ld->termios = default_termios;
	ld->echo = echo;
	ld->echo_arg = echo_arg;
}

static void echo_str(struct ldisc *ld, const char *s, size_t n)
{
	if (ld->echo)
		ld->echo(ld->echo_arg, s, n);
}

/* echo_char - c as the terminal shows it: ^X for control characters
 * with ECHOCTL (but tab and newline as themselves). */
static void echo_char(struct ldisc *ld, u8 c)
{
	if (lflag(ld, ECHOCTL) && is_ctrl(c) && c != '\t' && c != '\n') {
		char s[2] = { '^', (char)(c ^ CTRL_ECHO_FLIP) };

		echo_str(ld, s, sizeof(s));
	} else {
		echo_str(ld, (const char *)&c, 1);
	}
}

/* echo_width - the columns echo_char(c) took. */
static unsigned echo_width(const struct ldisc *ld, u8 c)
{
	return lflag(ld, ECHOCTL) && is_ctrl(c) && c != '\t' && c != '\n' ? 2 : 1;
}

/* ---- the readable ring ---- */

static void ring_put(struct ldisc *ld, u8 c)
{
	ld->ring[(ld->head + ld->count) % LDISC_BUF_SIZE] = c;
	ld->count++;
}

static u8 ring_get(struct ldisc *ld)
{
	u8 c = ld->ring[ld->head];

	ld->head = (ld->head + 1) % LDISC_BUF_SIZE;
	ld->count--;
	return c;
}

/* room - can n more bytes be typed (into the edit line or the ring)? */
static bool room(const struct ldisc *ld, u32 n)
{
	return ld->edit_len + ld->count + n <= LDISC_BUF_SIZE;
}

/* complete_line - the edit line becomes readable (as one line). */
static void complete_line(struct ldisc *ld, struct ldisc_result *res)
{
	if (ld->lines_count == LDISC_MAX_LINES) {
		ld->edit_len = 0; /* nobody reads: drop it, as n_tty would */
		return;
	}
	for (u32 i = 0; i < ld->edit_len; i++)
		ring_put(ld, ld->edit[i]);
	ld->lines[(ld->lines_head + ld->lines_count) % LDISC_MAX_LINES] =
		(u16)ld->edit_len;
	ld->lines_count++;
	ld->edit_len = 0;
	res->wake = true;
}

/* ---- editing ---- */

/* erase_last - remove the last byte of the edit line, and from the screen. */
static void erase_last(struct ldisc *ld)
{
	u8 c;

	if (!ld->edit_len)
		return;
	c = ld->edit[--ld->edit_len];
	if (!lflag(ld, ECHO))
		return;
	if (lflag(ld, ECHOE)) {
		for (unsigned w = echo_width(ld, c); w; w--)
			echo_str(ld, "\b \b", 3);
	} else {
		echo_char(ld, ld->termios.c_cc[VERASE]);
	}
}

static bool is_space(u8 c)
{
	return c == ' ' || c == '\t';
}

/* erase_word - ^W: the spaces before the cursor, then the word. */
static void erase_word(struct ldisc *ld)
{
	while (ld->edit_len && is_space(ld->edit[ld->edit_len - 1]))
		erase_last(ld);
	while (ld->edit_len && !is_space(ld->edit[ld->edit_len - 1]))
		erase_last(ld);
}

/* kill_line - ^U: the whole edit line. */
static void kill_line(struct ldisc *ld)
{
	if (lflag(ld, ECHO) && lflag(ld, ECHOE) && lflag(ld, ECHOKE)) {
		while (ld->edit_len)
			erase_last(ld);
		return;
	}
	ld->edit_len = 0;
	if (lflag(ld, ECHO)) {
		echo_char(ld, ld->termios.c_cc[VKILL]);
		if (lflag(ld, ECHOK))
			echo_str(ld, "\n", 1);
	}
}

/* reprint - ^R: show the edit line again on a new line. */
static void reprint(struct ldisc *ld)
{
	if (!lflag(ld, ECHO))
		return;
	echo_char(ld, ld->termios.c_cc[VREPRINT]);
	echo_str(ld, "\n", 1);
	for (u32 i = 0; i < ld->edit_len; i++)
		echo_char(ld, ld->edit[i]);
}

/* add_char - an ordinary byte for the edit line (canonical mode). */
static void add_char(struct ldisc *ld, u8 c)
{
	if (!room(ld, 2)) /* keep one byte for the newline that ends it */
		return;
	ld->edit[ld->edit_len++] = c;
	if (lflag(ld, ECHO))
		echo_char(ld, c);
}

/* end_line - newline, EOL or EOL2: the byte ends the line (and is in it). */
static void end_line(struct ldisc *ld, u8 c, struct ldisc_result *res)
{
	if (!room(ld, 1))
		return;
	ld->edit[ld->edit_len++] = c;
	if (lflag(ld, ECHO) || (c == '\n' && lflag(ld, ECHONL)))
		echo_char(ld, c);
	complete_line(ld, res);
}

/* canonical - a byte in canonical mode (after signals and mapping). */
static void canonical(struct ldisc *ld, u8 c, struct ldisc_result *res)
{
	if (is_cc(ld, VERASE, c) || c == '\b')
		erase_last(ld);
	else if (lflag(ld, IEXTEN) && is_cc(ld, VWERASE, c))
		erase_word(ld);
	else if (is_cc(ld, VKILL, c))
		kill_line(ld);
	else if (lflag(ld, IEXTEN) && is_cc(ld, VREPRINT, c))
		reprint(ld);
	else if (is_cc(ld, VEOF, c))
		complete_line(ld, res); /* empty: end of file */
	else if (c == '\n' || is_cc(ld, VEOL, c) || is_cc(ld, VEOL2, c))
		end_line(ld, c, res);
	else
		add_char(ld, c);
}

/* raw - a byte in non-canonical mode: readable at once. */
static void raw(struct ldisc *ld, u8 c, struct ldisc_result *res)
{
	if (!room(ld, 1))
		return;
	ring_put(ld, c);
	if (lflag(ld, ECHO))
		echo_char(ld, c);
	res->wake = true;
}

/* map_input - ISTRIP, IGNCR, ICRNL, INLCR; false: drop the byte. */
static bool map_input(const struct ldisc *ld, u8 *c)
{
	if (iflag(ld, ISTRIP))
		*c &= ASCII_STRIP;
	if (*c == '\r') {
		if (iflag(ld, IGNCR))
			return false;
		if (iflag(ld, ICRNL))
			*c = '\n';
	} else if (*c == '\n' && iflag(ld, INLCR)) {
		*c = '\r';
	}
	return true;
}

/* signal_char - ^C, ^\ or ^Z with ISIG: flush, echo, and name the signal
 * (SIGINT, SIGQUIT, SIGTSTP). */
static bool signal_char(struct ldisc *ld, u8 c, struct ldisc_result *res)
{
	int sig = 0;

	if (is_cc(ld, VINTR, c))
		sig = SIGINT;
	else if (is_cc(ld, VQUIT, c))
		sig = SIGQUIT;
	else if (is_cc(ld, VSUSP, c))
		sig = SIGTSTP;
	if (!sig)
		return false;
	if (!lflag(ld, NOFLSH))
		ldisc_flush_input(ld);
	if (lflag(ld, ECHO))
		echo_char(ld, c);
	res->signal = sig;
	res->wake = true;
	return true;
}

void ldisc_receive(struct ldisc *ld, u8 c, struct ldisc_result *res)
{
	res->signal = 0;
	res->wake = false;
	if (ld->lnext) { /* after ^V: no special meaning at all */
		ld->lnext = false;
		if (lflag(ld, ECHO) && lflag(ld, ECHOCTL))
			echo_str(ld, "\b", 1); /* over the '^' shown for ^V */
		if (lflag(ld, ICANON))
			add_char(ld, c);
		else
			raw(ld, c, res);
		return;
	}
	if (!map_input(ld, &c))
		return;
	if (lflag(ld, ISIG) && signal_char(ld, c, res))
		return;
	if (iflag(ld, IXON) && (is_cc(ld, VSTART, c) || is_cc(ld, VSTOP, c)))
		return; /* flow control: output is never stopped here */
	if (lflag(ld, IEXTEN) && is_cc(ld, VLNEXT, c)) {
		ld->lnext = true;
		if (lflag(ld, ECHO) && lflag(ld, ECHOCTL))
			echo_str(ld, "^", 1);
		return;
	}
	if (lflag(ld, ICANON))
		canonical(ld, c, res);
	else
		raw(ld, c, res);
}

/* ---- reading ---- */

bool ldisc_read_ready(const struct ldisc *ld, size_t n)
{
	u32 min = ld->termios.c_cc[VMIN];

	if (lflag(ld, ICANON))
		return ld->lines_count > 0;
	return ld->count >= MIN((size_t)min, n);
}

bool ldisc_has_input(const struct ldisc *ld)
{
	return lflag(ld, ICANON) ? ld->lines_count > 0 : ld->count > 0;
}

size_t ldisc_read(struct ldisc *ld, u8 *dst, size_t n)
{
	size_t done = 0;

	if (!lflag(ld, ICANON)) {
		while (done < n && ld->count)
			dst[done++] = ring_get(ld);
		return done;
	}
	if (!ld->lines_count)
		return 0;
	while (done < n && ld->lines[ld->lines_head]) {
		dst[done++] = ring_get(ld);
		ld->lines[ld->lines_head]--;
	}
	if (!ld->lines[ld->lines_head]) { /* the line (or the EOF) is used up */
		ld->lines_head = (ld->lines_head + 1) % LDISC_MAX_LINES;
		ld->lines_count--;
	}
	return done;
}

u32 ldisc_input_bytes(const struct ldisc *ld)
{
	return ld->count;
}

void ldisc_flush_input(struct ldisc *ld)
{
	ld->edit_len = 0;
	ld->head = ld->count = 0;
	ld->lines_head = ld->lines_count = 0;
	ld->lnext = false;
}

void ldisc_set_termios(struct ldisc *ld, const struct ktermios *t)
{
	bool was_canon = lflag(ld, ICANON);

	ld->termios = *t;
	if (was_canon && !lflag(ld, ICANON)) {
		/* The edit line joins the readable bytes; lines no longer count. */
		for (u32 i = 0; i < ld->edit_len; i++)
			ring_put(ld, ld->edit[i]);
		ld->edit_len = 0;
		ld->lines_head = ld->lines_count = 0;
	} else if (!was_canon && lflag(ld, ICANON) && ld->count) {
		/* Bytes typed in raw mode become one line. */
		ld->lines_head = 0;
		ld->lines[0] = (u16)ld->count;
		ld->lines_count = 1;
	}
}
