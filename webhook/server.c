#include "server.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <microhttpd.h>

#include "common/log.h"
#include "kubeapi.h"
#include "lookups.h"
#include "metrics.h"
#include "tlscreds.h"
#include "webhook/admission/review.h"

/* TLS 1.2 and 1.3 only: what the API server's client speaks. */
#define TLS_PRIORITIES "NORMAL:-VERS-ALL:+VERS-TLS1.3:+VERS-TLS1.2"

static const struct wh_options *opts;
static struct MHD_Daemon *https_daemon, *metrics_daemon;
static atomic_bool draining;

/* The HTTPS listener is ours, not libmicrohttpd's: one thread accepts and
 * hands each connection to the daemon (MHD_add_connection), and stopping
 * is shutdown(2) of the socket, then a join. libmicrohttpd 0.9.75 cannot
 * stop listening safely with a thread pool in epoll mode: MHD_quiesce_daemon
 * takes the listening socket out of each worker's epoll set from the
 * calling thread while the workers do the same from theirs, unlocked, and
 * either side panics (abort, SIGABRT) when the other got there first
 * (daemon.c:5531 and :4940 in Debian's source; measured with epoll_ctl
 * slowed down: docs/quality.md, "The SIGABRT on SIGTERM"). */
static int listen_fd = -1;
static pthread_t acceptor;
static atomic_bool accept_stopping;
static atomic_ullong buffered; /* request body bytes held now, all connections */

/* Every open connection, for what libmicrohttpd 0.9.75 does not do itself
 * (measured, tests/webhook/20-server.bats): it never times out a TLS
 * connection that sent nothing, nor a keep-alive connection after its
 * first answer; and with a thread pool it splits --max-connections between
 * the threads, which then refuse connections while the total is still far
 * below it.
 * The sweep shuts such sockets down; libmicrohttpd then sees them closed
 * and cleans up in its own thread. It reports a connection closed before
 * it closes the socket, and the table's lock is held across both, so a
 * socket number is never shut down after it was reused. */
struct conn {
	int fd;
	struct timespec last; /* accepted, or a request started or ended */
	bool busy;            /* a request is being answered */
	bool shut;
	struct conn *prev, *next;
};

static pthread_mutex_t conns_lock = PTHREAD_MUTEX_INITIALIZER;
static struct conn *conns;
static unsigned long nconns;

static void connection_busy(struct MHD_Connection *c, bool busy);

/* One admission request being received, then answered. */
struct upload {
	struct timespec start;
	enum wh_mode mode;
	char *buf;
	size_t len, cap;
	size_t reserved; /* counted in `buffered` */
	size_t charged;  /* its parsed form, counted in `buffered` too */
	bool too_large;  /* over --max-body-bytes */
	bool no_room;    /* over --max-buffered-bytes */
	bool begun;      /* the review was read (pending) */
	struct wh_pending pending;
	struct lookups_job *job;       /* its images' lookups, while the connection is suspended */
	struct kubeapi_read *pod_read; /* a kubectl exec's pod, likewise */
};

static double seconds_since(const struct timespec *start)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (double)(now.tv_sec - start->tv_sec) + (double)(now.tv_nsec - start->tv_nsec) / 1e9;
}

static enum MHD_Result send_buffer(struct MHD_Connection *c, unsigned int status, const char *type,
				   char *body, size_t len, enum MHD_ResponseMemoryMode mem)
{
	struct MHD_Response *r = MHD_create_response_from_buffer(len, body, mem);
	enum MHD_Result rc;

	if (!r) {
		if (mem == MHD_RESPMEM_MUST_FREE)
			free(body);
		return MHD_NO;
	}
	MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, type);
	MHD_add_response_header(r, "X-Content-Type-Options", "nosniff");
	if (atomic_load(&draining))
		MHD_add_response_header(r, MHD_HTTP_HEADER_CONNECTION, "close");
	rc = MHD_queue_response(c, status, r);
	MHD_destroy_response(r);
	return rc;
}

/* A short plain-text answer that is no admission review. */
static enum MHD_Result send_text(struct MHD_Connection *c, unsigned int status, const char *text)
{
	if (status >= 400)
		metrics_http_error(status);
	return send_buffer(c, status, "text/plain; charset=utf-8", (char *)text, strlen(text),
			   MHD_RESPMEM_PERSISTENT);
}

static enum MHD_Result send_metrics(struct MHD_Connection *c)
{
	struct imagecache_counters images;
	size_t len;
	char *text;

