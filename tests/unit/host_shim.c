/*
 * tests/unit/host_shim.c - the kernel services the pure files need, on
 * Linux (see host.h).  Linked into every unit-test binary.
 */
#include "host.h"
#include <vmos/bkl.h>
#include <vmos/printk.h>

#include <stdio.h>

#define PRINTK_LOG_SIZE 16384
#define SIM_MEM_ALIGN (PAGE_SIZE << (FRAME_MAX_ORDER - 1)) /* 4 MiB */
#define SIM_MEM_FILL 0xa5

pte_t pte_supported = ~0ull; /* arch/x86_64/cpu.c narrows it at boot */

u8 *host_phys_mem;
u64 host_phys_size;
struct page *host_frame_table;

phys_addr_t host_current_root;
u64 host_tlb_page_flushes;
u64 host_tlb_all_flushes;
u64 host_tlb_last_va;

char host_panic_msg[HOST_MSG_MAX];
u64 host_panic_count;

static char printk_log[PRINTK_LOG_SIZE];
static size_t printk_len;

static bool verbose(void)
{
	const char *v = getenv("VMOS_UNIT_VERBOSE");

	return v && *v && strcmp(v, "0");
}

/* Keep the newest text: drop the oldest half when the log is full. */
static void log_append(const char *s)
{
	size_t n = strlen(s);

	if (n >= PRINTK_LOG_SIZE / 2)
		n = PRINTK_LOG_SIZE / 2 - 1;
	if (printk_len + n >= PRINTK_LOG_SIZE) {
		memmove(printk_log, printk_log + PRINTK_LOG_SIZE / 2,
			printk_len - PRINTK_LOG_SIZE / 2);
		printk_len -= PRINTK_LOG_SIZE / 2;
	}
	memcpy(printk_log + printk_len, s, n);
	printk_len += n;
	printk_log[printk_len] = '\0';
}

int printk(const char *fmt, ...)
{
	char line[HOST_MSG_MAX];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	log_append(line);
	if (verbose())
		fputs(line, stderr);
	return n;
}

const char *host_printk_log(void)
{
	return printk_log;
}

/*
 * panic - record the message and raise a cmocka assertion: inside
 * expect_panic() (or expect_assert_failure()) it jumps back to the test;
 * anywhere else it fails the running test with the message.
 */
void panic(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(host_panic_msg, sizeof(host_panic_msg), fmt, ap);
	va_end(ap);
	host_panic_count++;
	if (verbose())
		fprintf(stderr, "panic: %s\n", host_panic_msg);
	mock_assert(0, host_panic_msg, __FILE__, __LINE__);
	abort(); /* mock_assert(0, ...) does not return */
}

void host_phys_fault(const char *what, u64 pa)
{
	static char msg[HOST_MSG_MAX];

	snprintf(msg, sizeof(msg),
		 "%s: physical 0x%llx is outside the simulated 0x%llx bytes",
		 what, (unsigned long long)pa,
		 (unsigned long long)host_phys_size);
	mock_assert(0, msg, "asm/page.h", 0);
	abort();
}

void host_reset(void)
{
	host_panic_msg[0] = '\0';
	host_panic_count = 0;
	printk_len = 0;
	printk_log[0] = '\0';
	host_current_root = 0;
	host_tlb_page_flushes = host_tlb_all_flushes = host_tlb_last_va = 0;
	pte_supported = ~0ull;
}

void host_mem_init(u64 bytes)
{
	host_mem_exit();
	assert_true(bytes && IS_ALIGNED(bytes, PAGE_SIZE));
	assert_int_equal(posix_memalign((void **)&host_phys_mem, SIM_MEM_ALIGN,
				       bytes), 0);
	memset(host_phys_mem, SIM_MEM_FILL, bytes);
	host_phys_size = bytes;
}

void host_mem_exit(void)
{
	free(host_phys_mem);
	free(host_frame_table);
	host_phys_mem = NULL;
	host_frame_table = NULL;
	host_phys_size = 0;
}

int host_group_setup(void **state)
{
	host_reset();
	return 0;
}

int host_group_teardown(void **state)
{
	host_mem_exit();
	host_reset();
	return 0;
}

/* current (tests/unit/include/asm/current.h): a test that runs code
 * reading it defines its own, set to its task. */
__attribute__((weak)) struct task *host_current;

/* One CPU on the host: no other CPU to ask (asm/smp.h); the test, as
 * CPU 0, is the kernel lock's holder (vmos/bkl.h). */
int smp_call_function_others(void (*fn)(void *), void *arg)
{
	(void)fn;
	(void)arg;
	return 0;
}

struct kernel_lock_state bkl = { 1, 0, 0, 0 };
u32 irq_deferred;

/* The CPU the host plays (asm/percpu.h): test_lockdep sets it. */
unsigned host_cpu_id;
