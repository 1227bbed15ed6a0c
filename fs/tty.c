/*
 * fs/tty.c - the console as a terminal: /dev/console and /dev/tty.
 *
 * Output goes straight to the console (serial and VGA).  Input arrives
 * one byte at a time from the serial receive interrupt, goes through the
 * line discipline (tty_ldisc.c: editing, echo, ^C) and wakes readers.
 *
 * Sessions and process groups follow Linux: a session leader makes the
 * terminal its controlling terminal with TIOCSCTTY (opening /dev/console
 * never does that by itself, so that init's own stdio does not take it);
 * the foreground process group (TIOCSPGRP, tcsetpgrp) receives SIGINT on
 * ^C and SIGQUIT on ^\.  When no session owns the terminal, ^C does
 * nothing, as on Linux.  busybox init gives an inittab entry whose
 * command starts with '-' ("::askfirst:-/bin/sh") the terminal.
 */
#include <vmos/errno.h>
#include "fs/internal.h"
#include "fs/tty_ldisc.h"
#include "kernel/signal.h"
#include "kernel/task.h"
#include "mm/kmalloc.h"
#include <asm/arch.h>
#include <asm/console.h>

/* ioctl numbers (Linux's asm-generic/ioctls.h). */
#define TCGETS 0x5401
#define TCSETS 0x5402
#define TCSETSW 0x5403
#define TCSETSF 0x5404
#define TCSBRK 0x5409
#define TCXONC 0x540A
#define TCFLSH 0x540B
#define TIOCSCTTY 0x540E
#define TIOCGPGRP 0x540F
#define TIOCSPGRP 0x5410
#define TIOCOUTQ 0x5411
#define TIOCGWINSZ 0x5413
#define TIOCSWINSZ 0x5414
#define FIONREAD 0x541B
#define TIOCNOTTY 0x5422
#define TIOCGSID 0x5429
#define TCSBRKP 0x5425
#define TCIFLUSH 0
#define TCIOFLUSH 2

#define TTY_DEV_CTTY MKDEV(5, 0) /* /dev/tty: the caller's controlling tty */
#define TTY_DEV_CONSOLE MKDEV(5, 1)
#define TTY_ROWS 24
#define TTY_COLS 80
#define TTY_WRITE_CHUNK 256
#define NSEC_PER_DECISECOND 100000000ull /* VTIME counts tenths of seconds */

struct winsize {
	u16 ws_row, ws_col, ws_xpixel, ws_ypixel;
};

struct tty {
	struct ldisc ld;
	struct wait_queue read_wait;
	int session; /* whose controlling terminal it is (0: nobody's) */
	int pgrp;    /* the foreground process group */
	struct winsize winsize;
};

static struct tty console_tty;

static void tty_echo(void *arg, const char *s, size_t n)
{
	arch_console_write(s, n);
}

/* signal_pgrp - sig to every process in group pgrp (once per process:
 * to its leader's group, which picks a thread that does not block it). */
static void signal_pgrp(int pgrp, int sig)
{
	if (pgrp <= 0)
		return;
	for (struct task *t = task_first(); t; t = t->all_next)
		if (t->pgid == pgrp && t->pid && thread_group_leader(t))
			send_group_signal(t, sig, NULL);
}

/* session_alive - does any live process still belong to session sid? */
static bool session_alive(int sid)
{
	for (struct task *t = task_first(); t; t = t->all_next)
		if (t->sid == sid && t->state != TASK_ZOMBIE)
			return true;
	return false;
}

/* is_ctty - is tty the controlling terminal of the caller's session?
 * (A session whose processes all exited lets its terminal go.) */
static bool is_ctty(struct tty *tty)
{
	if (tty->session && !session_alive(tty->session))
		tty->session = tty->pgrp = 0;
	return tty->session && tty->session == current->sid;
}

/* tty_receive - a byte from the keyboard, in interrupt context. */
static void tty_receive(char c)
{
	struct tty *tty = &console_tty;
	struct ldisc_result res;

	ldisc_receive(&tty->ld, (u8)c, &res);
	if (res.signal)
		signal_pgrp(tty->pgrp, res.signal);
	if (res.wake) {
		wake_up(&tty->read_wait);
		poll_notify();
	}
}

void tty_init(void)
{
	struct tty *tty = &console_tty;

	ldisc_init(&tty->ld, tty_echo, tty);
	tty->winsize = (struct winsize){ .ws_row = TTY_ROWS, .ws_col = TTY_COLS };
	serial_rx_enable(tty_receive);
}

