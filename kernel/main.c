/*
 * kernel/main.c - the kernel's first C function and the boot sequence.
 *
 * boot/boot.asm calls kmain() in 64-bit mode on the boot stack.  kmain
 * brings up the CPU and memory, then moves to a kernel stack with a guard
 * page and continues in kmain_late(), which runs the self-tests named on
 * the command line (ktest=...) or starts init (PID 1) and becomes the
 * idle task.
 */
#include "kernel/bootinfo.h"
#include "kernel/cmdline.h"
#include "drivers/virtio_blk.h"
#include "kernel/exec.h"
#include "fs/vfs.h"
#include "kernel/ktest.h"
#include "kernel/kthread.h"
#include "kernel/panic.h"
#include <vmos/bkl.h>
#include <vmos/printk.h>
#include "kernel/random.h"
#include "kernel/rlimit.h"
#include "kernel/stackprotector.h"
#include "kernel/task.h"
#include "kernel/time.h"
#include "kernel/version.h"
#include <vmos/string.h>
#include "mm/frame.h"
#include "mm/kmalloc.h"
#include "mm/aslr.h"
#include "mm/mm.h"
#include "mm/kstack.h"
#include "mm/paging.h"
#include "mm/vmscan.h"
#include <asm/arch.h>
#include <vmos/lockdep.h>
#include <asm/irq.h>
#include <asm/smp.h>
#include <asm/page_types.h>
#include <asm/pci.h>
#include <asm/segment.h>
#include <asm/thread.h>


struct cmdline kernel_cmdline;
static struct kstack main_stack, ist_stacks[IST_COUNT];

/* The options this kernel understands; anything else is reported. */
static const char *const known_options[] = {
	"ktest",     /* run in-kernel self-tests, then power off */
	"loglevel",  /* messages below it reach the console (8: all) */
	"quiet",     /* loglevel=4: errors only */
	"poweroff",  /* power off once booted (boot-time measurements) */
	"norandmaps", /* no address-space randomization (mm/aslr.c) */
	"vmtrace",    /* log every page fault (mm/fault.c) */
};

#define DEFAULT_INIT "/sbin/init"

/* PID 1's first moment: become the init program (runs on init's stack). */
static void init_task_entry(void *arg)
{
	const struct cmdline *c = arg;
	static const char *const envp[] = { "HOME=/", "TERM=vt100",
					    "PATH=/sbin:/bin:/usr/sbin:/usr/bin",
					    NULL };
	static const char *default_argv[] = { DEFAULT_INIT, NULL };
	const char *const *argv = c->init ? c->init_argv : default_argv;
	int err = kernel_execve(argv[0], argv, envp);

	if (err)
		panic("init: cannot run %s (error %d); is it in the initrd?",
		      argv[0], err);
}

/* The first process: PID 1, with the console as descriptors 0, 1, 2. */
static void start_init(const struct cmdline *c)
{
	struct task *t = task_alloc("init");
	int err = 0;

	if (!t || t->pid != 1)
		panic("start_init: cannot create PID 1");
	t->files = files_alloc();
	t->fs = fs_context_alloc();
	if (!t->files || !t->fs)
		panic("start_init: out of memory");
	for (int fd = 0; fd < 3 && !err; fd++) {
		struct file *f = vfs_open("/dev/console", O_RDWR, 0, &err);

		if (f)
			fd_install(t->files, f, false);
	}
	if (err)
		panic("start_init: cannot open /dev/console (error %d)", err);
	t->pgid = t->sid = t->pid;
	t->sig.altstack.ss_flags = SS_DISABLE;
	rlimit_init_defaults(t->rlimits);
	arch_thread_start(&t->thread, t->kstack.top, init_task_entry, (void *)c);
	sched_add(t);
}

static void check_options(const struct cmdline *c)
{
	for (unsigned i = 0; i < c->nopts; i++) {
		bool known = false;

		for (unsigned k = 0; k < ARRAY_SIZE(known_options); k++)
			if (!strcmp(c->opts[i].key, known_options[k]))
				known = true;
		if (!known)
			pr_warn("cmdline: unknown option '%s' ignored\n",
				c->opts[i].key);
	}
	if (c->dropped)
		pr_warn("cmdline: %u words did not fit and were ignored\n",
			c->dropped);
	if (c->init)
		pr_info("cmdline: init=%s with %u argument(s)\n", c->init,
			c->init_argc - 1);
}

static void print_memory_map(const struct boot_info *bi)
{
	pr_info("Boot loader: %s\n", bi->loader);
	pr_info("Kernel image: %s\n", bi->kernel_path);
	pr_info("Command line: %s\n", bi->cmdline);
	pr_info("Physical memory map:\n");
	for (unsigned i = 0; i < bi->nregions; i++)
		pr_info("  [mem 0x%016lx-0x%016lx] %s\n", bi->regions[i].start,
			bi->regions[i].end - 1,
			boot_mem_type_name(bi->regions[i].type));
	for (unsigned i = 0; i < bi->nmodules; i++)
		pr_info("  module %u: [mem 0x%016lx-0x%016lx] %s\n", i,
			bi->modules[i].start, bi->modules[i].end - 1,
			bi->modules[i].name);
}

