#include "metrics.h"

#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PREFIX "strict_groups_webhook"
#define MODES 3
#define RESULTS (WH_OUTCOMES + 1)
/* The API server's admission latency buckets (apiserver_admission_*_duration_seconds). */
static const double buckets[] = {0.005, 0.025, 0.1, 0.5, 1.0, 2.5};
#define NBUCKETS (sizeof(buckets) / sizeof(buckets[0]))
static const unsigned int http_codes[] = {400, 404, 405, 408, 413, 415, 500, 503};
#define NCODES (sizeof(http_codes) / sizeof(http_codes[0]))

static atomic_ullong admissions[WH_LABELS][MODES][RESULTS];
static atomic_ullong latency_le[NBUCKETS + 1]; /* the last: +Inf */
static atomic_ullong latency_sum_ns;
static atomic_ullong http_errors[NCODES];
static atomic_ullong cert_reloads[2];
static atomic_ullong lookup_skips;
static atomic_ullong pod_reads[POD_READ_RESULTS];
static const char *const pod_read_names[POD_READ_RESULTS] = {[POD_READ_OK] = "ok",
							     [POD_READ_NOT_FOUND] = "not_found",
							     [POD_READ_UNAUTHORIZED] =
								     "unauthorized",
							     [POD_READ_FORBIDDEN] = "forbidden",
							     [POD_READ_TIMEOUT] = "timeout",
							     [POD_READ_UNREACHABLE] = "unreachable",
							     [POD_READ_ERROR] = "error"};
static atomic_llong cert_not_after;
static atomic_long connections, inflight;
static atomic_int ready;

void metrics_admission(enum wh_op_label op, enum wh_mode mode, int outcome, double seconds)
{
	if (op >= WH_LABELS || (unsigned int)mode >= MODES || outcome < 0 || outcome >= RESULTS)
		return;
	atomic_fetch_add(&admissions[op][mode][outcome], 1);
	for (size_t i = 0; i < NBUCKETS; i++)
		if (seconds <= buckets[i])
			atomic_fetch_add(&latency_le[i], 1);
	atomic_fetch_add(&latency_le[NBUCKETS], 1);
	atomic_fetch_add(&latency_sum_ns, (unsigned long long)(seconds * 1e9));
}

void metrics_http_error(unsigned int status)
{
	for (size_t i = 0; i < NCODES; i++)
		if (http_codes[i] == status)
			atomic_fetch_add(&http_errors[i], 1);
}

void metrics_cert_reload(int ok, long long not_after)
{
	atomic_fetch_add(&cert_reloads[ok ? 1 : 0], 1);
	if (ok)
		atomic_store(&cert_not_after, not_after);
}

void metrics_lookup_skipped(void)
{
	atomic_fetch_add(&lookup_skips, 1);
}

void metrics_pod_read(enum metrics_pod_read result)
{
	if ((unsigned int)result < POD_READ_RESULTS)
		atomic_fetch_add(&pod_reads[result], 1);
}

void metrics_connections(int delta)
{
	atomic_fetch_add(&connections, delta);
}

void metrics_inflight(int delta)
{
	atomic_fetch_add(&inflight, delta);
}

long metrics_inflight_now(void)
{
	return atomic_load(&inflight);
}

void metrics_set_ready(int r)
{
	atomic_store(&ready, r);
}

int metrics_ready(void)
{
	return atomic_load(&ready);
}

struct text {
	char *buf;
	size_t len, cap;
	int oom;
};

