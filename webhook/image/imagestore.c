/* The image cache's tables (imagestore.h). */
#include "imagestore.h"

#include <stdlib.h>
#include <string.h>

#define BUCKETS 4096 /* a power of two */

struct entry {
	char *key;
	uint64_t hash;
	struct entry *chain;         /* next in the bucket */
	struct entry *newer, *older; /* LRU list */
	size_t bytes;
	struct imageconfig cfg; /* digest table */
	char *digest_key;       /* tag table */
	uint64_t read_ns;       /* tag table */
};

struct table {
	struct entry *buckets[BUCKETS];
	struct entry *newest, *oldest;
	size_t count, bytes;
};

struct imagestore {
	struct table digests, tags;
	size_t max_bytes, max_tags;
	uint64_t evictions;
};

static uint64_t fnv1a(const char *s)
{
	uint64_t h = 1469598103934665603ull;

	for (; *s; s++) {
		h ^= (unsigned char)*s;
		h *= 1099511628211ull;
	}
	return h;
}

static struct entry *find(struct table *t, const char *key, uint64_t hash)
{
	for (struct entry *e = t->buckets[hash & (BUCKETS - 1)]; e; e = e->chain)
		if (e->hash == hash && strcmp(e->key, key) == 0)
			return e;
	return NULL;
}

static void lru_unlink(struct table *t, struct entry *e)
{
	if (e->newer)
		e->newer->older = e->older;
	else
		t->newest = e->older;
	if (e->older)
		e->older->newer = e->newer;
	else
		t->oldest = e->newer;
	e->newer = e->older = NULL;
}

static void lru_push(struct table *t, struct entry *e)
{
	e->older = t->newest;
	e->newer = NULL;
	if (t->newest)
		t->newest->newer = e;
	t->newest = e;
	if (!t->oldest)
		t->oldest = e;
}

static void touch(struct table *t, struct entry *e)
{
	lru_unlink(t, e);
	lru_push(t, e);
}

static void destroy(struct entry *e)
{
	imageconfig_free(&e->cfg);
	free(e->digest_key);
	free(e->key);
	free(e);
}

static void remove_entry(struct table *t, struct entry *e)
{
	struct entry **p = &t->buckets[e->hash & (BUCKETS - 1)];

	while (*p != e)
		p = &(*p)->chain;
	*p = e->chain;
	lru_unlink(t, e);
	t->count--;
	t->bytes -= e->bytes;
	destroy(e);
}

static void insert(struct table *t, struct entry *e)
{
	struct entry **bucket = &t->buckets[e->hash & (BUCKETS - 1)];

	e->chain = *bucket;
	*bucket = e;
	lru_push(t, e);
	t->count++;
	t->bytes += e->bytes;
}

/* Drops the least recently used entry. */
static void evict_oldest(struct imagestore *s, struct table *t)
{
	struct entry *victim = t->oldest;

	if (victim) {
		remove_entry(t, victim);
		s->evictions++;
	}
}

static void clear(struct table *t)
{
	while (t->oldest)
		remove_entry(t, t->oldest);
}

struct imagestore *imagestore_new(size_t max_bytes, size_t max_tags)
{
	struct imagestore *s = calloc(1, sizeof(*s));

	if (s) {
		s->max_bytes = max_bytes;
		s->max_tags = max_tags;
	}
	return s;
}

void imagestore_free(struct imagestore *s)
{
	if (!s)
		return;
	clear(&s->digests);
	clear(&s->tags);
	free(s);
}

const struct imageconfig *imagestore_get_digest(struct imagestore *s, const char *key)
{
	struct entry *e = find(&s->digests, key, fnv1a(key));

	if (!e)
		return NULL;
	touch(&s->digests, e);
	return &e->cfg;
}

int imagestore_put_digest(struct imagestore *s, const char *key, const struct imageconfig *cfg)
{
	uint64_t hash = fnv1a(key);
	struct entry *old = find(&s->digests, key, hash);
	struct entry *e;
	size_t bytes = sizeof(struct entry) + strlen(key) + 1 + imageconfig_bytes(cfg);

	if (bytes > s->max_bytes)
		return -1;
	e = calloc(1, sizeof(*e));
	if (!e)
		return -1;
	e->key = strdup(key);
	if (!e->key || imageconfig_copy(&e->cfg, cfg) != 0) {
		destroy(e);
		return -1;
	}
	e->hash = hash;
	e->bytes = bytes;
	if (old)
		remove_entry(&s->digests, old);
	while (s->digests.bytes + bytes > s->max_bytes && s->digests.oldest)
		evict_oldest(s, &s->digests);
	insert(&s->digests, e);
	return 0;
}

int imagestore_get_tag(struct imagestore *s, const char *key, uint64_t now_ns, uint64_t ttl_ns,
		       char *digest_key, size_t len, bool *fresh)
{
	struct entry *e = find(&s->tags, key, fnv1a(key));
	size_t n;

	*fresh = false;
	if (!e)
		return -1;
	n = strlen(e->digest_key);
	if (n >= len)
		return -1;
	memcpy(digest_key, e->digest_key, n + 1);
	*fresh = now_ns >= e->read_ns && now_ns - e->read_ns < ttl_ns;
	touch(&s->tags, e);
	return 0;
}

int imagestore_put_tag(struct imagestore *s, const char *key, const char *digest_key,
		       uint64_t now_ns)
{
	uint64_t hash = fnv1a(key);
	struct entry *e = find(&s->tags, key, hash);
	char *dk = strdup(digest_key);

	if (!dk)
		return -1;
	if (e) {
		free(e->digest_key);
		e->digest_key = dk;
		e->read_ns = now_ns;
		touch(&s->tags, e);
		return 0;
	}
	if (s->max_tags == 0) {
		free(dk);
		return 0;
	}
	e = calloc(1, sizeof(*e));
	if (!e || !(e->key = strdup(key))) {
		free(e);
		free(dk);
		return -1;
	}
	e->hash = hash;
	e->digest_key = dk;
	e->read_ns = now_ns;
	/* one in, at most one out: the count never exceeds max_tags */
	if (s->tags.count >= s->max_tags)
		evict_oldest(s, &s->tags);
	insert(&s->tags, e);
	return 0;
}

void imagestore_stats(const struct imagestore *s, struct imagestore_stats *out)
{
	out->digests = s->digests.count;
	out->tags = s->tags.count;
	out->bytes = s->digests.bytes;
	out->evictions = s->evictions;
}
