"""The copy-on-write lab's grader (docs/labs/cow.md): one boot of
tests/user/lab_cow as init; each TAP case is worth its points."""
from table import EXIT_OK, INITRD

TITLE = "Copy-on-write fork"
TESTS = [
    dict(name="fork", append="init=/tests/lab_cow", initrd=[INITRD],
         mem="64M", exit=EXIT_OK, tap=True, timeout=60, points=0,
         tap_points={r"fork shares the frames": 1,
                     r"the child's writes are not seen": 2,
                     r"the parent's writes are not seen": 1,
                     r"a write copies only the page": 1,
                     r"one fault per page written": 1,
                     r"smaps: Pss half of Rss": 2,
                     r"the last user's write reuses": 1,
                     r"no kernel memory lost by a second pass": 1},
         forbid=[r"panic", r"WARN"]),
]
