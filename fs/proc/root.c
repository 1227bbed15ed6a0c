/*
 * fs/proc/root.c - the top-level and kernel-wide files of /proc: memory
 * (meminfo, kmem, vmstat, zoneinfo, swaps), time and load (uptime, stat,
 * loadavg), the system (version, cpuinfo, mounts, filesystems),
 * /proc/sysvipc and /proc/net, and the tables of those directories.
 */
#include <asm/percpu.h>
#include <asm/smp.h>
#include <asm/tlb.h>
#include "fs/proc/internal.h"
#include "net/net.h"
#include "ipc/shm.h"
#include "kernel/version.h"
#include "mm/fault.h"
#include "mm/frame.h"
#include "mm/kmalloc.h"
#include "mm/mm.h"
#include "mm/oom.h"
#include "mm/rmap.h"
#include "mm/shmem.h"
#include "mm/swap_state.h"
#include "mm/swapfile.h"
#include "mm/vmscan.h"

#define NSEC_PER_CENTISEC 10000000ul

/* ---- generated text: the top level ---- */

static bool mm_counted_before(const struct task *t, const struct mm *mm);

/* The entries that map a frame, in all address spaces: what the reverse
 * map's counts must add up to (rmap_mapcount). */
static u64 mapped_entries(void)
{
	u64 n = 0;

	for (struct task *t = task_first(); t; t = t->all_next)
		if (t->mm && !mm_counted_before(t, t->mm))
			n += t->mm->rss;
	return n;
}

/*
 * /proc/kmem: the kernel's own memory accounting, for leak checks.  Free
 * frames alone move with slab fragmentation (which processes ran in which
 * order); what must come back exactly after a test is the frames in use
 * outside kmalloc's slabs and the number of live kmalloc objects, less
 * the page tables of the kernel-stack area (a high-water mark: more tasks
 * alive at once than ever before add one, and it stays) and the reverse
 * map's frames (they follow the mappings; rmap_mapcount, the sum over
 * every frame of the mappings the reverse map records, must equal
 * mapped_entries).
 */
static void show_kmem(struct task *t, struct pbuf *b)
{
	struct kmalloc_stats ks;
	u64 objects = 0, managed = frames_managed_count(), free = frames_free_count();

	(void)t;
	kmalloc_get_stats(&ks);
	for (unsigned c = 0; c < KMALLOC_CLASSES; c++)
		objects += ks.objects[c];
	pbuf_printf(b, "frames_managed %lu\n", managed);
	pbuf_printf(b, "frames_free %lu\n", free);
	pbuf_printf(b, "frames_slab %lu\n", ks.slab_pages);
	pbuf_printf(b, "frames_kmalloc_large %lu\n", ks.large_pages);
	pbuf_printf(b, "frames_used_outside_slabs %lu\n", managed - free - ks.slab_pages);
	pbuf_printf(b, "frames_kstack_tables %u\n", kstack_table_frames());
	pbuf_printf(b, "kmalloc_objects %lu\n", objects);
	pbuf_printf(b, "kmalloc_objects_by_size");
	for (unsigned c = 0; c < KMALLOC_CLASSES; c++)
		pbuf_printf(b, " %u:%lu", KMALLOC_MIN_SIZE << c, ks.objects[c]);
	pbuf_printf(b, "\n");
	pbuf_printf(b, "frames_rmap %lu\n", rmap_pool_frames());
	pbuf_printf(b, "rmap_items %lu\n", rmap_items());
	pbuf_printf(b, "rmap_mapcount %lu\n", rmap_mapcount_total());
	pbuf_printf(b, "mapped_entries %lu\n", mapped_entries());
}

/* show_vmstat_reclaim - vmstat's reclaim lines: pages looked at (pgscan)
 * and evicted (pgsteal) by kswapd and by faults themselves (direct),
 * kswapd's runs (pageoutrun), direct reclaims (allocstall_normal). */
static void show_vmstat_reclaim(struct pbuf *b)
{
	pbuf_printf(b, "pgsteal_kswapd %lu\npgsteal_direct %lu\n"
		    "pgscan_kswapd %lu\npgscan_direct %lu\npageoutrun %lu\n"
		    "allocstall_normal %lu\n", pgsteal_kswapd, pgsteal_direct,
		    pgscan_kswapd, pgscan_direct, pageoutrun, allocstall);
}

/*
 * /proc/zoneinfo: Linux's layout for the one zone here (all memory is
 * "Normal"): free frames and the watermarks of mm/vmscan.c (below min a
 * fault reclaims itself; below low it wakes kswapd, which stops at high).
 */