	lookups_counters(&images);
	text = metrics_render(&images, &len);
	if (!text)
		return send_text(c, 500, "out of memory\n");
	return send_buffer(c, 200, "text/plain; version=0.0.4; charset=utf-8", text, len,
			   MHD_RESPMEM_MUST_FREE);
}

/* GET /healthz, /readyz, /metrics: on both listeners. */
static enum MHD_Result serve_get(struct MHD_Connection *c, const char *url, const char *method)
{
	bool get = strcmp(method, "GET") == 0 || strcmp(method, "HEAD") == 0;

	if (strcmp(url, "/healthz") != 0 && strcmp(url, "/readyz") != 0 &&
	    strcmp(url, "/metrics") != 0)
		return send_text(c, 404, "not found\n");
	if (!get)
		return send_text(c, 405, "GET only\n");
	if (strcmp(url, "/healthz") == 0)
		return send_text(c, 200, "ok\n");
	if (strcmp(url, "/readyz") == 0)
		return metrics_ready() ? send_text(c, 200, "ok\n") :
					 send_text(c, 503, "not ready\n");
	return send_metrics(c);
}

static bool admission_path(const char *url, enum wh_mode *mode)
{
	if (strcmp(url, "/mutate") == 0) {
		*mode = opts->settings.mode;
		return true;
	}
	return strncmp(url, "/mutate/", 8) == 0 && mutate_mode_parse(url + 8, mode) == 0;
}

static bool json_content(struct MHD_Connection *c)
{
	const char *type =
		MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_TYPE);
	size_t n = strlen("application/json");

	return type && strncasecmp(type, "application/json", n) == 0 &&
		(type[n] == '\0' || type[n] == ';' || type[n] == ' ');
}

/* Room for n more bytes of body: within the request's and the process's
 * limits. */
static int reserve(struct upload *u, size_t n)
{
	size_t want = u->len + n, cap = u->cap ? u->cap : 4096;
	char *grown;

	if (want > opts->max_body_bytes) {
		u->too_large = true;
		return -1;
	}
	if (want <= u->cap)
		return 0;
	while (cap < want)
		cap *= 2;
	if (cap > opts->max_body_bytes)
		cap = opts->max_body_bytes;
	if (atomic_fetch_add(&buffered, cap - u->reserved) + (cap - u->reserved) >
	    opts->max_buffered_bytes) {
		atomic_fetch_sub(&buffered, cap - u->reserved);
		return -2;
	}
	grown = realloc(u->buf, cap);
	if (!grown) {
		atomic_fetch_sub(&buffered, cap - u->reserved);
		return -2;
	}
	u->buf = grown;
	u->reserved = cap;
	u->cap = cap;
	return 0;
}

/* What answering a review holds beyond its body, estimated from above
 * without parsing it: jansson's values (and the pod copied to compute the
 * patch) took up to 233 bytes each, measured with a review of empty
 * objects, 179 with one of one-letter strings (tests/webhook/60-memory.bats
 * prints both); every value but the first follows a '[', ',' or ':', and
 * every object key a '{' or ','. So 256 bytes for each such byte, and the
 * bytes twice more for the strings' copies. */
#define PARSED_BYTES_PER_VALUE 256u

static size_t parse_cost(const char *buf, size_t len)
{
	size_t values = 1;

	for (size_t i = 0; i < len; i++)
		values += buf[i] == '[' || buf[i] == '{' || buf[i] == ',' || buf[i] == ':';
	return 2 * len + values * PARSED_BYTES_PER_VALUE;
}

static void upload_free(struct upload *u)
{
	atomic_fetch_sub(&buffered, u->reserved + u->charged);
	review_pending_free(&u->pending);
	lookups_job_free(u->job);
	kubeapi_read_free(u->pod_read);
	free(u->buf);
	free(u);
}

/* The lookups of one admission end at --lookup-timeout after its headers
 * came, or sooner when the API server's own timeout (?timeout=, the
 * webhook's timeoutSeconds) leaves less: then at 80% of it, so that the
 * answer still arrives in time. */
static uint64_t lookup_deadline(struct MHD_Connection *c, const struct upload *u)
{
	const char *text = MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "timeout");
	double budget = opts->lookup_timeout, timeout;

	if (text && review_parse_duration(text, &timeout) == 0 && timeout * 0.8 < budget)
		budget = timeout * 0.8;
	return (uint64_t)u->start.tv_sec * 1000000000ull + (uint64_t)u->start.tv_nsec +
		(uint64_t)(budget * 1e9);
}

