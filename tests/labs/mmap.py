"""The MAP_SHARED lab's grader (docs/labs/mmap.md): one boot of
tests/user/lab_mmap as init; each TAP case is worth its points."""
from table import EXIT_OK, INITRD

TITLE = "mmap of files: MAP_SHARED"
TESTS = [
    dict(name="shared", append="init=/tests/lab_mmap", initrd=[INITRD],
         mem="64M", exit=EXIT_OK, tap=True, timeout=60, points=0,
         tap_points={r"a store through MAP_SHARED reaches the file": 2,
                     r"another process mapping the file sees": 2,
                     r"a MAP_PRIVATE store does not change": 1,
                     r"msync\(MS_SYNC\) returns 0": 1,
                     r"keeps the stores after munmap and exit": 1,
                     r"beyond the end of the file: SIGBUS": 2,
                     r"no kernel memory lost by a second pass": 1},
         forbid=[r"panic", r"WARN"]),
]
