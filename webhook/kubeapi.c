#include "kubeapi.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <curl/curl.h>

#include "common/text.h"
#include "metrics.h"

#define ERR_MAX 320
#define TOKEN_MAX 16384
#define IDLE_HANDLES 16
#define THREAD_STACK (1u << 20)

static char base_url[512]; /* "https://host:port", no trailing '/'; "" when none */
static const char *token_file = WH_SERVICEACCOUNT_DIR "/token";
static const char *ca_file = WH_SERVICEACCOUNT_DIR "/ca.crt";
static atomic_long running;

/* Idle handles: each keeps its connection to the API server open, so that
 * a read after the first needs no TLS handshake. */
static pthread_mutex_t idle_lock = PTHREAD_MUTEX_INITIALIZER;
static CURL *idle[IDLE_HANDLES];
static size_t nidle;

struct kubeapi_read {
	char *ns, *name;
	uint64_t deadline_ns;
	json_t *pod;
	char error[ERR_MAX];
	void (*done)(void *);
	void *arg;
};

/* A DNS-1123 name as the API server allows for namespaces and pods:
 * lowercase letters, digits, '-' and '.', 1 to 253 bytes, not "." or "..".
 * Anything else never reaches a URL. */
static bool valid_name(const char *s)
{
	size_t n = strlen(s);

	if (n == 0 || n > 253 || strcmp(s, ".") == 0 || strcmp(s, "..") == 0)
		return false;
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') || *s == '-' ||
		      *s == '.'))
			return false;
	return true;
}

int kubeapi_init(const struct wh_options *o, char *err, size_t errlen)
{
	const char *host = getenv("KUBERNETES_SERVICE_HOST");
	const char *port = getenv("KUBERNETES_SERVICE_PORT");
	size_t n;

	if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
		snprintf(err, errlen, "libcurl did not initialise");
		return -1;
	}
	if (o->kube_token_file)
		token_file = o->kube_token_file;
	if (o->kube_ca)
		ca_file = o->kube_ca;
	if (o->kube_api) {
		if (strncmp(o->kube_api, "https://", 8) != 0 || !o->kube_api[8] ||
		    text_has_control(o->kube_api) || strpbrk(o->kube_api, " ?#") ||
		    strlen(o->kube_api) >= sizeof(base_url)) {
			snprintf(err, errlen, "--kube-api=%.200s: an https:// URL", o->kube_api);
			text_one_line(err);
			return -1;
		}
		snprintf(base_url, sizeof(base_url), "%s", o->kube_api);
	} else if (host && *host && port && *port && !strpbrk(host, "/ ") &&
		   strspn(port, "0123456789") == strlen(port)) {
		/* as client-go's in-cluster configuration: an IPv6 address in brackets */
		snprintf(base_url, sizeof(base_url),
			 strchr(host, ':') ? "https://[%s]:%s" : "https://%s:%s", host, port);
	}
	n = strlen(base_url);
	while (n > 8 && base_url[n - 1] == '/')
		base_url[--n] = '\0';
	return 0;
}

void kubeapi_free(void)
{
	pthread_mutex_lock(&idle_lock);
	while (nidle)
		curl_easy_cleanup(idle[--nidle]);
	pthread_mutex_unlock(&idle_lock);
}

long kubeapi_running(void)
{
	return atomic_load(&running);
}

static CURL *take_handle(void)
{
	CURL *h = NULL;

	pthread_mutex_lock(&idle_lock);
	if (nidle)
		h = idle[--nidle];
	pthread_mutex_unlock(&idle_lock);
	if (h)
		curl_easy_reset(h); /* its connection stays open */
	return h ? h : curl_easy_init();
}

