/* Unit tests of the cache's concurrency and policy (webhook/imagecache.c)
 * with a stand-in for the registry (the e2e suite tests/registry uses a
 * real one): one round trip for concurrent lookups of one image, other
 * images never blocked by it, the tag TTL and imagePullPolicy Always,
 * deadlines, errors not cached, metrics; and the registry client's option
 * checks. */
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "webhook/image/imagecache.h"

#define D1 "sha256:1111111111111111111111111111111111111111111111111111111111111111"
#define D2 "sha256:2222222222222222222222222222222222222222222222222222222222222222"

struct fake {
	pthread_mutex_t lock;
	pthread_cond_t cond;
	unsigned resolves, heads, blocked;
	const char *tag_digest; /* what every tag names now */
	bool block;             /* resolve waits for release (or its deadline) */
	const char *block_path; /* ... only for this repository, when set */
	enum image_error fail;
};

static struct fake fake;

static void fake_reset(void)
{
	pthread_mutex_lock(&fake.lock);
	fake.resolves = fake.heads = fake.blocked = 0;
	fake.tag_digest = D1;
	fake.block = false;
	fake.block_path = NULL;
	fake.fail = IMAGE_OK;
	pthread_mutex_unlock(&fake.lock);
}

static void fake_release(void)
{
	pthread_mutex_lock(&fake.lock);
	fake.block = false;
	pthread_cond_broadcast(&fake.cond);
	pthread_mutex_unlock(&fake.lock);
}

static enum image_error fake_resolve(void *ctx, const struct imageref *ref, uint64_t deadline_ns,
				     struct imageconfig *out, char *err, size_t errlen)
{
	static const char *const ep[] = {"/e"};
	static const char *const cmd[] = {"c"};
	struct timespec until = {(time_t)(deadline_ns / 1000000000ull),
				 (long)(deadline_ns % 1000000000ull)};
	char ref_text[IMAGEREF_TEXT_MAX + 1];
	struct imageconfig c = {0};
	enum image_error fail;

	(void)ctx;
	pthread_mutex_lock(&fake.lock);
	fake.resolves++;
	if (fake.block && (!fake.block_path || strcmp(ref->path, fake.block_path) == 0)) {
		fake.blocked++;
		pthread_cond_broadcast(&fake.cond);
		while (fake.block)
			if (pthread_cond_timedwait(&fake.cond, &fake.lock, &until) != 0)
				break;
		fake.blocked--;
		if (fake.block) {
			pthread_mutex_unlock(&fake.lock);
			snprintf(err, errlen, "deadline");
			return IMAGE_ERR_TIMEOUT;
		}
	}
	fail = fake.fail;
	snprintf(ref_text, sizeof(ref_text), "%s/%s@%s", ref->domain, ref->path,
		 ref->digest[0] ? ref->digest : fake.tag_digest);
	pthread_mutex_unlock(&fake.lock);
	if (fail != IMAGE_OK) {
		snprintf(err, errlen, "reg.test: manifest unknown");
		return fail;
	}
	c.digest_ref = ref_text;
	c.entrypoint = (char **)ep;
	c.n_entrypoint = 1;
	c.cmd = (char **)cmd;
	c.n_cmd = 1;
	c.user = (char *)"1000";
	return imageconfig_copy(out, &c) == 0 ? IMAGE_OK : IMAGE_ERR_INTERNAL;
}

static enum image_error fake_head(void *ctx, const struct imageref *ref, uint64_t deadline_ns,
				  char digest[IMAGE_DIGEST_MAX + 1], char *err, size_t errlen)
{
	(void)ctx;
	(void)ref;
	(void)deadline_ns;
	if (errlen)
		err[0] = '\0';
	pthread_mutex_lock(&fake.lock);
	fake.heads++;
	snprintf(digest, IMAGE_DIGEST_MAX + 1, "%s", fake.tag_digest);
	pthread_mutex_unlock(&fake.lock);
	return IMAGE_OK;
}

static const struct imagecache_fetcher fetcher = {NULL, fake_resolve, fake_head};