static void put(struct text *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void put(struct text *t, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (t->oom)
		return;
	for (;;) {
		va_start(ap, fmt);
		n = vsnprintf(t->buf + t->len, t->cap - t->len, fmt, ap);
		va_end(ap);
		if (n < 0) {
			t->oom = 1;
			return;
		}
		if ((size_t)n < t->cap - t->len)
			break;
		char *grown = realloc(t->buf, t->cap * 2 + (size_t)n);

		if (!grown) {
			t->oom = 1;
			return;
		}
		t->buf = grown;
		t->cap = t->cap * 2 + (size_t)n;
	}
	t->len += (size_t)n;
}

static const char *result_name(int r)
{
	return r == WH_ERROR ? "error" : mutate_outcome_name((enum wh_outcome)r);
}

/* The image lookups' counters (webhook/image/imagecache.h). */
static void put_images(struct text *t, const struct imagecache_counters *m)
{
	uint64_t cumulative = 0;

	put(t,
	    "# HELP " PREFIX "_image_lookups_total Image lookups, by result.\n"
	    "# TYPE " PREFIX "_image_lookups_total counter\n");
	for (int r = 0; r < IMAGE_ERR_COUNT; r++)
		put(t, PREFIX "_image_lookups_total{result=\"%s\"} %llu\n",
		    image_error_name((enum image_error)r), (unsigned long long)m->lookups[r]);
	put(t,
	    "# HELP " PREFIX "_image_cache_hits_total Lookups answered from the cache: a digest, "
	    "a tag within its TTL, a tag read again (HEAD) naming a cached digest.\n"
	    "# TYPE " PREFIX "_image_cache_hits_total counter\n" PREFIX
	    "_image_cache_hits_total{kind=\"digest\"} %llu\n" PREFIX
	    "_image_cache_hits_total{kind=\"tag\"} %llu\n" PREFIX
	    "_image_cache_hits_total{kind=\"revalidated\"} %llu\n",
	    (unsigned long long)m->hits_digest, (unsigned long long)m->hits_tag,
	    (unsigned long long)m->hits_revalidated);
	put(t,
	    "# HELP " PREFIX "_image_lookups_coalesced_total Lookups that waited for another "
	    "lookup's registry round trip.\n# TYPE " PREFIX
	    "_image_lookups_coalesced_total counter\n" PREFIX
	    "_image_lookups_coalesced_total %llu\n",
	    (unsigned long long)m->coalesced);
	put(t,
	    "# HELP " PREFIX "_image_registry_lookups_total Lookups that went to a registry.\n"
	    "# TYPE " PREFIX "_image_registry_lookups_total counter\n" PREFIX
	    "_image_registry_lookups_total %llu\n",
	    (unsigned long long)m->registry_lookups);
	put(t,
	    "# HELP " PREFIX "_image_registry_requests_total HTTP requests sent to registries "
	    "and token services.\n# TYPE " PREFIX "_image_registry_requests_total counter\n" PREFIX
	    "_image_registry_requests_total %llu\n",
	    (unsigned long long)m->registry_requests);
	put(t,
	    "# HELP " PREFIX "_image_registry_duration_seconds Time a lookup spent with the "
	    "registry.\n# TYPE " PREFIX "_image_registry_duration_seconds histogram\n");
	for (int b = 0; b < IMAGE_LATENCY_BUCKETS; b++) {
		cumulative += m->latency_buckets[b];
		put(t, PREFIX "_image_registry_duration_seconds_bucket{le=\"%g\"} %llu\n",
		    imagecache_latency_bounds[b], (unsigned long long)cumulative);
	}
	put(t,
	    PREFIX "_image_registry_duration_seconds_bucket{le=\"+Inf\"} %llu\n" PREFIX
		   "_image_registry_duration_seconds_sum %.6f\n" PREFIX
		   "_image_registry_duration_seconds_count %llu\n",
	    (unsigned long long)m->latency_count, m->latency_sum,
	    (unsigned long long)m->latency_count);
	put(t,
	    "# HELP " PREFIX "_image_cache_entries Entries in the image cache, by table.\n"
	    "# TYPE " PREFIX "_image_cache_entries gauge\n" PREFIX
	    "_image_cache_entries{table=\"digest\"} %llu\n" PREFIX
	    "_image_cache_entries{table=\"tag\"} %llu\n",
	    (unsigned long long)m->cache_digests, (unsigned long long)m->cache_tags);
	put(t,
	    "# HELP " PREFIX "_image_cache_bytes Memory held by the digest table.\n"
	    "# TYPE " PREFIX "_image_cache_bytes gauge\n" PREFIX "_image_cache_bytes %llu\n",
	    (unsigned long long)m->cache_bytes);
	put(t,
	    "# HELP " PREFIX "_image_cache_evictions_total Entries dropped for the budget.\n"
	    "# TYPE " PREFIX "_image_cache_evictions_total counter\n" PREFIX
	    "_image_cache_evictions_total %llu\n",
	    (unsigned long long)m->cache_evictions);
}

char *metrics_render(const struct imagecache_counters *images, size_t *len)
{
	struct text t = {.buf = malloc(8192), .cap = 8192};

	if (!t.buf)
		return NULL;
	t.buf[0] = '\0';
	put(&t,
	    "# HELP strict_groups_webhook_admissions_total Admission reviews answered, by "
	    "operation, mode and result.\n# TYPE strict_groups_webhook_admissions_total counter\n");
	for (int op = 0; op < WH_LABELS; op++)
		for (int m = 0; m < MODES; m++)
			for (int r = 0; r < RESULTS; r++)
				put(&t,
				    "strict_groups_webhook_admissions_total{operation=\"%s\",mode=\"%s\","
				    "result=\"%s\"} %llu\n",
				    review_op_label_name((enum wh_op_label)op),
				    mutate_mode_name((enum wh_mode)m), result_name(r),
				    atomic_load(&admissions[op][m][r]));
	put(&t,
	    "# HELP strict_groups_webhook_admission_duration_seconds Time from a review's "
	    "headers to its answer.\n# TYPE strict_groups_webhook_admission_duration_seconds histogram\n");
	for (size_t i = 0; i < NBUCKETS; i++)
		put(&t, "strict_groups_webhook_admission_duration_seconds_bucket{le=\"%g\"} %llu\n",
		    buckets[i], atomic_load(&latency_le[i]));
	put(&t,
	    "strict_groups_webhook_admission_duration_seconds_bucket{le=\"+Inf\"} %llu\n"
	    "strict_groups_webhook_admission_duration_seconds_sum %.9f\n"
	    "strict_groups_webhook_admission_duration_seconds_count %llu\n",
	    atomic_load(&latency_le[NBUCKETS]), (double)atomic_load(&latency_sum_ns) / 1e9,
	    atomic_load(&latency_le[NBUCKETS]));
	put(&t,
	    "# HELP strict_groups_webhook_lookup_skipped_total Pods admitted without "
	    "strict-init because an image lookup failed (--on-lookup-failure=skip).\n"
	    "# TYPE strict_groups_webhook_lookup_skipped_total counter\n"
	    "strict_groups_webhook_lookup_skipped_total %llu\n",
	    atomic_load(&lookup_skips));
	put(&t,
	    "# HELP strict_groups_webhook_pod_reads_total Pods read from the API server for "
	    "kubectl exec reviews, by result.\n"
	    "# TYPE strict_groups_webhook_pod_reads_total counter\n");
	for (int r = 0; r < POD_READ_RESULTS; r++)
		put(&t, "strict_groups_webhook_pod_reads_total{result=\"%s\"} %llu\n",
		    pod_read_names[r], atomic_load(&pod_reads[r]));
	put(&t,
	    "# HELP strict_groups_webhook_http_errors_total Requests answered with an HTTP "
	    "error instead of a review.\n# TYPE strict_groups_webhook_http_errors_total counter\n");
	for (size_t i = 0; i < NCODES; i++)
		put(&t, "strict_groups_webhook_http_errors_total{code=\"%u\"} %llu\n",
		    http_codes[i], atomic_load(&http_errors[i]));
	put(&t,
	    "# HELP strict_groups_webhook_certificate_reloads_total Serving certificate "
	    "loads, by result.\n# TYPE strict_groups_webhook_certificate_reloads_total counter\n"
	    "strict_groups_webhook_certificate_reloads_total{result=\"error\"} %llu\n"
	    "strict_groups_webhook_certificate_reloads_total{result=\"ok\"} %llu\n",
	    atomic_load(&cert_reloads[0]), atomic_load(&cert_reloads[1]));
	put(&t,
	    "# HELP strict_groups_webhook_certificate_expiry_timestamp_seconds When the "
	    "serving certificate expires.\n"
	    "# TYPE strict_groups_webhook_certificate_expiry_timestamp_seconds gauge\n"
	    "strict_groups_webhook_certificate_expiry_timestamp_seconds %lld\n",
	    atomic_load(&cert_not_after));
	put(&t,
	    "# HELP strict_groups_webhook_open_connections Connections open now.\n"
	    "# TYPE strict_groups_webhook_open_connections gauge\n"
	    "strict_groups_webhook_open_connections %ld\n"
	    "# HELP strict_groups_webhook_inflight_requests Requests being answered now.\n"
	    "# TYPE strict_groups_webhook_inflight_requests gauge\n"
	    "strict_groups_webhook_inflight_requests %ld\n"
	    "# HELP strict_groups_webhook_ready 1 when serving, 0 while starting or draining.\n"
	    "# TYPE strict_groups_webhook_ready gauge\nstrict_groups_webhook_ready %d\n"
	    "# HELP strict_groups_webhook_build_info The version.\n"
	    "# TYPE strict_groups_webhook_build_info gauge\n"
	    "strict_groups_webhook_build_info{version=\"%s\"} 1\n",
	    atomic_load(&connections), atomic_load(&inflight), atomic_load(&ready), STRICT_VERSION);
	put_images(&t, images);
	if (t.oom) {
		free(t.buf);
		return NULL;
	}
	*len = t.len;
	return t.buf;
}
