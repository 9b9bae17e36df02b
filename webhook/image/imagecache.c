/* Image lookups with a cache and single flight (imagecache.h). */
#include "imagecache.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "imagestore.h"

#define ERR_MAX 512

const double imagecache_latency_bounds[IMAGE_LATENCY_BUCKETS] = {
	0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5,
};

/* One registry round trip under way, shared by every lookup of its key. */
struct flight {
	char *key;
	unsigned refs; /* the leader and the lookups waiting */
	bool done;
	enum image_error rc;
	struct imageconfig result;
	char err[ERR_MAX];
	struct flight *next;
};

struct imagecache {
	struct registry_client *client;
	struct imagecache_fetcher fetcher;
	uint64_t timeout_ns, ttl_ns;
	struct image_strv allow; /* empty: every registry */

	pthread_mutex_t lock; /* store and flights */
	pthread_cond_t done;  /* a flight finished (CLOCK_MONOTONIC) */
	struct imagestore *store;
	struct flight *flights;

	pthread_mutex_t metrics_lock;
	struct imagecache_counters m;
};

/* ---- the registry, as a fetcher ------------------------------------------- */

static enum image_error client_resolve(void *ctx, const struct imageref *ref, uint64_t deadline_ns,
				       struct imageconfig *out, char *err, size_t errlen)
{
	return registry_resolve(ctx, ref, deadline_ns, out, err, errlen);
}

static enum image_error client_head(void *ctx, const struct imageref *ref, uint64_t deadline_ns,
				    char digest[IMAGE_DIGEST_MAX + 1], char *err, size_t errlen)
{
	return registry_head_tag(ctx, ref, deadline_ns, digest, err, errlen);
}

/* ---- set-up ---------------------------------------------------------------- */

static uint64_t seconds_ns(double s)
{
	return (uint64_t)(s * 1e9);
}

struct imagecache *imagecache_new(const struct imagecache_options *o, char *err, size_t errlen)
{
	struct imagecache *c = calloc(1, sizeof(*c));
	pthread_condattr_t attr;
	double timeout = o->lookup_timeout > 0 ? o->lookup_timeout : IMAGE_CACHE_DEFAULT_TIMEOUT;
	double ttl = o->tag_ttl >= 0 ? o->tag_ttl : IMAGE_CACHE_DEFAULT_TAG_TTL;

	if (!c) {
		image_errf(err, errlen, "out of memory");
		return NULL;
	}
	if (timeout > 3600 || ttl > 86400 * 365) {
		image_errf(err, errlen, "--lookup-timeout or --tag-ttl out of range");
		free(c);
		return NULL;
	}
	for (size_t i = 0; i < o->n_allow; i++) {
		char why[ERR_MAX];

		if (imageref_allow_check(o->allow[i], why, sizeof(why)) != 0) {
			image_errf(err, errlen, "--registry-allow: %s", why);
			free(c);
			return NULL;
		}
	}
	if (image_strv_copy(&c->allow, o->allow, o->n_allow) != 0) {
		image_errf(err, errlen, "out of memory");
		free(c);
		return NULL;
	}
	c->timeout_ns = seconds_ns(timeout);
	c->ttl_ns = seconds_ns(ttl);
	c->store = imagestore_new(o->max_bytes ? o->max_bytes : IMAGE_CACHE_DEFAULT_MAX_BYTES,
				  o->max_tags ? o->max_tags : IMAGE_CACHE_DEFAULT_MAX_TAGS);
	if (!c->store) {
		image_errf(err, errlen, "out of memory");
		image_strv_free(&c->allow);
		free(c);
		return NULL;
	}
	if (o->fetcher) {
		c->fetcher = *o->fetcher;
	} else {
		c->client = registry_client_new(&o->registry, err, errlen);
		if (!c->client) {
			imagestore_free(c->store);
			image_strv_free(&c->allow);
			free(c);
			return NULL;
		}
		c->fetcher.ctx = c->client;
		c->fetcher.resolve = client_resolve;
		c->fetcher.head_tag = client_head;
	}
	pthread_mutex_init(&c->lock, NULL);
	pthread_mutex_init(&c->metrics_lock, NULL);
	pthread_condattr_init(&attr);
	pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
	pthread_cond_init(&c->done, &attr);
	pthread_condattr_destroy(&attr);
	return c;
}

