/*
 * user/demos/mmap-file.c - private and shared mappings of a file.
 *
 * Writes "hello from the file" to /tmp/mmap-file-demo.txt, then:
 * a MAP_PRIVATE mapping is changed, and read() shows the file unchanged
 * (the write went to a private copy of the page); a MAP_SHARED mapping is
 * changed and msync'ed, and read() shows the file changed, as does a
 * second process that mapped the file shared before the change.
 */
#include <fcntl.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include "demo.h"

#define PATH "/tmp/mmap-file-demo.txt"
#define TEXT "hello from the file"
#define LEN  (sizeof(TEXT) - 1)

/* file_text - the first LEN bytes of the file, by read(), into buf. */
static const char *file_text(int fd, char *buf)
{
	memset(buf, 0, LEN + 1);
	if (pread(fd, buf, LEN, 0) != (ssize_t)LEN)
		strcpy(buf, "(short read)");
	return buf;
}

/* map - the file's first page, flags MAP_PRIVATE or MAP_SHARED. */
static char *map(int fd, int flags)
{
	char *p = mmap(NULL, PAGE_SIZE_4K, PROT_READ | PROT_WRITE, flags, fd, 0);

	if (p == MAP_FAILED) {
		perror("mmap-file: mmap");
		exit(1);
	}
	return p;
}

/* second_process - map the file shared, wait for the word, read it. */
static pid_t second_process(int fd, int *go)
{
	int fds[2];
	pid_t pid;
	char c;

	if (pipe(fds) < 0)
		exit(1);
	fflush(stdout); /* or the child would print our buffer again */
	pid = fork();
	if (pid == 0) {
		char *s = map(fd, MAP_SHARED);

		close(fds[1]);
		read(fds[0], &c, 1);
		printf("mmap-file: second process, through its own MAP_SHARED "
		       "mapping: \"%.*s\"\n", (int)LEN, s);
		exit(0);
	}
	close(fds[0]);
	*go = fds[1];
	return pid;
}

int main(void)
{
	char buf[LEN + 16], *priv, *shared;
	int fd = open(PATH, O_RDWR | O_CREAT | O_TRUNC, 0644), go;
	pid_t other;

	printf("mmap-file: look how writing a MAP_PRIVATE mapping leaves the "
	       "file alone and writing a MAP_SHARED one changes it.\n");
	fflush(stdout);
	if (fd < 0 || write(fd, TEXT "\n", LEN + 1) != LEN + 1)
		return 1;
	priv = map(fd, MAP_PRIVATE);
	memcpy(priv, "HELLO", 5);
	printf("mmap-file: MAP_PRIVATE mapping now \"%.*s\"; read() of the file: "
	       "\"%s\" (unchanged)\n", (int)LEN, priv, file_text(fd, buf));
	other = second_process(fd, &go);
	shared = map(fd, MAP_SHARED);
	memcpy(shared, "howdy", 5);
	msync(shared, PAGE_SIZE_4K, MS_SYNC);
	printf("mmap-file: MAP_SHARED mapping now \"%.*s\"; read() of the file "
	       "after msync: \"%s\"\n", (int)LEN, shared, file_text(fd, buf));
	fflush(stdout);
	close(go);
	waitpid(other, NULL, 0);
	unlink(PATH);
	return 0;
}
