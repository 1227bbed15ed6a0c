"""Lab pgtbl: print a page table (docs/labs/pgtbl.md).  One boot: the TAP
program tests/user/pgtbl_test.c as init reads /proc/PID/pagetable; each
case scores on its own."""
from table import EXIT_OK, INITRD

TITLE = "print a page table: /proc/PID/pagetable (xv6's vmprint)"

TESTS = [
    dict(name="vmprint", points=0, append="init=/tests/pgtbl_test",
         initrd=[INITRD], exit=EXIT_OK, tap=True, timeout=60,
         tap_points={
             r"^path: ": 2,
             r"^tables: ": 2,
             r"^frames: ": 2,
             r"^untouched: ": 1,
             r"^bits: ": 1,
             r"^whole: ": 1,
             r"^other process: ": 1,
         }),
]
