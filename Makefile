# vmos - build, run and test the kernel.  `make help` lists the targets.

BUILD    := build
CC       := gcc
LD       := ld
NASM     := nasm
OBJCOPY  := objcopy
PYTHON   := python3
QEMU     := qemu-system-x86_64
KSYMS_RESERVE := 131072

# The kernel: freestanding, no red zone (interrupts push on the stack), no
# SSE (its registers are not saved on kernel entry), linked at -2 GiB.
# Stack canaries in functions with arrays or address-taken locals, checked
# against the global __stack_chk_guard (no TLS in the kernel; see
# kernel/stackprotector.h).
KCFLAGS := -std=gnu11 -O2 -g -ffreestanding -fno-pie -fno-pic \
	-mcmodel=kernel -mno-red-zone -mgeneral-regs-only \
	-fstack-protector-strong -mstack-protector-guard=global \
	-fno-omit-frame-pointer \
	-fno-asynchronous-unwind-tables -fno-common -fno-delete-null-pointer-checks \
	-Wall -Wextra -Werror -Wno-unused-parameter \
	-I. -Iinclude -Iarch/x86_64/include -MMD -MP
NASMFLAGS := -f elf64 -g -F dwarf -Iarch/x86_64/include/ -DKSYMS_RESERVE=$(KSYMS_RESERVE)
KLDFLAGS := -nostdlib -static -z max-page-size=0x1000 -z noexecstack \
	-T linker.ld --no-warn-rwx-segments

