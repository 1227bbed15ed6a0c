/*
 * arch/x86_64/timer.c - the clock: the PIT ticks TIMER_HZ times a second
 * (IRQ 0), and the TSC gives nanosecond time stamps.
 *
 * Time since boot is a straight line in the TSC,
 *
 *	ns = base_ns + (tsc - base_tsc) * mult / 2^32,
 *
 * and only its slope (mult, nanoseconds per cycle in 32.32 fixed point)
 * is ever changed, at the current point: the clock never jumps, never
 * goes backwards.
 *
 * The slope comes from three places (docs/time.md):
 *   1. at boot, the TSC's frequency from CPUID (leaf 0x15, or the
 *      hypervisor's leaf 0x40000010) when the CPU reports one and it agrees
 *      with the PIT (tsc_hz_from_cpuid);
 *   2. otherwise the PIT: the TSC against PIT channel 2 counting down over
 *      PIT_WINDOW_MS, each end read so that it is bracketed by two TSC
 *      reads; a vCPU descheduled by a busy host widens the bracket, and
 *      such a reading is thrown away, never believed (pit_calibrate_once);
 *      the median of PIT_RUNS runs (tsc_hz_from_pit);
 *   3. after boot, the RTC: the moments its seconds register changes,
 *      caught by the tick (each bracketed by the previous poll), over
 *      windows growing from 8 s to 17 min; each sets the slope to the
 *      measured rate, leaning slightly so the clock's phase converges on
 *      the RTC's (clock_refine).
 *
 * Why these references under QEMU TCG: the guest TSC is the host's TSC and
 * the PIT's counter and the RTC are computed from host clocks when read, so
 * a reading is exact whenever the vCPU was not descheduled between its
 * bracketing TSC reads.  Counting timer interrupts is not: QEMU drops PIT
 * ticks that come due while the vCPU does not run.
 */
#include <asm/apic.h>
#include <asm/arch.h>
#include <asm/percpu.h>
#include <asm/cpu.h>
#include <asm/irq.h>
#include <asm/trap.h>
#include <vmos/printk.h>

void sched_tick(bool from_user);
void sched_timer_work(void);

#define PIT_HZ 1193182 /* the PIT's input clock */
#define PIT_CH0 0x40
#define PIT_CH2 0x42
#define PIT_CMD 0x43
#define PIT_CH0_RATE 0x34    /* channel 0, lo/hi byte, mode 2 (rate) */
#define PIT_CH2_ONESHOT 0xB0 /* channel 2, lo/hi byte, mode 0 */
#define PIT_CH2_LATCH 0x80   /* latch channel 2's count */
#define PORT_B 0x61          /* bit 0: channel 2 gate, bit 5: its output */
#define PORT_B_OUT2 0x20
#define PIT_WINDOW_MS 15     /* one calibration run */
#define PIT_RUNS 3           /* runs whose median is taken */
#define PIT_TRIES 12         /* runs tried at most */
#define PIT_SAMPLES 8        /* readings at each end; the best bracket wins */
#define PIT_BRACKET_PPM 200  /* a run is believed if its brackets are below this */
#define CPUID_AGREE_PPM 10000 /* CPUID's frequency is used within 1% of the PIT's */

#define NSEC_PER_SEC 1000000000ull
#define REFINE_FIRST_S 8       /* the first refinement window */
#define REFINE_MAX_GAP_S 1024  /* windows grow 2x up to this gap */
#define REFINE_BRACKET_TICKS 3 /* an RTC edge is believed within this */
#define REFINE_LEAD_MS 30      /* start polling this early */
#define REFINE_LIMIT_PPM 5000  /* farther from the boot rate: not the same clock */
#define SLEW_MAX_PPM 5000      /* phase correction: at most 0.5% faster/slower */

static volatile u64 ticks;

/* The line: see the top of the file.  Changed only with interrupts off. */
static struct {
	u64 base_tsc, base_ns, mult;
} clk;

/* The refinement's state: the first believed RTC edge and the next. */
static struct {
	bool started, stopped, have_first;
	u8 last_sec;          /* the seconds register at the last poll */
	u64 last_poll_tsc;    /* the TSC then */
	u64 hunt_from_tsc;    /* poll from this TSC on */
	u64 first_tsc, first_ns, first_rtc; /* the first edge */
	u64 gap_s;            /* the next window, seconds after the last edge */
	u64 boot_mult;        /* the slope from boot calibration */
} refine;


