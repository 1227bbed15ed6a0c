/*
 * tests/unit/test_procfmt.c - the text of /proc's memory files
 * (fs/procfmt.c) against real Linux output.
 *
 * tests/unit/fixtures/linux-*.txt were captured on Linux 6.18 (the host
 * kernel when this was written) by fixtures/capture_linux.c.  Each test
 * parses the numbers back out of a fixture, gives the same numbers to our
 * formatter and compares the text byte for byte.  Lines starting with '#'
 * are our notes, not Linux's.
 */
#include "host.h"
#include "fs/procfmt.h"
#include "mm/vma.h"

#define FIXTURES "tests/unit/fixtures/"
#define TEXT_MAX 65536
#define LINE_MAX 512
#define KB 1024ul

/* fixture_lines - the fixture's text without our '#' lines. */
static char *fixture_lines(const char *name)
{
	char path[256], line[LINE_MAX], *text = calloc(1, TEXT_MAX);
	FILE *f;

	snprintf(path, sizeof(path), FIXTURES "%s", name);
	f = fopen(path, "r");
	if (!f)
		fail_msg("cannot open %s (run from the top of the tree)", path);
	while (fgets(line, sizeof(line), f))
		if (line[0] != '#')
			strncat(text, line, TEXT_MAX - strlen(text) - 1);
	fclose(f);
	return text;
}

/* format_into - a pbuf over a fresh buffer. */
static struct pbuf new_pbuf(void)
{
	return (struct pbuf){ calloc(1, TEXT_MAX), TEXT_MAX, 0 };
}

/* parse_header - a maps line (without its newline) into *e; name points
 * into line. */
static void parse_header(char *line, struct maps_entry *e)
{
	char perms[5];
	int name_at = 0;

	memset(e, 0, sizeof(*e));
	if (sscanf(line, "%lx-%lx %4s %lx %x:%x %lu %n", &e->start, &e->end,
		   perms, &e->offset, &e->major, &e->minor, &e->ino,
		   &name_at) < 7)
		fail_msg("not a maps line: %s", line);
	e->vm_flags = (perms[0] == 'r' ? VM_READ : 0) |
		      (perms[1] == 'w' ? VM_WRITE : 0) |
		      (perms[2] == 'x' ? VM_EXEC : 0) |
		      (perms[3] == 's' ? VM_SHARED : 0);
	e->name = line + name_at;
}

/* flags_from_names - "rd mr mw me " back into VM_* bits. */
static u64 flags_from_names(const char *names)
{
	u64 flags = 0;

	for (const char *p = names; *p; p += 3) {
		unsigned i;

		for (i = 0; i < nr_vma_flag_names; i++)
			if (!strncmp(p, vma_flag_names[i].name, 2))
				break;
		if (i == nr_vma_flag_names)
			fail_msg("unknown VmFlags code %.2s", p);
		flags |= vma_flag_names[i].flag;
	}
	return flags;
}

/* A Pss value of kb kB, with a fraction below 1 kB that printing must
 * drop (Linux rounds down once, after the sum). */
static u64 pss_of(u64 kb)
{
	return (kb * KB << PSS_SHIFT) + (KB << PSS_SHIFT) - 1;
}

/* set_field - one "Label: value kB" line into mss (false: not a count). */
static void set_field(struct mem_size_stats *m, const char *label, u64 kb)
{
	const struct { const char *label; u64 *bytes, *pss; } map[] = {
		{ "Rss", &m->resident, NULL },
		{ "Shared_Clean", &m->shared_clean, NULL },
		{ "Shared_Dirty", &m->shared_dirty, NULL },
		{ "Private_Clean", &m->private_clean, NULL },
		{ "Private_Dirty", &m->private_dirty, NULL },
		{ "Referenced", &m->referenced, NULL },
		{ "Anonymous", &m->anonymous, NULL },
		{ "Pss", NULL, &m->pss },
		{ "Pss_Dirty", NULL, &m->pss_dirty },
		{ "Pss_Anon", NULL, &m->pss_anon },
		{ "Pss_File", NULL, &m->pss_file },
		{ "Pss_Shmem", NULL, &m->pss_shmem },
		{ "Locked", NULL, &m->pss_locked },
	};

	for (unsigned i = 0; i < ARRAY_SIZE(map); i++) {
		if (strcmp(label, map[i].label))
			continue;
		if (map[i].bytes)
			*map[i].bytes = kb * KB;
		else
			*map[i].pss = pss_of(kb);
	}
}

