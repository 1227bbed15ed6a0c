/*
 * user/lib/vmdemo.c - a small shared library for the dynamic-linking
 * demo and test: code (r-x), constants (r--) and data (rw-), which the
 * loader maps as separate regions of /lib/libvmdemo.so.
 */
const char vmdemo_greeting[] = "hello from libvmdemo.so";
int vmdemo_counter = 100;

/* vmdemo_add - add n to the library's own counter; returns the new value. */
int vmdemo_add(int n)
{
	vmdemo_counter += n;
	return vmdemo_counter;
}