/* Changed by CPU 0's tick while other CPUs read the clock: a reader
 * retries if the count was odd (a change under way) or moved meanwhile
 * (Linux's seqcount). */
static u32 clk_seq;

static void clk_write_begin(void)
{
	__atomic_store_n(&clk_seq, clk_seq + 1, __ATOMIC_RELAXED);
	__atomic_thread_fence(__ATOMIC_RELEASE);
}

static void clk_write_end(void)
{
	__atomic_store_n(&clk_seq, clk_seq + 1, __ATOMIC_RELEASE);
}

/* ns at TSC value tsc (interrupts off).  Another CPU's TSC may read a
 * hair behind the base CPU 0 just took: that is the base's time. */
static u64 clock_at(u64 tsc)
{
	if (tsc < clk.base_tsc)
		return clk.base_ns;
	return clk.base_ns +
	       (u64)(((unsigned __int128)(tsc - clk.base_tsc) * clk.mult) >> 32);
}

/* clock_set_mult - a new slope from tsc on (interrupts off): the line
 * bends at its current point, so the clock is continuous. */
static void clock_set_mult(u64 tsc, u64 mult)
{
	u64 ns = clock_at(tsc);

	clk_write_begin();
	clk.base_ns = ns;
	clk.base_tsc = tsc;
	clk.mult = mult;
	clk_write_end();
}

/* 32.32 nanoseconds per cycle at hz cycles a second, and back (the
 * kernel has no 128-bit division: 10^9 << 32 still fits in 64 bits). */
static u64 mult_from_hz(u64 hz)
{
	return (NSEC_PER_SEC << 32) / hz;
}

static u64 hz_from_mult(u64 mult)
{
	return (NSEC_PER_SEC << 32) / mult;
}

/* The TSC cycles in ms milliseconds, at the current slope. */
static u64 cycles_in_ms(u64 ms)
{
	return ms * (hz_from_mult(clk.mult) / 1000);
}

/* ---- boot calibration ---- */

/* One reading of PIT channel 2: its count, and the TSC around the latch.
 * Returns the bracket (cycles between the two TSC reads). */
static u64 pit_sample(u64 *tsc, u16 *count)
{
	u64 t0 = rdtsc(), t1;
	u8 lo, hi;

	outb(PIT_CMD, PIT_CH2_LATCH);
	t1 = rdtsc();
	lo = inb(PIT_CH2);
	hi = inb(PIT_CH2);
	*count = (u16)(lo | hi << 8);
	*tsc = t0 + (t1 - t0) / 2;
	return t1 - t0;
}

/* The reading with the narrowest bracket of PIT_SAMPLES. */
static u64 pit_best_sample(u64 *tsc, u16 *count)
{
	u64 best = ~0ull, t, br;
	u16 c;

	for (int i = 0; i < PIT_SAMPLES; i++) {
		br = pit_sample(&t, &c);
		if (br < best) {
			best = br;
			*tsc = t;
			*count = c;
		}
	}
	return best;
}

/*
 * pit_calibrate_once - TSC cycles per second over one PIT_WINDOW_MS run of
 * channel 2 (mode 0, counting down from 0xffff: 55 ms before it wraps), or
 * 0 if the run cannot be believed: the counter ran out (the vCPU was away
 * for tens of ms), or an end's bracket is wider than PIT_BRACKET_PPM of
 * the window.
 */
static u64 pit_calibrate_once(void)
{
	const u16 window = PIT_HZ * PIT_WINDOW_MS / 1000;
	u64 t0, t1, br0, br1, cycles;
	u16 c0, c1;

	outb(PORT_B, inb(PORT_B) & ~0x03); /* gate low, speaker off */
	outb(PIT_CMD, PIT_CH2_ONESHOT);
	outb(PIT_CH2, 0xff);
	outb(PIT_CH2, 0xff);
	outb(PORT_B, (inb(PORT_B) & ~0x02) | 0x01); /* gate high: start */
	br0 = pit_best_sample(&t0, &c0);
	do {
		br1 = pit_best_sample(&t1, &c1);
	} while (c0 - c1 < window && c1 <= c0 && !(inb(PORT_B) & PORT_B_OUT2));
	if ((inb(PORT_B) & PORT_B_OUT2) || c1 >= c0)
		return 0;
	cycles = t1 - t0;
	if ((br0 + br1) * 1000000 > cycles * PIT_BRACKET_PPM)
		return 0;
	return cycles * PIT_HZ / (u16)(c0 - c1);
}