/* Every line of maps, formatted from its own numbers. */
static void test_maps_lines(void **state)
{
	char *text = fixture_lines("linux-maps.txt"), *save, *line;
	struct pbuf b = new_pbuf();
	unsigned n = 0;

	for (line = strtok_r(text, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save), n++) {
		struct maps_entry e;
		char want[LINE_MAX];

		parse_header(line, &e);
		b.len = 0;
		procfmt_maps_line(&b, &e);
		snprintf(want, sizeof(want), "%s\n", line);
		assert_string_equal(b.buf, want);
	}
	assert_true(n >= 10);
	free(b.buf);
	free(text);
}

/* A nameless line keeps the inode's trailing space and nothing more; a
 * prefix already past column 72 still gets Linux's one extra space before
 * the name (seq_pad), so two follow the inode. */
static void test_maps_padding_edges(void **state)
{
	struct pbuf b = new_pbuf();
	struct maps_entry e = { 0x10000, 0x11000, VM_READ, 0, 0, 0, 0, "" };

	procfmt_maps_line(&b, &e);
	assert_string_equal(b.buf, "00010000-00011000 r--p 00000000 00:00 0 \n");
	b.len = 0;
	e = (struct maps_entry){ 0x7fffffffe000ul, 0x7ffffffff000ul,
				 VM_READ | VM_SHARED, 0xfffffffffffff000ul, 0xfe,
				 0xff, 12345678901234567890ul, "/x" };
	procfmt_maps_line(&b, &e);
	assert_string_equal(b.buf, "7fffffffe000-7ffffffff000 r--s "
			    "fffffffffffff000 fe:ff 12345678901234567890  /x\n");
	free(b.buf);
}

/* Every smaps block, formatted from its header, counts and VmFlags. */
static void test_smaps_blocks(void **state)
{
	char *text = fixture_lines("linux-smaps.txt"), *p = text;
	struct pbuf b = new_pbuf();
	unsigned blocks = 0;

	while (*p) {
		char *block = p, *vmflags = strstr(p, "VmFlags: "), *end, *line;
		char header[LINE_MAX], label[64];
		struct mem_size_stats mss = { 0 };
		struct maps_entry e;
		unsigned long kb;
		size_t len;

		assert_non_null(vmflags);
		end = strchr(vmflags, '\n') + 1;
		len = strcspn(block, "\n");
		memcpy(header, block, len);
		header[len] = '\0';
		parse_header(header, &e);
		for (line = strchr(block, '\n') + 1; line < vmflags;
		     line = strchr(line, '\n') + 1)
			if (sscanf(line, "%63[^:]: %lu kB", label, &kb) == 2)
				set_field(&mss, label, kb);
		{
			char names[LINE_MAX];
			size_t n = (size_t)(end - vmflags) - strlen("VmFlags: ") - 1;

			memcpy(names, vmflags + strlen("VmFlags: "), n);
			names[n] = '\0';
			e.vm_flags |= flags_from_names(names);
		}
		b.len = 0;
		procfmt_smaps(&b, &e, &mss);
		assert_int_equal(b.len, (size_t)(end - block));
		assert_memory_equal(b.buf, block, b.len);
		p = end;
		blocks++;
	}
	assert_true(blocks >= 10);
	free(b.buf);
	free(text);
}

static void test_smaps_rollup(void **state)
{
	char *text = fixture_lines("linux-smaps_rollup.txt"), label[64];
	struct pbuf b = new_pbuf();
	struct mem_size_stats mss = { 0 };
	unsigned long start, end, kb;

	assert_int_equal(sscanf(text, "%lx-%lx", &start, &end), 2);
	for (char *line = strchr(text, '\n') + 1; *line;
	     line = strchr(line, '\n') + 1)
		if (sscanf(line, "%63[^:]: %lu kB", label, &kb) == 2)
			set_field(&mss, label, kb);
	procfmt_smaps_rollup(&b, start, end, &mss);
	assert_string_equal(b.buf, text);
	free(b.buf);
	free(text);
}

