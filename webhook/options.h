/* strict-groups-webhook's flags: each `--name=VALUE` (or `--name VALUE`) also
 * an environment variable STRICT_GROUPS_WEBHOOK_NAME (upper case, '-' as
 * '_'); the flag wins. Pure: argv and envp in, a struct out. */
#ifndef STRICT_WEBHOOK_OPTIONS_H
#define STRICT_WEBHOOK_OPTIONS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "webhook/admission/mutate.h"

/* Entries of a repeatable flag (--insecure-registry, --registry-endpoint,
 * --registry-allow). */
#define WH_LIST_MAX 64
/* Where kubelet puts a pod's ServiceAccount token and the cluster's CA. */
#define WH_SERVICEACCOUNT_DIR "/var/run/secrets/kubernetes.io/serviceaccount"

struct wh_listen {
	char host[64]; /* numeric IPv4 or IPv6 (without brackets) */
	bool ipv6;
	unsigned int port;
};

struct wh_options {
	const char *tls_cert;
	const char *tls_key;
	struct wh_settings settings;
	struct wh_listen listen;
	bool metrics_listen_set;
	struct wh_listen metrics_listen;
	unsigned int max_body_bytes;
	unsigned int max_buffered_bytes;
	unsigned int max_connections;
	unsigned int idle_timeout;     /* seconds */
	unsigned int request_timeout;  /* seconds */
	unsigned int threads;          /* 0: one per CPU */
	unsigned int shutdown_delay;   /* seconds */
	unsigned int shutdown_timeout; /* seconds */
	/* image lookups (containers without command) */
	const char *platform;        /* "os/arch[/variant]" */
	const char *registry_config; /* a Docker config.json */
	const char *registry_ca;     /* a PEM bundle, instead of the system's */
	const char *insecure[WH_LIST_MAX];
	size_t n_insecure;
	const char *endpoints[WH_LIST_MAX];
	size_t n_endpoints;
	const char *allow[WH_LIST_MAX]; /* --registry-allow; none: every registry */
	size_t n_allow;
	/* kubectl exec reviews: where the pod is read (kubeapi.h) */
	const char *kube_api;        /* https://HOST[:PORT]; NULL: in-cluster */
	const char *kube_token_file; /* NULL: the ServiceAccount's */
	const char *kube_ca;         /* NULL: the ServiceAccount's */
	unsigned int tag_ttl;        /* seconds */
	unsigned int lookup_timeout; /* seconds */
	/* copies of comma-separated values (list variables, --registry-allow's
	 * values), split in place */
	char *owned[WH_LIST_MAX + 4];
	size_t n_owned;
	bool image_pinned; /* --image names a digest */
	bool help;
	bool version;
};

/* Returns 0, or -1 with a one-line reason in err. Strings point into argv
 * and envp, or (a list variable, or --registry-allow's value:
 * comma-separated) into copies that options_free releases. */
int options_parse(struct wh_options *o, int argc, char **argv, char **envp, char *err,
		  size_t errlen);
void options_free(struct wh_options *o);
void options_usage(FILE *out);

/* "ADDR:PORT", "[IPV6]:PORT": numeric addresses only. */
int options_listen_parse(const char *text, struct wh_listen *out);

#endif