void tty_of_session(int sid, u32 *tty_nr, int *tpgid)
{
	struct tty *tty = &console_tty;

	if (sid && tty->session == sid) {
		*tty_nr = TTY_DEV_CONSOLE;
		*tpgid = tty->pgrp;
	} else {
		*tty_nr = 0;
		*tpgid = -1;
	}
}

static int tty_open(struct inode *inode, struct file *f)
{
	if (inode->rdev == TTY_DEV_CTTY && !is_ctty(&console_tty))
		return -ENXIO; /* no controlling terminal */
	return 0;
}

/* read_deadline - VMIN 0 and VTIME > 0 in raw mode: when a read gives up
 * (0: no time limit).  VTIME with VMIN > 0 is not supported. */
static u64 read_deadline(const struct ldisc *ld)
{
	const struct ktermios *t = &ld->termios;

	if ((t->c_lflag & ICANON) || t->c_cc[VMIN] || !t->c_cc[VTIME])
		return 0;
	return arch_clock_ns() + t->c_cc[VTIME] * NSEC_PER_DECISECOND;
}

/*
 * take_input - wait until a read of n bytes may return, then take the
 * bytes into buf: their count, -EAGAIN (O_NONBLOCK) or -ERESTARTSYS.
 */
static long take_input(struct tty *tty, struct file *f, u8 *buf, size_t n)
{
	u64 deadline = read_deadline(&tty->ld);
	u64 flags = arch_irq_save();
	long r;

	for (;;) {
		bool ready = deadline ? ldisc_has_input(&tty->ld) ||
						arch_clock_ns() >= deadline
				      : ldisc_read_ready(&tty->ld, n);

		if (ready) {
			r = (long)ldisc_read(&tty->ld, buf, n);
			break;
		}
		if (f->flags & O_NONBLOCK) {
			r = -EAGAIN;
			break;
		}
		r = wait_sleep_deadline(&tty->read_wait, deadline);
		if (r)
			break;
	}
	arch_irq_restore(flags);
	return r;
}

/*
 * tty_check_change - job control for a process that reads its controlling
 * terminal (sig SIGTTIN) or changes it (SIGTTOU) from a background process
 * group, as Linux's __tty_check_change: its group gets sig (which stops it
 * by default) and the call is restarted once it is resumed in the
 * foreground.  If the caller ignores or blocks sig, a change goes ahead
 * and a read fails with EIO; an orphaned group, which nobody would resume,
 * gets EIO too.  0 if the caller may go ahead.
 */
static long tty_check_change(struct tty *tty, int sig)
{
	struct task *t = current;

	if (!is_ctty(tty) || !tty->pgrp || t->pgid == tty->pgrp)
		return 0;
	if (t->sig.action[sig - 1].handler == SIG_IGN ||
	    (t->sig.blocked & sigmask(sig)))
		return sig == SIGTTIN ? -EIO : 0;
	if (pgrp_orphaned(t->pgid, t->sid))
		return -EIO;
	signal_pgrp(t->pgid, sig);
	return -ERESTARTSYS;
}

static long tty_read(struct file *f, struct uio *u, u64 *pos)
{
	size_t n = MIN(u->len, (size_t)LDISC_BUF_SIZE);
	u8 *buf;
	long r;

	r = tty_check_change(&console_tty, SIGTTIN);
	if (r)
		return r;
	if (!n)
		return 0;
	buf = kmalloc(n);
	if (!buf)
		return -ENOMEM;
	r = take_input(&console_tty, f, buf, n);
	if (r > 0)
		r = uio_copy_out(u, buf, (size_t)r);
	kfree(buf);
	return r;
}

static long tty_write(struct file *f, struct uio *u, u64 *pos)
{
	char buf[TTY_WRITE_CHUNK];
	long done = 0;

	while (u->len) {
		long n = uio_copy_in(u, buf, sizeof(buf));

		if (n < 0)
			return done ? done : n;
		arch_console_write(buf, (size_t)n);
		done += n;
	}
	return done;
}

static unsigned tty_poll(struct file *f)
{
	unsigned mask = POLLOUT | POLLWRNORM;

	if (ldisc_has_input(&console_tty.ld))
		mask |= POLLIN | POLLRDNORM;
	return mask;
}

static long set_termios(struct tty *tty, unsigned cmd, u64 arg)
{
	struct ktermios t;
	u64 flags;

	if (copy_from_user(&t, (const void __user *)arg, sizeof(t)))
		return -EFAULT;
	flags = arch_irq_save();
	if (cmd == TCSETSF)
		ldisc_flush_input(&tty->ld);
	ldisc_set_termios(&tty->ld, &t);
	arch_irq_restore(flags);
	wake_up(&tty->read_wait); /* a mode change may make input readable */
	poll_notify();
	return 0;
}

