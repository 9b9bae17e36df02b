/* The e2e suite's driver of the image lookup module (webhook/imagecache.h):
 * one process, one cache, a list of commands run in order, one JSON line
 * each on stdout, so a bats test can look images up, stop a registry
 * (sh:...) and look again with the same cache.
 *
 *   registry-driver [--platform P] [--ca FILE] [--config FILE]
 *       [--insecure HOST:PORT]... [--endpoint NAME=HOST[:PORT]]...
 *       [--timeout SECONDS] [--tag-ttl SECONDS] COMMAND...
 *
 *   lookup:REF          a lookup ({"op":"lookup","result":...,"ms":...,...})
 *   always:REF          a lookup with imagePullPolicy: Always
 *   parallel:N:REF      N threads look REF up at once (released together)
 *   sh:COMMAND          /bin/sh -c COMMAND ({"op":"sh","rc":...})
 *   metrics             the counters as JSON
 *   bench:N:REF         latency: N cold lookups (each with a new cache, so new
 *                       connections, token and every request), N revalidating
 *                       ones (Always on a warm cache: one HEAD) and 100 N warm
 *                       ones (the cache)
 *
 * Exit status 0 when every command ran (whatever the lookups' results),
 * 2 on a usage error. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sys/wait.h>
#include <unistd.h>

#include <jansson.h>

#include "webhook/image/imagecache.h"

#define MAX_LIST 16

static struct imagecache_options options;
static const char *insecure[MAX_LIST], *endpoints[MAX_LIST];

static double ms_since(uint64_t t0)
{
	return (double)(registry_now_ns() - t0) / 1e6;
}

static json_t *strv_json(char **v, size_t n, bool present)
{
	json_t *a;

	if (!present)
		return json_null();
	a = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(a, json_string(v[i]));
	return a;
}

static void print_json(json_t *j)
{
	char *text = json_dumps(j, JSON_COMPACT | JSON_SORT_KEYS);

	printf("%s\n", text ? text : "{}");
	fflush(stdout);
	free(text);
	json_decref(j);
}

static json_t *lookup_json(struct imagecache *c, const char *op, const char *ref, bool always)
{
	struct imageconfig img;
	char err[1024] = "";
	uint64_t t0 = registry_now_ns();
	enum image_error rc = imagecache_lookup(c, ref, always, &img, err, sizeof(err));
	json_t *j = json_pack("{s:s, s:s, s:s, s:f}", "op", op, "ref", ref, "result",
			      image_error_name(rc), "ms", ms_since(t0));

	if (rc == IMAGE_OK) {
		json_object_set_new(j, "digest_ref", json_string(img.digest_ref));
		json_object_set_new(j, "manifest_digest", json_string(img.manifest_digest));
		json_object_set_new(j, "platform", json_string(img.platform));
		json_object_set_new(
			j, "entrypoint",
			strv_json(img.entrypoint, img.n_entrypoint, img.has_entrypoint));
		json_object_set_new(j, "cmd", strv_json(img.cmd, img.n_cmd, img.has_cmd));
		json_object_set_new(j, "user", json_string(img.user));
		imageconfig_free(&img);
	} else {
		json_object_set_new(j, "error", json_string(err));
	}
	return j;
}

struct job {
	struct imagecache *cache;
	const char *ref;
	pthread_barrier_t *start;
	json_t *result;
};

static void *job_thread(void *arg)
{
	struct job *j = arg;

	pthread_barrier_wait(j->start);
	j->result = lookup_json(j->cache, "lookup", j->ref, false);
	return NULL;
}

static void run_parallel(struct imagecache *c, unsigned n, const char *ref)
{
	struct job *jobs = calloc(n, sizeof(*jobs));
	pthread_t *threads = calloc(n, sizeof(*threads));
	pthread_barrier_t start;
	json_t *out = json_pack("{s:s, s:s, s:i}", "op", "parallel", "ref", ref, "n", (int)n);
	json_t *results = json_array();
	uint64_t t0 = registry_now_ns();

	pthread_barrier_init(&start, NULL, n);
	for (unsigned i = 0; i < n; i++) {
		jobs[i] = (struct job){c, ref, &start, NULL};
		pthread_create(&threads[i], NULL, job_thread, &jobs[i]);
	}
	for (unsigned i = 0; i < n; i++) {
		pthread_join(threads[i], NULL);
		json_array_append_new(results, jobs[i].result);
	}
	json_object_set_new(out, "ms", json_real(ms_since(t0)));
	json_object_set_new(out, "results", results);
	print_json(out);
	pthread_barrier_destroy(&start);
	free(jobs);
	free(threads);
}

static json_t *metrics_json(struct imagecache *c)
{
	struct imagecache_counters m;
	json_t *j = json_object(), *by = json_object();

	imagecache_get_counters(c, &m);
	for (int r = 0; r < IMAGE_ERR_COUNT; r++)
		json_object_set_new(by, image_error_name((enum image_error)r),
				    json_integer((json_int_t)m.lookups[r]));
	json_object_set_new(j, "op", json_string("metrics"));
	json_object_set_new(j, "lookups", by);
	json_object_set_new(j, "hits_digest", json_integer((json_int_t)m.hits_digest));
	json_object_set_new(j, "hits_tag", json_integer((json_int_t)m.hits_tag));
	json_object_set_new(j, "hits_revalidated", json_integer((json_int_t)m.hits_revalidated));
	json_object_set_new(j, "coalesced", json_integer((json_int_t)m.coalesced));
	json_object_set_new(j, "registry_lookups", json_integer((json_int_t)m.registry_lookups));
	json_object_set_new(j, "registry_requests", json_integer((json_int_t)m.registry_requests));
	json_object_set_new(j, "cache_digests", json_integer((json_int_t)m.cache_digests));
	json_object_set_new(j, "cache_tags", json_integer((json_int_t)m.cache_tags));
	json_object_set_new(j, "registry_duration_count",
			    json_integer((json_int_t)m.latency_count));
	return j;
}

static struct imagecache *new_cache(void)
{
	char err[1024];
	struct imagecache *c = imagecache_new(&options, err, sizeof(err));

	if (!c) {
		print_json(json_pack("{s:s, s:s}", "op", "new", "error", err));
		exit(1);
	}
	return c;
}

static int compare_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

static json_t *stats(double *ms, unsigned n, unsigned failed)
{
	double sum = 0;

	qsort(ms, n, sizeof(*ms), compare_double);
	for (unsigned i = 0; i < n; i++)
		sum += ms[i];
	return json_pack("{s:i, s:i, s:f, s:f, s:f, s:f}", "n", (int)n, "failed", (int)failed,
			 "p50_ms", ms[n / 2], "p90_ms", ms[n * 9 / 10], "p99_ms", ms[n * 99 / 100],
			 "mean_ms", sum / n);
}

static void run_bench(unsigned n, const char *ref)
{
	double *ms = calloc((size_t)n * 100, sizeof(*ms));
	struct imageconfig img;
	char err[1024];
	json_t *out = json_pack("{s:s, s:s}", "op", "bench", "ref", ref);
	struct imagecache *c;
	unsigned failed = 0;

	for (unsigned i = 0; i < n; i++) {
		uint64_t t0;

		c = new_cache();
		t0 = registry_now_ns();
		if (imagecache_lookup(c, ref, false, &img, err, sizeof(err)) == IMAGE_OK)
			imageconfig_free(&img);
		else
			failed++;
		ms[i] = ms_since(t0);
		imagecache_free(c);
	}
	json_object_set_new(out, "cold", stats(ms, n, failed));
	c = new_cache();
	failed = 0;
	for (int pass = 0; pass < 2; pass++) {
		unsigned rounds = pass == 0 ? n : n * 100;

		for (unsigned i = 0; i < rounds; i++) {
			uint64_t t0 = registry_now_ns();

			if (imagecache_lookup(c, ref, pass == 0, &img, err, sizeof(err)) ==
			    IMAGE_OK)
				imageconfig_free(&img);
			else
				failed++;
			ms[i] = ms_since(t0);
		}
		json_object_set_new(out, pass == 0 ? "revalidate" : "warm",
				    stats(ms, rounds, failed));
		failed = 0;
	}
	imagecache_free(c);
	free(ms);
	print_json(out);
}

/* /bin/sh -c COMMAND; its exit status, or -1. */
static int run_shell(const char *command)
{
	int status;
	pid_t pid;

	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		execl("/bin/sh", "sh", "-c", command, (char *)NULL);
		_exit(127);
	}
	if (pid < 0 || waitpid(pid, &status, 0) != pid)
		return -1;
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

