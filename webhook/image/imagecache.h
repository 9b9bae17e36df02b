/* Image lookups for the webhook: what runs in an image (ENTRYPOINT, CMD,
 * USER) and the digest that pins it, read from its registry and cached.
 *
 *   struct imagecache *c = imagecache_new(&options, err, sizeof(err));
 *   struct imageconfig img;
 *   enum image_error rc = imagecache_lookup(c, "nginx:1.25", always, &img, err, sizeof(err));
 *   if (rc == IMAGE_OK) { ... img.digest_ref, img.entrypoint, img.cmd, img.user ...;
 *                         imageconfig_free(&img); }
 *   else deny (or skip) with err, which names the image and the reason.
 *
 * The cache (imagestore.h): by digest (immutable; LRU within a memory
 * budget) and by tag (trusted for the tag TTL; after it, or when the pod
 * says imagePullPolicy: Always (always = true), the tag is read again with
 * a HEAD request, and only a digest not already cached is read in full).
 * Requests for the same image at the same time share one registry round
 * trip (single flight): the first one reads, the others wait for its
 * result, each until its own deadline. No lock is held during network
 * I/O: lookups never block admissions of other images. Thread-safe;
 * pthreads.
 *
 * Deadline: imagecache_lookup gives each lookup lookup_timeout seconds for all
 * of its requests (and for waiting on another one's); imagecache_lookup_until
 * takes an absolute CLOCK_MONOTONIC deadline instead, for a webhook that
 * looks up several images within one admission's timeoutSeconds. */
#ifndef IMAGE_CACHE_H
#define IMAGE_CACHE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "image.h"       /* enum image_error */
#include "imageargv.h"   /* the argv rules and escaping the rewrite needs */
#include "imageconfig.h" /* struct imageconfig, imageconfig_user_parse */
#include "imageref.h"
#include "registry.h" /* struct registry_options */

#define IMAGE_CACHE_DEFAULT_TIMEOUT 4.0  /* seconds, inside the API server's default 10 s */
#define IMAGE_CACHE_DEFAULT_TAG_TTL 60.0 /* seconds */
#define IMAGE_CACHE_DEFAULT_MAX_BYTES (16u << 20)
#define IMAGE_CACHE_DEFAULT_MAX_TAGS 4096

/* Replaces the registry in tests of the cache alone (NULL: the registry
 * client of registry.h). Both functions are called without any lock. */
struct imagecache_fetcher {
	void *ctx;
	enum image_error (*resolve)(void *ctx, const struct imageref *ref, uint64_t deadline_ns,
				    struct imageconfig *out, char *err, size_t errlen);
	enum image_error (*head_tag)(void *ctx, const struct imageref *ref, uint64_t deadline_ns,
				     char digest[IMAGE_DIGEST_MAX + 1], char *err, size_t errlen);
};

struct imagecache_options {
	struct registry_options registry;
	double lookup_timeout; /* --lookup-timeout seconds; 0: the default */
	double tag_ttl;        /* --tag-ttl seconds; < 0: the default; 0: always read the tag */
	size_t max_bytes;      /* the digest cache's budget; 0: the default */
	size_t max_tags;       /* tag entries; 0: the default */
	/* --registry-allow: the registry names (imageref_allow_check's
	 * entries) whose images may be looked up; n_allow == 0: every one.
	 * Another registry's image is IMAGE_ERR_NOT_ALLOWED before any cache
	 * lookup, name resolution or connection. The name is the reference's,
	 * not its --registry-endpoint; redirects and token realms are the
	 * allowed registry's choice (registry.h's rules). */
	const char *const *allow;
	size_t n_allow;
	const struct imagecache_fetcher *fetcher; /* tests only */
};

struct imagecache;

/* NULL with a reason when an option is invalid (see registry_client_new,
 * imageref_allow_check). */
struct imagecache *imagecache_new(const struct imagecache_options *o, char *err, size_t errlen);
/* Only when no lookup is running any more. */
void imagecache_free(struct imagecache *c);

/* Looks ref up (a pod's image string, Docker's rules) for the platform of
 * the options. always: the pod's imagePullPolicy is Always (the tag is
 * read again, whatever the TTL). On IMAGE_OK, *out is the caller's (free
 * it with imageconfig_free): digest_ref "domain/path@sha256:..." (the
 * index or manifest the tag named: pin the pod's image to it),
 * manifest_digest and platform of the image read, entrypoint/cmd (with
 * has_entrypoint/has_cmd: present in the config, maybe empty) and user
 * ("" when the image sets none). Otherwise *out is empty and err has one
 * line naming the image and the reason. The error kinds are those of enum
 * image_error (image.h); the webhook denies on any of them (or admits
 * unchanged with --on-lookup-failure=skip). */
enum image_error imagecache_lookup(struct imagecache *c, const char *ref, bool always,
				   struct imageconfig *out, char *err, size_t errlen);
enum image_error imagecache_lookup_until(struct imagecache *c, const char *ref, bool always,
					 uint64_t deadline_ns, struct imageconfig *out, char *err,
					 size_t errlen);

/* The cache alone, for a caller that answers hits at once and hands
 * misses to a thread that may wait (the webhook's worker threads): true
 * with *out filled (the lookup counted as a hit) when ref names a digest
 * in the cache, or a tag within its TTL (never with always); false
 * otherwise, with nothing counted. Never waits for another lookup, never
 * touches the network. */
bool imagecache_lookup_cached(struct imagecache *c, const char *ref, bool always,
			      struct imageconfig *out);

/* ---- metrics ------------------------------------------------------------- */

/* Upper bounds (seconds) of the registry latency histogram's buckets; one
 * more bucket (+Inf) follows. */
#define IMAGE_LATENCY_BUCKETS 10
extern const double imagecache_latency_bounds[IMAGE_LATENCY_BUCKETS];

struct imagecache_counters {
	uint64_t lookups[IMAGE_ERR_COUNT]; /* every imagecache_lookup, by result */
	uint64_t hits_digest;              /* a digest reference found in the cache */
	uint64_t hits_tag;                 /* a tag within its TTL */
	uint64_t hits_revalidated;         /* a tag read again (HEAD) naming a cached digest */
	uint64_t coalesced;                /* waited for another lookup's round trip */
	uint64_t registry_lookups;         /* lookups that went to the registry */
	uint64_t registry_requests;        /* HTTP requests sent */
	/* the registry part of each lookup that went there, seconds */
	uint64_t latency_buckets[IMAGE_LATENCY_BUCKETS + 1]; /* not cumulative */
	double latency_sum;
	uint64_t latency_count;
	/* the cache now */
	uint64_t cache_digests, cache_tags, cache_bytes, cache_evictions;
};

/* A consistent copy of the counters (the webhook's /metrics renders them:
 * webhook/metrics.c). */
void imagecache_get_counters(struct imagecache *c, struct imagecache_counters *out);

#endif