static struct imagecache *new_cache(double ttl, double timeout)
{
	struct imagecache_options o = {
		.tag_ttl = ttl, .lookup_timeout = timeout, .fetcher = &fetcher};
	char err[256];
	struct imagecache *c = imagecache_new(&o, err, sizeof(err));

	assert_non_null(c);
	fake_reset();
	return c;
}

static unsigned fake_get(const unsigned *field)
{
	unsigned v;

	pthread_mutex_lock(&fake.lock);
	v = *field;
	pthread_mutex_unlock(&fake.lock);
	return v;
}

/* Waits (up to 10 s) until cond() holds: a state to reach, not a timing. */
static bool eventually(bool (*cond)(struct imagecache *), struct imagecache *c)
{
	for (int i = 0; i < 10000; i++) {
		if (cond(c))
			return true;
		nanosleep(&(struct timespec){0, 1000000}, NULL);
	}
	return false;
}

struct lookups_job {
	struct imagecache *cache;
	const char *ref;
	enum image_error rc;
	char digest_ref[512];
	pthread_t thread;
};

static void *lookup_thread(void *arg)
{
	struct lookups_job *j = arg;
	struct imageconfig c;
	char err[512];

	j->rc = imagecache_lookup(j->cache, j->ref, false, &c, err, sizeof(err));
	if (j->rc == IMAGE_OK) {
		snprintf(j->digest_ref, sizeof(j->digest_ref), "%s", c.digest_ref);
		imageconfig_free(&c);
	}
	return NULL;
}

static bool all_waiting(struct imagecache *c)
{
	struct imagecache_counters m;

	imagecache_get_counters(c, &m);
	return fake_get(&fake.blocked) == 1 && m.coalesced == 7;
}

static void test_single_flight(void **state)
{
	struct imagecache *c = new_cache(60, 30);
	struct lookups_job jobs[8];
	struct imagecache_counters m;

	(void)state;
	fake.block = true;
	for (int i = 0; i < 8; i++) {
		jobs[i] = (struct lookups_job){.cache = c, .ref = "reg.test/team/app:1"};
		assert_int_equal(pthread_create(&jobs[i].thread, NULL, lookup_thread, &jobs[i]), 0);
	}
	/* one lookup is at the registry, the seven others wait for it */
	assert_true(eventually(all_waiting, c));
	fake_release();
	for (int i = 0; i < 8; i++) {
		pthread_join(jobs[i].thread, NULL);
		assert_int_equal(jobs[i].rc, IMAGE_OK);
		assert_string_equal(jobs[i].digest_ref, "reg.test/team/app@" D1);
	}
	assert_int_equal(fake.resolves, 1);
	imagecache_get_counters(c, &m);
	assert_int_equal(m.lookups[IMAGE_OK], 8);
	assert_int_equal(m.registry_lookups, 1);
	assert_int_equal(m.coalesced, 7);
	imagecache_free(c);
}

static bool slow_blocked(struct imagecache *c)
{
	(void)c;
	return fake_get(&fake.blocked) == 1;
}

static void test_others_not_blocked(void **state)
{
	struct imagecache *c = new_cache(60, 30);
	struct lookups_job slow = {.cache = c, .ref = "reg.test/slow:1"};
	struct imageconfig img;
	char err[512];

	(void)state;
	fake.block = true;
	fake.block_path = "slow";
	assert_int_equal(pthread_create(&slow.thread, NULL, lookup_thread, &slow), 0);
	assert_true(eventually(slow_blocked, c));
	/* while that one waits for its registry, another image is looked up,
	 * and a cached one is served */
	assert_int_equal(imagecache_lookup(c, "reg.test/fast:1", false, &img, err, sizeof(err)),
			 IMAGE_OK);
	imageconfig_free(&img);
	assert_int_equal(imagecache_lookup(c, "reg.test/fast:1", false, &img, err, sizeof(err)),
			 IMAGE_OK);
	imageconfig_free(&img);
	assert_int_equal(fake_get(&fake.blocked), 1);
	fake_release();
	pthread_join(slow.thread, NULL);
	assert_int_equal(slow.rc, IMAGE_OK);
	imagecache_free(c);
}