/* status_value - the kB figure of line "name:" in a status text. */
static u64 status_value(const char *text, const char *name)
{
	char key[64];
	const char *p;
	unsigned long kb;

	snprintf(key, sizeof(key), "\n%s:\t", name);
	p = strstr(text, key);
	if (!p || sscanf(p + strlen(key), "%lu kB", &kb) != 1)
		fail_msg("no %s in the status fixture", name);
	return kb;
}

/* The status fixture's memory figures as a struct task_mem. */
static struct task_mem fixture_task_mem(const char *text)
{
	return (struct task_mem){
		.vm_peak = status_value(text, "VmPeak"),
		.vm_size = status_value(text, "VmSize"),
		.vm_lck = status_value(text, "VmLck"),
		.vm_pin = status_value(text, "VmPin"),
		.vm_hwm = status_value(text, "VmHWM"),
		.vm_rss = status_value(text, "VmRSS"),
		.rss_anon = status_value(text, "RssAnon"),
		.rss_file = status_value(text, "RssFile"),
		.rss_shmem = status_value(text, "RssShmem"),
		.vm_data = status_value(text, "VmData"),
		.vm_stk = status_value(text, "VmStk"),
		.vm_exe = status_value(text, "VmExe"),
		.vm_lib = status_value(text, "VmLib"),
		.vm_pte = status_value(text, "VmPTE"),
		.vm_swap = status_value(text, "VmSwap"),
		.code_span = status_value(text, "VmExe"),
	};
}

/* VmPeak .. HugetlbPages: the same lines, in the same order. */
static void test_status_memory_lines(void **state)
{
	char *text = fixture_lines("linux-status.txt");
	struct task_mem tm = fixture_task_mem(text);
	const char *from = strstr(text, "VmPeak:"), *to = strstr(text, "CoreDumping:");
	struct pbuf b = new_pbuf();

	assert_non_null(from);
	assert_non_null(to);
	procfmt_status_mem(&b, &tm);
	assert_int_equal(b.len, (size_t)(to - from));
	assert_memory_equal(b.buf, from, b.len);
	free(b.buf);
	free(text);
}

/* statm from the status figures of the same moment: Linux's definitions
 * of shared (file + shmem) and data (VmData + VmStk) give its numbers. */
static void test_statm(void **state)
{
	char *status = fixture_lines("linux-status.txt");
	char *statm = fixture_lines("linux-statm.txt");
	struct task_mem tm = fixture_task_mem(status);
	struct pbuf b = new_pbuf();

	procfmt_statm(&b, &tm);
	assert_string_equal(b.buf, statm);
	free(b.buf);
	free(status);
	free(statm);
}

/* A text that does not fit is counted in full, so the caller can retry
 * with a buffer of the right size, and nothing is written past the end. */
static void test_pbuf_counts_overflow(void **state)
{
	char small[8];
	struct pbuf b = { small, sizeof(small), 0 }, big = new_pbuf();
	struct task_mem tm = { .vm_peak = 1234 };

	procfmt_status_mem(&b, &tm);
	procfmt_status_mem(&big, &tm);
	assert_int_equal(b.len, big.len);
	assert_int_equal(big.len, strlen(big.buf));
	assert_memory_equal(small, "VmPeak:", strlen("VmPeak:"));
	free(big.buf);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_maps_lines),
		cmocka_unit_test(test_maps_padding_edges),
		cmocka_unit_test(test_smaps_blocks),
		cmocka_unit_test(test_smaps_rollup),
		cmocka_unit_test(test_status_memory_lines),
		cmocka_unit_test(test_statm),
		cmocka_unit_test(test_pbuf_counts_overflow),
	};

	return cmocka_run_group_tests_name("fs/procfmt", tests, NULL, NULL);
}
