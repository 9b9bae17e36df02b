/* strict-init's allocator: a bump allocator over a static arena, with
 * mmap for blocks that do not fit, replacing musl's malloc in this static
 * binary. strict-init lives for well under a millisecond and allocates a
 * few small arrays; musl's first malloc costs 4 system calls and 2 page
 * faults, about 4% of strict-init's whole start-up (measured with
 * `make bench --variant`, docs/benchmarks.md). Arena blocks are never
 * reused: free() returns only mmap'd blocks. */
#include <errno.h>
#include <stdalign.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#define ARENA_SIZE ((size_t)65536)
#define ALIGNMENT 16u

struct block {
	size_t size;   /* usable bytes */
	size_t mapped; /* bytes to munmap, 0 for an arena block */
};

_Static_assert(sizeof(struct block) % ALIGNMENT == 0, "header keeps alignment");

static alignas(ALIGNMENT) unsigned char arena[ARENA_SIZE];
static size_t arena_used;

void *malloc(size_t n)
{
	struct block *b;
	size_t need;

	if (n > SIZE_MAX / 2) {
		errno = ENOMEM;
		return NULL;
	}
	need = sizeof(struct block) + ((n + ALIGNMENT - 1) & ~(size_t)(ALIGNMENT - 1));
	if (need <= ARENA_SIZE - arena_used) {
		b = (struct block *)(void *)(arena + arena_used);
		arena_used += need;
		b->mapped = 0;
	} else {
		void *p = mmap(NULL, need, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1,
			       0);

		if (p == MAP_FAILED) {
			errno = ENOMEM;
			return NULL;
		}
		b = p;
		b->mapped = need;
	}
	b->size = n;
	return b + 1;
}

void free(void *p)
{
	struct block *b;

	if (!p)
		return;
	b = (struct block *)p - 1;
	if (b->mapped)
		munmap(b, b->mapped);
}

void *calloc(size_t n, size_t size)
{
	size_t total;
	void *p;

	if (size && n > SIZE_MAX / size) {
		errno = ENOMEM;
		return NULL;
	}
	total = n * size;
	p = malloc(total ? total : 1);
	if (p)
		memset(p, 0, total);
	return p;
}

void *realloc(void *p, size_t n)
{
	struct block *b;
	void *q;

	if (!p)
		return malloc(n);
	b = (struct block *)p - 1;
	if (n <= b->size)
		return p;
	q = malloc(n);
	if (!q)
		return NULL;
	memcpy(q, p, b->size);
	free(p);
	return q;
}
