/* The image cache's two tables, without locking or clocks (imagecache.c
 * adds both). Pure.
 *
 *   by digest: "domain/path@sha256:..." -> the lookup's result. Content
 *     named by a digest never changes: entries stay until the memory
 *     budget pushes the least recently used out.
 *   by tag:    "domain/path:tag" -> the digest key it named, and when that
 *     was read; a lookup trusts it for the tag TTL, then reads the tag
 *     again. At most max_tags entries, least recently used out first.
 *
 * Hash tables with chaining (FNV-1a) and a doubly linked LRU list each. */
#ifndef IMAGE_STORE_H
#define IMAGE_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "imageconfig.h"

struct imagestore;

/* max_bytes: what the digest table may hold (imageconfig_bytes of its
 * entries and their keys); max_tags: tag entries. NULL when out of memory. */
struct imagestore *imagestore_new(size_t max_bytes, size_t max_tags);
void imagestore_free(struct imagestore *s);

/* The entry for key, made the most recently used, or NULL. The pointer is
 * valid until the next put. */
const struct imageconfig *imagestore_get_digest(struct imagestore *s, const char *key);
/* Stores a copy of cfg under key (replacing one), then drops the least
 * recently used entries until the budget holds. An entry larger than the
 * whole budget is not stored. 0, or -1 (out of memory, too large). */
int imagestore_put_digest(struct imagestore *s, const char *key, const struct imageconfig *cfg);

/* The digest key a tag named, into digest_key (len bytes), with *fresh
 * when it was read less than ttl_ns before now_ns. 0, or -1 when the tag
 * is unknown (or the key does not fit). */
int imagestore_get_tag(struct imagestore *s, const char *key, uint64_t now_ns, uint64_t ttl_ns,
		       char *digest_key, size_t len, bool *fresh);
/* Records that key named digest_key at now_ns. 0 or -1 (out of memory). */
int imagestore_put_tag(struct imagestore *s, const char *key, const char *digest_key,
		       uint64_t now_ns);

struct imagestore_stats {
	size_t digests, tags, bytes;
	uint64_t evictions;
};
void imagestore_stats(const struct imagestore *s, struct imagestore_stats *out);

#endif
