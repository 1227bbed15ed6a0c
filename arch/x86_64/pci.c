/*
 * arch/x86_64/pci.c - PCI configuration space through I/O ports 0xCF8 and
 * 0xCFC ("configuration mechanism #1"), and the scan of the bus at boot.
 *
 * A function's address is bus (0-255), slot (0-31) and function (0-7).
 * The scan starts at bus 0 and follows each PCI-to-PCI bridge to the bus
 * behind it, as Linux's pci_scan_child_bus() does; every function found
 * is logged in Linux's form, "pci 0000:00:04.0: [1af4:1001] class
 * 0x010000", and kept in a small table for the drivers.
 */
#include <asm/cpu.h>
#include <asm/pci.h>
#include <vmos/printk.h>

#define PCI_CONFIG_ADDRESS 0xcf8
#define PCI_CONFIG_DATA 0xcfc
#define PCI_CONFIG_ENABLE (1u << 31)
#define PCI_VENDOR_NONE 0xffff
#define PCI_CLASS_BRIDGE_PCI 0x0604 /* class << 8 | subclass */
#define PCI_MAX_DEPTH 8             /* bridges below bridges */

static struct pci_dev devices[PCI_MAX_DEVICES];
static unsigned nr_devices;

/* config_select - point CONFIG_DATA at dword offset of (bus, slot, func). */
static void config_select(u8 bus, u8 slot, u8 func, u8 offset)
{
	outl(PCI_CONFIG_ADDRESS, PCI_CONFIG_ENABLE | (u32)bus << 16 |
				 (u32)slot << 11 | (u32)func << 8 | (offset & 0xfc));
}

static u32 config_read32(u8 bus, u8 slot, u8 func, u8 offset)
{
	config_select(bus, slot, func, offset);
	return inl(PCI_CONFIG_DATA);
}

u32 pci_config_read32(const struct pci_dev *dev, u8 offset)
{
	return config_read32(dev->bus, dev->slot, dev->func, offset);
}

/* The narrower reads take their bytes out of the dword that holds them. */
u16 pci_config_read16(const struct pci_dev *dev, u8 offset)
{
	return (u16)(pci_config_read32(dev, offset) >> ((offset & 2) * 8));
}

u8 pci_config_read8(const struct pci_dev *dev, u8 offset)
{
	return (u8)(pci_config_read32(dev, offset) >> ((offset & 3) * 8));
}

/* A 16-bit write: the port accepts it at its byte offset in the dword. */
void pci_config_write16(const struct pci_dev *dev, u8 offset, u16 value)
{
	config_select(dev->bus, dev->slot, dev->func, offset);
	outw(PCI_CONFIG_DATA + (offset & 2), value);
}

void pci_enable_device(const struct pci_dev *dev)
{
	u16 cmd = pci_config_read16(dev, PCI_COMMAND);

	pci_config_write16(dev, PCI_COMMAND,
			   cmd | PCI_COMMAND_IO | PCI_COMMAND_MASTER);
}

u16 pci_bar_io_port(const struct pci_dev *dev, unsigned n)
{
	if (n >= PCI_NUM_BARS || !(dev->bar[n] & PCI_BAR_IO))
		return 0;
	return (u16)(dev->bar[n] & PCI_BAR_IO_MASK);
}

u8 pci_io_read8(u16 port) { return inb(port); }
u16 pci_io_read16(u16 port) { return inw(port); }
u32 pci_io_read32(u16 port) { return inl(port); }
void pci_io_write8(u16 port, u8 value) { outb(port, value); }
void pci_io_write16(u16 port, u16 value) { outw(port, value); }
void pci_io_write32(u16 port, u32 value) { outl(port, value); }

const struct pci_dev *pci_device(unsigned n)
{
	return n < nr_devices ? &devices[n] : NULL;
}

/* class_name - the words for a base class, for the boot log. */
static const char *class_name(u32 class)
{
	static const char *const names[] = {
		[0x00] = "unclassified",  [0x01] = "mass storage",
		[0x02] = "network",       [0x03] = "display",
		[0x04] = "multimedia",    [0x05] = "memory",
		[0x06] = "bridge",        [0x07] = "communication",
		[0x08] = "system",        [0x09] = "input",
		[0x0c] = "serial bus",
	};
	u32 base = class >> 16;

	return base < ARRAY_SIZE(names) && names[base] ? names[base] : "other";
}

static void scan_bus(u8 bus, int depth);

/* add_function - record and log the function at (bus, slot, func); follow
 * it if it is a bridge.  The BARs are read as the firmware set them. */
static void add_function(u8 bus, u8 slot, u8 func, int depth)
{
	struct pci_dev d = { .bus = bus, .slot = slot, .func = func };
	u32 id = config_read32(bus, slot, func, PCI_VENDOR_ID);

	d.vendor = (u16)id;
	d.device = (u16)(id >> 16);
	d.class = pci_config_read32(&d, PCI_CLASS_REVISION) >> 8;
	pr_info("pci 0000:%02x:%02x.%x: [%04x:%04x] class 0x%06x (%s)\n", bus,
		slot, func, d.vendor, d.device, d.class, class_name(d.class));
	if ((d.class >> 8) == PCI_CLASS_BRIDGE_PCI &&
	    (pci_config_read8(&d, PCI_HEADER_TYPE) & PCI_HEADER_TYPE_MASK) ==
		    PCI_HEADER_BRIDGE) {
		u8 secondary = pci_config_read8(&d, PCI_SECONDARY_BUS);

		if (secondary > bus && depth < PCI_MAX_DEPTH)
			scan_bus(secondary, depth + 1);
		return;
	}
	for (unsigned i = 0; i < PCI_NUM_BARS; i++)
		d.bar[i] = pci_config_read32(&d, PCI_BAR0 + 4 * i);
	d.subsystem = pci_config_read16(&d, PCI_SUBSYSTEM_ID);
	d.irq_line = pci_config_read8(&d, PCI_INTERRUPT_LINE);
	if (nr_devices == PCI_MAX_DEVICES) {
		pr_warn("pci: more than %d devices; %02x:%02x.%x is left out\n",
			PCI_MAX_DEVICES, bus, slot, func);
		return;
	}
	devices[nr_devices++] = d;
}

/* scan_bus - every slot of bus; functions 1-7 only of a multi-function
 * device (function 0 says so in its header type). */
static void scan_bus(u8 bus, int depth)
{
	for (u8 slot = 0; slot < PCI_MAX_SLOTS; slot++) {
		struct pci_dev f0 = { .bus = bus, .slot = slot };

		if (pci_config_read16(&f0, PCI_VENDOR_ID) == PCI_VENDOR_NONE)
			continue;
		add_function(bus, slot, 0, depth);
		if (!(pci_config_read8(&f0, PCI_HEADER_TYPE) & PCI_HEADER_MULTIFUNCTION))
			continue;
		for (u8 func = 1; func < PCI_MAX_FUNCTIONS; func++)
			if ((u16)config_read32(bus, slot, func, PCI_VENDOR_ID) !=
			    PCI_VENDOR_NONE)
				add_function(bus, slot, func, depth);
	}
}

void pci_scan(void)
{
	scan_bus(0, 0);
}
