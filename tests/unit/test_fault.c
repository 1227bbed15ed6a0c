/*
 * tests/unit/test_fault.c - the real decision tree of mm/fault.c on the
 * host: one test per case (do_anonymous_page, expand_stack, the three file
 * cases of do_fault, shared anonymous memory's object, a private /dev/zero, do_wp_page's copy and reuse, do_swap_page's two
 * answers, a spurious fault) and per refusal (no region, below the stack,
 * the stack's limit, the kernel half, a forbidden access, beyond the end
 * of the file, a failed swap read, out of memory).
 *
 * The page tables (mm/pagetable.c), the frame allocator (mm/frame.c) and
 * the region tree (mm/vma.c) are the kernel's own, over simulated memory;
 * what lies outside the fault path (the file system's pages, swap-in,
 * reclaim, the OOM killer, the reverse map) is a small double below that
 * records what it was asked.
 */
#include "host.h"
#include <vmos/errno.h>
#include "fs/vfs.h"
#include "kernel/rlimit.h"
#include "kernel/task.h"
#include "mm/fault.h"
#include "mm/mm.h"
#include "mm/oom.h"
#include "mm/pagetable.h"
#include "mm/rmap.h"
#include "mm/swap_state.h"
#include "mm/userfaultfd.h"
#include "mm/vmscan.h"

#define MEM_BYTES MiB(8)
#define RAM_START MiB(1)

#define ANON 0x10000000ul      /* an anonymous rw- region, 4 pages */
#define RDONLY 0x20000000ul    /* an anonymous r-- region, 1 page */
#define NONE 0x21000000ul      /* a PROT_NONE region, 1 page */
#define FILE_PRIV 0x30000000ul /* the file, MAP_PRIVATE rw-, 4 pages */
#define FILE_SHARED 0x40000000ul /* the file, MAP_SHARED rw-, 4 pages */
#define SHMEM 0x44000000ul     /* the shmem object, MAP_SHARED rw-, 3 pages */
#define ZERO_PRIV 0x48000000ul /* /dev/zero, MAP_PRIVATE rw-, 1 page */
#define STACK_END 0x7ff000000000ul
#define STACK_START (STACK_END - MiB(1))
#define FILE_SIZE (PAGE_SIZE + 100) /* two pages of file, the second partial */

/* ---- the doubles: what the fault path calls outside mm/fault.c ---- */

static struct task task;
struct task *host_current = &task;

void mm_account(struct mm *mm, s64 delta)
{
	mm->total_vm += delta;
}

const char *mm_region_name(const struct mm *mm, const struct vm_area_struct *v)
{
	return v->vm_file ? "/file" : "";
}

void mm_region_perms(const struct vm_area_struct *v, char out[5])
{
	out[0] = v->vm_flags & VM_READ ? 'r' : '-';
	out[1] = v->vm_flags & VM_WRITE ? 'w' : '-';
	out[2] = v->vm_flags & VM_EXEC ? 'x' : '-';
	out[3] = v->vm_flags & VM_SHARED ? 's' : 'p';
	out[4] = '\0';
}

static int rmap_count_now;
int rmap_add(struct page *page, struct mm *mm, u64 va)
{
	rmap_count_now++;
	return 0;
}

void rmap_remove(struct page *page, struct mm *mm, u64 va)
{
	rmap_count_now--;
}

static int reclaims;
u64 reclaim_low_mark = ~0ull; /* every fault asks reclaim_when_low() */
void reclaim_when_low(void)
{
	reclaims++;
}

static int oom_calls;
bool out_of_memory(bool wait)
{
	oom_calls++;
	return false; /* nothing to kill: the fault fails */
}

/* do_swap_page: answers swap_err; on success maps a fresh frame. */
static int swap_err, swap_calls;
static bool swap_major;
int do_swap_page(struct mm *mm, struct vm_area_struct *v, u64 addr, pte_t *e,
		 bool write, bool *major, bool may_sleep)
{
	swap_calls++;
	*major = swap_major;
	if (swap_err == -EAGAIN) { /* slept for the disk: once */
		swap_err = 0;
		return -EAGAIN;
	}
	if (swap_err)
		return swap_err;
	*e = 0; /* the slot is read back: the entry gets the frame */
	pt_fill(addr, e, frame_alloc(), vm_flags_to_pte(v->vm_flags));
	return 0;
}