static void show_zoneinfo(struct task *t, struct pbuf *b)
{
	struct watermarks w;

	reclaim_watermarks(&w);
	pbuf_printf(b, "Node 0, zone   Normal\n  pages free     %lu\n"
		    "        boost    0\n        min      %lu\n"
		    "        low      %lu\n        high     %lu\n"
		    "        spanned  %lu\n        present  %lu\n"
		    "        managed  %lu\n", frames_free_count(), w.min, w.low,
		    w.high, frames_table_size(), frames_managed_count(),
		    frames_managed_count());
}

/* /proc/vmstat: Linux's "name value" counters; the ones that exist here. */
static void show_vmstat(struct task *t, struct pbuf *b)
{
	struct tlb_counts tlb;

	(void)t;
	pbuf_printf(b, "nr_free_pages %lu\n", frames_free_count());
	pbuf_printf(b, "pgfault %lu\n", vm_faults_total);
	pbuf_printf(b, "pgmajfault %lu\n", vm_major_faults);
	pbuf_printf(b, "pswpin %lu\n", vm_swap_ins);
	pbuf_printf(b, "pswpout %lu\n", vm_swap_outs);
	arch_tlb_counts(&tlb);
	pbuf_printf(b, "nr_tlb_remote_flush %lu\nnr_tlb_remote_flush_received %lu\n"
		    "nr_tlb_local_flush_all %lu\nnr_tlb_local_flush_one %lu\n",
		    tlb.remote_flush, tlb.remote_flush_received,
		    tlb.local_flush_all, tlb.local_flush_one);
	pbuf_printf(b, "swap_ra %lu\n", readahead_pages);
	pbuf_printf(b, "oom_kill %lu\n", oom_kills);
	show_vmstat_reclaim(b);
}

/* mm_counted_before - does a task before t in the task list use mm?
 * (Threads share one; each address space is counted once.) */
static bool mm_counted_before(const struct task *t, const struct mm *mm)
{
	for (struct task *p = task_first(); p != t; p = p->all_next)
		if (p->mm == mm)
			return true;
	return false;
}

/*
 * mapped_memory - the pages mapped into processes, each frame once: the
 * sum of every address space's proportional shares (a frame mapped by n
 * processes adds 1/n in each of them).
 */
static void mapped_memory(struct mem_size_stats *sum)
{
	for (struct task *t = task_first(); t; t = t->all_next)
		if (t->mm && !mm_counted_before(t, t->mm))
			mm_rollup_stats(t->mm, sum);
}

static void show_meminfo(struct task *t, struct pbuf *b)
{
	struct kmalloc_stats ks;
	struct mem_size_stats m = { 0 };
	u64 total = frames_managed_count() * KB_PER_PAGE;
	u64 free = frames_free_count() * KB_PER_PAGE;
	u64 files = ramfs_pages() * KB_PER_PAGE, slab, anon, shmem, mapped;

	kmalloc_get_stats(&ks);
	slab = (ks.slab_pages + ks.large_pages) * KB_PER_PAGE;
	mapped_memory(&m);
	anon = (m.pss_anon >> PSS_SHIFT) / 1024;
	shmem = shmem_total_pages() * KB_PER_PAGE; /* mapped or not */
	mapped = ((m.pss_file + m.pss_shmem) >> PSS_SHIFT) / 1024;
	const struct { const char *name; u64 kb; } *l, lines[] = {
		{ "MemTotal:", total },
		{ "MemFree:", free },
		{ "MemAvailable:", free },
		{ "Buffers:", 0 },
		{ "Cached:", files + shmem }, /* the root file system is in memory */
		{ "SwapCached:", swap_cache_pages() * KB_PER_PAGE },
		{ "Active:", 0 },
		{ "Inactive:", 0 },
		{ "SwapTotal:", swap_total_pages() * KB_PER_PAGE },
		{ "SwapFree:", swap_free_pages() * KB_PER_PAGE },
		{ "Dirty:", 0 },
		{ "Writeback:", 0 },
		{ "AnonPages:", anon },  /* anonymous pages mapped */
		{ "Mapped:", mapped },   /* file and shared pages mapped */
		{ "Shmem:", shmem },     /* shared memory objects (mm/shmem.c) */
		{ "Slab:", slab },
		{ "SReclaimable:", 0 },
		{ "SUnreclaim:", slab },
		{ "CommitLimit:", total },
		{ "Committed_AS:", total - free },
	};

	for (l = lines; l < lines + ARRAY_SIZE(lines); l++)
		pbuf_printf(b, "%-16s%8lu kB\n", l->name, l->kb);
}

