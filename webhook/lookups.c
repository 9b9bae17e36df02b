#include "lookups.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "webhook/image/imagecache.h"

#define ERR_MAX 512
/* libcurl and GnuTLS in a handshake use far less; ASan builds more */
#define THREAD_STACK (1u << 20)

static struct imagecache *cache;
static atomic_long running;

struct item {
	char *image;
	bool always;
	struct imageconfig config;
	enum image_error rc;
	char err[ERR_MAX];
	bool cached;
	struct lookups_job *job;
};

struct lookups_job {
	struct item *items;
	size_t n;
	uint64_t deadline_ns;
	atomic_size_t pending;
	void (*done)(void *);
	void *arg;
	struct wh_image_config *results;
};

int lookups_init(const struct wh_options *o, char *err, size_t errlen)
{
	struct imagecache_options co = {
		.registry = {.platform = o->platform,
			     .ca_file = o->registry_ca,
			     .config_file = o->registry_config,
			     .insecure = o->insecure,
			     .n_insecure = o->n_insecure,
			     .endpoints = o->endpoints,
			     .n_endpoints = o->n_endpoints,
			     .user_agent = "strict-groups-webhook/" STRICT_VERSION},
		.lookup_timeout = o->lookup_timeout,
		.tag_ttl = o->tag_ttl,
		.allow = o->allow,
		.n_allow = o->n_allow,
	};

	cache = imagecache_new(&co, err, errlen);
	return cache ? 0 : -1;
}

void lookups_free(void)
{
	imagecache_free(cache);
	cache = NULL;
}

long lookups_running(void)
{
	return atomic_load(&running);
}

void lookups_counters(struct imagecache_counters *out)
{
	imagecache_get_counters(cache, out);
}

struct lookups_job *lookups_job_new(const json_t *images, uint64_t deadline_ns)
{
	struct lookups_job *j = calloc(1, sizeof(*j));
	size_t i;
	const json_t *v;

	if (!j)
		return NULL;
	j->n = json_array_size(images);
	j->deadline_ns = deadline_ns;
	j->items = calloc(j->n + 1, sizeof(*j->items));
	j->results = calloc(j->n + 1, sizeof(*j->results));
	if (!j->items || !j->results) {
		lookups_job_free(j);
		return NULL;
	}
	json_array_foreach(images, i, v) {
		const char *image = json_string_value(json_object_get(v, "image"));

		j->items[i].image = strdup(image ? image : "");
		j->items[i].always = json_is_true(json_object_get(v, "always"));
		j->items[i].job = j;
		if (!j->items[i].image) {
			lookups_job_free(j);
			return NULL;
		}
	}
	return j;
}

size_t lookups_job_cached(struct lookups_job *j)
{
	size_t left = 0;

	for (size_t i = 0; i < j->n; i++) {
		struct item *it = &j->items[i];

		it->cached = imagecache_lookup_cached(cache, it->image, it->always, &it->config);
		left += !it->cached;
	}
	return left;
}

/* The last one to finish calls done: the job may be freed right after,
 * so nothing of it is touched past the decrement by the others. */
static void finished(struct lookups_job *j)
{
	void (*done)(void *) = j->done;
	void *arg = j->arg;

	if (atomic_fetch_sub(&j->pending, 1) == 1)
		done(arg);
}

static void *lookup_thread(void *arg)
{
	struct item *it = arg;
	struct lookups_job *j = it->job;

	it->rc = imagecache_lookup_until(cache, it->image, it->always, j->deadline_ns, &it->config,
					 it->err, sizeof(it->err));
	/* the connection is resumed (finished) before the count drops:
	 * shutdown stops the daemon once it reads 0, and libmicrohttpd
	 * aborts when a connection is still suspended then */
	finished(j);
	atomic_fetch_sub(&running, 1);
	return NULL;
}

void lookups_job_run(struct lookups_job *j, void (*done)(void *), void *arg)
{
	pthread_attr_t attr;

	j->done = done;
	j->arg = arg;
	/* one more than the lookups: held until every thread is started */
	atomic_store(&j->pending, 1);
	pthread_attr_init(&attr);
	pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
	pthread_attr_setstacksize(&attr, THREAD_STACK);
	for (size_t i = 0; i < j->n; i++) {
		struct item *it = &j->items[i];
		pthread_t t;

		if (it->cached)
			continue;
		atomic_fetch_add(&j->pending, 1);
		if (atomic_fetch_add(&running, 1) >= LOOKUPS_MAX_THREADS) {
			atomic_fetch_sub(&running, 1);
			it->rc = IMAGE_ERR_INTERNAL;
			image_errf(it->err, sizeof(it->err),
				   "image \"%.300s\": too many lookups in "
				   "progress (%d): try again",
				   it->image, LOOKUPS_MAX_THREADS);
			atomic_fetch_sub(&j->pending, 1);
			continue;
		}
		if (pthread_create(&t, &attr, lookup_thread, it) != 0) {
			atomic_fetch_sub(&running, 1);
			it->rc = IMAGE_ERR_INTERNAL;
			image_errf(it->err, sizeof(it->err),
				   "image \"%.300s\": no thread for its lookup", it->image);
			atomic_fetch_sub(&j->pending, 1);
		}
	}
	pthread_attr_destroy(&attr);
	finished(j);
}

const struct wh_image_config *lookups_job_results(const struct lookups_job *j, size_t *n)
{
	for (size_t i = 0; i < j->n; i++) {
		const struct item *it = &j->items[i];
		bool ok = it->cached || it->rc == IMAGE_OK;

		j->results[i] = (struct wh_image_config){
			.image = it->image,
			.config = ok ? &it->config : NULL,
			.error = ok ? IMAGE_OK : it->rc,
			.message = ok ? NULL : it->err,
		};
	}
	*n = j->n;
	return j->results;
}

void lookups_job_free(struct lookups_job *j)
{
	if (!j)
		return;
	for (size_t i = 0; j->items && i < j->n; i++) {
		free(j->items[i].image);
		imageconfig_free(&j->items[i].config);
	}
	free(j->items);
	free(j->results);
	free(j);
}