static void print_memory_summary(void)
{
	const struct mm_boot_stats *s = &mm_boot_stats;
	u64 total = frames_managed_count() * PAGE_SIZE;

	pr_info("Memory: %lu KiB usable RAM, %lu KiB managed, %lu KiB free "
		"(%lu frames free of %lu)\n",
		s->ram_bytes >> 10, total >> 10,
		(frames_free_count() * PAGE_SIZE) >> 10, frames_free_count(),
		frames_managed_count());
	pr_info("Memory: kernel image %lu KiB, frame table %lu KiB, kernel "
		"page tables %lu KiB\n",
		s->kernel_image_bytes >> 10, s->frame_table_bytes >> 10,
		s->page_table_bytes >> 10);
	pr_info("Memory: frame allocator set up in %lu us (with the kernel "
		"page tables)\n", s->setup_ns / 1000);
	pr_info("MemTotal:       %8lu kB\n", total >> 10);
	pr_info("MemFree:        %8lu kB\n",
		(frames_free_count() * PAGE_SIZE) >> 10);
}

static void print_cpu(void)
{
	const struct cpu_features *f = &cpu_features;

	pr_info("CPU: %s, NX %s, SMEP %s, SMAP %s, global pages %s\n",
		f->vendor, f->nx ? "on" : "absent", f->smep ? "on" : "absent",
		f->smap ? "on" : "absent", f->pge ? "on" : "absent");
}

/* Stacks with guard pages: one for kmain_late, one per IST entry. */
static void setup_stacks(void)
{
	if (kstack_alloc(&main_stack) < 0)
		panic("setup_stacks: no memory for the kernel stack");
	for (int i = 0; i < IST_COUNT; i++) {
		if (kstack_alloc(&ist_stacks[i]) < 0)
			panic("setup_stacks: no memory for IST stack %d", i + 1);
		arch_set_ist_stack(i + 1, ist_stacks[i].top);
	}
	arch_set_kernel_stack(main_stack.top);
}

static __noreturn void kmain_late(void *arg)
{
	const char *tests = cmdline_get(&kernel_cmdline, "ktest");

	(void)arg;
	kernel_lock(); /* this CPU runs the kernel's start (vmos/bkl.h) */
	arch_fpu_init();
	arch_syscall_init();
	time_init();
	smp_init(); /* the other CPUs start, and park (asm/smp.h) */
	irq_use_ioapic(); /* device interrupts through the I/O APIC (asm/irq.h) */
	sched_init(&main_stack);
	arch_irq_enable();
	pr_info("Running on a guarded kernel stack [0x%lx-0x%lx]\n",
		main_stack.bottom, main_stack.top - 1);
	pci_scan();
	virtio_blk_init();
	if (tests)
		arch_power_off(ktest_run(tests));
	if (cmdline_get(&kernel_cmdline, "poweroff")) {
		pr_info("poweroff: boot complete, powering off\n");
		arch_power_off(0);
	}
	vfs_init();
	pr_info("Boot complete. Starting %s as PID 1.\n",
		kernel_cmdline.init ? kernel_cmdline.init : DEFAULT_INIT);
	sched_start_others(); /* every CPU runs tasks from now on */
	start_init(&kernel_cmdline);
	kthread_init(); /* kthreadd: PID 2, as on Linux */
	kswapd_init();
	sched_idle_loop();
}

/* Not stack-protected: kmain is active while the canary changes (it never
 * returns, but a compiler may still check its canary before a tail call). */
__no_stack_protector void kmain(u32 magic, u32 mbi)
{
	arch_early_init();
	lockdep_init(); /* the checked kernel's lock checker, before any lock */
	printk(KERN_NOTICE "%s %s (x86_64): a teaching kernel that shows "
	       "virtual memory for real\n", KERNEL_NAME, KERNEL_VERSION);
	multiboot_parse(magic, mbi, &boot_info);
	random_init();          /* needs cpu_init()'s RDRAND bit */
	stack_protector_init(); /* from here on, canaries are random */
	cmdline_parse(&kernel_cmdline, boot_info.cmdline);
	if (cmdline_get(&kernel_cmdline, "quiet"))
		console_loglevel = CONSOLE_LOGLEVEL_QUIET;
	console_loglevel =
		(int)cmdline_get_uint(&kernel_cmdline, "loglevel", console_loglevel);
	pr_debug("printk: console log level %d: debug messages are shown\n",
		 console_loglevel);
	check_options(&kernel_cmdline);
	if (cmdline_get(&kernel_cmdline, "norandmaps"))
		aslr_set_enabled(false);
	if (cmdline_get(&kernel_cmdline, "vmtrace"))
		vmtrace_all = true;
	print_cpu();
	print_memory_map(&boot_info);
	mm_init(&boot_info);
	print_memory_summary();
	setup_stacks();
	arch_call_on_stack(main_stack.top, kmain_late, NULL);
}