static void lookup_ok(struct imagecache *c, const char *ref, bool always, const char *want)
{
	struct imageconfig img;
	char err[512] = "";

	if (imagecache_lookup(c, ref, always, &img, err, sizeof(err)) != IMAGE_OK)
		fail_msg("%s: %s", ref, err);
	assert_string_equal(img.digest_ref, want);
	assert_string_equal(img.entrypoint[0], "/e");
	assert_string_equal(img.user, "1000");
	imageconfig_free(&img);
}

static void test_tag_ttl_and_always(void **state)
{
	struct imagecache *c = new_cache(3600, 30);
	struct imagecache_counters m;

	(void)state;
	lookup_ok(c, "reg.test/a:1", false, "reg.test/a@" D1);
	assert_int_equal(fake.resolves, 1);
	assert_int_equal(fake.heads, 0);
	/* within the TTL: no request at all */
	lookup_ok(c, "reg.test/a:1", false, "reg.test/a@" D1);
	assert_int_equal(fake.resolves, 1);
	assert_int_equal(fake.heads, 0);
	/* Always: the tag is read again (HEAD); the digest is cached */
	lookup_ok(c, "reg.test/a:1", true, "reg.test/a@" D1);
	assert_int_equal(fake.resolves, 1);
	assert_int_equal(fake.heads, 1);
	/* the tag moved: Always reads the new image */
	fake.tag_digest = D2;
	lookup_ok(c, "reg.test/a:1", true, "reg.test/a@" D2);
	assert_int_equal(fake.resolves, 2);
	assert_int_equal(fake.heads, 2);
	/* ... and the tag table follows */
	lookup_ok(c, "reg.test/a:1", false, "reg.test/a@" D2);
	assert_int_equal(fake.heads, 2);
	/* the digest the tag named first is still cached, by digest */
	lookup_ok(c, "reg.test/a@" D1, false, "reg.test/a@" D1);
	assert_int_equal(fake.resolves, 2);
	imagecache_get_counters(c, &m);
	assert_int_equal(m.hits_tag, 2);
	assert_int_equal(m.hits_revalidated, 1);
	assert_int_equal(m.hits_digest, 1);
	assert_int_equal(m.cache_digests, 2);
	assert_int_equal(m.cache_tags, 1);
	imagecache_free(c);

	/* a TTL of 0: every tag lookup asks (HEAD), the content stays cached */
	c = new_cache(0, 30);
	lookup_ok(c, "reg.test/a:1", false, "reg.test/a@" D1);
	lookup_ok(c, "reg.test/a:1", false, "reg.test/a@" D1);
	lookup_ok(c, "reg.test/a:1", false, "reg.test/a@" D1);
	assert_int_equal(fake.resolves, 1);
	assert_int_equal(fake.heads, 2);
	/* the same image written another way is the same entry */
	lookup_ok(c, "reg.test/a", false, "reg.test/a@" D1);
	lookup_ok(c, "reg.test/a:latest", false, "reg.test/a@" D1);
	assert_int_equal(fake.resolves, 2);
	imagecache_free(c);
}

/* The cache alone (what the webhook's worker threads ask before they hand
 * a lookup to a thread that may wait): hits only, nothing sent, nothing
 * counted for a miss. */
