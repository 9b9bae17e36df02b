/* Unit tests of webhook/metrics.c, the one Prometheus text writer: the
 * webhook's own counters and the image cache's (struct
 * imagecache_counters, which webhook/image/ only counts), each sample a
 * line of the text format 0.0.4, histograms cumulative. */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "webhook/metrics.h"

#define P "strict_groups_webhook_"

/* Whether text has exactly this line. */
static bool has_line(const char *text, const char *line)
{
	size_t n = strlen(line);

	for (const char *p = text; (p = strstr(p, line)) != NULL; p++)
		if ((p == text || p[-1] == '\n') && p[n] == '\n')
			return true;
	return false;
}

static char *render(const struct imagecache_counters *images)
{
	size_t len;
	char *text = metrics_render(images, &len);

	assert_non_null(text);
	assert_int_equal(len, strlen(text));
	assert_true(len > 0 && text[len - 1] == '\n');
	return text;
}

static void test_image_counters(void **state)
{
	struct imagecache_counters m = {0};
	char *text;

	(void)state;
	m.lookups[IMAGE_OK] = 2;
	m.lookups[IMAGE_ERR_NOT_ALLOWED] = 7;
	m.hits_tag = 1;
	m.registry_requests = 3;
	m.latency_buckets[1] = 1;                     /* the second bucket, then cumulative */
	m.latency_buckets[IMAGE_LATENCY_BUCKETS] = 1; /* over the last bound */
	m.latency_count = 2;
	m.latency_sum = 9.5;
	m.cache_digests = 1;
	text = render(&m);
	assert_true(has_line(text, P "image_lookups_total{result=\"ok\"} 2"));
	assert_true(has_line(text, P "image_lookups_total{result=\"not_allowed\"} 7"));
	assert_true(has_line(text, P "image_lookups_total{result=\"platforms_disagree\"} 0"));
	assert_true(has_line(text, P "image_cache_hits_total{kind=\"tag\"} 1"));
	assert_true(has_line(text, P "image_registry_requests_total 3"));
	assert_true(has_line(text, "# TYPE " P "image_registry_duration_seconds histogram"));
	assert_true(has_line(text, P "image_registry_duration_seconds_bucket{le=\"0.005\"} 0"));
	assert_true(has_line(text, P "image_registry_duration_seconds_bucket{le=\"5\"} 1"));
	assert_true(has_line(text, P "image_registry_duration_seconds_bucket{le=\"+Inf\"} 2"));
	assert_true(has_line(text, P "image_registry_duration_seconds_sum 9.500000"));
	assert_true(has_line(text, P "image_registry_duration_seconds_count 2"));
	assert_true(has_line(text, P "image_cache_entries{table=\"digest\"} 1"));
	free(text);
}

static void test_webhook_counters(void **state)
{
	struct imagecache_counters m = {0};
	char *text;

	(void)state;
	metrics_admission(WH_LABEL_CREATE, WH_MODE_AUDIT, WH_INJECTED, 0.01);
	metrics_admission(WH_LABEL_CREATE, WH_MODE_AUDIT, WH_ERROR, 3.0);
	metrics_http_error(413);
	metrics_pod_read(POD_READ_NOT_FOUND);
	metrics_pod_read(POD_READ_NOT_FOUND);
	metrics_pod_read(POD_READ_RESULTS); /* out of range: not counted */
	metrics_set_ready(1);
	text = render(&m);
	assert_true(has_line(text,
			     P "admissions_total{operation=\"CREATE\",mode=\"audit\","
			       "result=\"injected\"} 1"));
	assert_true(has_line(text,
			     P "admissions_total{operation=\"CREATE\",mode=\"audit\","
			       "result=\"error\"} 1"));
	assert_true(has_line(text, P "admission_duration_seconds_bucket{le=\"0.005\"} 0"));
	assert_true(has_line(text, P "admission_duration_seconds_bucket{le=\"0.025\"} 1"));
	assert_true(has_line(text, P "admission_duration_seconds_bucket{le=\"+Inf\"} 2"));
	assert_true(has_line(text, P "http_errors_total{code=\"413\"} 1"));
	assert_true(has_line(text, P "pod_reads_total{result=\"not_found\"} 2"));
	assert_true(has_line(text, P "pod_reads_total{result=\"ok\"} 0"));
	assert_true(has_line(text, P "ready 1"));
	assert_true(has_line(text, P "build_info{version=\"test\"} 1"));
	free(text);
}

static size_t count(const char *text, const char *s)
{
	size_t n = 0;

	for (const char *p = text; (p = strstr(p, s)) != NULL; p++)
		n++;
	return n;
}

/* Every family once: one HELP and one TYPE line per name. */
static void test_each_family_once(void **state)
{
	struct imagecache_counters m = {0};
	char *text = render(&m), *copy = strdup(text), *line, *save = NULL;
	size_t families = 0;

	(void)state;
	assert_non_null(copy);
	for (line = strtok_r(copy, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char name[128], help[160], type[160];

		if (sscanf(line, "# HELP %127s", name) != 1)
			continue;
		families++;
		snprintf(help, sizeof(help), "# HELP %s ", name);
		snprintf(type, sizeof(type), "# TYPE %s ", name);
		assert_int_equal(count(text, help), 1);
		assert_int_equal(count(text, type), 1);
	}
	assert_int_equal(families, count(text, "# TYPE "));
	assert_int_equal(families, 20);
	free(copy);
	free(text);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_image_counters),
		cmocka_unit_test(test_webhook_counters),
		cmocka_unit_test(test_each_family_once),
	};

	cmocka_set_message_output(CM_OUTPUT_TAP);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