static void show_swaps(struct task *t, struct pbuf *b)
{
	(void)t;
	swap_show(b);
}

/* The idle time is what the idle task was charged, tick by tick: it never
 * goes back, as "uptime minus busy" can (Linux's proc-uptime-001). */
static void show_uptime(struct task *t, struct pbuf *b)
{
	u64 up = arch_clock_ns(), idle = sched_idle_ns();

	pbuf_printf(b, "%lu.%02lu %lu.%02lu\n", up / NSEC_PER_SEC,
		    up % NSEC_PER_SEC / NSEC_PER_CENTISEC, idle / NSEC_PER_SEC,
		    idle % NSEC_PER_SEC / NSEC_PER_CENTISEC);
}

/* stat: CPU time in USER_HZ ticks, all CPUs then each (what each CPU's
 * tick charged, and the time its idle task halted), counters, boot time. */
static void show_kernel_stat(struct task *t, struct pbuf *b)
{
	u64 user = 0, system = 0, idle = 0, switches = 0, up = arch_clock_ns();
	unsigned running = sched_nr_running(), last = 0, blocked = 0;

	for (struct task *p = task_first(); p; p = p->all_next) {
		blocked += p->state == TASK_UNINTERRUPTIBLE; /* waiting for the disk */
		switches += p->ru.nvcsw + p->ru.nivcsw;
		last = (unsigned)MAX((int)last, p->pid);
	}
	for (unsigned cpu = 0; cpu < nr_cpus_online; cpu++) {
		user += percpu[cpu].user_ns;
		system += percpu[cpu].system_ns;
		idle += sched_cpu_idle_ns(cpu);
	}
	pbuf_printf(b, "cpu  %lu 0 %lu %lu 0 0 0 0 0 0\n", ticks(user),
		    ticks(system), ticks(idle));
	for (unsigned cpu = 0; cpu < nr_cpus_online; cpu++)
		pbuf_printf(b, "cpu%u %lu 0 %lu %lu 0 0 0 0 0 0\n", cpu,
			    ticks(percpu[cpu].user_ns), ticks(percpu[cpu].system_ns),
			    ticks(sched_cpu_idle_ns(cpu)));
	pbuf_printf(b, "intr 0\nctxt %lu\nbtime %lu\nprocesses %u\n"
		    "procs_running %u\nprocs_blocked %u\n", switches,
		    (vfs_now_ns() - up) / NSEC_PER_SEC, last, running, blocked);
}

/* The same names uname() gives (kernel/sys.c). */
static void show_version(struct task *t, struct pbuf *b)
{
	pbuf_printf(b, "Linux version " UTS_RELEASE " (" KERNEL_NAME " " KERNEL_VERSION
		    " teaching kernel) " UTS_VERSION "\n");
}

/* /proc/cpuinfo: Linux's x86 layout (arch/x86/kernel/cpu/proc.c), one
 * block per CPU online, without what vmos does not know (microcode, cache
 * size, bugs).  The leading spaces of a model name are skipped, as Linux
 * does. */
static void show_cpuinfo(struct task *t, struct pbuf *b)
{
	const struct cpu_features *f = &cpu_features;
	struct cpu_ident id;
	u64 khz = arch_tsc_hz() / 1000;
	const char *name;

	arch_cpu_ident(&id);
	for (name = id.model_name; *name == ' '; name++)
		;
	for (unsigned cpu = 0; cpu < nr_cpus_online; cpu++) {
		pbuf_printf(b, "processor\t: %u\nvendor_id\t: %s\ncpu family\t: %u\n"
			    "model\t\t: %u\nmodel name\t: %s\nstepping\t: %u\n"
			    "cpu MHz\t\t: %lu.%03lu\nphysical id\t: 0\nsiblings\t: %u\n"
			    "core id\t\t: %u\ncpu cores\t: %u\napicid\t\t: %u\n"
			    "initial apicid\t: %u\nfpu\t\t: yes\nfpu_exception\t: yes\n"
			    "cpuid level\t: %u\nwp\t\t: yes\n",
			    cpu, f->vendor, id.family, id.model, name, id.stepping,
			    khz / 1000, khz % 1000, nr_cpus_online, cpu,
			    nr_cpus_online, cpu_info[cpu].apic_id,
			    cpu_info[cpu].apic_id, id.cpuid_level);
		pbuf_printf(b, "flags\t\t: fpu tsc msr pae cx8 apic sep pge cmov "
			    "syscall lm%s%s%s%s%s\n",
			    f->nx ? " nx" : "", f->pdpe1gb ? " pdpe1gb" : "",
			    f->smep ? " smep" : "", f->smap ? " smap" : "",
			    f->rdrand ? " rdrand" : "");
		pbuf_printf(b, "bogomips\t: %lu.%02lu\nclflush size\t: %u\n"
			    "cache_alignment\t: %u\naddress sizes\t: %u bits "
			    "physical, %u bits virtual\npower management:\n\n",
			    2 * khz / 1000, 2 * khz % 1000 / 10, id.clflush_bytes,
			    id.clflush_bytes, id.phys_bits, id.virt_bits);
	}
}