/* The userfaultfd: an armed region's empty entries are all wanted, and
 * handle_userfault() answers uffd_result (the monitor is mm/userfaultfd.c's
 * business, tested by tests/user/uffd_test.c). */
static int uffd_calls;
static enum fault_result uffd_result;
bool userfaultfd_wants_fault(struct mm *m, struct vm_area_struct *v, u64 addr)
{
	return true;
}

enum fault_result handle_userfault(struct mm *m, struct vm_area_struct *v,
				   const struct fault *f)
{
	uffd_calls++;
	return uffd_result;
}

/* The file: two frames of content; a hole has no frame.  The fault path
 * reaches it only through its inode's map_page hook (fs/vfs.h), as it
 * reaches ramfs and shmem objects. */
static phys_addr_t file_frames[2];

static phys_addr_t file_map_page(struct inode *inode, u64 pgoff, bool alloc,
				 int *err, bool *major)
{
	*major = false;
	*err = pgoff >= ALIGN_UP(inode->size, PAGE_SIZE) >> PAGE_SHIFT ? -EFAULT : 0;
	return *err ? 0 : file_frames[pgoff];
}

static const struct inode_operations file_iops = { .map_page = file_map_page };
static struct inode file_inode = { .size = FILE_SIZE, .iops = &file_iops };
static struct file file = { .inode = &file_inode };

/* A shmem object (mm/shmem.h): two pages, whose frames it hands out. */
static phys_addr_t shmem_frames[2];
static int shmem_calls;

static phys_addr_t shmem_map_page(struct inode *inode, u64 pgoff, bool alloc,
				  int *err, bool *major)
{
	shmem_calls++;
	*err = pgoff >= 2 ? -EFAULT : 0;
	*major = false;
	return *err ? 0 : shmem_frames[pgoff];
}

static const struct inode_operations shmem_iops = { .map_page = shmem_map_page };
static struct inode shmem_inode = { .size = 2 * PAGE_SIZE, .iops = &shmem_iops };
static struct file shmem = { .inode = &shmem_inode };

/* /dev/zero: a private mapping of it is anonymous memory. */
static struct inode zero_inode = { .mode = S_IFCHR | 0666, .rdev = DEV_ZERO };
static struct file zero = { .inode = &zero_inode };

bool vma_file_is_dev_zero(const struct vm_area_struct *v)
{
	return v->vm_file == &zero;
}

/* ---- the address space ---- */

static struct mm mm;

static struct vm_area_struct *add_region(u64 start, u64 pages, u64 flags,
					 struct file *f)
{
	struct vm_area_struct *v = calloc(1, sizeof(*v));

	v->vm_start = start;
	v->vm_end = start + pages * PAGE_SIZE;
	v->vm_flags = flags;
	v->vm_file = f;
	assert_int_equal(vma_insert(&mm.vmas, v), 0);
	return v;
}

static int setup(void **state)
{
	host_reset();
	host_frames_init(MEM_BYTES);
	frame_add_range(RAM_START, MEM_BYTES);
	memset(&mm, 0, sizeof(mm));
	memset(&task, 0, sizeof(task));
	strcpy(task.comm, "test");
	task.pid = 7;
	task.mm = &mm;
	task.rlimits[RLIMIT_STACK][0] = MiB(8);
	mm.pgd = pt_alloc_table();
	vma_tree_init(&mm.vmas, MMAP_MIN_ADDR, USER_SPACE_END);
	add_region(ANON, 4, VM_READ | VM_WRITE, NULL);
	add_region(RDONLY, 1, VM_READ, NULL);
	add_region(NONE, 1, 0, NULL);
	add_region(FILE_PRIV, 4, VM_READ | VM_WRITE, &file);
	add_region(FILE_SHARED, 4, VM_READ | VM_WRITE | VM_SHARED, &file);
	add_region(STACK_START, 256, VM_READ | VM_WRITE | VM_GROWSDOWN, NULL);
	/* grown by mremap past the object's two pages */
	add_region(SHMEM, 3, VM_READ | VM_WRITE | VM_SHARED, &shmem);
	add_region(ZERO_PRIV, 1, VM_READ | VM_WRITE, &zero);
	for (int i = 0; i < 2; i++) {
		file_frames[i] = frame_alloc();
		memset(phys_to_virt(file_frames[i]), 'a' + i, PAGE_SIZE);
		shmem_frames[i] = frame_alloc();
		memset(phys_to_virt(shmem_frames[i]), 's', PAGE_SIZE);
	}
	shmem_calls = 0;
	rmap_count_now = reclaims = oom_calls = swap_err = swap_calls = 0;
	swap_major = false;
	vm_faults_total = vm_major_faults = 0;
	return 0;
}