static void give_handle(CURL *h)
{
	pthread_mutex_lock(&idle_lock);
	if (nidle < IDLE_HANDLES) {
		idle[nidle++] = h;
		h = NULL;
	}
	pthread_mutex_unlock(&idle_lock);
	if (h)
		curl_easy_cleanup(h);
}

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static void failed(struct kubeapi_read *r, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static void failed(struct kubeapi_read *r, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(r->error, sizeof(r->error), fmt, ap);
	va_end(ap);
	text_one_line(r->error);
}

/* The bearer token, read now: kubelet rotates a projected token in place.
 * -1 after saying why. */
static int read_token(struct kubeapi_read *r, char *buf, size_t cap)
{
	int fd = open(token_file, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	size_t len = 0;
	ssize_t n;

	if (fd < 0) {
		failed(r, "cannot read the token %.200s: %s", token_file, strerror(errno));
		return -1;
	}
	while (len + 1 < cap && (n = read(fd, buf + len, cap - 1 - len)) != 0) {
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			failed(r, "cannot read the token %.200s: %s", token_file, strerror(errno));
			close(fd);
			return -1;
		}
		len += (size_t)n;
	}
	close(fd);
	while (len && (buf[len - 1] == '\n' || buf[len - 1] == '\r' || buf[len - 1] == ' '))
		len--;
	buf[len] = '\0';
	if (len == 0 || len + 1 >= cap || text_has_control(buf) || strchr(buf, ' ')) {
		failed(r, "the token %.200s is empty or not one line", token_file);
		return -1;
	}
	return 0;
}

struct body {
	char *buf;
	size_t len, cap;
	bool too_large;
};

static size_t on_data(char *data, size_t size, size_t nmemb, void *arg)
{
	struct body *b = arg;
	size_t n = size * nmemb;

	if (b->len + n > KUBEAPI_MAX_BODY) {
		b->too_large = true;
		return 0;
	}
	if (b->len + n + 1 > b->cap) {
		size_t cap = b->cap ? b->cap : 16384;
		char *grown;

		while (cap < b->len + n + 1)
			cap *= 2;
		grown = realloc(b->buf, cap);
		if (!grown)
			return 0;
		b->buf = grown;
		b->cap = cap;
	}
	memcpy(b->buf + b->len, data, n);
	b->len += n;
	b->buf[b->len] = '\0';
	return n;
}

/* The API server's answer to anything but 200: a Status whose message says
 * why ("pods \"x\" not found"). */
static void status_failed(struct kubeapi_read *r, long code, const struct body *b)
{
	json_t *status = b->buf ? json_loadb(b->buf, b->len, 0, NULL) : NULL;
	const char *message = json_string_value(json_object_get(status, "message"));

	failed(r, "HTTP %ld from the API server: %.200s", code,
	       message             ? message :
		       code == 401 ? "Unauthorized" :
				     "no Status");
	json_decref(status);
}

/* The 200 answer: the pod that was asked for. */
static void take_pod(struct kubeapi_read *r, const struct body *b)
{
	json_error_t error;
	json_t *pod = json_loadb(b->buf ? b->buf : "", b->len, JSON_REJECT_DUPLICATES, &error);
	const json_t *meta = json_object_get(pod, "metadata");
	const char *kind = json_string_value(json_object_get(pod, "kind"));
	const char *name = json_string_value(json_object_get(meta, "name"));
	const char *ns = json_string_value(json_object_get(meta, "namespace"));

	if (!pod) {
		failed(r, "the API server's answer is not JSON: %.200s", error.text);
		return;
	}
	if (!json_is_object(pod) || (kind && strcmp(kind, "Pod") != 0) || !name || !ns ||
	    strcmp(name, r->name) != 0 || strcmp(ns, r->ns) != 0) {
		failed(r, "the API server's answer is not pod %s/%s", r->ns, r->name);
		json_decref(pod);
		return;
	}
	r->pod = pod;
}

/* What the metrics count a failed transfer as. */
static enum metrics_pod_read transfer_result(CURLcode rc)
{
	switch (rc) {
	case CURLE_OPERATION_TIMEDOUT:
		return POD_READ_TIMEOUT;
	case CURLE_COULDNT_RESOLVE_HOST:
	case CURLE_COULDNT_CONNECT:
	case CURLE_SEND_ERROR:
	case CURLE_RECV_ERROR:
	case CURLE_GOT_NOTHING:
		return POD_READ_UNREACHABLE;
	default:
		return POD_READ_ERROR;
	}
}

static enum metrics_pod_read get(struct kubeapi_read *r)
{
	char token[TOKEN_MAX], *auth = NULL, *url = NULL, detail[CURL_ERROR_SIZE] = "";
	char *ns = NULL, *name = NULL;
	uint64_t now = now_ns();
	long remaining_ms, code = 0;
	struct curl_slist *headers = NULL;
	struct body b = {0};
	enum metrics_pod_read result = POD_READ_ERROR;
	CURL *h;
	CURLcode rc;

	if (!*base_url) {
		failed(r,
		       "no API server: the webhook runs outside a pod and no --kube-api was "
		       "given");
		return POD_READ_ERROR;
	}
	if (!valid_name(r->ns) || !valid_name(r->name)) {
		failed(r, "the review names no valid pod (namespace \"%.64s\", name \"%.64s\")",
		       r->ns, r->name);
		return POD_READ_ERROR;
	}
	if (now >= r->deadline_ns) {
		failed(r, "no time left before the review's deadline");
		return POD_READ_TIMEOUT;
	}
	remaining_ms = (long)((r->deadline_ns - now) / 1000000) + 1;
	if (read_token(r, token, sizeof(token)) != 0)
		return POD_READ_ERROR;
	h = take_handle();
	if (h) {
		ns = curl_easy_escape(h, r->ns, 0);
		name = curl_easy_escape(h, r->name, 0);
	}
	if (ns && name && asprintf(&url, "%s/api/v1/namespaces/%s/pods/%s", base_url, ns, name) < 0)
		url = NULL;
	if (asprintf(&auth, "Authorization: Bearer %s", token) < 0)
		auth = NULL;
	explicit_bzero(token, sizeof(token));
	if (!h || !url || !auth ||
	    !(headers = curl_slist_append(NULL, "Accept: application/json")) ||
	    !curl_slist_append(headers, auth)) {
		failed(r, "out of memory");
		goto out;
	}
	curl_easy_setopt(h, CURLOPT_URL, url);
	curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "https");
	curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 0L);
	curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(h, CURLOPT_ERRORBUFFER, detail);
	curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, remaining_ms);
	curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, remaining_ms);
	curl_easy_setopt(h, CURLOPT_SSL_VERIFYPEER, 1L);
	curl_easy_setopt(h, CURLOPT_SSL_VERIFYHOST, 2L);
	curl_easy_setopt(h, CURLOPT_SSLVERSION, (long)CURL_SSLVERSION_TLSv1_2);
	curl_easy_setopt(h, CURLOPT_CAINFO, ca_file);
	curl_easy_setopt(h, CURLOPT_CAPATH, NULL);
	curl_easy_setopt(h, CURLOPT_HTTPHEADER, headers);
	curl_easy_setopt(h, CURLOPT_USERAGENT, "strict-groups-webhook/" STRICT_VERSION);
	curl_easy_setopt(h, CURLOPT_MAXFILESIZE_LARGE, (curl_off_t)KUBEAPI_MAX_BODY);
	curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_data);
	curl_easy_setopt(h, CURLOPT_WRITEDATA, &b);
	rc = curl_easy_perform(h);
	/* the token must not stay in a handle kept for later */
	curl_easy_setopt(h, CURLOPT_HTTPHEADER, NULL);
	curl_easy_setopt(h, CURLOPT_ERRORBUFFER, NULL);
	if (rc != CURLE_OK) {
		result = b.too_large ? POD_READ_ERROR : transfer_result(rc);
		if (b.too_large)
			failed(r, "the API server's answer is larger than %u bytes",
			       KUBEAPI_MAX_BODY);
		else if (rc == CURLE_OPERATION_TIMEDOUT)
			failed(r, "the API server did not answer within %ld ms", remaining_ms);
		else
			failed(r, "the API server at %.200s: %s%s%.200s", base_url,
			       curl_easy_strerror(rc), *detail ? ": " : "", detail);
		goto out;
	}
	curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &code);
	if (code == 200) {
		take_pod(r, &b);
		result = r->pod ? POD_READ_OK : POD_READ_ERROR;
	} else {
		status_failed(r, code, &b);
		result = code == 404 ? POD_READ_NOT_FOUND :
			code == 401  ? POD_READ_UNAUTHORIZED :
			code == 403  ? POD_READ_FORBIDDEN :
				       POD_READ_ERROR;
	}
