"""Lab lazy: demand-zero pages (docs/labs/lazy.md).  One boot: the TAP
program tests/user/lazy_test.c as init; each case scores on its own."""
from table import EXIT_OK, INITRD

TITLE = "lazy allocation: demand-zero page faults"

TESTS = [
    dict(name="demand-zero", points=0, append="init=/tests/lazy_test",
         initrd=[INITRD], exit=EXIT_OK, tap=True, timeout=60,
         tap_points={
             r"^heap: brk pages read as zero": 2,
             r"^heap: RSS grows by one page per page touched": 2,
             r"^mmap: anonymous pages read as zero": 2,
             r"^minflt: one minor fault per first touch": 1,
             r"^pagemap: only the touched pages are present": 1,
             r"^read first: ": 1,
             r"^bss: ": 1,
             r"^stack: ": 1,
             r"^no leak: ": 1,
         }),
]