static void test_cached_only(void **state)
{
	struct imagecache *c = new_cache(3600, 30);
	struct imageconfig img;
	struct imagecache_counters m;

	(void)state;
	assert_false(imagecache_lookup_cached(c, "reg.test/a:1", false, &img));
	assert_false(imagecache_lookup_cached(c, "reg.test/a@" D1, false, &img));
	assert_false(imagecache_lookup_cached(c, "Not A Reference", false, &img));
	assert_int_equal(fake.resolves + fake.heads, 0);
	imagecache_get_counters(c, &m);
	assert_int_equal(m.lookups[IMAGE_OK] + m.lookups[IMAGE_ERR_REFERENCE], 0);
	lookup_ok(c, "reg.test/a:1", false, "reg.test/a@" D1);
	assert_true(imagecache_lookup_cached(c, "reg.test/a:1", false, &img));
	assert_string_equal(img.digest_ref, "reg.test/a@" D1);
	imageconfig_free(&img);
	assert_true(imagecache_lookup_cached(c, "reg.test/a@" D1, true, &img));
	imageconfig_free(&img);
	/* Always: the tag must be read again, which only a lookup does */
	assert_false(imagecache_lookup_cached(c, "reg.test/a:1", true, &img));
	assert_int_equal(fake.resolves, 1);
	assert_int_equal(fake.heads, 0);
	imagecache_get_counters(c, &m);
	assert_int_equal(m.lookups[IMAGE_OK], 3);
	assert_int_equal(m.hits_tag, 1);
	assert_int_equal(m.hits_digest, 1);
	imagecache_free(c);
	/* a TTL of 0: no tag is ever fresh */
	c = new_cache(0, 30);
	lookup_ok(c, "reg.test/a:1", false, "reg.test/a@" D1);
	assert_false(imagecache_lookup_cached(c, "reg.test/a:1", false, &img));
	assert_true(imagecache_lookup_cached(c, "reg.test/a@" D1, false, &img));
	imageconfig_free(&img);
	imagecache_free(c);
}

struct waiter {
	struct imagecache *cache;
	uint64_t deadline;
	enum image_error rc;
	pthread_t thread;
};

static void *waiter_thread(void *arg)
{
	struct waiter *w = arg;
	struct imageconfig img;
	char err[512];

	w->rc = imagecache_lookup_until(w->cache, "reg.test/stuck:1", false, w->deadline, &img, err,
					sizeof(err));
	return NULL;
}

static void test_deadlines(void **state)
{
	struct imagecache *c = new_cache(60, 0.2);
	struct imageconfig img;
	char err[512] = "";
	uint64_t t0 = registry_now_ns();
	struct waiter w = {.cache = c};
	struct imagecache_counters m;

	(void)state;
	fake.block = true;
	/* the leader's registry never answers: its deadline ends it */
	assert_int_equal(imagecache_lookup(c, "reg.test/stuck:1", false, &img, err, sizeof(err)),
			 IMAGE_ERR_TIMEOUT);
	assert_true(registry_now_ns() - t0 >= 200000000ull);
	assert_non_null(strstr(err, "image \"reg.test/stuck:1\""));
	assert_null(img.digest_ref);
	/* a lookup waiting for another one stops at its own deadline */
	{
		struct lookups_job leader = {.cache = c, .ref = "reg.test/stuck:1"};

		imagecache_free(c);
		c = new_cache(60, 30);
		fake.block = true;
		leader.cache = c;
		w.cache = c;
		assert_int_equal(pthread_create(&leader.thread, NULL, lookup_thread, &leader), 0);
		assert_true(eventually(slow_blocked, c));
		w.deadline = registry_now_ns() + 100000000ull;
		assert_int_equal(pthread_create(&w.thread, NULL, waiter_thread, &w), 0);
		pthread_join(w.thread, NULL);
		assert_int_equal(w.rc, IMAGE_ERR_TIMEOUT);
		imagecache_get_counters(c, &m);
		assert_int_equal(m.coalesced, 1);
		assert_int_equal(m.lookups[IMAGE_ERR_TIMEOUT], 1);
		/* the leader still gets its answer */
		fake_release();
		pthread_join(leader.thread, NULL);
		assert_int_equal(leader.rc, IMAGE_OK);
	}
	imagecache_free(c);
}