static int teardown(void **state)
{
	struct vm_area_struct *v;

	while ((v = vma_first(&mm.vmas))) {
		vma_remove(&mm.vmas, v);
		free(v);
	}
	host_mem_exit();
	return 0;
}

static struct fault_outcome fault(u64 addr, enum fault_access access)
{
	struct fault f = { .addr = addr, .access = access, .user = true };
	struct fault_outcome o;

	handle_mm_fault(&mm, &f, &o);
	return o;
}

/* The frame and flags at va, or 0 if nothing is mapped there. */
static phys_addr_t mapped(u64 va, pte_t *flags)
{
	phys_addr_t pa = 0;
	pte_t fl = 0;

	if (!pt_translate(mm.pgd, va, &pa, &fl))
		return 0;
	if (flags)
		*flags = fl;
	return pa;
}

static u8 byte_at(u64 va)
{
	return *(u8 *)phys_to_virt(mapped(va, NULL) + (va & ~PAGE_MASK));
}

/* assert_outcome - o (evaluated once) has this result and this case. */
#define assert_outcome(o, res, how_)                                         \
	do {                                                                 \
		struct fault_outcome o_ = (o);                               \
		assert_int_equal(o_.result, res);                            \
		assert_string_equal(fault_how_words(o_.how),                 \
				    fault_how_words(how_));                  \
		assert_int_equal(o_.how, how_);                              \
	} while (0)

/* ---- the cases ---- */

static void test_zero_fill(void **state)
{
	struct fault_outcome o = fault(ANON + 0x123, FAULT_READ);
	pte_t fl;

	assert_outcome(o, FAULT_OK, HOW_ZERO_FILL);
	assert_true(mapped(ANON, &fl));
	assert_true(fl & PTE_W);
	assert_int_equal(byte_at(ANON + 0x123), 0);
	assert_int_equal(mm.rss, 1);
	assert_int_equal(rmap_count_now, 1);
	assert_int_equal(task.ru.minflt, 1);
	assert_int_equal(vm_faults_total, 1);
	assert_int_equal(reclaims, 1); /* before the walk */
	assert_true(o.region.valid && fault_in_region(&(struct fault){ .addr = ANON }, &o));
	assert_int_equal(o.region.start, ANON);
}

static void test_stack_grow(void **state)
{
	u64 addr = STACK_START - 3 * PAGE_SIZE + 8;
	struct fault_outcome o = fault(addr, FAULT_WRITE);

	assert_outcome(o, FAULT_OK, HOW_STACK_GROW);
	assert_int_equal(o.region.start, STACK_START - 3 * PAGE_SIZE);
	assert_int_equal(find_vma(&mm.vmas, addr)->vm_start, STACK_START - 3 * PAGE_SIZE);
	assert_int_equal(mm.total_vm, 3);
	assert_true(mapped(addr, NULL));
}

static void test_stack_overflow(void **state)
{
	/* 9 MiB below the top: past the 8 MiB limit, within limit + gap. */
	struct fault_outcome o = fault(STACK_END - MiB(9), FAULT_WRITE);

	assert_outcome(o, FAULT_SIGSEGV_MAPERR, HOW_STACK_OVERFLOW);
	assert_true(o.region.valid);
	assert_false(fault_in_region(&(struct fault){ .addr = STACK_END - MiB(9) }, &o));
	assert_int_equal(o.region.start, STACK_START); /* not grown */
}

static void test_stack_into_guard_gap(void **state)
{
	/* A region ending 1 MiB - 4 KiB below the stack: growing by a page
	 * would leave less than the 1 MiB guard gap. */
	add_region(STACK_START - MiB(1), 1, VM_READ | VM_WRITE, NULL);
	struct fault_outcome o = fault(STACK_START - PAGE_SIZE, FAULT_WRITE);

	assert_outcome(o, FAULT_SIGSEGV_MAPERR, HOW_STACK_OVERFLOW);
	assert_int_equal(find_vma(&mm.vmas, STACK_START)->vm_start, STACK_START);
}

