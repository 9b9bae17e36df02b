/* strict-groups-webhook: a Kubernetes mutating admission webhook that starts
 * every container of a pod through strict-init (issue 9, README "Cluster-wide").
 *
 *   read the flags; set up the image lookups; load the certificate; serve;
 *   every second: pick up a rotated certificate;
 *   SIGTERM: not ready, keep serving --shutdown-delay, stop accepting,
 *   finish what is in flight (at most --shutdown-timeout; image lookups
 *   end at their deadline), exit 0. */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include "common/log.h"
#include "kubeapi.h"
#include "lookups.h"
#include "metrics.h"
#include "options.h"
#include "server.h"
#include "tlscreds.h"

/* Room for every connection, the listeners and the files. */
static void raise_fd_limit(unsigned int connections)
{
	struct rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, &rl) != 0 || rl.rlim_cur >= connections + 64)
		return;
	rl.rlim_cur = rl.rlim_max == RLIM_INFINITY || rl.rlim_max > connections + 64 ?
		connections + 64 :
		rl.rlim_max;
	if (setrlimit(RLIMIT_NOFILE, &rl) != 0 || rl.rlim_cur < connections + 64)
		log_msg("open files limited to %llu: fewer than --max-connections=%u can be served",
			(unsigned long long)rl.rlim_cur, connections);
}

static void check_certificate(void)
{
	char err[512];
	int rc = tlscreds_check(err, sizeof(err));

	if (rc == 1) {
		log_msg("serving certificate reloaded (expires %lld)", tlscreds_not_after());
		metrics_cert_reload(1, tlscreds_not_after());
	} else if (rc < 0) {
		log_msg("serving certificate not reloaded, the previous one goes on: %s", err);
		metrics_cert_reload(0, 0);
	}
}

/* Waits up to `seconds` for a signal in set, checking the certificate every
 * second. Returns the signal, or 0 after the time. */
static int wait_signal(const sigset_t *set, unsigned int seconds, int forever)
{
	for (unsigned int waited = 0; forever || waited < seconds; waited++) {
		struct timespec one = {1, 0};
		int sig = sigtimedwait(set, NULL, &one);

		if (sig > 0)
			return sig;
		check_certificate();
		server_sweep();
	}
	return 0;
}

int main(int argc, char **argv)
{
	struct wh_options o;
	char err[512];
	sigset_t set;
	int sig;
	struct timespec tick = {0, 50L * 1000 * 1000};
	unsigned int waited_ms = 0;

	if (options_parse(&o, argc, argv, environ, err, sizeof(err)) != 0) {
		log_msg("%s", err);
		options_free(&o);
		return 64;
	}
	if (o.help || o.version) {
		if (o.help)
			options_usage(stdout);
		else
			printf("strict-groups-webhook %s\n", STRICT_VERSION);
		options_free(&o);
		return 0;
	}
	/* The worker threads inherit this mask: the signals come here only. */
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGPIPE);
	if (pthread_sigmask(SIG_BLOCK, &set, NULL) != 0) {
		log_msg("cannot block signals");
		return 71;
	}
	sigdelset(&set, SIGPIPE);
	raise_fd_limit(o.max_connections);
	if (lookups_init(&o, err, sizeof(err)) != 0) {
		log_msg("image lookups: %s", err);
		options_free(&o);
		return 64;
	}
	if (kubeapi_init(&o, err, sizeof(err)) != 0) {
		log_msg("%s", err);
		lookups_free();
		options_free(&o);
		return 64;
	}
	if (tlscreds_init(o.tls_cert, o.tls_key, err, sizeof(err)) != 0) {
		log_msg("%s", err);
		lookups_free();
		options_free(&o);
		return 66;
	}
	metrics_cert_reload(1, tlscreds_not_after());
	if (server_start(&o, err, sizeof(err)) != 0) {
		log_msg("%s", err);
		tlscreds_free();
		lookups_free();
		options_free(&o);
		return 71;
	}
	if (o.n_allow == 0)
		log_msg("warning: no --registry-allow: the images of containers without command are "
			"looked up in whatever registry they name, so pod authors choose the hosts this "
			"webhook connects to (README, Limits)");
	if (!o.image_pinned)
		log_msg("warning: --image=%s names no digest: the installers run whatever the tag "
			"names when a node pulls it, as root with CAP_SETFCAP; give REPO@sha256:...",
			o.settings.image);
	metrics_set_ready(1);
	log_msg("serving on %s%s%s:%u, /mutate in %s mode, installer %s", o.listen.ipv6 ? "[" : "",
		o.listen.host, o.listen.ipv6 ? "]" : "", o.listen.port,
		mutate_mode_name(o.settings.mode), o.settings.image);

	sig = wait_signal(&set, 0, 1);
	metrics_set_ready(0);
	server_set_draining();
	log_msg("%s: not ready; serving %u s more, then draining", strsignal(sig),
		o.shutdown_delay);
	if (wait_signal(&set, o.shutdown_delay, 0))
		log_msg("second signal: draining now");
	server_quiesce();
	while (metrics_inflight_now() > 0 && waited_ms < o.shutdown_timeout * 1000) {
		nanosleep(&tick, NULL);
		waited_ms += 50;
	}
	if (metrics_inflight_now() > 0)
		log_msg("%ld requests still in flight after %u s: closing them",
			metrics_inflight_now(), o.shutdown_timeout);
	/* A connection waiting for its lookups is suspended, and
	 * libmicrohttpd cannot stop with one: the lookups end by their
	 * deadline (--lookup-timeout), and resume it. */
	waited_ms = 0;
	while (lookups_running() + kubeapi_running() > 0 &&
	       waited_ms < (o.lookup_timeout + 5) * 1000) {
		nanosleep(&tick, NULL);
		waited_ms += 50;
	}
	if (lookups_running() + kubeapi_running() > 0) {
		log_msg("%ld image lookups and pod reads still running past their deadline: exiting "
			"without closing connections",
			lookups_running() + kubeapi_running());
		return 0;
	}
	server_stop();
	tlscreds_free();
	lookups_free();
	kubeapi_free();
	options_free(&o);
	log_msg("stopped");
	return 0;
}