static void test_errors_not_cached(void **state)
{
	struct imagecache *c = new_cache(60, 30);
	struct imageconfig img;
	char err[512];
	struct imagecache_counters m;

	(void)state;
	fake.fail = IMAGE_ERR_NOT_FOUND;
	assert_int_equal(imagecache_lookup(c, "reg.test/gone:1", false, &img, err, sizeof(err)),
			 IMAGE_ERR_NOT_FOUND);
	assert_string_equal(err, "image \"reg.test/gone:1\": reg.test: manifest unknown");
	assert_int_equal(imagecache_lookup(c, "reg.test/gone:1", false, &img, err, sizeof(err)),
			 IMAGE_ERR_NOT_FOUND);
	assert_int_equal(fake.resolves, 2);
	fake.fail = IMAGE_OK;
	lookup_ok(c, "reg.test/gone:1", false, "reg.test/gone@" D1);
	/* an invalid reference never reaches the registry */
	assert_int_equal(imagecache_lookup(c, "reg.test/Bad:1", false, &img, err, sizeof(err)),
			 IMAGE_ERR_REFERENCE);
	assert_non_null(strstr(err, "lowercase"));
	assert_int_equal(fake.resolves, 3);
	imagecache_get_counters(c, &m);
	assert_int_equal(m.lookups[IMAGE_ERR_NOT_FOUND], 2);
	assert_int_equal(m.lookups[IMAGE_ERR_REFERENCE], 1);
	assert_int_equal(m.lookups[IMAGE_OK], 1);
	imagecache_free(c);
}

/* The counters the webhook's /metrics renders (tests/unit/test_webhook_metrics.c
 * checks the text). */
static void test_counters(void **state)
{
	struct imagecache *c = new_cache(60, 30);
	struct imagecache_counters m;
	uint64_t up_to_5s = 0;

	(void)state;
	lookup_ok(c, "reg.test/a:1", false, "reg.test/a@" D1);
	lookup_ok(c, "reg.test/a:1", false, "reg.test/a@" D1);
	imagecache_get_counters(c, &m);
	assert_int_equal(m.lookups[IMAGE_OK], 2);
	assert_int_equal(m.lookups[IMAGE_ERR_PLATFORMS_DISAGREE], 0);
	assert_int_equal(m.hits_tag, 1);
	assert_int_equal(m.latency_count, 1);
	assert_int_equal(m.cache_digests, 1);
	/* one registry round trip, well under 5 s, counted once */
	for (int b = 0; b < IMAGE_LATENCY_BUCKETS && imagecache_latency_bounds[b] <= 5.0; b++)
		up_to_5s += m.latency_buckets[b];
	assert_int_equal(up_to_5s, 1);
	imagecache_free(c);
}

static void test_client_options(void **state)
{
	static const char *const bad_insecure[] = {"no/slash:1"};
	static const char *const bad_endpoint[] = {"docker.io"};
	static const char *const bad_endpoint_port[] = {"docker.io=mirror.test:70000"};
	static const struct {
		struct registry_options o;
		const char *reason;
	} cases[] = {
		{{.platform = "linux"}, "invalid platform"},
		{{.ca_file = "/nonexistent/ca.pem"}, "--registry-ca /nonexistent/ca.pem"},
		{{.config_file = "/nonexistent/config.json"},
		 "--registry-config /nonexistent/config.json"},
		{{.config_file = "/dev/null"}, "not a JSON object"},
		{{.insecure = bad_insecure, .n_insecure = 1}, "--insecure-registry"},
		{{.endpoints = bad_endpoint, .n_endpoints = 1}, "--registry-endpoint"},
		{{.endpoints = bad_endpoint_port, .n_endpoints = 1}, "--registry-endpoint"},
	};
	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct imagecache_options o = {.registry = cases[i].o, .tag_ttl = -1};
		char err[256] = "";

		assert_null(imagecache_new(&o, err, sizeof(err)));
		if (!strstr(err, cases[i].reason))
			fail_msg("case %zu: \"%s\" lacks \"%s\"", i, err, cases[i].reason);
	}
}

static void test_docker_io_needs_an_endpoint(void **state)
{
	struct imagecache_options o = {.tag_ttl = -1};
	char err[512];
	struct imagecache *c = imagecache_new(&o, err, sizeof(err));
	struct imageconfig img;

	(void)state;
	assert_non_null(c);
	/* Docker's default registry has no built-in endpoint: no request */
	assert_int_equal(imagecache_lookup(c, "busybox", false, &img, err, sizeof(err)),
			 IMAGE_ERR_REGISTRY);
	assert_non_null(strstr(err, "--registry-endpoint=docker.io=HOST"));
	imagecache_free(c);
}

