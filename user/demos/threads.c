/*
 * user/demos/threads.c - every thread has its own stack, with a guard.
 *
 * Starts two threads, which print where their stacks are and wait.
 * Meanwhile the main thread runs `vmmap PID` on its own process: the
 * diagram shows each thread's stack, an anonymous region that musl
 * mapped for it, with a PROT_NONE guard page right below.
 */
#include <pthread.h>
#include "demo.h"

static pthread_barrier_t start, ready, done;

static void *thread_main(void *arg)
{
	char line[512];
	int local;

	/* Both stacks exist before either thread maps anything of its own
	 * (maps_line()'s buffers): otherwise the first thread, run before
	 * the second is made, can leave a hole between the two stacks. */
	pthread_barrier_wait(&start);
	if (maps_line(&local, line, sizeof(line)) < 0)
		snprintf(line, sizeof(line), "(in no region)");
	printf("threads: thread %ld: a local at %p, in %s\n", (long)(intptr_t)arg,
	       (void *)&local, line);
	fflush(stdout);
	pthread_barrier_wait(&ready);
	pthread_barrier_wait(&done); /* stay alive while vmmap looks */
	return NULL;
}

int main(void)
{
	pthread_t t[2];
	int local, status;

	printf("threads: look for two \"thread stack\" boxes, each with a \"guard "
	       "page\" right below it, and the main thread's [stack] at the top.\n");
	printf("threads: main thread: a local at %p\n", (void *)&local);
	pthread_barrier_init(&start, NULL, 3);
	pthread_barrier_init(&ready, NULL, 3);
	pthread_barrier_init(&done, NULL, 3);
	for (long i = 0; i < 2; i++)
		if (pthread_create(&t[i], NULL, thread_main, (void *)(intptr_t)(i + 1)))
			return 1;
	pthread_barrier_wait(&start);
	pthread_barrier_wait(&ready);
	status = run_vmmap();
	pthread_barrier_wait(&done);
	for (int i = 0; i < 2; i++)
		pthread_join(t[i], NULL);
	return status ? 1 : 0;
}
