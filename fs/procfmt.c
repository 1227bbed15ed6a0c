/*
 * fs/procfmt.c - the text of /proc's memory files (see procfmt.h).
 *
 * The layouts are Linux's (fs/proc/task_mmu.c, fs/proc/array.c), checked
 * against real output in tests/unit/fixtures/linux-*.txt.
 */
#include "fs/procfmt.h"
#include <stdarg.h>
#include <vmos/format.h>
#include "mm/vma.h"
#include <asm/page_types.h>

/* Linux pads a maps line to this many characters before one more space
 * and the name: 25 plus six times the width of a pointer (seq_pad). */
#define MAPS_PAD_UNTIL 72
#define SMAPS_LABEL_WIDTH 16 /* "Label:" then spaces */
#define SMAPS_VALUE_WIDTH 8  /* the number, right-aligned */
#define BYTES_PER_KB 1024

void pbuf_printf(struct pbuf *b, const char *fmt, ...)
{
	size_t room = b->len < b->size ? b->size - b->len : 0;
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = kvsnprintf(room ? b->buf + b->len : NULL, room, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
}

char *pbuf_reserve(struct pbuf *b, size_t n)
{
	char *p = b->len + n <= b->size ? b->buf + b->len : NULL;

	b->len += n;
	return p;
}

/* header - the maps line of e, without its newline. */
static void header(struct pbuf *b, const struct maps_entry *e)
{
	size_t start = b->len, len;

	pbuf_printf(b, "%08lx-%08lx %c%c%c%c %08lx %02x:%02x %lu ", e->start,
		    e->end, (e->vm_flags & VM_READ) ? 'r' : '-',
		    (e->vm_flags & VM_WRITE) ? 'w' : '-',
		    (e->vm_flags & VM_EXEC) ? 'x' : '-',
		    (e->vm_flags & VM_SHARED) ? 's' : 'p', e->offset, e->major,
		    e->minor, e->ino);
	if (!e->name[0])
		return;
	len = b->len - start;
	pbuf_printf(b, "%*s %s", (int)(len < MAPS_PAD_UNTIL ? MAPS_PAD_UNTIL - len : 0),
		    "", e->name);
}

void procfmt_maps_line(struct pbuf *b, const struct maps_entry *e)
{
	header(b, e);
	pbuf_printf(b, "\n");
}

void procfmt_vm_flags(struct pbuf *b, u64 vm_flags)
{
	pbuf_printf(b, "VmFlags: ");
	for (unsigned i = 0; i < nr_vma_flag_names; i++)
		if (vm_flags & vma_flag_names[i].flag)
			pbuf_printf(b, "%s ", vma_flag_names[i].name);
	pbuf_printf(b, "\n");
}

/* field - one "Label:     value kB" line; value in bytes. */
static void field(struct pbuf *b, const char *label, u64 bytes)
{
	pbuf_printf(b, "%-*s%*lu kB\n", SMAPS_LABEL_WIDTH, label,
		    SMAPS_VALUE_WIDTH, bytes / BYTES_PER_KB);
}

/* pss_field - the same for a Pss figure (bytes << PSS_SHIFT): rounded
 * down to whole kB only now, after the sum. */
static void pss_field(struct pbuf *b, const char *label, u64 pss)
{
	field(b, label, pss >> PSS_SHIFT);
}

/* The fields smaps and smaps_rollup share, up to Pss_Dirty; the ones
 * after it; and the Pss split only the rollup has. */
static void fields_rss_pss(struct pbuf *b, const struct mem_size_stats *m)
{
	field(b, "Rss:", m->resident);
	pss_field(b, "Pss:", m->pss);
	pss_field(b, "Pss_Dirty:", m->pss_dirty);
}

static void fields_pss_split(struct pbuf *b, const struct mem_size_stats *m)
{
	pss_field(b, "Pss_Anon:", m->pss_anon);
	pss_field(b, "Pss_File:", m->pss_file);
	pss_field(b, "Pss_Shmem:", m->pss_shmem);
}

/* No huge pages, no lazily freed pages here: Linux's lines for them are
 * all 0.  (Linux 6.1 has no "KSM:" line; later kernels added one.) */
static void fields_rest(struct pbuf *b, const struct mem_size_stats *m)
{
	static const char *const never[] = {
		"LazyFree:", "AnonHugePages:", "ShmemPmdMapped:",
		"FilePmdMapped:", "Shared_Hugetlb:", "Private_Hugetlb:",
	};

	field(b, "Shared_Clean:", m->shared_clean);
	field(b, "Shared_Dirty:", m->shared_dirty);
	field(b, "Private_Clean:", m->private_clean);
	field(b, "Private_Dirty:", m->private_dirty);
	field(b, "Referenced:", m->referenced);
	field(b, "Anonymous:", m->anonymous);
	for (unsigned i = 0; i < ARRAY_SIZE(never); i++)
		field(b, never[i], 0);
	field(b, "Swap:", m->swap);
	pss_field(b, "SwapPss:", m->swap_pss);
	pss_field(b, "Locked:", m->pss_locked);
}

void procfmt_smaps(struct pbuf *b, const struct maps_entry *e,
		   const struct mem_size_stats *mss)
{
	procfmt_maps_line(b, e);
	field(b, "Size:", e->end - e->start);
	field(b, "KernelPageSize:", PAGE_SIZE);
	field(b, "MMUPageSize:", PAGE_SIZE);
	fields_rss_pss(b, mss);
	fields_rest(b, mss);
	pbuf_printf(b, "%-*s%d\n", SMAPS_LABEL_WIDTH, "THPeligible:", 0);
	procfmt_vm_flags(b, e->vm_flags);
}

void procfmt_smaps_rollup(struct pbuf *b, u64 start, u64 end,
			  const struct mem_size_stats *mss)
{
	struct maps_entry e = { .start = start, .end = end, .name = "[rollup]" };

	procfmt_maps_line(b, &e);
	fields_rss_pss(b, mss);
	fields_pss_split(b, mss);
	fields_rest(b, mss);
}

void procfmt_status_mem(struct pbuf *b, const struct task_mem *tm)
{
	const struct { const char *name; u64 kb; } lines[] = {
		{ "VmPeak", tm->vm_peak },   { "VmSize", tm->vm_size },
		{ "VmLck", tm->vm_lck },     { "VmPin", tm->vm_pin },
		{ "VmHWM", tm->vm_hwm },     { "VmRSS", tm->vm_rss },
		{ "RssAnon", tm->rss_anon }, { "RssFile", tm->rss_file },
		{ "RssShmem", tm->rss_shmem }, { "VmData", tm->vm_data },
		{ "VmStk", tm->vm_stk },     { "VmExe", tm->vm_exe },
		{ "VmLib", tm->vm_lib },     { "VmPTE", tm->vm_pte },
		{ "VmSwap", tm->vm_swap },   { "HugetlbPages", 0 },
	};

	for (unsigned i = 0; i < ARRAY_SIZE(lines); i++)
		pbuf_printf(b, "%s:\t%8lu kB\n", lines[i].name, lines[i].kb);
}

void procfmt_statm(struct pbuf *b, const struct task_mem *tm)
{
	pbuf_printf(b, "%lu %lu %lu %lu 0 %lu 0\n", tm->vm_size / KB_PER_PAGE,
		    tm->vm_rss / KB_PER_PAGE,
		    (tm->rss_file + tm->rss_shmem) / KB_PER_PAGE,
		    tm->code_span / KB_PER_PAGE,
		    (tm->vm_data + tm->vm_stk) / KB_PER_PAGE);
}