void imagecache_free(struct imagecache *c)
{
	if (!c)
		return;
	registry_client_free(c->client);
	imagestore_free(c->store);
	image_strv_free(&c->allow);
	pthread_mutex_destroy(&c->lock);
	pthread_mutex_destroy(&c->metrics_lock);
	pthread_cond_destroy(&c->done);
	free(c);
}

/* ---- metrics --------------------------------------------------------------- */

enum counter { HIT_DIGEST, HIT_TAG, HIT_REVALIDATED, COALESCED };

static void count(struct imagecache *c, enum counter what)
{
	pthread_mutex_lock(&c->metrics_lock);
	switch (what) {
	case HIT_DIGEST:
		c->m.hits_digest++;
		break;
	case HIT_TAG:
		c->m.hits_tag++;
		break;
	case HIT_REVALIDATED:
		c->m.hits_revalidated++;
		break;
	case COALESCED:
		c->m.coalesced++;
		break;
	}
	pthread_mutex_unlock(&c->metrics_lock);
}

static void count_result(struct imagecache *c, enum image_error rc)
{
	pthread_mutex_lock(&c->metrics_lock);
	c->m.lookups[(unsigned)rc < IMAGE_ERR_COUNT ? rc : IMAGE_ERR_INTERNAL]++;
	pthread_mutex_unlock(&c->metrics_lock);
}

static void count_registry(struct imagecache *c, uint64_t ns)
{
	double s = (double)ns / 1e9;
	size_t b = 0;

	while (b < IMAGE_LATENCY_BUCKETS && s > imagecache_latency_bounds[b])
		b++;
	pthread_mutex_lock(&c->metrics_lock);
	c->m.registry_lookups++;
	c->m.latency_buckets[b]++;
	c->m.latency_sum += s;
	c->m.latency_count++;
	pthread_mutex_unlock(&c->metrics_lock);
}

void imagecache_get_counters(struct imagecache *c, struct imagecache_counters *out)
{
	struct imagestore_stats st;

	pthread_mutex_lock(&c->metrics_lock);
	*out = c->m;
	pthread_mutex_unlock(&c->metrics_lock);
	out->registry_requests = c->client ? registry_requests(c->client) : 0;
	pthread_mutex_lock(&c->lock);
	imagestore_stats(c->store, &st);
	pthread_mutex_unlock(&c->lock);
	out->cache_digests = st.digests;
	out->cache_tags = st.tags;
	out->cache_bytes = st.bytes;
	out->cache_evictions = st.evictions;
}

/* ---- lookups -------------------------------------------------------------- */

/* The leader's work: the registry, then the tables. */
static enum image_error leader_lookup(struct imagecache *c, const struct imageref *ref,
				      const char *name, const char *tag_key, uint64_t deadline,
				      struct imageconfig *res, char *err, size_t errlen)
{
	uint64_t start = registry_now_ns();
	bool known = false, fresh;
	enum image_error rc;