static void test_far_below_stack(void **state)
{
	struct fault_outcome o = fault(STACK_END - MiB(64), FAULT_READ);

	assert_outcome(o, FAULT_SIGSEGV_MAPERR, HOW_BELOW_STACK);
}

static void test_no_region(void **state)
{
	struct fault_outcome o = fault(STACK_END + MiB(1), FAULT_READ); /* above all */

	assert_outcome(o, FAULT_SIGSEGV_MAPERR, HOW_NO_REGION);
	assert_false(o.region.valid);
	assert_int_equal(task.ru.minflt, 0);
	assert_int_equal(vm_faults_total, 0);
	o = fault(0x10, FAULT_WRITE); /* below every region: nothing above counts */
	assert_outcome(o, FAULT_SIGSEGV_MAPERR, HOW_NO_REGION);
}

static void test_kernel_half(void **state)
{
	struct fault_outcome o = fault(KERNEL_SPACE_START, FAULT_READ);
	struct fault kf = { .addr = KERNEL_SPACE_START, .access = FAULT_READ };
	struct fault_outcome ko;

	assert_outcome(o, FAULT_SIGSEGV_MAPERR, HOW_KERNEL_HALF);
	assert_int_equal(handle_mm_fault(&mm, &kf, &ko), FAULT_KERNEL_BUG);
	assert_int_equal(ko.result, FAULT_KERNEL_BUG);
	assert_int_equal(reclaims, 0); /* refused before any work */
}

static void test_forbidden(void **state)
{
	assert_outcome(fault(RDONLY, FAULT_WRITE), FAULT_SIGSEGV_ACCERR, HOW_FORBIDDEN);
	assert_outcome(fault(ANON, FAULT_EXEC), FAULT_SIGSEGV_ACCERR, HOW_FORBIDDEN);
	assert_outcome(fault(NONE, FAULT_READ), FAULT_SIGSEGV_ACCERR, HOW_FORBIDDEN);
	assert_int_equal(mm.rss, 0);
	assert_outcome(fault(RDONLY, FAULT_READ), FAULT_OK, HOW_ZERO_FILL);
}

static void test_file_read(void **state)
{
	struct fault_outcome o = fault(FILE_PRIV + PAGE_SIZE + 5, FAULT_READ);
	pte_t fl;

	assert_outcome(o, FAULT_OK, HOW_FILE_READ);
	assert_int_equal(mapped(FILE_PRIV + PAGE_SIZE, &fl), file_frames[1]);
	assert_false(fl & PTE_W); /* read-only until written */
	assert_int_equal(phys_to_page(file_frames[1])->refcount, 2);
}

static void test_file_cow(void **state)
{
	struct fault_outcome o = fault(FILE_PRIV, FAULT_WRITE);
	pte_t fl;

	assert_outcome(o, FAULT_OK, HOW_FILE_COW);
	assert_int_not_equal(mapped(FILE_PRIV, &fl), file_frames[0]);
	assert_true(fl & PTE_W);
	assert_int_equal(byte_at(FILE_PRIV + 17), 'a'); /* a copy of the file's */
	assert_int_equal(phys_to_page(file_frames[0])->refcount, 1);
}

static void test_file_shared(void **state)
{
	struct fault_outcome o = fault(FILE_SHARED, FAULT_WRITE);
	pte_t fl;

	assert_outcome(o, FAULT_OK, HOW_FILE_SHARED);
	assert_int_equal(mapped(FILE_SHARED, &fl), file_frames[0]);
	assert_true(fl & PTE_W); /* writes land in the file */
}

/* Shared anonymous memory: the object's own frame, writable, through its
 * map_page hook like any file; past the object's end (a region mremap
 * grew) the object answers -EFAULT: SIGBUS. */
static void test_shmem(void **state)
{
	pte_t fl;

	assert_outcome(fault(SHMEM + PAGE_SIZE, FAULT_WRITE), FAULT_OK, HOW_FILE_SHARED);
	assert_int_equal(mapped(SHMEM + PAGE_SIZE, &fl), shmem_frames[1]);
	assert_true(fl & PTE_W);
	assert_int_equal(shmem_calls, 1);
	assert_int_equal(mm.rss, 1);
	assert_outcome(fault(SHMEM + 2 * PAGE_SIZE, FAULT_READ), FAULT_SIGBUS,
		       HOW_BEYOND_EOF);
	assert_int_equal(shmem_calls, 2);
	assert_int_equal(mm.rss, 1);
}

