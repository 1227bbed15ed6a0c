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
run tlbdemo
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
# busybox nc over the loopback (net/af_inet.c): an echo server
# (nc -e cat) and a client, tried again until the server listens
nc -l -p 4321 -e cat &
i=0
until out=$(echo "over tcp" | nc 127.0.0.1 4321 2>/dev/null) && [ -n "$out" ] ||
	[ $i -ge 100 ]; do
	i=$((i + 1))
	usleep 10000
done
wait
echo "== nc echo: $out"
# busybox httpd in the foreground and wget to localhost (/etc/hosts)
mkdir -p /tmp/www
echo "over http" > /tmp/www/index.html
httpd -f -p 8080 -h /tmp/www &
i=0
until out=$(wget -q -O - http://localhost:8080/ 2>/dev/null) && [ -n "$out" ] ||
	[ $i -ge 100 ]; do
	i=$((i + 1))
	usleep 10000
done
echo "== netstat: $(netstat -ltn | grep 8080)"
kill $!
wait
echo "== wget: $out"
echo "demos.sh: done"