/* Called by the last lookup thread of a job (or by lookups_job_run), or
 * by a pod's read. */
static void resume(void *connection)
{
	MHD_resume_connection(connection);
}

static enum MHD_Result out_of_memory(struct MHD_Connection *c, struct upload *u)
{
	log_msg("out of memory answering a review");
	metrics_admission(WH_LABEL_OTHER, u->mode, WH_ERROR, seconds_since(&u->start));
	return send_text(c, 500, "out of memory\n");
}

/* Reads the review and starts the lookups its pod needs (or, for a
 * kubectl exec, the read of its pod). Returns 1 when the connection was
 * suspended for them (the answer comes when they end), 0 to answer now
 * (*out set when it is a bad request), -1 when out of memory, -2 when
 * --max-buffered-bytes has no room for its parsed form now, -3 when it
 * never has. */
static int begin_review(struct MHD_Connection *c, struct upload *u, struct wh_review *out)
{
	json_t *images;
	const char *ns, *name;
	size_t cost = parse_cost(u->buf ? u->buf : "", u->len);

	if (cost > opts->max_buffered_bytes)
		return -3;
	if (atomic_fetch_add(&buffered, cost) + cost > opts->max_buffered_bytes) {
		atomic_fetch_sub(&buffered, cost);
		return -2;
	}
	u->charged = cost;
	u->begun = true;
	if (review_begin(u->buf ? u->buf : "", u->len, &u->pending, out) != 0)
		return -1;
	if (out->body)
		return 0;
	if (review_exec_pod(&u->pending, &ns, &name)) {
		u->pod_read = kubeapi_read_new(ns, name, lookup_deadline(c, u));
		if (!u->pod_read)
			return -1;
		MHD_suspend_connection(c);
		kubeapi_read_run(u->pod_read, resume, c);
		return 1;
	}
	images = review_images(&u->pending);
	if (!images)
		return -1;
	if (json_array_size(images) == 0) {
		json_decref(images);
		return 0;
	}
	u->job = lookups_job_new(images, lookup_deadline(c, u));
	json_decref(images);
	if (!u->job)
		return -1;
	if (lookups_job_cached(u->job) == 0)
		return 0;
	MHD_suspend_connection(c);
	lookups_job_run(u->job, resume, c);
	return 1;
}

static enum MHD_Result answer_review(struct MHD_Connection *c, struct upload *u)
{
	struct wh_settings s = opts->settings;
	struct wh_review out = {0};
	enum MHD_Result rc;

	s.mode = u->mode;
	if (!u->begun) {
		int begun = begin_review(c, u, &out);

		if (begun == -3)
			return send_text(c, 413,
					 "the AdmissionReview would take more than "
					 "--max-buffered-bytes once parsed\n");
		if (begun == -2)
			return send_text(c, 503,
					 "too many request bodies held at once: try again\n");
		if (begun < 0)
			return out_of_memory(c, u);
		if (begun > 0)
			return MHD_YES; /* called again once the lookups end */
	}
	if (!out.body) {
		const struct wh_image_config *images = NULL;
		size_t n = 0;

		if (u->job)
			images = lookups_job_results(u->job, &n);
		if (u->pod_read)
			review_exec_pod_read(&u->pending, kubeapi_read_pod(u->pod_read),
					     kubeapi_read_error(u->pod_read));
		if (review_finish(&s, &u->pending, images, n, &out) != 0)
			return out_of_memory(c, u);
	}
	if (out.outcome == WH_DENIED || out.outcome == WH_WOULD_DENY || out.outcome == WH_ERROR ||
	    out.lookup_skipped)
		log_msg("%s", out.summary);
	if (out.lookup_skipped)
		metrics_lookup_skipped();
	rc = send_buffer(c, (unsigned int)out.http_status, out.content_type, out.body, out.body_len,
			 MHD_RESPMEM_MUST_FREE);
	out.body = NULL;
	metrics_admission(out.operation, u->mode, out.outcome, seconds_since(&u->start));
	if (out.http_status == 400)
		metrics_http_error(400);
	review_free(&out);
	return rc;
}