/* A private mapping of /dev/zero keeps its file but is anonymous memory:
 * a zeroed frame of its own, not the file's page. */
static void test_dev_zero_private(void **state)
{
	assert_outcome(fault(ZERO_PRIV, FAULT_READ), FAULT_OK, HOW_ZERO_FILL);
	assert_int_equal(byte_at(ZERO_PRIV), 0);
}

static void test_beyond_eof(void **state)
{
	/* The file has two pages (the second partial); the region four. */
	struct fault_outcome o = fault(FILE_PRIV + 2 * PAGE_SIZE, FAULT_READ);

	assert_outcome(o, FAULT_SIGBUS, HOW_BEYOND_EOF);
	assert_int_equal(mm.rss, 0);
	assert_outcome(fault(FILE_SHARED + 3 * PAGE_SIZE, FAULT_WRITE), FAULT_SIGBUS,
		       HOW_BEYOND_EOF);
}

/* A private page shared with a "parent": mapped read-only, refcount 2. */
static phys_addr_t share_page(u64 va, u8 fill)
{
	phys_addr_t pa = frame_alloc();

	memset(phys_to_virt(pa), fill, PAGE_SIZE);
	assert_int_equal(pt_map(mm.pgd, va, pa, PTE_U | PTE_NX), 0);
	page_get(phys_to_page(pa));
	return pa;
}

static void test_cow_copy(void **state)
{
	phys_addr_t old = share_page(ANON, 0x5a);
	struct fault_outcome o = fault(ANON + 9, FAULT_WRITE);
	pte_t fl;

	assert_outcome(o, FAULT_OK, HOW_COW_COPY);
	assert_int_not_equal(mapped(ANON, &fl), old);
	assert_true(fl & PTE_W);
	assert_int_equal(byte_at(ANON + 9), 0x5a);
	assert_int_equal(phys_to_page(old)->refcount, 1); /* the parent's */
}

static void test_cow_reuse(void **state)
{
	phys_addr_t old = share_page(ANON, 0x5a);
	struct fault_outcome o;
	pte_t fl;

	page_put(phys_to_page(old)); /* the parent is gone */
	o = fault(ANON, FAULT_WRITE);
	assert_outcome(o, FAULT_OK, HOW_COW_REUSE);
	assert_int_equal(mapped(ANON, &fl), old);
	assert_true(fl & PTE_W);
}

static void test_spurious(void **state)
{
	u64 flushes;

	assert_outcome(fault(ANON, FAULT_WRITE), FAULT_OK, HOW_ZERO_FILL);
	flushes = host_tlb_page_flushes;
	assert_outcome(fault(ANON, FAULT_READ), FAULT_OK, HOW_SPURIOUS);
	assert_int_equal(host_tlb_page_flushes, flushes + 1);
	assert_int_equal(mm.rss, 1);
}

/* An entry holding a swap slot. */
static void swap_out(u64 va)
{
	pte_t *e = pt_walk(mm.pgd, va, true);

	*e = swap_val_to_pte(42);
}

static void test_swap_in_major(void **state)
{
	struct fault_outcome o;

	swap_out(ANON);
	swap_major = true;
	o = fault(ANON, FAULT_READ);
	assert_outcome(o, FAULT_OK, HOW_SWAP_IN_MAJOR);
	assert_true(o.major);
	assert_int_equal(swap_calls, 1);
	assert_int_equal(task.ru.majflt, 1);
	assert_int_equal(task.ru.minflt, 0);
	assert_int_equal(vm_major_faults, 1);
}

static void test_swap_in_cache(void **state)
{
	struct fault_outcome o;

	swap_out(ANON);
	o = fault(ANON, FAULT_READ);
	assert_outcome(o, FAULT_OK, HOW_SWAP_IN_CACHE);
	assert_false(o.major);
	assert_int_equal(task.ru.minflt, 1);
}

static void test_swap_io_error(void **state)
{
	swap_out(ANON);
	swap_err = -EIO;
	assert_outcome(fault(ANON, FAULT_READ), FAULT_SIGBUS, HOW_SWAP_IO_ERROR);
}

/* The task slept while the disk read the page: the decision is made again
 * from the top, and the second pass maps the page; one fault is counted,
 * a major one. */