/* mounts and mountinfo: the mount table (namespace.c). */
void show_mounts(struct task *t, struct pbuf *b)
{
	show_mounts_text(b, false);
}

void show_mountinfo(struct task *t, struct pbuf *b)
{
	show_mounts_text(b, true);
}

static void show_filesystems(struct task *t, struct pbuf *b)
{
	pbuf_printf(b, "nodev\tramfs\nnodev\ttmpfs\nnodev\tproc\n"
		    "nodev\tpipefs\n"
		    "nodev\tmqueue\n");
}

/* loadavg: no averages are kept; the counts are real. */
static void show_loadavg(struct task *t, struct pbuf *b)
{
	unsigned n = 0, last = 0;

	for (struct task *p = task_first(); p; p = p->all_next) {
		n++;
		last = (unsigned)MAX((int)last, p->pid);
	}
	pbuf_printf(b, "0.00 0.00 0.00 %u/%u %u\n", sched_nr_running(), n, last);
}

/* ---- the table of /proc ---- */

const struct proc_entry root_entries[] = {
	{ "self", LINK_MODE, NULL, self_link, NULL },
	{ "thread-self", LINK_MODE, NULL, thread_self_link, NULL },
	{ "meminfo", FILE_MODE, show_meminfo, NULL, NULL },
	{ "kmem", FILE_MODE, show_kmem, NULL, NULL },
	{ "sysvipc", DIR_MODE, NULL, NULL, NULL }, /* sysvipc_dir_inode */
	{ "vmstat", FILE_MODE, show_vmstat, NULL, NULL },
	{ "zoneinfo", FILE_MODE, show_zoneinfo, NULL, NULL },
	{ "uptime", FILE_MODE, show_uptime, NULL, NULL },
	{ "version", FILE_MODE, show_version, NULL, NULL },
	{ "cpuinfo", FILE_MODE, show_cpuinfo, NULL, NULL },
	{ "mounts", FILE_MODE, show_mounts, NULL, NULL },
	{ "filesystems", FILE_MODE, show_filesystems, NULL, NULL },
	{ "swaps", FILE_MODE, show_swaps, NULL, NULL },
	{ "loadavg", FILE_MODE, show_loadavg, NULL, NULL },
	{ "stat", FILE_MODE, show_kernel_stat, NULL, NULL },
	{ "sys", DIR_MODE, NULL, NULL, NULL }, /* proc_sys.c */
	{ "net", DIR_MODE, NULL, NULL, NULL }, /* net_dir_inode */
};
const size_t nr_root_entries = ARRAY_SIZE(root_entries);

/* ---- /proc/sysvipc: the SysV IPC objects (only shared memory here) ---- */

static void show_sysvipc_shm(struct task *t, struct pbuf *b)
{
	shm_proc_show(b);
}

const struct proc_entry sysvipc_entries[] = {
	{ "shm", FILE_MODE, show_sysvipc_shm, NULL, NULL },
};
const size_t nr_sysvipc_entries = ARRAY_SIZE(sysvipc_entries);

/* ---- /proc/net: the AF_INET sockets (net/af_inet.c) ---- */


static void show_net_tcp(struct task *t, struct pbuf *b)
{
	inet_proc_show(b, AF_INET, SOCK_STREAM);
}

static void show_net_udp(struct task *t, struct pbuf *b)
{
	inet_proc_show(b, AF_INET, SOCK_DGRAM);
}

static void show_net_tcp6(struct task *t, struct pbuf *b)
{
	inet_proc_show(b, AF_INET6, SOCK_STREAM);
}

static void show_net_udp6(struct task *t, struct pbuf *b)
{
	inet_proc_show(b, AF_INET6, SOCK_DGRAM);
}

const struct proc_entry net_entries[] = {
	{ "tcp", FILE_MODE, show_net_tcp, NULL, NULL },
	{ "udp", FILE_MODE, show_net_udp, NULL, NULL },
	{ "tcp6", FILE_MODE, show_net_tcp6, NULL, NULL },
	{ "udp6", FILE_MODE, show_net_udp6, NULL, NULL },
};
const size_t nr_net_entries = ARRAY_SIZE(net_entries);