out:
	if (auth)
		explicit_bzero(auth, strlen(auth));
	free(auth);
	free(url);
	curl_free(ns);
	curl_free(name);
	curl_slist_free_all(headers);
	free(b.buf);
	if (h && result != POD_READ_UNREACHABLE && result != POD_READ_TIMEOUT)
		give_handle(h);
	else if (h)
		curl_easy_cleanup(h);
	return result;
}

static void *read_thread(void *arg)
{
	struct kubeapi_read *r = arg;
	void (*done)(void *) = r->done;
	void *done_arg = r->arg;

	metrics_pod_read(get(r));
	/* the connection is resumed (done) before the count drops: shutdown
	 * stops the daemon once it reads 0, and libmicrohttpd aborts when a
	 * connection is still suspended then (as in lookups.c) */
	done(done_arg); /* r may be freed from here on */
	atomic_fetch_sub(&running, 1);
	return NULL;
}

struct kubeapi_read *kubeapi_read_new(const char *ns, const char *name, uint64_t deadline_ns)
{
	struct kubeapi_read *r = calloc(1, sizeof(*r));

	if (!r)
		return NULL;
	r->ns = strdup(ns ? ns : "");
	r->name = strdup(name ? name : "");
	r->deadline_ns = deadline_ns;
	snprintf(r->error, sizeof(r->error), "not read");
	if (!r->ns || !r->name) {
		kubeapi_read_free(r);
		return NULL;
	}
	return r;
}

void kubeapi_read_run(struct kubeapi_read *r, void (*done)(void *), void *arg)
{
	pthread_attr_t attr;
	pthread_t t;
	int rc;

	r->done = done;
	r->arg = arg;
	if (atomic_fetch_add(&running, 1) >= KUBEAPI_MAX_THREADS) {
		atomic_fetch_sub(&running, 1);
		failed(r, "too many pod reads in progress (%d): try again", KUBEAPI_MAX_THREADS);
		metrics_pod_read(POD_READ_ERROR);
		done(arg);
		return;
	}
	pthread_attr_init(&attr);
	pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
	pthread_attr_setstacksize(&attr, THREAD_STACK);
	rc = pthread_create(&t, &attr, read_thread, r);
	pthread_attr_destroy(&attr);
	if (rc != 0) {
		atomic_fetch_sub(&running, 1);
		failed(r, "no thread for the pod's read");
		metrics_pod_read(POD_READ_ERROR);
		done(arg);
	}
}

const json_t *kubeapi_read_pod(const struct kubeapi_read *r)
{
	return r->pod;
}

const char *kubeapi_read_error(const struct kubeapi_read *r)
{
	return r->error;
}

void kubeapi_read_free(struct kubeapi_read *r)
{
	if (!r)
		return;
	json_decref(r->pod);
	free(r->ns);
	free(r->name);
	free(r);
}