	if (tag_key) {
		char old[IMAGEREF_TEXT_MAX + 1];

		pthread_mutex_lock(&c->lock);
		known = imagestore_get_tag(c->store, tag_key, start, c->ttl_ns, old, sizeof(old),
					   &fresh) == 0;
		pthread_mutex_unlock(&c->lock);
	}
	/* A tag read before: ask only for the digest it names now. */
	if (known) {
		char digest[IMAGE_DIGEST_MAX + 1], key[IMAGEREF_TEXT_MAX + 1];
		const struct imageconfig *cached = NULL;

		rc = c->fetcher.head_tag(c->fetcher.ctx, ref, deadline, digest, err, errlen);
		if (rc == IMAGE_OK &&
		    (size_t)snprintf(key, sizeof(key), "%s@%s", name, digest) < sizeof(key)) {
			pthread_mutex_lock(&c->lock);
			cached = imagestore_get_digest(c->store, key);
			if (cached) {
				rc = imageconfig_copy(res, cached) == 0 ? IMAGE_OK :
									  IMAGE_ERR_INTERNAL;
				(void)imagestore_put_tag(c->store, tag_key, key, registry_now_ns());
			}
			pthread_mutex_unlock(&c->lock);
			if (cached) {
				count_registry(c, registry_now_ns() - start);
				count(c, HIT_REVALIDATED);
				return rc;
			}
		} else if (rc != IMAGE_ERR_UNSUPPORTED) {
			count_registry(c, registry_now_ns() - start);
			return rc;
		}
	}
	rc = c->fetcher.resolve(c->fetcher.ctx, ref, deadline, res, err, errlen);
	count_registry(c, registry_now_ns() - start);
	if (rc != IMAGE_OK)
		return rc;
	pthread_mutex_lock(&c->lock);
	(void)imagestore_put_digest(c->store, res->digest_ref, res);
	if (tag_key)
		(void)imagestore_put_tag(c->store, tag_key, res->digest_ref, registry_now_ns());
	pthread_mutex_unlock(&c->lock);
	return IMAGE_OK;
}

static void flight_release(struct flight *f)
{
	if (--f->refs > 0)
		return;
	imageconfig_free(&f->result);
	free(f->key);
	free(f);
}

static void flight_unlink(struct imagecache *c, struct flight *f)
{
	struct flight **p = &c->flights;

	while (*p && *p != f)
		p = &(*p)->next;
	if (*p)
		*p = f->next;
}

static enum image_error copy_result(const struct flight *f, struct imageconfig *out, char *err,
				    size_t errlen)
{
	if (f->rc != IMAGE_OK) {
		image_errf(err, errlen, "%s", f->err);
		return f->rc;
	}
	if (imageconfig_copy(out, &f->result) != 0) {
		image_errf(err, errlen, "out of memory");
		return IMAGE_ERR_INTERNAL;
	}
	return IMAGE_OK;
}

/* The registry round trip for key, or a share of the one under way. */
static enum image_error run_flight(struct imagecache *c, const char *key,
				   const struct imageref *ref, const char *name, bool is_tag,
				   uint64_t deadline, struct imageconfig *out, char *err,
				   size_t errlen)
{
	struct flight *f;
	enum image_error rc;

	pthread_mutex_lock(&c->lock);
	for (f = c->flights; f && strcmp(f->key, key) != 0; f = f->next)
		;
	if (f) {
		struct timespec until = {(time_t)(deadline / 1000000000ull),
					 (long)(deadline % 1000000000ull)};

		f->refs++;
		count(c, COALESCED);
		while (!f->done) {
			int w = pthread_cond_timedwait(&c->done, &c->lock, &until);

			if (w == ETIMEDOUT)
				break;
		}
		if (f->done) {
			rc = copy_result(f, out, err, errlen);
		} else {
			image_errf(err, errlen,
				   "%s: the lookup's deadline passed (waiting for the registry)",
				   key);
			rc = IMAGE_ERR_TIMEOUT;
		}
		flight_release(f);
		pthread_mutex_unlock(&c->lock);
		return rc;
	}
	f = calloc(1, sizeof(*f));
	if (!f || !(f->key = strdup(key))) {
		free(f);
		pthread_mutex_unlock(&c->lock);
		image_errf(err, errlen, "out of memory");
		return IMAGE_ERR_INTERNAL;
	}
	f->refs = 1;
	f->next = c->flights;
	c->flights = f;
	pthread_mutex_unlock(&c->lock);

	f->rc = leader_lookup(c, ref, name, is_tag ? key : NULL, deadline, &f->result, f->err,
			      sizeof(f->err));

	pthread_mutex_lock(&c->lock);
	f->done = true;
	flight_unlink(c, f);
	pthread_cond_broadcast(&c->done);
	rc = copy_result(f, out, err, errlen);
	flight_release(f);
	pthread_mutex_unlock(&c->lock);
	return rc;
}

/* --registry-allow: checked before the cache (nothing of another registry
 * is ever in it) and before any name resolution or connection. */
