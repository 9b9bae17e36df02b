#include "options.h"

#include <arpa/inet.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/gidlist.h"
#include "common/text.h"
#include "webhook/image/imageref.h"

enum kind { K_STRING, K_UINT, K_BOOL, K_MODE, K_PULL, K_LISTEN, K_FAILURE, K_EXEC, K_LIST, K_FLAG };

struct flag {
	const char *name; /* without "--" */
	enum kind kind;
	size_t offset;
	unsigned int min, max;
	const char *value_help;
	const char *help;
};

#define OFF(field) offsetof(struct wh_options, field)

static const struct flag flags[] = {
	{"tls-cert", K_STRING, OFF(tls_cert), 0, 0, "FILE",
	 "serving certificate (PEM, chain allowed); re-read when it changes"},
	{"tls-key", K_STRING, OFF(tls_key), 0, 0, "FILE", "its private key (PEM)"},
	{"image", K_STRING, OFF(settings.image), 0, 0, "REF",
	 "the strict-groups image the installer init container runs (REPO@sha256:...)"},
	{"image-pull-policy", K_PULL, OFF(settings.image_pull_policy), 0, 0,
	 "Always|IfNotPresent|Never", "the installer's imagePullPolicy (IfNotPresent)"},
	{"listen", K_LISTEN, OFF(listen), 0, 0, "ADDR:PORT", "HTTPS address (0.0.0.0:8443)"},
	{"mode", K_MODE, OFF(settings.mode), 0, 0, "enforce|refuse|audit",
	 "mode of the path /mutate alone (enforce); /mutate/MODE always seals MODE, so a "
	 "configuration that calls those (deploy/ does: the namespace's label picks MODE) is not "
	 "changed by this flag"},
	{"allow-image-gid", K_BOOL, OFF(settings.allow_image_gid), 0, 1, "0|1",
	 "admit containers without runAsGroup in enforce and refuse modes (0)"},
	{"no-new-privs", K_BOOL, OFF(settings.no_new_privs), 0, 1, "0|1",
	 "sealed --no-new-privs (1)"},
	{"lock", K_BOOL, OFF(settings.lock), 0, 1, "0|1", "seal --lock=1: the seccomp lock (0)"},
	{"metrics-listen", K_LISTEN, OFF(metrics_listen), 0, 0, "ADDR:PORT",
	 "also serve /metrics, /healthz, /readyz over plain HTTP there (off)"},
	{"max-body-bytes", K_UINT, OFF(max_body_bytes), 1024, 64u << 20, "N",
	 "largest AdmissionReview accepted, larger: 413 (4194304)"},
	{"max-buffered-bytes", K_UINT, OFF(max_buffered_bytes), 1024, 1u << 30, "N",
	 "request bodies held at once, and their parsed form, beyond: 503 (33554432)"},
	{"max-connections", K_UINT, OFF(max_connections), 1, 65536, "N",
	 "open connections at once (1024)"},
	{"idle-timeout", K_UINT, OFF(idle_timeout), 1, 3600, "SECONDS",
	 "close a connection silent for this long (60)"},
	{"request-timeout", K_UINT, OFF(request_timeout), 1, 300, "SECONDS",
	 "close a connection whose request body takes longer (10)"},
	{"threads", K_UINT, OFF(threads), 0, 256, "N", "worker threads, 0: one per CPU (0)"},
	{"shutdown-delay", K_UINT, OFF(shutdown_delay), 0, 300, "SECONDS",
	 "after SIGTERM, keep serving (not ready) this long (5)"},
	{"shutdown-timeout", K_UINT, OFF(shutdown_timeout), 0, 300, "SECONDS",
	 "then wait at most this long for requests in flight (20)"},
	{"platform", K_STRING, OFF(platform), 0, 0, "OS/ARCH[/VARIANT]",
	 "the platform whose ENTRYPOINT and CMD a container without command runs (linux/amd64)"},
	{"pin-digest", K_BOOL, OFF(settings.pin_digest), 0, 1, "0|1",
	 "pin such a container's image to the digest that was read (1)"},
	{"tag-ttl", K_UINT, OFF(tag_ttl), 0, 86400, "SECONDS",
	 "trust what a tag named for this long; 0: read it again every time (60)"},
	{"on-lookup-failure", K_FAILURE, OFF(settings.skip_on_lookup_failure), 0, 0, "deny|skip",
	 "a lookup that fails: deny the pod, or admit it unchanged with a warning (deny)"},
	{"lookup-timeout", K_UINT, OFF(lookup_timeout), 1, 30, "SECONDS",
	 "the lookups of one admission, all together; also within the API server's ?timeout= (4)"},
	{"registry-config", K_STRING, OFF(registry_config), 0, 0, "FILE",
	 "a Docker config.json with registry credentials (auths); re-read when it changes"},
	{"registry-ca", K_STRING, OFF(registry_ca), 0, 0, "FILE",
	 "trust this PEM bundle for registries instead of the system's CA certificates"},
	{"insecure-registry", K_LIST, OFF(insecure), 0, 0, "HOST:PORT",
	 "reach this registry over plain HTTP (repeatable; the variable: comma-separated)"},
	{"registry-endpoint", K_LIST, OFF(endpoints), 0, 0, "NAME=HOST[:PORT]",
	 "reach the registry named NAME in images at HOST[:PORT], e.g. docker.io's (repeatable)"},
	{"registry-allow", K_LIST, OFF(allow), 0, 0, "NAME[,NAME...]",
	 "look up only images of these registries (as images name them: registry.example:5000, "
	 "docker.io, *.registry.example); others are lookup failures (repeatable; default: every "
	 "registry, with a warning)"},
	{"exec-unwrapped", K_EXEC, OFF(settings.exec_unwrapped_allow), 0, 0, "deny|allow",
	 "kubectl exec and cp into a container the webhook did not wrap: deny, or allow with a "
	 "warning (deny)"},
	{"kube-api", K_STRING, OFF(kube_api), 0, 0, "URL",
	 "the API server that exec reviews read pods from (in a pod: its own, "
	 "KUBERNETES_SERVICE_HOST)"},
	{"kube-token-file", K_STRING, OFF(kube_token_file), 0, 0, "FILE",
	 "its bearer token, read at every request (" WH_SERVICEACCOUNT_DIR "/token)"},
	{"kube-ca", K_STRING, OFF(kube_ca), 0, 0, "FILE",
	 "the CA it is trusted with (" WH_SERVICEACCOUNT_DIR "/ca.crt)"},
	{"help", K_FLAG, OFF(help), 0, 0, NULL, "this text"},
	{"version", K_FLAG, OFF(version), 0, 0, NULL, "the version"},
};

