"""The page-replacement lab's grader (docs/labs/swap.md): one boot of
tests/user/lab_swap as init, with little memory and a swap disk; each TAP
case is worth its points."""
from table import EXIT_OK, INITRD

TITLE = "Page replacement for swap: the clock"
TESTS = [
    dict(name="clock", append="init=/tests/lab_swap", initrd=[INITRD],
         mem="24M", disks=["128M"], exit=EXIT_OK, tap=True, timeout=60, points=0,
         # The guest's clock counts instructions (-icount): kswapd's timing,
         # and so the hot set's fault count, no longer depend on the host's
         # load (127 faults once on a busy host, 1 to 3 on a quiet one).
         icount=True,
         tap_points={r"a sweep larger than memory completes": 2,
                     r"every page reads back its value": 3,
                     r"the hot working set stays resident": 4,
                     r"every swap slot is free again": 1},
         forbid=[r"panic", r"WARN"]),
]