static void test_swap_in_slept(void **state)
{
	struct fault_outcome o;

	swap_out(ANON);
	swap_err = -EAGAIN;
	swap_major = true;
	o = fault(ANON, FAULT_READ);
	assert_outcome(o, FAULT_OK, HOW_SWAP_IN_MAJOR);
	assert_int_equal(swap_calls, 2);
	assert_int_equal(task.ru.majflt, 1);
	assert_int_equal(task.ru.minflt, 0);
	assert_int_equal(vm_faults_total, 1);
}

static void test_out_of_memory(void **state)
{
	while (frame_alloc())
		; /* every frame taken */
	assert_outcome(fault(ANON, FAULT_READ), FAULT_OOM, HOW_OUT_OF_MEMORY);
	assert_int_equal(oom_calls, 1);
	assert_int_equal(task.ru.minflt, 0);
}

static void test_vmtrace(void **state)
{
	mm.vmtrace = true;
	fault(ANON + 0x10, FAULT_WRITE);
	fault(0x50000000ul, FAULT_READ); /* far below the stack */
	fault(STACK_START - PAGE_SIZE, FAULT_WRITE);
	assert_non_null(strstr(host_printk_log(), "vmtrace: test[7] write 0x10000010 "
				"in anonymous memory rw-p: zero-fill\n"));
	assert_non_null(strstr(host_printk_log(), "vmtrace: test[7] read 0x50000000 "
				"in no region: SIGSEGV: no region here (SEGV_MAPERR)\n"));
	assert_non_null(strstr(host_printk_log(), "vmtrace: test[7] write 0x7fefffeff000 "
				"in anonymous memory rw-p: stack grow, zero-fill\n"));
}

/* A region registered with a userfaultfd: the fault goes to
 * handle_userfault(), and nothing is mapped here; its SIGBUS answer too. */
static void test_userfault(void **state)
{
	struct vm_area_struct *v = find_vma(&mm.vmas, ANON);

	v->vm_flags |= VM_UFFD_MISSING;
	uffd_result = FAULT_OK;
	assert_outcome(fault(ANON, FAULT_READ), FAULT_OK, HOW_USERFAULT);
	assert_int_equal(uffd_calls, 1);
	assert_false(mapped(ANON, NULL));
	uffd_result = FAULT_SIGBUS;
	assert_outcome(fault(ANON, FAULT_WRITE), FAULT_SIGBUS, HOW_USERFAULT_SIGBUS);
	v->vm_flags &= ~VM_UFFD_MISSING;
	assert_outcome(fault(ANON, FAULT_READ), FAULT_OK, HOW_ZERO_FILL);
	assert_int_equal(uffd_calls, 2);
}

static void test_fault_in_page(void **state)
{
	struct vm_area_struct *v = find_vma(&mm.vmas, FILE_PRIV);

	/* The same cases, reached by get_user_pages-style callers. */
	assert_int_equal(fault_in_page(&mm, v, FILE_PRIV, false), 0);
	assert_int_equal(mapped(FILE_PRIV, NULL), file_frames[0]);
	assert_int_equal(break_cow(&mm, v, FILE_PRIV), 0);
	assert_int_not_equal(mapped(FILE_PRIV, NULL), file_frames[0]);
	assert_int_equal(fault_in_page(&mm, v, FILE_PRIV + 3 * PAGE_SIZE, false), -EFAULT);
	assert_int_equal(task.ru.minflt, 0); /* not counted as the task's faults */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
		T(test_zero_fill),        T(test_stack_grow),
		T(test_stack_overflow),   T(test_stack_into_guard_gap),
		T(test_far_below_stack),  T(test_no_region),
		T(test_kernel_half),      T(test_forbidden),
		T(test_file_read),        T(test_file_cow),
		T(test_file_shared),      T(test_beyond_eof),
		T(test_shmem),            T(test_dev_zero_private),
		T(test_cow_copy),         T(test_cow_reuse),
		T(test_spurious),         T(test_swap_in_major),
		T(test_swap_in_cache),    T(test_swap_io_error),    T(test_swap_in_slept),
		T(test_out_of_memory),    T(test_vmtrace),
		T(test_fault_in_page),    T(test_userfault),
#undef T
	};

	return cmocka_run_group_tests(tests, host_group_setup, host_group_teardown);
}