static bool registry_allowed(const struct imagecache *c, const struct imageref *ref)
{
	return c->allow.n == 0 ||
		imageref_allowed(ref->domain, (const char *const *)c->allow.v, c->allow.n);
}

/* A hit in the tables: a digest, or a tag within its TTL naming a cached
 * digest. */
static bool cache_hit(struct imagecache *c, const char *key, bool is_tag, struct imageconfig *out,
		      enum image_error *rc)
{
	const struct imageconfig *cfg = NULL;
	char digest_key[IMAGEREF_TEXT_MAX + 1];
	bool fresh = false;

	pthread_mutex_lock(&c->lock);
	if (!is_tag)
		cfg = imagestore_get_digest(c->store, key);
	else if (imagestore_get_tag(c->store, key, registry_now_ns(), c->ttl_ns, digest_key,
				    sizeof(digest_key), &fresh) == 0 &&
		 fresh)
		cfg = imagestore_get_digest(c->store, digest_key);
	if (cfg)
		*rc = imageconfig_copy(out, cfg) == 0 ? IMAGE_OK : IMAGE_ERR_INTERNAL;
	pthread_mutex_unlock(&c->lock);
	return cfg != NULL;
}

enum image_error imagecache_lookup_until(struct imagecache *c, const char *text, bool always,
					 uint64_t deadline, struct imageconfig *out, char *err,
					 size_t errlen)
{
	struct imageref ref;
	char name[IMAGEREF_TEXT_MAX + 1], key[IMAGEREF_TEXT_MAX + 1];
	enum image_error rc;
	bool is_tag;

	memset(out, 0, sizeof(*out));
	if (imageref_parse(text, &ref, err, errlen) != 0) {
		count_result(c, IMAGE_ERR_REFERENCE);
		return IMAGE_ERR_REFERENCE;
	}
	if (!registry_allowed(c, &ref)) {
		image_errf(err, errlen,
			   "image \"%.300s\": its registry %s is not in --registry-allow "
			   "(not looked up)",
			   text, ref.domain);
		count_result(c, IMAGE_ERR_NOT_ALLOWED);
		return IMAGE_ERR_NOT_ALLOWED;
	}
	imageref_name(&ref, name, sizeof(name));
	imageref_canonical(&ref, key, sizeof(key));
	is_tag = ref.digest[0] == '\0';
	if ((!is_tag || !always) && cache_hit(c, key, is_tag, out, &rc)) {
		count(c, is_tag ? HIT_TAG : HIT_DIGEST);
	} else {
		char reason[ERR_MAX] = "";

		rc = run_flight(c, key, &ref, name, is_tag, deadline, out, reason, sizeof(reason));
		if (rc != IMAGE_OK)
			image_errf(err, errlen, "image \"%.300s\": %s", text, reason);
	}
	if (rc != IMAGE_OK)
		imageconfig_free(out);
	count_result(c, rc);
	return rc;
}

bool imagecache_lookup_cached(struct imagecache *c, const char *text, bool always,
			      struct imageconfig *out)
{
	struct imageref ref;
	char key[IMAGEREF_TEXT_MAX + 1];
	enum image_error rc = IMAGE_ERR_INTERNAL;
	bool is_tag;

	memset(out, 0, sizeof(*out));
	if (imageref_parse(text, &ref, NULL, 0) != 0 || !registry_allowed(c, &ref))
		return false;
	imageref_canonical(&ref, key, sizeof(key));
	is_tag = ref.digest[0] == '\0';
	if ((is_tag && always) || !cache_hit(c, key, is_tag, out, &rc))
		return false;
	if (rc != IMAGE_OK) {
		imageconfig_free(out);
		return false;
	}
	count(c, is_tag ? HIT_TAG : HIT_DIGEST);
	count_result(c, IMAGE_OK);
	return true;
}

enum image_error imagecache_lookup(struct imagecache *c, const char *ref, bool always,
				   struct imageconfig *out, char *err, size_t errlen)
{
	return imagecache_lookup_until(c, ref, always, registry_now_ns() + c->timeout_ns, out, err,
				       errlen);
}