/* tsc_hz_from_pit - the median of PIT_RUNS believable runs (of at most
 * PIT_TRIES); 0 if fewer than one run could be believed. */
static u64 tsc_hz_from_pit(int *runs)
{
	u64 hz[PIT_RUNS], v;
	int n = 0;

	for (int i = 0; i < PIT_TRIES && n < PIT_RUNS; i++) {
		v = pit_calibrate_once();
		if (!v)
			continue;
		int j = n++;
		for (; j > 0 && hz[j - 1] > v; j--) /* insertion sort */
			hz[j] = hz[j - 1];
		hz[j] = v;
	}
	*runs = n;
	return n ? hz[n / 2] : 0;
}

/*
 * tsc_hz_from_cpuid - the TSC frequency the CPU states: leaf 0x15 (TSC to
 * crystal ratio times the crystal's Hz), else the hypervisor's timing leaf
 * 0x40000010 (kHz; VMware's convention, also QEMU/KVM's); 0 if neither.
 */
static u64 tsc_hz_from_cpuid(void)
{
	u32 max, a, b, c, d;

	cpuid(0, 0, &max, &b, &c, &d);
	if (max >= 0x15) {
		cpuid(0x15, 0, &a, &b, &c, &d);
		if (a && b && c)
			return (u64)c * b / a;
	}
	cpuid(1, 0, &a, &b, &c, &d);
	if (!(c & (1u << 31))) /* no hypervisor */
		return 0;
	cpuid(0x40000000, 0, &max, &b, &c, &d);
	if (max < 0x40000010 || max > 0x400000ff)
		return 0;
	cpuid(0x40000010, 0, &a, &b, &c, &d);
	return (u64)a * 1000;
}

/* Within ppm of each other? */
static bool agree(u64 x, u64 y, u64 ppm)
{
	u64 diff = x > y ? x - y : y - x;

	return diff * 1000000 <= y * ppm;
}

/* tsc_calibrate - the boot slope (see the top of the file). */
static void tsc_calibrate(void)
{
	int runs;
	u64 pit = tsc_hz_from_pit(&runs), stated = tsc_hz_from_cpuid(), hz;
	const char *from;

	if (stated && (!pit || agree(stated, pit, CPUID_AGREE_PPM))) {
		hz = stated;
		from = "CPUID";
	} else if (pit) {
		hz = pit;
		from = "the PIT";
	} else {
		/* the vCPU never ran PIT_WINDOW_MS undisturbed: a guess,
		 * that the RTC corrects, however far off */
		hz = 1000000000;
		from = "nowhere (a guess)";
	}
	clk.base_tsc = rdtsc();
	clk.mult = mult_from_hz(hz);
	refine.boot_mult = pit || stated ? clk.mult : 0;
	pr_info("clock: TSC at %lu.%06lu MHz from %s (PIT: %lu Hz, %d of %d runs; "
		"CPUID: %lu Hz)\n", hz / 1000000, hz % 1000000, from, pit, runs,
		PIT_RUNS, stated);
}

/* ---- refinement against the RTC ---- */

/*
 * clock_refine_edge - an RTC second began between the last poll and tsc,
 * and the RTC now reads rtc: take the rate between the first edge and this
 * one, and set a slope that runs at that rate while absorbing the phase
 * error (the clock's time since the first edge against the RTC's) over
 * the next window, leaning at most SLEW_MAX_PPM.
 */