/* First call for a POST to an admission path: checks what the headers say. */
static enum MHD_Result start_upload(struct MHD_Connection *c, enum wh_mode mode, void **con_cls)
{
	const char *length =
		MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_LENGTH);
	struct upload *u;

	if (!json_content(c))
		return send_text(c, 415, "an AdmissionReview is application/json\n");
	if (length && strtoull(length, NULL, 10) > opts->max_body_bytes)
		return send_text(c, 413, "the AdmissionReview is larger than --max-body-bytes\n");
	u = calloc(1, sizeof(*u));
	if (!u)
		return MHD_NO;
	clock_gettime(CLOCK_MONOTONIC, &u->start);
	u->mode = mode;
	if (length && reserve(u, (size_t)strtoull(length, NULL, 10)) == -2) {
		upload_free(u);
		return send_text(c, 503, "too many request bodies held at once: try again\n");
	}
	metrics_inflight(1);
	*con_cls = u;
	return MHD_YES;
}

static enum MHD_Result handle(void *cls, struct MHD_Connection *c, const char *url,
			      const char *method, const char *version, const char *upload_data,
			      size_t *upload_data_size, void **con_cls)
{
	struct upload *u = *con_cls;
	enum wh_mode mode;

	(void)cls;
	(void)version;
	if (!u) {
		connection_busy(c, true);
		if (!admission_path(url, &mode))
			return serve_get(c, url, method);
		if (strcmp(method, "POST") != 0)
			return send_text(c, 405, "POST an AdmissionReview\n");
		return start_upload(c, mode, con_cls);
	}
	if (*upload_data_size) {
		int room;

		/* A client that sends its body this slowly holds a connection
		 * and memory: it is cut off (the API server sends at once). */
		if (seconds_since(&u->start) > opts->request_timeout) {
			log_msg("a request body took more than %u s: connection closed",
				opts->request_timeout);
			metrics_http_error(408);
			return MHD_NO;
		}
		/* Past a limit the rest is read and dropped, to answer at the
		 * end: libmicrohttpd 0.9.75 sends no answer queued before the
		 * body is read (measured: the client gets an empty reply). */
		room = u->too_large || u->no_room ? -1 : reserve(u, *upload_data_size);
		if (room == -2)
			u->no_room = true;
		if (room == 0) {
			memcpy(u->buf + u->len, upload_data, *upload_data_size);
			u->len += *upload_data_size;
		}
		*upload_data_size = 0;
		return MHD_YES;
	}
	if (u->too_large)
		return send_text(c, 413, "the AdmissionReview is larger than --max-body-bytes\n");
	if (u->no_room)
		return send_text(c, 503, "too many request bodies held at once: try again\n");
	return answer_review(c, u);
}

static void completed(void *cls, struct MHD_Connection *c, void **con_cls,
		      enum MHD_RequestTerminationCode toe)
{
	struct upload *u = *con_cls;

	(void)cls;
	(void)toe;
	connection_busy(c, false);
	if (!u)
		return;
	metrics_inflight(-1);
	upload_free(u);
	*con_cls = NULL;
}

static void connection_event(void *cls, struct MHD_Connection *c, void **socket_context,
			     enum MHD_ConnectionNotificationCode toe)
{
	struct conn *k = *socket_context;

	(void)cls;
	if (toe == MHD_CONNECTION_NOTIFY_STARTED) {
		const union MHD_ConnectionInfo *info =
			MHD_get_connection_info(c, MHD_CONNECTION_INFO_CONNECTION_FD);

		metrics_connections(1);
		if (!info)
			return; /* not tracked: libmicrohttpd's own limits still hold */
		k = calloc(1, sizeof(*k));
		if (!k)
			return;
		k->fd = info->connect_fd;
		clock_gettime(CLOCK_MONOTONIC, &k->last);
		pthread_mutex_lock(&conns_lock);
		k->next = conns;
		if (conns)
			conns->prev = k;
		conns = k;
		if (++nconns > opts->max_connections) {
			k->shut = true;
			shutdown(k->fd, SHUT_RDWR);
			metrics_http_error(503);
		}
		pthread_mutex_unlock(&conns_lock);
		*socket_context = k;
		return;
	}
	metrics_connections(-1);
	if (!k)
		return;
	pthread_mutex_lock(&conns_lock);
	if (k->prev)
		k->prev->next = k->next;
	else
		conns = k->next;
	if (k->next)
		k->next->prev = k->prev;
	nconns--;
	pthread_mutex_unlock(&conns_lock);
	free(k);
	*socket_context = NULL;
}