static void usage(void)
{
	fprintf(stderr,
		"usage: registry-driver [--platform P] [--ca FILE] [--config FILE] "
		"[--insecure HOST:PORT]... [--endpoint NAME=HOST]... [--timeout S] "
		"[--tag-ttl S] COMMAND...\n");
	exit(2);
}

int main(int argc, char **argv)
{
	struct imagecache *c;
	int i;

	options.tag_ttl = -1;
	for (i = 1; i < argc && strncmp(argv[i], "--", 2) == 0; i += 2) {
		const char *opt = argv[i], *val = i + 1 < argc ? argv[i + 1] : NULL;

		if (!val)
			usage();
		if (strcmp(opt, "--platform") == 0)
			options.registry.platform = val;
		else if (strcmp(opt, "--ca") == 0)
			options.registry.ca_file = val;
		else if (strcmp(opt, "--config") == 0)
			options.registry.config_file = val;
		else if (strcmp(opt, "--insecure") == 0 && options.registry.n_insecure < MAX_LIST)
			insecure[options.registry.n_insecure++] = val;
		else if (strcmp(opt, "--endpoint") == 0 && options.registry.n_endpoints < MAX_LIST)
			endpoints[options.registry.n_endpoints++] = val;
		else if (strcmp(opt, "--timeout") == 0)
			options.lookup_timeout = strtod(val, NULL);
		else if (strcmp(opt, "--tag-ttl") == 0)
			options.tag_ttl = strtod(val, NULL);
		else
			usage();
	}
	options.registry.insecure = insecure;
	options.registry.endpoints = endpoints;
	c = new_cache();
	for (; i < argc; i++) {
		const char *cmd = argv[i];

		if (strncmp(cmd, "lookup:", 7) == 0) {
			print_json(lookup_json(c, "lookup", cmd + 7, false));
		} else if (strncmp(cmd, "always:", 7) == 0) {
			print_json(lookup_json(c, "always", cmd + 7, true));
		} else if (strncmp(cmd, "parallel:", 9) == 0 || strncmp(cmd, "bench:", 6) == 0) {
			const char *rest = strchr(cmd, ':') + 1;
			char *end;
			unsigned long n = strtoul(rest, &end, 10);

			if (*end != ':' || n == 0 || n > 1000)
				usage();
			if (cmd[0] == 'p')
				run_parallel(c, (unsigned)n, end + 1);
			else
				run_bench((unsigned)n, end + 1);
		} else if (strncmp(cmd, "sh:", 3) == 0) {
			int rc = run_shell(cmd + 3);

			print_json(json_pack("{s:s, s:s, s:i}", "op", "sh", "command", cmd + 3,
					     "rc", rc));
		} else if (strcmp(cmd, "metrics") == 0) {
			print_json(metrics_json(c));
		} else {
			usage();
		}
	}
	imagecache_free(c);
	return 0;
}