#define NFLAGS (sizeof(flags) / sizeof(flags[0]))

/* The lists (K_LIST): their counts. */
static size_t *list_count(struct wh_options *o, const struct flag *f)
{
	return f->offset == OFF(insecure)   ? &o->n_insecure :
		f->offset == OFF(endpoints) ? &o->n_endpoints :
					      &o->n_allow;
}

static int fail(char *err, size_t errlen, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static int fail(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
	text_one_line(err);
	return -1;
}

static void env_name(const struct flag *f, char *buf, size_t cap)
{
	size_t n = (size_t)snprintf(buf, cap, "STRICT_GROUPS_WEBHOOK_");

	for (const char *p = f->name; *p && n + 1 < cap; p++)
		buf[n++] = (char)(*p == '-' ? '_' : *p >= 'a' && *p <= 'z' ? *p - 'a' + 'A' : *p);
	buf[n] = '\0';
}

int options_listen_parse(const char *text, struct wh_listen *out)
{
	const char *colon = strrchr(text, ':'), *host = text;
	size_t host_len;
	unsigned int port;
	unsigned char addr[16];

	memset(out, 0, sizeof(*out));
	if (!colon)
		return -1;
	host_len = (size_t)(colon - text);
	if (host_len >= 2 && text[0] == '[' && text[host_len - 1] == ']') {
		host++;
		host_len -= 2;
		out->ipv6 = true;
	}
	if (host_len == 0 || host_len >= sizeof(out->host))
		return -1;
	memcpy(out->host, host, host_len);
	out->host[host_len] = '\0';
	if (inet_pton(out->ipv6 ? AF_INET6 : AF_INET, out->host, addr) != 1)
		return -1;
	if (gidlist_parse_id(colon + 1, strlen(colon + 1), &port) != GID_OK || port == 0 ||
	    port > 65535)
		return -1;
	out->port = port;
	return 0;
}

static int set_value(struct wh_options *o, const struct flag *f, const char *source,
		     const char *value, char *err, size_t errlen)
{
	char *field = (char *)o + f->offset;
	unsigned int n;

	switch (f->kind) {
	case K_STRING:
		if (!*value)
			return fail(err, errlen, "%s: empty", source);
		*(const char **)(void *)field = value;
		return 0;
	case K_UINT:
	case K_BOOL:
		if (gidlist_parse_id(value, strlen(value), &n) != GID_OK || n < f->min ||
		    n > f->max)
			return fail(err, errlen, "%s=%s: a number from %u to %u", source, value,
				    f->min, f->max);
		if (f->kind == K_BOOL)
			*(bool *)(void *)field = n == 1;
		else
			*(unsigned int *)(void *)field = n;
		return 0;
	case K_MODE:
		if (mutate_mode_parse(value, (enum wh_mode *)(void *)field) != 0)
			return fail(err, errlen, "%s=%s: enforce, refuse or audit", source, value);
		return 0;
	case K_PULL:
		if (strcmp(value, "Always") != 0 && strcmp(value, "IfNotPresent") != 0 &&
		    strcmp(value, "Never") != 0)
			return fail(err, errlen, "%s=%s: Always, IfNotPresent or Never", source,
				    value);
		*(const char **)(void *)field = value;
		return 0;
	case K_FAILURE:
		if (strcmp(value, "deny") != 0 && strcmp(value, "skip") != 0)
			return fail(err, errlen, "%s=%s: deny or skip", source, value);
		*(bool *)(void *)field = strcmp(value, "skip") == 0;
		return 0;
	case K_EXEC:
		if (strcmp(value, "deny") != 0 && strcmp(value, "allow") != 0)
			return fail(err, errlen, "%s=%s: deny or allow", source, value);
		*(bool *)(void *)field = strcmp(value, "allow") == 0;
		return 0;
	case K_LIST: {
		const char **list = (const char **)(void *)field;
		size_t *count = list_count(o, f);
		char why[256];

		if (!*value)
			return fail(err, errlen, "%s: empty", source);
		if (f->offset == OFF(allow) && imageref_allow_check(value, why, sizeof(why)) != 0)
			return fail(err, errlen, "%s: %s", source, why);
		if (*count >= WH_LIST_MAX)
			return fail(err, errlen, "%s: at most %d entries", source, WH_LIST_MAX);
		list[(*count)++] = value;
		return 0;
	}
	case K_LISTEN:
		if (options_listen_parse(value, (struct wh_listen *)(void *)field) != 0)
			return fail(err, errlen,
				    "%s=%s: ADDR:PORT with a numeric address "
				    "([ADDR] for IPv6)",
				    source, value);
		if (f->offset == OFF(metrics_listen))
			o->metrics_listen_set = true;
		return 0;
	case K_FLAG:
	default:
		*(bool *)(void *)field = true;
		return 0;
	}
}

static void defaults(struct wh_options *o)
{
	memset(o, 0, sizeof(*o));
	o->settings.image_pull_policy = "IfNotPresent";
	o->settings.mode = WH_MODE_ENFORCE;
	o->settings.no_new_privs = true;
	o->settings.version = STRICT_VERSION;
	(void)options_listen_parse("0.0.0.0:8443", &o->listen);
	o->max_body_bytes = 4u << 20;
	/* with 1024 connections and the image cache, 128 MiB of memory hold
	 * it with a tenth to spare (README, "Sizing") */
	o->max_buffered_bytes = 32u << 20;
	o->max_connections = 1024;
	o->idle_timeout = 60;
	o->request_timeout = 10;
	o->shutdown_delay = 5;
	o->shutdown_timeout = 20;
	o->settings.pin_digest = true;
	o->tag_ttl = 60;
	o->lookup_timeout = 4;
}

/* A list variable (or --registry-allow's value): its comma-separated
 * entries, from a copy (o->owned). */
static int set_list_split(struct wh_options *o, const struct flag *f, const char *source,
			  const char *value, char *err, size_t errlen)
{
	char *copy, *item;

	if (o->n_owned >= sizeof(o->owned) / sizeof(o->owned[0]))
		return fail(err, errlen, "%s: given too often", source);
	copy = strdup(value);
	if (!copy)
		return fail(err, errlen, "out of memory");
	o->owned[o->n_owned++] = copy;
	for (item = copy;;) {
		char *comma = strchr(item, ',');

		if (comma)
			*comma = '\0';
		if (set_value(o, f, source, item, err, errlen) != 0)
			return -1; /* an empty entry too */
		if (!comma)
			return 0;
		item = comma + 1;
	}
}

void options_free(struct wh_options *o)
{
	for (size_t i = 0; i < o->n_owned; i++)
		free(o->owned[i]);
	o->n_owned = 0;
}

static const struct flag *find_flag(const char *name, size_t len)
{
	for (size_t i = 0; i < NFLAGS; i++)
		if (strlen(flags[i].name) == len && strncmp(flags[i].name, name, len) == 0)
			return &flags[i];
	return NULL;
}

int options_parse(struct wh_options *o, int argc, char **argv, char **envp, char *err,
		  size_t errlen)
{
	bool given[NFLAGS] = {false};

	defaults(o);
	/* the environment first: a flag given too wins */
	for (size_t i = 0; i < NFLAGS; i++) {
		char name[64];
		size_t n;
		const char *value = NULL;

		if (flags[i].kind == K_FLAG)
			continue;
		env_name(&flags[i], name, sizeof(name));
		n = strlen(name);
		for (char **e = envp; e && *e; e++) {
			if (strncmp(*e, name, n) != 0 || (*e)[n] != '=')
				continue;
			if (value)
				return fail(err, errlen, "%s is set twice in the environment",
					    name);
			value = *e + n + 1;
		}
		if (value &&
		    (flags[i].kind == K_LIST ?
			     set_list_split(o, &flags[i], name, value, err, errlen) :
			     set_value(o, &flags[i], name, value, err, errlen)) != 0)
			return -1;
	}
	for (int i = 1; i < argc; i++) {
		const char *arg = argv[i], *eq, *value;
		const struct flag *f;
		char source[80];

		if (strncmp(arg, "--", 2) != 0)
			return fail(err, errlen, "unexpected argument '%s' (see --help)", arg);
		eq = strchr(arg, '=');
		f = find_flag(arg + 2, eq ? (size_t)(eq - arg - 2) : strlen(arg + 2));
		if (!f)
			return fail(err, errlen, "unknown option '%s' (see --help)", arg);
		if (given[f - flags] && f->kind != K_LIST)
			return fail(err, errlen, "--%s given twice", f->name);
		/* a repeatable flag replaces its variable's entries */
		if (f->kind == K_LIST && !given[f - flags])
			*list_count(o, f) = 0;
		given[f - flags] = true;
		snprintf(source, sizeof(source), "--%s", f->name);
		if (f->kind == K_FLAG) {
			if (eq)
				return fail(err, errlen, "--%s takes no value", f->name);
			value = "";
		} else if (eq) {
			value = eq + 1;
		} else if (i + 1 < argc) {
			value = argv[++i];
		} else {
			return fail(err, errlen, "--%s needs a value", f->name);
		}
		/* --registry-allow=A,B as the variable: a registry name has no ',' */
		if ((f->offset == OFF(allow) ? set_list_split(o, f, source, value, err, errlen) :
					       set_value(o, f, source, value, err, errlen)) != 0)
			return -1;
	}
	if (o->help || o->version)
		return 0;
	if (!o->tls_cert || !o->tls_key || !o->settings.image)
		return fail(err, errlen,
			    "--tls-cert, --tls-key and --image are required (see --help)");
	for (const char *p = o->settings.image; *p; p++)
		if ((unsigned char)*p <= 0x20 || (unsigned char)*p >= 0x7f)
			return fail(err, errlen, "--image: no white space or control characters");
	{
		struct imageref ref;
		char why[256];

		/* the installers run it as root with CAP_SETFCAP: REPO@sha256:...
		 * names exactly the image the admin checked */
		if (imageref_parse(o->settings.image, &ref, why, sizeof(why)) != 0)
			return fail(err, errlen, "--image=%s: %s", o->settings.image, why);
		o->image_pinned = ref.digest[0] != '\0';
	}
	return 0;
}

void options_usage(FILE *out)
{
	fprintf(out,
		"usage: strict-groups-webhook --tls-cert=FILE --tls-key=FILE --image=REF [OPTION]...\n"
		"A Kubernetes mutating admission webhook that starts every container of a pod\n"
		"through strict-init, sealed with the pod's groups (POST /mutate, /mutate/enforce,\n"
		"/mutate/refuse, /mutate/audit; GET /healthz, /readyz, /metrics).\n\n");
	for (size_t i = 0; i < NFLAGS; i++) {
		char name[64];

		env_name(&flags[i], name, sizeof(name));
		fprintf(out, "  --%s%s%s", flags[i].name, flags[i].value_help ? "=" : "",
			flags[i].value_help ? flags[i].value_help : "");
		if (flags[i].kind != K_FLAG)
			fprintf(out, "  (env %s)", name);
		fprintf(out, "\n        %s\n", flags[i].help);
	}
}