/* --registry-allow: another registry's image is refused before the
 * cache and the fetcher (the registry) ever see it, counted as
 * not_allowed; the allowed registry's images go on as before. */
static void test_registry_allow(void **state)
{
	static const char *const allow[] = {"reg.test:5000", "*.corp.test"};
	static const char *const bad[] = {"reg.test:5000", "*"};
	static const char by_digest[] = "reg.test/a@" D1; /* no cache entry, no request either */
	static const char *const refused[] = {
		"reg.test/a:1", "reg.test:443/a:1",         "10.0.0.5:443/x:y",
		"nginx",        "kubernetes.default.svc/x", "corp.test/a:1",
		by_digest,
	};
	struct imagecache_options o = {.tag_ttl = 60,
				       .lookup_timeout = 30,
				       .fetcher = &fetcher,
				       .allow = allow,
				       .n_allow = 2};
	struct imagecache *c;
	struct imageconfig img;
	struct imagecache_counters m;
	char err[512];

	(void)state;
	c = imagecache_new(&o, err, sizeof(err));
	assert_non_null(c);
	fake_reset();
	lookup_ok(c, "reg.test:5000/a:1", false, "reg.test:5000/a@" D1);
	lookup_ok(c, "a.corp.test/b:1", false, "a.corp.test/b@" D1);
	assert_int_equal(fake.resolves, 2);
	for (size_t i = 0; i < sizeof(refused) / sizeof(refused[0]); i++) {
		err[0] = '\0';
		assert_int_equal(imagecache_lookup(c, refused[i], false, &img, err, sizeof(err)),
				 IMAGE_ERR_NOT_ALLOWED);
		assert_null(img.digest_ref);
		assert_non_null(strstr(err, refused[i]));
		assert_non_null(strstr(err, "is not in --registry-allow"));
		assert_false(imagecache_lookup_cached(c, refused[i], false, &img));
	}
	assert_string_equal(err,
			    "image \"reg.test/a@" D1 "\": its registry reg.test is not in "
			    "--registry-allow (not looked up)");
	/* an invalid reference is still a reference error, not not_allowed */
	assert_int_equal(imagecache_lookup(c, "reg.test:5000/A", false, &img, err, sizeof(err)),
			 IMAGE_ERR_REFERENCE);
	assert_int_equal(fake.resolves, 2);
	assert_int_equal(fake.heads, 0);
	imagecache_get_counters(c, &m);
	assert_int_equal(m.lookups[IMAGE_ERR_NOT_ALLOWED], 7);
	assert_int_equal(m.registry_lookups, 2);
	imagecache_free(c);

	/* an entry refused: no cache, the reason names the flag */
	o.allow = bad;
	assert_null(imagecache_new(&o, err, sizeof(err)));
	assert_non_null(strstr(err, "--registry-allow: \"*\""));
	/* no list: every registry */
	o.n_allow = 0;
	c = imagecache_new(&o, err, sizeof(err));
	assert_non_null(c);
	fake_reset();
	lookup_ok(c, "10.0.0.5:443/x:y", false, "10.0.0.5:443/x@" D1);
	assert_int_equal(fake.resolves, 1);
	imagecache_free(c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_single_flight),
		cmocka_unit_test(test_others_not_blocked),
		cmocka_unit_test(test_tag_ttl_and_always),
		cmocka_unit_test(test_cached_only),
		cmocka_unit_test(test_deadlines),
		cmocka_unit_test(test_errors_not_cached),
		cmocka_unit_test(test_counters),
		cmocka_unit_test(test_client_options),
		cmocka_unit_test(test_docker_io_needs_an_endpoint),
		cmocka_unit_test(test_registry_allow),
	};

	pthread_mutex_init(&fake.lock, NULL);
	{
		pthread_condattr_t a;

		pthread_condattr_init(&a);
		pthread_condattr_setclock(&a, CLOCK_MONOTONIC);
		pthread_cond_init(&fake.cond, &a);
	}
	cmocka_set_message_output(CM_OUTPUT_TAP);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
