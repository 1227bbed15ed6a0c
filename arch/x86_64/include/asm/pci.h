/*
 * asm/pci.h - the PCI bus: configuration space, the devices found at boot,
 * and the I/O ports of a device's I/O BAR.
 *
 * Every PCI function has 256 bytes of configuration space: who it is
 * (vendor, device, class), where its registers are (the BARs), which
 * interrupt line it raises.  On x86 the CPU reaches it through two I/O
 * ports: write the function's address to CONFIG_ADDRESS (0xCF8), then
 * read or write 32 bits at CONFIG_DATA (0xCFC).  Drivers (drivers/)
 * use only the named functions here, never the ports themselves.
 */
#ifndef ASM_PCI_H
#define ASM_PCI_H

#include <vmos/types.h>

/* Configuration space offsets of a type 0 (ordinary device) header. */
#define PCI_VENDOR_ID 0x00      /* u16; 0xffff: no function here */
#define PCI_DEVICE_ID 0x02      /* u16 */
#define PCI_COMMAND 0x04        /* u16 */
#define PCI_CLASS_REVISION 0x08 /* u32: class, subclass, prog-if, revision */
#define PCI_HEADER_TYPE 0x0e    /* u8; bit 7: a multi-function device */
#define PCI_BAR0 0x10           /* six u32 base address registers */
#define PCI_SUBSYSTEM_ID 0x2e   /* u16 */
#define PCI_INTERRUPT_LINE 0x3c /* u8: the PIC line the firmware routed */
/* ... and of a type 1 (PCI-to-PCI bridge) header. */
#define PCI_SECONDARY_BUS 0x19  /* u8: the bus behind the bridge */

#define PCI_COMMAND_IO (1u << 0)     /* answer in I/O space (I/O BARs) */
#define PCI_COMMAND_MEMORY (1u << 1) /* answer in memory space */
#define PCI_COMMAND_MASTER (1u << 2) /* may read and write RAM itself (DMA) */

#define PCI_HEADER_MULTIFUNCTION 0x80
#define PCI_HEADER_TYPE_MASK 0x7f
#define PCI_HEADER_BRIDGE 0x01

#define PCI_BAR_IO 0x1          /* bit 0 of a BAR: an I/O port range */
#define PCI_BAR_IO_MASK (~0x3u) /* the port number in an I/O BAR */
#define PCI_NUM_BARS 6

#define PCI_MAX_BUSES 256
#define PCI_MAX_SLOTS 32
#define PCI_MAX_FUNCTIONS 8
#define PCI_MAX_DEVICES 32 /* the table pci_scan() fills */

/* One function found by the scan, with what drivers look at. */
struct pci_dev {
	u8 bus, slot, func;
	u16 vendor, device;
	u16 subsystem;
	u32 class;    /* class << 16 | subclass << 8 | prog-if, as Linux prints it */
	u8 irq_line;  /* PIC line, 0xff: none */
	u32 bar[PCI_NUM_BARS];
};

/* Configuration space of dev at offset (aligned to the access size). */
u32 pci_config_read32(const struct pci_dev *dev, u8 offset);
u16 pci_config_read16(const struct pci_dev *dev, u8 offset);
u8 pci_config_read8(const struct pci_dev *dev, u8 offset);
void pci_config_write16(const struct pci_dev *dev, u8 offset, u16 value);

/* pci_enable_device - turn on dev's I/O decoding and bus mastering (DMA). */
void pci_enable_device(const struct pci_dev *dev);

/* pci_bar_io_port - the first port of dev's I/O BAR n, or 0 if BAR n is
 * not an I/O range. */
u16 pci_bar_io_port(const struct pci_dev *dev, unsigned n);

/* Reading and writing a device's I/O ports (from an I/O BAR). */
u8 pci_io_read8(u16 port);
u16 pci_io_read16(u16 port);
u32 pci_io_read32(u16 port);
void pci_io_write8(u16 port, u8 value);
void pci_io_write16(u16 port, u16 value);
void pci_io_write32(u16 port, u32 value);

/* pci_scan - find every function from bus 0 down through the bridges and
 * log one line for each.  Call once at boot. */
void pci_scan(void);
/* pci_device - the nth function the scan found (in bus order), or NULL. */
const struct pci_dev *pci_device(unsigned n);

#endif
