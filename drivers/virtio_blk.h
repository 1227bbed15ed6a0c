/*
 * drivers/virtio_blk.h - the driver of QEMU's virtio disks
 * (-drive file=...,if=virtio), through virtio's legacy PCI interface.
 */
#ifndef DRIVERS_VIRTIO_BLK_H
#define DRIVERS_VIRTIO_BLK_H

/* virtio_blk_init - set up every virtio disk pci_scan() found and
 * register it as vda, vdb, ... in PCI order.  Call once, after pci_scan(). */
void virtio_blk_init(void);

#endif
