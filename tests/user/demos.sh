#!/bin/sh
# tests/user/demos.sh - run every textbook demo, vmmap and pfstat once,
# for the QEMU test user-demos (tests/run.py checks the output):
#   init=/bin/sh /tests/demos.sh
# Each command's exit status follows it as "== NAME exit N".

run() {
	echo "== $*"
	"$@"
	echo "== $1 exit $?"
}

run layout
run lazy
run pagemap
run cow
run mmap-file
run mmap-anon
run segv all
run loader
run stack
run threads
run shlib
run aslr
run jit
run vmmap --no-color
run vmmap --no-color --pagemap 1
# colour: on for a terminal (the console), off for a pipe or TERM=dumb,
# on with --color even into a pipe
run vmmap
echo "== vmmap piped"
vmmap | cat
echo "== vmmap piped end"
echo "== vmmap TERM=dumb"
TERM=dumb vmmap
echo "== vmmap TERM=dumb end"
echo "== vmmap --color piped"
vmmap --color | cat
run pfstat lazy
run pfstat sh -c "exit 3"
run pfstat sh -c 'kill -SEGV $$'
echo "demos.sh: done"