# Three files are the checked kernel's alone (see "the checked kernel").
CHECK_ONLY_C := kernel/ubsan.c mm/poison.c kernel/lockdep.c
KERNEL_C   := $(filter-out $(CHECK_ONLY_C),$(wildcard arch/x86_64/*.c kernel/*.c \
	fs/*.c fs/proc/*.c net/*.c ipc/*.c drivers/*.c mm/*.c lib/*.c tests/ktest/*.c))
KERNEL_ASM := $(wildcard boot/*.asm arch/x86_64/*.asm kernel/*.asm)
KERNEL_OBJ := $(KERNEL_C:%.c=$(BUILD)/%.o) $(KERNEL_ASM:%.asm=$(BUILD)/%.asm.o)

QEMU_FLAGS := -cpu max -m 128M -no-reboot -display none -serial mon:stdio
# A 256 MiB sparse disk image, made once and kept (DISK_FLAGS attaches it
# as /dev/vda).  make run, run-direct and debug attach a fresh one of
# their own instead (tools/run.sh), so that two runs never share one.
SWAP_IMG := $(BUILD)/swap.img
DISK_FLAGS := -drive file=$(SWAP_IMG),format=raw,if=virtio
# make debug's gdb port: one per user, as xv6's (id -u % 5000 + 25000), so
# two users of one machine do not meet.  GDBPORT=... overrides it.
GDBPORT ?= $(shell expr $$(id -u) % 5000 + 25000)
# make debug OPT=-Og: a kernel built with OPT added to the flags, for
# stepping with the locals visible, in its own tree (build/opt-Og/), so
# build/kernel.elf stays as it is.
OPT ?=
DEBUG_KERNEL := $(if $(OPT),$(BUILD)/opt$(OPT)/kernel.elf,$(BUILD)/kernel.elf)
# The kernel command line for run-direct and debug.  The recipes read it
# from the environment (make exports command-line variables), so it may
# hold quotes: make debug APPEND='init=/bin/sh -c "cow; vmmap"'.
APPEND ?=
export APPEND

.PHONY: all kernel kernel-check iso initrd run run-direct debug gdb test test-build unit bench conformance deps clean help
.PHONY: lab grade labs
all: kernel initrd

help:
	@echo "make            build build/kernel.elf"
	@echo "make run        boot the GRUB ISO in QEMU, serial console on this terminal"
	@echo "make run-direct boot build/kernel.elf with -kernel (APPEND='ktest=all' ...)"
	@echo "make debug      run-direct with QEMU's gdb stub on port GDBPORT (OPT=-Og PAUSE=1)"
	@echo "make gdb        in a second terminal: gdb on the kernel make debug runs"
	@echo "make test       build everything and run the whole test suite"
	@echo "make iso        build build/os.iso (GRUB, BIOS boot)"
	@echo "make kernel-check  build build/kernel-check.elf (UBSan, poisoning, lockdep)"
	@echo "make unit       build and run only the host unit tests"
	@echo "make bench      vmos against Linux in the same QEMU (docs/bench.md)"
	@echo "make conformance  Linux's selftests on vmos and Linux (docs/conformance.md)"
	@echo "make lab LAB=NAME   a lab's student tree in ../vmos-lab-NAME (docs/labs/)"
	@echo "make grade LAB=NAME build this tree and grade it as lab NAME"

deps:
	@tools/install-deps.sh

kernel: $(BUILD)/kernel.elf

$(BUILD)/%.o: %.c Makefile
	@mkdir -p $(dir $@)
	$(CC) $(KCFLAGS) -c $< -o $@

$(BUILD)/%.asm.o: %.asm Makefile
	@mkdir -p $(dir $@)
	$(NASM) $(NASMFLAGS) -MD $(@:.o=.d) -MP $< -o $@

# Link once, list the functions, write them into the reserved .ksyms
# section (same size, so nothing moves): the kernel can name its own code.
$(BUILD)/kernel.pass1.elf: $(KERNEL_OBJ) linker.ld
	$(LD) $(KLDFLAGS) -o $@ $(KERNEL_OBJ)

$(BUILD)/kernel.elf: $(BUILD)/kernel.pass1.elf tools/ksyms.py
	$(PYTHON) tools/ksyms.py $< $(BUILD)/ksyms.bin $(KSYMS_RESERVE)
	$(OBJCOPY) --update-section .ksyms=$(BUILD)/ksyms.bin $< $@

# ---- the checked kernel: the same sources with the undefined-behaviour
# sanitizer (kernel/ubsan.c reports), poisoned free memory (mm/poison.c)
# and the lock checker (kernel/lockdep.c, CONFIG_LOCKDEP; docs/smp.md),
# objects in build/check/.  make test runs the QEMU tests on both kernels;
# make run and the benchmarks use the normal one.  docs/robustness.md,
# "The checked kernel".
CHECK := $(BUILD)/check
CHECK_CFLAGS := -fsanitize=undefined -DCONFIG_UBSAN -DCONFIG_POISON -DCONFIG_LOCKDEP
KERNEL_CHECK_OBJ := $(KERNEL_OBJ:$(BUILD)/%=$(CHECK)/%) \
	$(CHECK_ONLY_C:%.c=$(CHECK)/%.o)

kernel-check: $(BUILD)/kernel-check.elf

$(CHECK)/%.o: %.c Makefile
	@mkdir -p $(dir $@)
	$(CC) $(KCFLAGS) $(CHECK_CFLAGS) -c $< -o $@

# The handlers themselves are not instrumented: a check would call them.
$(CHECK)/kernel/ubsan.o: CHECK_CFLAGS := -DCONFIG_UBSAN -DCONFIG_POISON -DCONFIG_LOCKDEP

$(CHECK)/%.asm.o: %.asm Makefile
	@mkdir -p $(dir $@)
	$(NASM) $(NASMFLAGS) -MD $(@:.o=.d) -MP $< -o $@

$(CHECK)/kernel.pass1.elf: $(KERNEL_CHECK_OBJ) linker.ld
	$(LD) $(KLDFLAGS) -o $@ $(KERNEL_CHECK_OBJ)

$(BUILD)/kernel-check.elf: $(CHECK)/kernel.pass1.elf tools/ksyms.py
	$(PYTHON) tools/ksyms.py $< $(CHECK)/ksyms.bin $(KSYMS_RESERVE)
	$(OBJCOPY) --update-section .ksyms=$(CHECK)/ksyms.bin $< $@

-include $(KERNEL_CHECK_OBJ:.o=.d)

iso: $(BUILD)/os.iso
$(BUILD)/os.iso: $(BUILD)/kernel.elf $(BUILD)/initrd.cpio iso/grub.cfg
	@mkdir -p $(BUILD)/isodir/boot/grub
	cp $(BUILD)/kernel.elf $(BUILD)/isodir/boot/kernel.elf
	cp $(BUILD)/initrd.cpio $(BUILD)/isodir/boot/initrd.cpio
	cp iso/grub.cfg $(BUILD)/isodir/boot/grub/grub.cfg
	grub-mkrescue -o $@ $(BUILD)/isodir 2>$(BUILD)/grub-mkrescue.log || \
		{ cat $(BUILD)/grub-mkrescue.log; exit 1; }

run: deps iso
	tools/run.sh -cdrom $(BUILD)/os.iso

run-direct: deps kernel initrd
	tools/run.sh -kernel $(BUILD)/kernel.elf -initrd $(BUILD)/initrd.cpio \
		-append "$$APPEND"

# Sparse: it takes no space on the host until the guest writes to it.
$(SWAP_IMG):
	@mkdir -p $(dir $@)
	truncate -s 256M $@

# make debug is run-direct with QEMU's gdb stub; make gdb, in a second
# terminal, connects to it with the same kernel's symbols and our gdb
# commands (tools/gdb/vmos.gdb).  It builds nothing: the symbols are a copy
# of the kernel QEMU runs, made by tools/run.sh.
debug: deps $(DEBUG_KERNEL) initrd
	tools/run.sh --gdb $(GDBPORT) $(DEBUG_KERNEL) -kernel $(DEBUG_KERNEL) \
		-initrd "$${INITRD:-$(BUILD)/initrd.cpio}" -append "$$APPEND"

gdb:
	@test -f $(BUILD)/debug-session/session.gdb || { echo "make gdb: no make" \
		"debug runs in this tree: start one in another terminal first" >&2; exit 1; }
	gdb -q -nx -x $(BUILD)/debug-session/session.gdb -x tools/gdb/vmos.gdb

ifneq ($(OPT),)
KERNEL_OPT_OBJ := $(KERNEL_C:%.c=$(BUILD)/opt$(OPT)/%.o) \
	$(KERNEL_ASM:%.asm=$(BUILD)/%.asm.o)
$(BUILD)/opt$(OPT)/%.o: %.c Makefile
	@mkdir -p $(dir $@)
	$(CC) $(KCFLAGS) $(OPT) -c $< -o $@

$(BUILD)/opt$(OPT)/kernel.pass1.elf: $(KERNEL_OPT_OBJ) linker.ld
	$(LD) $(KLDFLAGS) -o $@ $(KERNEL_OPT_OBJ)

$(BUILD)/opt$(OPT)/kernel.elf: $(BUILD)/opt$(OPT)/kernel.pass1.elf tools/ksyms.py
	$(PYTHON) tools/ksyms.py $< $(BUILD)/opt$(OPT)/ksyms.bin $(KSYMS_RESERVE)
	$(OBJCOPY) --update-section .ksyms=$(BUILD)/opt$(OPT)/ksyms.bin $< $@

-include $(KERNEL_OPT_OBJ:.o=.d)
endif

# ---- user programs (musl-gcc, static) and the initrd
USER_CC := musl-gcc
# One set of flags for every user program: USER_BASE (C dialect, warnings),
# USER_CFLAGS (static, the default), USER_STATIC_PIE (a static PIE: Debian's
# musl-gcc turns -static-pie into a dynamic PIE, so it is linked by hand
# with musl's self-relocating start file, rcrt1.o; use with STATIC_PIE_LINK).
USER_BASE := -std=gnu11 -O2 -g -Wall -Wextra -Werror -Wno-unused-parameter
USER_CFLAGS := $(USER_BASE) -static
USER_STATIC_PIE := $(USER_BASE) -fPIE -static-pie -nostartfiles -Wl,-static \
	-Wl,--no-dynamic-linker
STATIC_PIE_LINK = $(MUSL_LIB)/rcrt1.o $(MUSL_LIB)/crti.o $< $(MUSL_LIB)/crtn.o
USER_PROGS := $(patsubst user/%.c,$(BUILD)/user/%,$(wildcard user/*.c))
TEST_PROGS := $(patsubst tests/user/%.c,$(BUILD)/tests/user/%,$(wildcard tests/user/*.c))

$(BUILD)/user/%: user/%.c Makefile
	@mkdir -p $(dir $@)
	$(USER_CC) $(USER_CFLAGS) -o $@ $<

$(BUILD)/tests/user/%: tests/user/%.c tests/user/tap.h tests/user/bench.h tests/user/adv.h Makefile
	@mkdir -p $(dir $@)
	$(USER_CC) $(USER_CFLAGS) -Itests/user -o $@ $<

# One program as a static PIE: position-independent, no dynamic linker, so
# the kernel picks its base (ET_DYN without PT_INTERP).  Debian's musl-gcc
# turns -static-pie into a dynamic PIE, so link with musl's self-relocating
# start file, rcrt1.o, by hand.
TEST_PROGS += $(BUILD)/tests/user/hello-pie $(BUILD)/tests/user/addrs-pie
$(BUILD)/tests/user/%-pie: tests/user/%.c Makefile
	@mkdir -p $(dir $@)
	$(USER_CC) $(USER_STATIC_PIE) -o $@ $(STATIC_PIE_LINK)

# Dynamic linking: a small shared library of our own, and a test linked
# against it (not -static): exec loads musl's dynamic linker, which the
# initrd carries as /lib/ld-musl-x86_64.so.1 (musl's libc.so).
DYN_LIBS := $(BUILD)/lib/libvmdemo.so
$(BUILD)/lib/lib%.so: user/lib/%.c Makefile
	@mkdir -p $(dir $@)
	$(USER_CC) $(USER_BASE) -fPIC -shared -o $@ $<
# The memory and thread suites also run dynamically linked (musl's loader
# and libc.so): every behaviour must hold for both kinds of program.
TEST_PROGS += $(BUILD)/tests/user/mem_test-dyn $(BUILD)/tests/user/thread_test-dyn
$(BUILD)/tests/user/%-dyn: tests/user/%.c tests/user/tap.h Makefile
	@mkdir -p $(dir $@)
	$(USER_CC) $(USER_BASE) -Itests/user -o $@ $<

# A PIE with a dynamic linker, linked for 2 MiB pages: exec aligns its
# load address to its p_align (kernel/exec.c: load_elf; user-pie-align).
# Two segments and no RELRO keep the file at 8 KiB instead of 6 MiB of
# padding (the initrd is in memory twice: -m 64M tests feel every MiB).
TEST_PROGS += $(BUILD)/tests/user/pie_align-2m
$(BUILD)/tests/user/pie_align-2m: tests/user/pie_align.c Makefile
	@mkdir -p $(dir $@)
	$(USER_CC) $(USER_BASE) -fPIE -pie \
		-Wl,-z,max-page-size=0x200000 -Wl,-z,noseparate-code \
		-Wl,-z,norelro -o $@ $<

$(BUILD)/tests/user/dyn_test: tests/user/dyn_test.c tests/user/tap.h $(DYN_LIBS) Makefile
	@mkdir -p $(dir $@)
	$(USER_CC) $(USER_BASE) -Itests/user -o $@ $< \
		-L$(BUILD)/lib -lvmdemo -Wl,-rpath,/lib

# The textbook demos (docs/demos.md): each user/demos/NAME.c becomes
# /bin/NAME, static like the other programs, except three: shlib is linked
# dynamically against libvmdemo.so (its library's regions are the point),
# threads dynamically (libc's regions beside the thread stacks), and aslr
# is a static PIE (so its code moves too).  tests/user/demos.sh,
# the script of the QEMU test user-demos, goes to /tests.
DEMO_PROGS := $(patsubst user/demos/%.c,$(BUILD)/demos/%,$(wildcard user/demos/*.c))
DEMO_SCRIPTS := tests/user/demos.sh
$(BUILD)/demos/%: user/demos/%.c user/demos/demo.h Makefile
	@mkdir -p $(dir $@)
	$(USER_CC) $(USER_CFLAGS) -o $@ $<

$(BUILD)/demos/segv: user/demos/segv.c user/demos/demo.h Makefile
	@mkdir -p $(dir $@)
	$(USER_CC) $(USER_CFLAGS) -pthread -o $@ $<

# threads is dynamically linked too: its diagram shows thread stacks and
# musl's dynamic linker (which is also its libc) side by side.
$(BUILD)/demos/threads: user/demos/threads.c user/demos/demo.h Makefile
	@mkdir -p $(dir $@)
	$(USER_CC) $(USER_BASE) -pthread -o $@ $<

$(BUILD)/demos/shlib: user/demos/shlib.c user/demos/demo.h $(DYN_LIBS) Makefile
	@mkdir -p $(dir $@)
	$(USER_CC) $(USER_BASE) -o $@ $< -L$(BUILD)/lib -lvmdemo -Wl,-rpath,/lib

$(BUILD)/demos/aslr: user/demos/aslr.c user/demos/demo.h Makefile
	@mkdir -p $(dir $@)
	$(USER_CC) $(USER_STATIC_PIE) -o $@ $(STATIC_PIE_LINK)

initrd: $(BUILD)/initrd.cpio
$(BUILD)/initrd.cpio: $(USER_PROGS) $(TEST_PROGS) $(DYN_LIBS) $(DEMO_PROGS) \
		$(DEMO_SCRIPTS) tools/mkinitrd.sh
	tools/mkinitrd.sh $(BUILD)/initrd-root $@ $(USER_PROGS) $(TEST_PROGS) \
		$(DYN_LIBS) $(DEMO_PROGS) $(DEMO_SCRIPTS)

# ---- host unit tests: pure kernel code compiled for Linux with sanitizers
UNIT_CFLAGS := -std=gnu11 -O1 -g -fsanitize=address,undefined \
	-fno-sanitize-recover=undefined -fno-omit-frame-pointer \
	-Wall -Wextra -Werror -Wno-unused-parameter \
	-Itests/unit/include -I. -Iinclude -Iarch/x86_64/include
UNIT_LIBS := -lcmocka
UNIT_SHIM := tests/unit/host_shim.c lib/strlcpy.c
UNIT_TESTS := $(patsubst tests/unit/test_%.c,$(BUILD)/unit/test_%,$(wildcard tests/unit/test_*.c))

# The host unit tests: which kernel sources each test_NAME compiles (all
# pure code; one table, so that adding a test is one line here).
UNIT_SRC_acpi      := arch/x86_64/acpi.c lib/format.c
UNIT_SRC_clock     := mm/clock.c
UNIT_SRC_cmdline   := kernel/cmdline.c
UNIT_SRC_cpio      := fs/cpio.c
UNIT_SRC_coredump  := kernel/elfcore.c
UNIT_SRC_elf       := kernel/elf.c lib/format.c
UNIT_SRC_fault     := mm/fault.c mm/pagetable.c mm/frame.c mm/vma.c lib/format.c
UNIT_SRC_format    := lib/format.c
UNIT_SRC_frame     := mm/frame.c
UNIT_SRC_fspath    := fs/path.c
UNIT_SRC_kmalloc   := mm/kmalloc.c mm/frame.c lib/format.c
UNIT_SRC_ksyms     := kernel/ksyms.c lib/format.c
UNIT_SRC_lockdep   := kernel/lockdep.c lib/format.c
UNIT_SRC_memmap    := mm/memmap.c
UNIT_SRC_page_index := mm/page_index.c mm/kmalloc.c mm/frame.c lib/format.c
UNIT_SRC_pagetable := mm/pagetable.c mm/frame.c
UNIT_SRC_procfmt   := fs/procfmt.c lib/format.c mm/vma.c
UNIT_SRC_rmap      := mm/rmap.c mm/pagetable.c mm/frame.c mm/vma.c
UNIT_SRC_swapfile  := mm/swapslots.c lib/format.c
UNIT_SRC_tty       := fs/tty_ldisc.c
UNIT_SRC_vma       := mm/vma.c
# Extra flags of a test (the checked kernel's options it tests).
UNIT_CFLAGS_lockdep := -DCONFIG_LOCKDEP


# A test depends on what it compiles (its UNIT_SRC_ line) and the headers,
# not on every kernel source.
KERNEL_H := $(wildcard include/vmos/*.h arch/x86_64/include/asm/*.h kernel/*.h mm/*.h \
	fs/*.h fs/proc/*.h net/*.h ipc/*.h drivers/*.h)
.SECONDEXPANSION:
$(BUILD)/unit/test_%: tests/unit/test_%.c $(UNIT_SHIM) tests/unit/host.h \
		$(wildcard tests/unit/include/asm/*.h) $$(UNIT_SRC_$$*) $(KERNEL_H)
	@mkdir -p $(dir $@)
	$(CC) $(UNIT_CFLAGS) $(UNIT_CFLAGS_$*) -o $@ $< $(UNIT_SHIM) $(UNIT_SRC_$*) $(UNIT_LIBS)

unit: deps $(UNIT_TESTS)
	@for t in $(UNIT_TESTS); do $$t || exit 1; done

# ---- the whole suite
# The tools first (a fresh machine has no nasm), then everything in
# parallel on every core, then the harness.
NPROC := $(shell nproc 2>/dev/null || echo 2)
test: deps
	$(MAKE) --no-print-directory -j$(NPROC) test-build
	$(PYTHON) tests/run.py

test-build: kernel kernel-check initrd iso $(SWAP_IMG) $(UNIT_TESTS) fuzz-build \
		$(BUILD)/bench/bench.cpio $(BUILD)/bench/bench-all.cpio \
		$(BUILD)/conformance/subset.cpio labs

# ---- the graded labs (docs/labs/README.md, tools/lab.py).  Lab NAME's
# skeleton kernel, build/labs/NAME/kernel.elf: the files that carry NAME's
# markers, as its skeleton has them (build/labs/NAME/src/), compiled with
# the kernel's flags, and every other object of the normal build; linked
# as build/kernel.elf is.  make test checks that the reference (this
# tree) scores full marks and each skeleton 0, without a panic.
LABS := $(patsubst tests/labs/%.py,%,$(wildcard tests/labs/*.py))
LABDIR ?= ../vmos-lab-$(LAB)

define LAB_RULES
LAB_SRC_$(1) := $$(shell grep -l "LAB $(1) BEGIN" $$(KERNEL_C) 2>/dev/null)
LAB_OBJ_$(1) := $$(foreach o,$$(KERNEL_OBJ),$$(if $$(filter $$(o),$$(LAB_SRC_$(1):%.c=$(BUILD)/%.o)),$$(o:$(BUILD)/%=$(BUILD)/labs/$(1)/%),$$(o)))
$(BUILD)/labs/$(1)/src/%.c: %.c tools/lab.py
	@mkdir -p $$(dir $$@)
	$(PYTHON) tools/lab.py skeleton $(1) $$< $$@
$(BUILD)/labs/$(1)/%.o: $(BUILD)/labs/$(1)/src/%.c Makefile
	@mkdir -p $$(dir $$@)
	$(CC) $(KCFLAGS) -iquote $$(dir $$*) -c $$< -o $$@
$(BUILD)/labs/$(1)/kernel.pass1.elf: $$(LAB_OBJ_$(1)) linker.ld
	$(LD) $(KLDFLAGS) -o $$@ $$(LAB_OBJ_$(1))
$(BUILD)/labs/$(1)/kernel.elf: $(BUILD)/labs/$(1)/kernel.pass1.elf tools/ksyms.py
	$(PYTHON) tools/ksyms.py $$< $(BUILD)/labs/$(1)/ksyms.bin $(KSYMS_RESERVE)
	$(OBJCOPY) --update-section .ksyms=$(BUILD)/labs/$(1)/ksyms.bin $$< $$@
-include $$(LAB_SRC_$(1):%.c=$(BUILD)/labs/$(1)/%.d)
.SECONDARY: $$(LAB_SRC_$(1):%.c=$(BUILD)/labs/$(1)/src/%.c)
endef
$(foreach l,$(LABS),$(eval $(call LAB_RULES,$(l))))

# Only the labs whose markers are here (a student's tree has lost its own).
labs: $(foreach l,$(LABS),$(if $(LAB_SRC_$(l)),$(BUILD)/labs/$(l)/kernel.elf))

# make lab LAB=cow [LABDIR=../vmos-lab-cow]: the student tree.
lab:
	@test -n "$(LAB)" || { echo "usage: make lab LAB=NAME [LABDIR=DIR]; the labs: $(LABS)"; exit 2; }
	$(PYTHON) tools/lab.py tree $(LAB) $(LABDIR)

# make grade LAB=cow: build this tree's kernel and initrd, run the lab's tests.
grade: deps
	@test -n "$(LAB)" || { echo "usage: make grade LAB=NAME; the labs: $(LABS)"; exit 2; }
	$(MAKE) --no-print-directory -j$(NPROC) kernel initrd
	$(PYTHON) tools/lab.py grade $(LAB)

# ---- the benchmark: vmos and Debian's Linux kernel (fetched into
# build/peer/ once) boot the same vmbench and bench_user alternately;
# instruction counts first, then wall time.  BENCH_ARGS='--runs 5',
# '--icount' (instructions only), '--wall', '--write-doc'.
BENCH_PROGS := $(BUILD)/tests/user/vmbench $(BUILD)/tests/user/bench_user \
	$(BUILD)/tests/user/bench_malloc
BENCH_ARGS ?=
bench: deps kernel $(BENCH_PROGS)
	$(PYTHON) tools/bench.py $(BENCH_ARGS)

# The same archives, for make test's bench-smoke and bench-user-smoke
# (tools/bench.py --cpio writes both).
$(BUILD)/bench/bench.cpio: $(BENCH_PROGS) tools/bench.py
	$(PYTHON) tools/bench.py --cpio
$(BUILD)/bench/bench-all.cpio: $(BUILD)/bench/bench.cpio

# ---- the conformance suite: Linux 6.1's own selftests (Debian's
# linux-source-6.1, fetched into build/conformance/ once), built with
# musl-gcc, on vmos and on the Linux peer; a side-by-side table.
# CONFORMANCE_ARGS='--only vm/', '--write-doc' (docs/conformance.md).
CONFORMANCE_ARGS ?=
conformance: deps kernel
	$(PYTHON) tools/conformance.py $(CONFORMANCE_ARGS)

# The subset make test boots on vmos (tests/conformance/subset.txt).
$(BUILD)/conformance/subset.cpio: tools/conformance.py tools/bench.py \
		$(wildcard tests/conformance/*)
	$(PYTHON) tools/conformance.py --subset-cpio

clean:
	rm -rf $(BUILD)

-include $(KERNEL_OBJ:.o=.d)

# ---- ELF and cpio parsers: unit tests and fuzzing
# kernel/elf.c (exec's check of a program) and fs/cpio.c (the initrd
# reader) are pure.  Their unit tests also read real files made here, in
# build/fixtures: musl-gcc programs (static, static-pie, dynamic), a copy
# of /bin/busybox (busybox-static) if installed, and GNU cpio archives.
# The libFuzzer targets (clang) are in tests/fuzz:
#   make fuzz-build                  build them
#   make fuzz-smoke                  run each for 8 s (fails on a crash)
#   make fuzz FUZZ_SECONDS=600       run each longer (default 300 s)
# Corpora and crash files go to build/fuzz/ (see tests/fuzz/run.py).

FIXTURES := $(BUILD)/fixtures
MUSL_LIB := /usr/lib/x86_64-linux-musl

$(BUILD)/unit/test_elf: $(FIXTURES)/elf.stamp
$(BUILD)/unit/test_cpio: $(FIXTURES)/cpio.stamp
$(BUILD)/unit/test_elf $(BUILD)/unit/test_cpio: \
	UNIT_CFLAGS += -DVMOS_FIXTURES='"$(abspath $(FIXTURES))"'

# Debian's musl-gcc ignores -static-pie (its specs file makes a dynamic
# PIE), so the static PIE is linked by hand with musl's self-relocating
# start file, rcrt1.o.
$(FIXTURES)/elf.stamp: tests/fuzz/hello.c Makefile
	@mkdir -p $(FIXTURES)
	musl-gcc -O1 -static -o $(FIXTURES)/hello-static $<
	musl-gcc -O1 -fPIE -static-pie -nostartfiles -Wl,-static \
		-Wl,--no-dynamic-linker -o $(FIXTURES)/hello-static-pie \
		$(MUSL_LIB)/rcrt1.o $(MUSL_LIB)/crti.o $< $(MUSL_LIB)/crtn.o
	musl-gcc -O1 -o $(FIXTURES)/hello-dynamic $<
	rm -f $(FIXTURES)/busybox
	if [ -e /bin/busybox ]; then cp /bin/busybox $(FIXTURES)/busybox; fi
	@touch $@

# A tree with every kind of entry an initrd has: files (empty, odd sizes,
# binary), directories, symbolic links, a hard link, a FIFO, a long name.
CPIO_TREE := $(FIXTURES)/tree
$(FIXTURES)/cpio.stamp: Makefile
	rm -rf $(CPIO_TREE) && mkdir -p $(CPIO_TREE)/sub/deeper $(CPIO_TREE)/emptydir
	printf 'hello, world\n' > $(CPIO_TREE)/hello.txt
	: > $(CPIO_TREE)/empty
	printf 'abc' > $(CPIO_TREE)/sub/three
	printf '\000\001\377\376binary\000' > $(CPIO_TREE)/sub/deeper/bytes
	seq 1 2000 > $(CPIO_TREE)/sub/numbers
	printf 'x' > $(CPIO_TREE)/sub/$$(printf 'n%.0s' $$(seq 1 200))
	ln -s hello.txt $(CPIO_TREE)/link
	ln -s sub/deeper $(CPIO_TREE)/dirlink
	ln -s /nonexistent/target $(CPIO_TREE)/sub/dangling
	ln $(CPIO_TREE)/sub/numbers $(CPIO_TREE)/hardlink
	mkfifo $(CPIO_TREE)/fifo
	cd $(CPIO_TREE) && find . | LC_ALL=C sort | cpio -o -H newc --quiet > ../tree.cpio
	cd $(CPIO_TREE) && find . | cpio -o -H crc --quiet > ../tree-crc.cpio
	cd $(CPIO_TREE)/sub && find . | cpio -o -H newc --quiet > ../../sub.cpio
	@touch $@

FUZZ_CC := clang
FUZZ_CFLAGS := -std=gnu11 -O1 -g -fsanitize=fuzzer,address,undefined \
	-fno-sanitize-recover=undefined -fno-omit-frame-pointer \
	-Wall -Wextra -Werror -Wno-unused-parameter \
	-Itests/unit/include -I. -Iinclude -Iarch/x86_64/include
FUZZ_SHIM := lib/strlcpy.c
FUZZ_BINS := $(BUILD)/fuzz/fuzz_elf $(BUILD)/fuzz/fuzz_cpio \
	$(BUILD)/fuzz/fuzz_cmdline $(BUILD)/fuzz/fuzz_path $(BUILD)/fuzz/fuzz_ldisc
FUZZ_SRC_elf     := kernel/elf.c lib/format.c
FUZZ_SRC_cpio    := fs/cpio.c
FUZZ_SRC_cmdline := kernel/cmdline.c
FUZZ_SRC_path    := fs/path.c
FUZZ_SRC_ldisc   := fs/tty_ldisc.c
FUZZ_SECONDS ?= 300

$(BUILD)/fuzz/fuzz_%: tests/fuzz/fuzz_%.c tests/fuzz/fuzz.h $(FUZZ_SHIM) $$(FUZZ_SRC_$$*) \
		$(KERNEL_H) Makefile
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -o $@ $< $(FUZZ_SHIM) $(FUZZ_SRC_$*)

.PHONY: fuzz-build fuzz-smoke fuzz
fuzz-build: deps $(FUZZ_BINS) $(FIXTURES)/elf.stamp $(FIXTURES)/cpio.stamp

fuzz-smoke: fuzz-build
	$(PYTHON) tests/fuzz/run.py --seconds 8 --strict

# ... and the system-call fuzzer in QEMU: ten million calls with a new seed
# (tests/user/sysfuzz.c; the log is build/test-logs/sysfuzz-long.log),
# and the address-space races of tests/user/mmrace_test.c, 20 rounds
# (mmrace2_test.c's, 10).
fuzz: fuzz-build kernel initrd
	$(PYTHON) tests/fuzz/run.py --seconds $(FUZZ_SECONDS) --strict
	$(PYTHON) tests/run.py --only sysfuzz-long
	$(PYTHON) tests/run.py --only mmrace-long
	$(PYTHON) tests/run.py --only mmrace2-long
	$(PYTHON) tests/run.py --only clock-under-load
	$(PYTHON) tests/run.py --only swap-full
	@grep -h "sysfuzz: seed\|calls/s\|^# replay" $(BUILD)/test-logs/sysfuzz-long.log

# ---- swap areas: the pure half (header check, slot maps, priorities).
# Its test also reads a header written by util-linux's mkswap, when
# installed (a fixed UUID and label, so the file is the same each time).
$(BUILD)/unit/test_swapfile: $(FIXTURES)/swap.stamp
$(BUILD)/unit/test_swapfile: \
	UNIT_CFLAGS += -DVMOS_FIXTURES='"$(abspath $(FIXTURES))"'
$(FIXTURES)/swap.stamp: Makefile
	@mkdir -p $(FIXTURES)
	rm -f $(FIXTURES)/swap-4M.img
	if PATH="$$PATH:/sbin:/usr/sbin" command -v mkswap >/dev/null; then \
		truncate -s 4M $(FIXTURES)/swap-4M.img && \
		PATH="$$PATH:/sbin:/usr/sbin" mkswap -L vmos-test \
			-U 6d6f7376-7377-6170-0000-000000000001 \
			$(FIXTURES)/swap-4M.img >/dev/null 2>&1; fi
	@touch $@