/* A request starts (busy) or ends on the connection. */
static void connection_busy(struct MHD_Connection *c, bool busy)
{
	const union MHD_ConnectionInfo *info =
		MHD_get_connection_info(c, MHD_CONNECTION_INFO_SOCKET_CONTEXT);
	struct conn *k = info ? info->socket_context : NULL;

	if (!k)
		return;
	pthread_mutex_lock(&conns_lock);
	k->busy = busy;
	clock_gettime(CLOCK_MONOTONIC, &k->last);
	pthread_mutex_unlock(&conns_lock);
}

void server_sweep(void)
{
	pthread_mutex_lock(&conns_lock);
	for (struct conn *k = conns; k; k = k->next)
		if (!k->shut && !k->busy && seconds_since(&k->last) > opts->idle_timeout) {
			k->shut = true;
			shutdown(k->fd, SHUT_RDWR);
		}
	pthread_mutex_unlock(&conns_lock);
}

static void mhd_log(void *cls, const char *fmt, va_list ap) __attribute__((format(printf, 2, 0)));
static void mhd_log(void *cls, const char *fmt, va_list ap)
{
	char line[512];

	(void)cls;
	vsnprintf(line, sizeof(line), fmt, ap);
	line[strcspn(line, "\n")] = '\0';
	log_msg("libmicrohttpd: %s", line);
}

static void to_sockaddr(const struct wh_listen *l, struct sockaddr_storage *ss)
{
	memset(ss, 0, sizeof(*ss));
	if (l->ipv6) {
		struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)ss;

		s6->sin6_family = AF_INET6;
		s6->sin6_port = htons((uint16_t)l->port);
		inet_pton(AF_INET6, l->host, &s6->sin6_addr);
	} else {
		struct sockaddr_in *s4 = (struct sockaddr_in *)ss;

		s4->sin_family = AF_INET;
		s4->sin_port = htons((uint16_t)l->port);
		inet_pton(AF_INET, l->host, &s4->sin_addr);
	}
}

static unsigned int thread_count(void)
{
	long n = sysconf(_SC_NPROCESSORS_ONLN);

	if (opts->threads)
		return opts->threads;
	return n < 1 ? 1 : n > 64 ? 64 : (unsigned int)n;
}

/* upload_data_size is not const: libmicrohttpd's MHD_AccessHandlerCallback
 * says so, and handle() above writes it. */
static enum MHD_Result handle_metrics_only(
	void *cls, struct MHD_Connection *c, const char *url, const char *method,
	const char *version, const char *upload_data,
	size_t *upload_data_size, // NOLINT(readability-non-const-parameter)
	void **con_cls)
{
	(void)cls;
	(void)version;
	(void)upload_data;
	(void)con_cls;
	if (*upload_data_size)
		return MHD_NO;
	return serve_get(c, url, method);
}

/* Accepts until server_quiesce() shuts the socket down (accept4 then fails
 * with EINVAL); libmicrohttpd takes over each connection, and closes it
 * when it refuses it (over its own limit). */
static void *accept_loop(void *arg)
{
	time_t said = 0;

	(void)arg;
	for (;;) {
		struct sockaddr_storage peer;
		socklen_t len = sizeof(peer);
		int fd = accept4(listen_fd, (struct sockaddr *)&peer, &len,
				 SOCK_NONBLOCK | SOCK_CLOEXEC);
		int e = errno;

		if (fd >= 0) {
			MHD_add_connection(https_daemon, fd, (struct sockaddr *)&peer, len);
			continue;
		}
		if (atomic_load(&accept_stopping))
			return NULL;
		if (e == EINTR || e == EAGAIN || e == ECONNABORTED || e == EPROTO)
			continue;
		/* out of descriptors or memory: the connection waits in the
		 * backlog; try again in a moment, saying so at most once a second */
		if (time(NULL) != said) {
			said = time(NULL);
			log_msg("cannot accept a connection: %s", strerror(e));
		}
		nanosleep(&(struct timespec){0, 100L * 1000 * 1000}, NULL);
	}
}

/* The listening socket for --listen: as libmicrohttpd made it (address
 * reuse, IPv6 only for an IPv6 address, a backlog of 1024). */