static void clock_refine_edge(u64 tsc, u64 rtc)
{
	u64 secs = rtc - refine.first_rtc, now = clock_at(tsc), rate;
	s64 phase, window, ppm;

	if (rtc <= refine.first_rtc) /* the RTC was set back: start again */
		return (void)(refine.have_first = false);
	rate = mult_from_hz((tsc - refine.first_tsc) / secs);
	if (refine.boot_mult && !agree(rate, refine.boot_mult, REFINE_LIMIT_PPM)) {
		pr_warn("clock: the RTC and the TSC disagree by more than %d.%d%% "
			"(-icount?): keeping the boot calibration\n",
			REFINE_LIMIT_PPM / 10000, REFINE_LIMIT_PPM / 1000 % 10);
		refine.stopped = true;
		return;
	}
	/* ahead (< 0) or behind (> 0) the RTC, as a lean over the next window */
	phase = (s64)(refine.first_ns + secs * NSEC_PER_SEC) - (s64)now;
	window = (s64)(refine.gap_s * 2 * NSEC_PER_SEC);
	phase = phase > window ? window : phase < -window ? -window : phase;
	ppm = phase * 1000000 / window;
	ppm = ppm > SLEW_MAX_PPM ? SLEW_MAX_PPM : ppm < -SLEW_MAX_PPM ? -SLEW_MAX_PPM : ppm;
	clock_set_mult(tsc, (u64)((s64)rate + (s64)(rate / 1000000) * ppm));
}

/* clock_refine_poll - from the tick while hunting for an RTC edge: read the
 * RTC's seconds and, on a change whose bracket is narrow enough, use it. */
static void clock_refine_poll(u64 tsc)
{
	u8 sec = arch_rtc_second_register();
	bool changed = refine.started && sec != refine.last_sec;
	bool narrow = tsc - refine.last_poll_tsc <=
		      cycles_in_ms(REFINE_BRACKET_TICKS * 1000 / TIMER_HZ);

	refine.started = true;
	refine.last_sec = sec;
	refine.last_poll_tsc = tsc;
	if (!changed || !narrow)
		return;
	u64 rtc = arch_rtc_seconds();
	if (!refine.have_first) {
		refine.have_first = true;
		refine.first_tsc = tsc;
		refine.first_ns = clock_at(tsc);
		refine.first_rtc = rtc;
		refine.gap_s = REFINE_FIRST_S;
	} else {
		clock_refine_edge(tsc, rtc);
		if (refine.gap_s < REFINE_MAX_GAP_S)
			refine.gap_s *= 2;
	}
	refine.hunt_from_tsc = tsc + cycles_in_ms(refine.gap_s * 1000 - REFINE_LEAD_MS);
	refine.started = false;
}

/* clock_refine - each tick: poll the RTC while an edge is due. */
static void clock_refine(void)
{
	u64 tsc = rdtsc();

	if (refine.stopped || tsc < refine.hunt_from_tsc)
		return;
	clock_refine_poll(tsc);
}

/* The tick: in the interrupt, the clock and the running task's time;
 * deferred, the timers and the sleepers whose time is up. */
static void timer_tick(struct trap_frame *tf)
{
	ticks++;
	clock_refine();
	sched_tick(trap_from_user(tf));
}

/* Another CPU's tick (its local APIC timer): its task's time and turn.
 * The machine's timers and sleepers are CPU 0's tick's work. */
void local_timer_interrupt_ack(struct trap_frame *tf)
{
	lapic_eoi();
	sched_tick(trap_from_user(tf));
}

void arch_tick_start(void)
{
	if (smp_processor_id())
		lapic_timer_start();
}

void arch_tick_stop(void)
{
	if (smp_processor_id())
		lapic_timer_stop();
}

void timer_init(void)
{
	u16 divisor = PIT_HZ / TIMER_HZ;

	tsc_calibrate();
	outb(PIT_CMD, PIT_CH0_RATE);
	outb(PIT_CH0, divisor & 0xff);
	outb(PIT_CH0, divisor >> 8);
	irq_register(IRQ_TIMER, timer_tick, sched_timer_work);
}

u64 arch_clock_ns(void)
{
	u64 flags, ns;
	u32 seq;

	if (!clk.mult)
		return 0;
	flags = arch_irq_save();
	do {
		seq = __atomic_load_n(&clk_seq, __ATOMIC_ACQUIRE);
		ns = clock_at(rdtsc());
		__atomic_thread_fence(__ATOMIC_ACQUIRE);
	} while ((seq & 1) || __atomic_load_n(&clk_seq, __ATOMIC_RELAXED) != seq);
	arch_irq_restore(flags);
	return ns;
}

u64 arch_tsc_hz(void)
{
	return hz_from_mult(clk.mult);
}

u64 arch_ticks(void)
{
	return ticks;
}