/* TIOCSCTTY: a session leader takes the terminal (arg 1: even from a
 * live session, which root may do). */
static long set_ctty(struct tty *tty, u64 arg)
{
	if (is_ctty(tty))
		return 0;
	if (current->sid != current->pid)
		return -EPERM;
	if (tty->session && arg != 1)
		return -EPERM;
	tty->session = current->sid;
	tty->pgrp = current->pgid;
	return 0;
}

/* TIOCSPGRP: the new foreground group must be one of the caller's session. */
static long set_pgrp(struct tty *tty, u64 arg)
{
	int pgrp;
	long r;

	if (!is_ctty(tty))
		return -ENOTTY;
	r = tty_check_change(tty, SIGTTOU);
	if (r)
		return r;
	if (copy_from_user(&pgrp, (const void __user *)arg, sizeof(pgrp)))
		return -EFAULT;
	if (pgrp < 0)
		return -EINVAL;
	/* A group whose members have all exited but are not reaped yet still
	 * exists (Linux: its pid is found until the zombies are released); a
	 * shell sets a short pipeline's group after it may have ended. */
	for (struct task *t = task_first(); t; t = t->all_next) {
		if (t->pgid == pgrp && !is_kthread(t)) { /* theirs is 0: none */
			if (t->sid != current->sid)
				return -EPERM;
			tty->pgrp = pgrp;
			return 0;
		}
	}
	return -ESRCH;
}

/* TIOCNOTTY: the caller's session lets its terminal go (when the session
 * leader asks; others only lose it for themselves, which we do not track). */
static long give_up_ctty(struct tty *tty)
{
	if (!is_ctty(tty))
		return -ENOTTY;
	if (current->sid == current->pid)
		tty->session = tty->pgrp = 0;
	return 0;
}

static void flush_input(struct tty *tty)
{
	u64 flags = arch_irq_save();

	ldisc_flush_input(&tty->ld);
	arch_irq_restore(flags);
}

static long put_int(u64 arg, int v)
{
	return copy_to_user((void __user *)arg, &v, sizeof(v)) ? -EFAULT : 0;
}

static long set_winsize(struct tty *tty, u64 arg)
{
	struct winsize ws;

	if (copy_from_user(&ws, (const void __user *)arg, sizeof(ws)))
		return -EFAULT;
	if (ws.ws_row != tty->winsize.ws_row || ws.ws_col != tty->winsize.ws_col)
		signal_pgrp(tty->pgrp, SIGWINCH);
	tty->winsize = ws;
	return 0;
}

static long tty_ioctl(struct file *f, unsigned cmd, u64 arg)
{
	struct tty *tty = &console_tty;

	switch (cmd) {
	case TCGETS:
		return copy_to_user((void __user *)arg, &tty->ld.termios,
				    sizeof(tty->ld.termios)) ? -EFAULT : 0;
	case TCSETS:
	case TCSETSW: /* output is written synchronously: nothing to drain */
	case TCSETSF:
		return set_termios(tty, cmd, arg);
	case TIOCGWINSZ:
		return copy_to_user((void __user *)arg, &tty->winsize,
				    sizeof(tty->winsize)) ? -EFAULT : 0;
	case TIOCSWINSZ:
		return set_winsize(tty, arg);
	case TIOCSCTTY:
		return set_ctty(tty, arg);
	case TIOCNOTTY:
		return give_up_ctty(tty);
	case TIOCGPGRP:
		return is_ctty(tty) ? put_int(arg, tty->pgrp) : -ENOTTY;
	case TIOCSPGRP:
		return set_pgrp(tty, arg);
	case TIOCGSID:
		return is_ctty(tty) ? put_int(arg, tty->session) : -ENOTTY;
	case FIONREAD:
		return put_int(arg, (int)ldisc_input_bytes(&tty->ld));
	case TIOCOUTQ:
		return put_int(arg, 0);
	case TCFLSH:
		if (arg == TCIFLUSH || arg == TCIOFLUSH)
			flush_input(tty);
		return 0;
	case TCSBRK:
	case TCSBRKP:
	case TCXONC:
		return 0;
	}
	return -ENOTTY;
}

const struct file_operations tty_fops = {
	.open = tty_open,
	.read = tty_read,
	.write = tty_write,
	.ioctl = tty_ioctl,
	.poll = tty_poll,
	.stream = true,
};