static int open_listener(const struct wh_listen *l, char *err, size_t errlen)
{
	struct sockaddr_storage addr;
	int on = 1, fd;

	to_sockaddr(l, &addr);
	fd = socket(l->ipv6 ? AF_INET6 : AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0 || setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof(on)) != 0 ||
	    (l->ipv6 && setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &on, sizeof(on)) != 0) ||
	    bind(fd, (struct sockaddr *)&addr,
		 l->ipv6 ? sizeof(struct sockaddr_in6) : sizeof(struct sockaddr_in)) != 0 ||
	    listen(fd, 1024) != 0) {
		snprintf(err, errlen, "cannot serve HTTPS on %s%s%s:%u: %s", l->ipv6 ? "[" : "",
			 l->host, l->ipv6 ? "]" : "", l->port, strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	return fd;
}

int server_start(const struct wh_options *o, char *err, size_t errlen)
{
	struct sockaddr_storage addr;
	/* suspend/resume: a connection waits for its image lookups without
	 * holding its worker thread (lookups.h) */
	unsigned int flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL | MHD_USE_TLS |
		MHD_USE_ITC | MHD_USE_ERROR_LOG | MHD_ALLOW_SUSPEND_RESUME |
		MHD_USE_NO_LISTEN_SOCKET;

	opts = o;
	listen_fd = open_listener(&o->listen, err, errlen);
	if (listen_fd < 0)
		return -1;
	https_daemon = MHD_start_daemon(
		flags, 0, NULL, NULL, handle, NULL, MHD_OPTION_EXTERNAL_LOGGER, mhd_log, NULL,
		MHD_OPTION_HTTPS_CERT_CALLBACK, tlscreds_retrieve, MHD_OPTION_HTTPS_PRIORITIES,
		TLS_PRIORITIES, MHD_OPTION_THREAD_POOL_SIZE, thread_count(),
		/* per worker thread: the total is enforced in connection_event() */
		MHD_OPTION_CONNECTION_LIMIT, o->max_connections * thread_count(),
		MHD_OPTION_CONNECTION_TIMEOUT, o->idle_timeout, MHD_OPTION_CONNECTION_MEMORY_LIMIT,
		(size_t)32768, MHD_OPTION_NOTIFY_COMPLETED, completed, NULL,
		MHD_OPTION_NOTIFY_CONNECTION, connection_event, NULL, MHD_OPTION_END);
	if (!https_daemon) {
		snprintf(err, errlen, "cannot serve HTTPS on %s%s%s:%u (see above)",
			 o->listen.ipv6 ? "[" : "", o->listen.host, o->listen.ipv6 ? "]" : "",
			 o->listen.port);
		close(listen_fd);
		listen_fd = -1;
		return -1;
	}
	if (pthread_create(&acceptor, NULL, accept_loop, NULL) != 0) {
		snprintf(err, errlen, "cannot start the thread that accepts connections");
		MHD_stop_daemon(https_daemon);
		https_daemon = NULL;
		close(listen_fd);
		listen_fd = -1;
		return -1;
	}
	if (!o->metrics_listen_set)
		return 0;
	to_sockaddr(&o->metrics_listen, &addr);
	metrics_daemon = MHD_start_daemon(
		MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL | MHD_USE_ITC | MHD_USE_ERROR_LOG |
			(o->metrics_listen.ipv6 ? MHD_USE_IPv6 : 0),
		(uint16_t)o->metrics_listen.port, NULL, NULL, handle_metrics_only, NULL,
		MHD_OPTION_EXTERNAL_LOGGER, mhd_log, NULL, MHD_OPTION_SOCK_ADDR,
		(struct sockaddr *)&addr, MHD_OPTION_CONNECTION_LIMIT, 64u,
		MHD_OPTION_CONNECTION_TIMEOUT, o->idle_timeout, MHD_OPTION_END);
	if (!metrics_daemon) {
		snprintf(err, errlen, "cannot serve metrics on %s:%u (see above)",
			 o->metrics_listen.host, o->metrics_listen.port);
		server_stop();
		return -1;
	}
	return 0;
}

void server_set_draining(void)
{
	atomic_store(&draining, true);
}

void server_quiesce(void)
{
	if (listen_fd < 0)
		return;
	/* new connections are refused from here on, and those not yet
	 * accepted are reset; the accept thread wakes with EINVAL */
	atomic_store(&accept_stopping, true);
	shutdown(listen_fd, SHUT_RDWR);
	pthread_join(acceptor, NULL);
	close(listen_fd);
	listen_fd = -1;
}

void server_stop(void)
{
	server_quiesce();
	if (https_daemon)
		MHD_stop_daemon(https_daemon);
	if (metrics_daemon)
		MHD_stop_daemon(metrics_daemon);
	https_daemon = metrics_daemon = NULL;
}
