/*
 * arch/x86_64/cpu.c - CPU features and the protection switches.
 *
 * Turns on what the kernel relies on when the CPU has it: NX (EFER.NXE, set
 * already by boot.asm), global pages (CR4.PGE), supervisor write protection
 * (CR0.WP: the kernel too faults on read-only pages), SMEP (the kernel may
 * not execute user pages) and SMAP (the kernel may not touch user pages
 * except inside the user-copy functions).  FSGSBASE (CR4.FSGSBASE) lets
 * user code read and write its FS and GS bases directly, as Linux 5.9+
 * allows and advertises in AT_HWCAP2.
 */
#include <asm/arch.h>
#include <asm/cpu.h>
#include <asm/pgtable.h>
#include <vmos/string.h>

struct cpu_features cpu_features;
u8 smap_enabled; /* read by uaccess.asm: use stac/clac */
pte_t pte_supported = ~0ull;

#define CPUID_EXT_NX (1u << 20)      /* 0x80000001 EDX */
#define CPUID_EXT_PDPE1GB (1u << 26) /* 0x80000001 EDX */
#define CPUID_7_FSGSBASE (1u << 0)   /* leaf 7 EBX */
#define CPUID_7_SMEP (1u << 7)       /* leaf 7 EBX */
#define CPUID_7_SMAP (1u << 20)      /* leaf 7 EBX */
#define CPUID_1_PGE (1u << 13)       /* leaf 1 EDX */
#define CPUID_1_RDRAND (1u << 30)    /* leaf 1 ECX */

static void detect(struct cpu_features *f)
{
	u32 a, b, c, d, max;

	cpuid(0, 0, &max, &b, &c, &d);
	memcpy(f->vendor, &b, 4);
	memcpy(f->vendor + 4, &d, 4);
	memcpy(f->vendor + 8, &c, 4);
	f->vendor[12] = '\0';
	cpuid(1, 0, &a, &b, &c, &d);
	f->pge = d & CPUID_1_PGE;
	f->rdrand = c & CPUID_1_RDRAND;
	if (max >= 7) {
		cpuid(7, 0, &a, &b, &c, &d);
		f->smep = b & CPUID_7_SMEP;
		f->smap = b & CPUID_7_SMAP;
		f->fsgsbase = b & CPUID_7_FSGSBASE;
	}
	cpuid(0x80000001, 0, &a, &b, &c, &d);
	f->nx = d & CPUID_EXT_NX;
	f->pdpe1gb = d & CPUID_EXT_PDPE1GB;
}

/* enable_fsgsbase - let user code run rdfsbase and friends (CR4.FSGSBASE)
 * if the CPU has them.  The kernel itself keeps using the MSRs. */
static void enable_fsgsbase(void)
{
	if (cpu_features.fsgsbase)
		write_cr4(read_cr4() | CR4_FSGSBASE);
}

#define HWCAP2_FSGSBASE (1u << 1) /* Linux's uapi asm/hwcap2.h */

u64 arch_hwcap2(void)
{
	return cpu_features.fsgsbase ? HWCAP2_FSGSBASE : 0;
}

/* The protection switches, on the CPU running this (cpu_features is the
 * boot CPU's: every CPU of a machine has the same). */
static void enable_features(void)
{
	u64 cr4;

	write_cr0(read_cr0() | CR0_WP);
	cr4 = read_cr4();
	if (cpu_features.pge)
		cr4 |= CR4_PGE;
	if (cpu_features.smep)
		cr4 |= CR4_SMEP;
	if (cpu_features.smap)
		cr4 |= CR4_SMAP;
	write_cr4(cr4);
	enable_fsgsbase();
}

void cpu_init(void)
{
	detect(&cpu_features);
	if (!cpu_features.nx)
		pte_supported &= ~PTE_NX;
	if (!cpu_features.pge)
		pte_supported &= ~PTE_G;
	smap_enabled = cpu_features.smap;
	enable_features();
}

void cpu_init_ap(void)
{
	enable_features();
}

void arch_cpu_ident(struct cpu_ident *id)
{
	u32 a, b, c, d, max_ext;

	cpuid(0, 0, &id->cpuid_level, &b, &c, &d);
	cpuid(1, 0, &a, &b, &c, &d);
	/* Family and model with their extended parts, as the SDM says
	 * (vol. 2A, CPUID leaf 1) and Linux computes them. */
	id->family = (a >> 8) & 0xf;
	id->model = (a >> 4) & 0xf;
	if (id->family == 0xf)
		id->family += (a >> 20) & 0xff;
	if (id->family >= 6)
		id->model += ((a >> 16) & 0xf) << 4;
	id->stepping = a & 0xf;
	id->clflush_bytes = ((b >> 8) & 0xff) * 8;
	cpuid(0x80000000, 0, &max_ext, &b, &c, &d);
	strlcpy(id->model_name, "unknown", sizeof(id->model_name));
	if (max_ext >= 0x80000004) {
		u32 *w = (u32 *)id->model_name;

		for (u32 leaf = 0; leaf < 3; leaf++)
			cpuid(0x80000002 + leaf, 0, &w[4 * leaf], &w[4 * leaf + 1],
			      &w[4 * leaf + 2], &w[4 * leaf + 3]);
		id->model_name[48] = '\0';
	}
	id->phys_bits = 36;
	id->virt_bits = 48;
	if (max_ext >= 0x80000008) {
		cpuid(0x80000008, 0, &a, &b, &c, &d);
		id->phys_bits = a & 0xff;
		id->virt_bits = (a >> 8) & 0xff;
	}
	/* A CPU with 5-level paging says 57; vmos's 4-level tables use 48. */
	id->virt_bits = MIN(id->virt_bits, 48u);
}
