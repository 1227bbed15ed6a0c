/*
 * tests/fuzz/fuzz_ldisc.c - libFuzzer target for the terminal's line
 * discipline (fs/tty_ldisc.c): every byte a user types, and every
 * termios a program sets with TCSETS, goes through it.
 *
 * Input: a script of operations, each one byte followed by its operands:
 *   0-199   type that byte (so most of the input is typing);
 *   200     read up to the next byte's count of bytes;
 *   201     new termios: the next 4 bytes are c_lflag's low byte, c_iflag's
 *           low byte, VMIN and VTIME; the rest stays Linux's default;
 *   202     flush the input;
 *   203     type the next byte literally (so bytes >= 200 can be typed).
 *
 * Beyond not crashing: the readable count and the edit line never exceed
 * the buffer, a read returns at most what was asked and what
 * ldisc_input_bytes said and takes exactly that many from the count, and
 * a flush leaves nothing readable.
 */
#define FUZZ_NAME "fuzz_ldisc"
#include "tests/fuzz/fuzz.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fs/tty_ldisc.h"


static size_t echoed;

static void echo(void *arg, const char *s, size_t n)
{
	(void)arg;
	(void)s;
	echoed += n;
}

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
	static struct ldisc ld; /* 8 KiB of buffers: not on the stack */
	struct ktermios defaults;
	struct ldisc_result res;
	u8 buf[LDISC_BUF_SIZE + 1];

	ldisc_init(&ld, echo, NULL);
	defaults = ld.termios;
	for (size_t i = 0; i < size; i++) {
		u8 op = data[i];

		if (op < 200 || (op == 203 && i + 1 < size)) {
			if (op == 203)
				op = data[++i];
			memset(&res, 0, sizeof(res));
			ldisc_receive(&ld, op, &res);
			CHECK(res.signal >= 0 && res.signal < 65);
		} else if (op == 200 && i + 1 < size) {
			size_t want = data[++i], before = ldisc_input_bytes(&ld);
			size_t got = ldisc_read(&ld, buf, want);

			CHECK(got <= want && got <= before);
			CHECK(ldisc_input_bytes(&ld) == before - got);
		} else if (op == 201 && i + 4 < size) {
			struct ktermios t = defaults;

			t.c_lflag = (t.c_lflag & ~0xffu) | data[i + 1];
			t.c_iflag = (t.c_iflag & ~0xffu) | data[i + 2];
			t.c_cc[VMIN] = data[i + 3];
			t.c_cc[VTIME] = data[i + 4];
			i += 4;
			ldisc_set_termios(&ld, &t);
		} else if (op == 202) {
			ldisc_flush_input(&ld);
			CHECK(ldisc_input_bytes(&ld) == 0);
		}
		CHECK(ldisc_input_bytes(&ld) <= LDISC_BUF_SIZE);
		CHECK(ld.edit_len <= LDISC_BUF_SIZE);
	}
	return 0;
}
