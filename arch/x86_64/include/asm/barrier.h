/*
 * asm/barrier.h - ordering memory accesses a device also sees.
 *
 * x86 keeps stores in program order and loads in program order (TSO), and
 * an I/O port write waits for earlier stores, so between the CPU and a
 * device sharing RAM (a virtqueue) only the compiler has to be stopped
 * from moving accesses.  Other architectures need fence instructions here.
 */
#ifndef ASM_BARRIER_H
#define ASM_BARRIER_H

#define barrier() asm volatile("" ::: "memory")
/* dma_wmb - earlier stores to shared memory are seen before later ones. */
#define dma_wmb() barrier()
/* dma_rmb - later loads from shared memory happen after earlier ones. */
#define dma_rmb() barrier()

#endif
