/* The registry client's set-up, credentials and tokens (registry.h,
 * registry_client.h). */
#include "registry_client.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define DEFAULT_PLATFORM "linux/amd64"
#define DEFAULT_USER_AGENT "strict-groups-webhook"

uint64_t registry_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

uint64_t registry_requests(const struct registry_client *c)
{
	return atomic_load(&c->requests);
}
/* ---- set-up ---------------------------------------------------------------- */

static pthread_once_t curl_once = PTHREAD_ONCE_INIT;
static CURLcode curl_init_rc;

static void curl_init_once(void)
{
	curl_init_rc = curl_global_init(CURL_GLOBAL_DEFAULT);
}

static void share_lock(CURL *h, curl_lock_data data, curl_lock_access access, void *ctx)
{
	struct registry_client *c = ctx;

	(void)h;
	(void)access;
	if ((int)data >= 0 && data < CURL_LOCK_DATA_LAST)
		pthread_mutex_lock(&c->share_locks[data]);
}

static void share_unlock(CURL *h, curl_lock_data data, void *ctx)
{
	struct registry_client *c = ctx;

	(void)h;
	if ((int)data >= 0 && data < CURL_LOCK_DATA_LAST)
		pthread_mutex_unlock(&c->share_locks[data]);
}

/* Reads a whole small file. 0, or -1 with errno. */
static int read_small_file(const char *path, size_t max, char **out, size_t *len, struct stat *st)
{
	FILE *f = fopen(path, "rbe");
	char *buf = NULL;
	size_t n;

	*out = NULL;
	if (!f)
		return -1;
	if (fstat(fileno(f), st) != 0 || st->st_size < 0 || (size_t)st->st_size > max) {
		if (errno == 0 || st->st_size >= 0)
			errno = EFBIG;
		fclose(f);
		return -1;
	}
	buf = malloc((size_t)st->st_size + 1);
	if (!buf) {
		fclose(f);
		errno = ENOMEM;
		return -1;
	}
	n = fread(buf, 1, (size_t)st->st_size, f);
	fclose(f);
	buf[n] = '\0';
	*out = buf;
	*len = n;
	return 0;
}

static int load_config(struct registry_client *c, char *err, size_t errlen)
{
	char *text;
	size_t len;
	struct stat st;
	struct registry_auth_config parsed;

	if (read_small_file(c->config_file, REGISTRY_CONFIG_FILE_MAX, &text, &len, &st) != 0) {
		image_errf(err, errlen, "--registry-config %s: %s", c->config_file,
			   strerror(errno));
		return -1;
	}
	if (registry_auth_config_parse(text, len, &parsed, err, errlen) != 0) {
		memset(text, 0, len);
		free(text);
		return -1;
	}
	memset(text, 0, len);
	free(text);
	registry_auth_config_free(&c->config);
	c->config = parsed;
	c->config_stat = st;
	return 0;
}

bool registry_valid_host_port(const char *s)
{
	struct imageref r;
	char probe[IMAGEREF_DOMAIN_MAX + 8];
	char host[IMAGEREF_DOMAIN_MAX + 1];
	unsigned port;

	/* the reference grammar's domain, with a valid port */
	if (strlen(s) > IMAGEREF_DOMAIN_MAX || strchr(s, '/'))
		return false;
	snprintf(probe, sizeof(probe), "%s/x", s);
	return imageref_parse(probe, &r, NULL, 0) == 0 && strcmp(r.domain, s) == 0 &&
		imageref_host_port(&r, host, sizeof(host), &port) == 0;
}

static char *dup_or_null(const char *s)
{
	return s ? strdup(s) : NULL;
}

struct registry_client *registry_client_new(const struct registry_options *o, char *err,
					    size_t errlen)
{
	struct registry_client *c;
	FILE *ca;

	pthread_once(&curl_once, curl_init_once);
	if (curl_init_rc != CURLE_OK) {
		image_errf(err, errlen, "libcurl: %s", curl_easy_strerror(curl_init_rc));
		return NULL;
	}
	c = calloc(1, sizeof(*c));
	if (!c) {
		image_errf(err, errlen, "out of memory");
		return NULL;
	}
	for (int i = 0; i < CURL_LOCK_DATA_LAST; i++)
		pthread_mutex_init(&c->share_locks[i], NULL);
	pthread_mutex_init(&c->config_lock, NULL);
	pthread_mutex_init(&c->memo_lock, NULL);
	pthread_mutex_init(&c->pool_lock, NULL);
	atomic_init(&c->requests, 0);
	if (imageconfig_platform_parse(o->platform ? o->platform : DEFAULT_PLATFORM, &c->platform,
				       err, errlen) != 0)
		goto fail;
	if (o->ca_file) {
		ca = fopen(o->ca_file, "re");
		if (!ca) {
			image_errf(err, errlen, "--registry-ca %s: %s", o->ca_file,
				   strerror(errno));
			goto fail;
		}
		fclose(ca);
	}
	c->ca_file = dup_or_null(o->ca_file);
	c->user_agent = strdup(o->user_agent ? o->user_agent : DEFAULT_USER_AGENT);
	c->insecure = calloc(o->n_insecure + 1, sizeof(*c->insecure));
	c->endpoints = calloc(o->n_endpoints + 1, sizeof(*c->endpoints));
	if (!c->user_agent || !c->insecure || !c->endpoints || (o->ca_file && !c->ca_file))
		goto oom;
	for (size_t i = 0; i < o->n_insecure; i++) {
		if (!registry_valid_host_port(o->insecure[i])) {
			image_errf(err, errlen,
				   "--insecure-registry \"%.100s\": HOST:PORT expected",
				   o->insecure[i]);
			goto fail;
		}
		c->insecure[c->n_insecure] = strdup(o->insecure[i]);
		if (!c->insecure[c->n_insecure++])
			goto oom;
	}
	for (size_t i = 0; i < o->n_endpoints; i++) {
		const char *eq = strchr(o->endpoints[i], '=');
		struct endpoint *e = &c->endpoints[c->n_endpoints];

		if (!eq || eq == o->endpoints[i] || !registry_valid_host_port(eq + 1)) {
			image_errf(err, errlen,
				   "--registry-endpoint \"%.100s\": NAME=HOST[:PORT] expected",
				   o->endpoints[i]);
			goto fail;
		}
		e->name = strndup(o->endpoints[i], (size_t)(eq - o->endpoints[i]));
		e->host = strdup(eq + 1);
		c->n_endpoints++;
		if (!e->name || !e->host)
			goto oom;
	}
	if (o->config_file) {
		c->config_file = strdup(o->config_file);
		if (!c->config_file)
			goto oom;
		if (load_config(c, err, errlen) != 0)
			goto fail;
		c->config_checked_ns = registry_now_ns();
	}
	c->share = curl_share_init();
	if (!c->share)
		goto oom;
	curl_share_setopt(c->share, CURLSHOPT_LOCKFUNC, share_lock);
	curl_share_setopt(c->share, CURLSHOPT_UNLOCKFUNC, share_unlock);
	curl_share_setopt(c->share, CURLSHOPT_USERDATA, c);
	curl_share_setopt(c->share, CURLSHOPT_SHARE, CURL_LOCK_DATA_DNS);
	curl_share_setopt(c->share, CURLSHOPT_SHARE, CURL_LOCK_DATA_SSL_SESSION);
	return c;
oom:
	image_errf(err, errlen, "out of memory");
fail:
	registry_client_free(c);
	return NULL;
}

void registry_client_free(struct registry_client *c)
{
	if (!c)
		return;
	for (size_t i = 0; i < c->n_pool; i++)
		curl_easy_cleanup(c->pool[i]);
	if (c->share)
		curl_share_cleanup(c->share);
	for (size_t i = 0; i < c->n_insecure; i++)
		free(c->insecure[i]);
	free(c->insecure);
	for (size_t i = 0; i < c->n_endpoints; i++) {
		free(c->endpoints[i].name);
		free(c->endpoints[i].host);
	}
	free(c->endpoints);
	for (size_t i = 0; i < TOKEN_CACHE_SIZE; i++) {
		free(c->memo[i].key);
		free(c->memo[i].token);
	}
	registry_auth_config_free(&c->config);
	free(c->config_file);
	free(c->ca_file);
	free(c->user_agent);
	for (int i = 0; i < CURL_LOCK_DATA_LAST; i++)
		pthread_mutex_destroy(&c->share_locks[i]);
	pthread_mutex_destroy(&c->config_lock);
	pthread_mutex_destroy(&c->memo_lock);
	pthread_mutex_destroy(&c->pool_lock);
	free(c);
}

/* ---- credentials and tokens ------------------------------------------------ */

/* The credential for a registry name or endpoint host, copied (the file
 * may be read again meanwhile). The config.json is read again when its
 * inode, size or mtime changed, at most every 10 s; a file that became
 * unreadable or invalid keeps the last good credentials. */
void registry_credential_find(struct registry_client *c, const char *name, const char *host,
			      char **user, char **password)
{
	const struct registry_credential *cred;

	*user = *password = NULL;
	if (!c->config_file)
		return;
	pthread_mutex_lock(&c->config_lock);
	if (registry_now_ns() - c->config_checked_ns > CONFIG_RECHECK_NS) {
		struct stat st;

		c->config_checked_ns = registry_now_ns();
		if (stat(c->config_file, &st) == 0 &&
		    (st.st_ino != c->config_stat.st_ino || st.st_size != c->config_stat.st_size ||
		     st.st_mtim.tv_sec != c->config_stat.st_mtim.tv_sec ||
		     st.st_mtim.tv_nsec != c->config_stat.st_mtim.tv_nsec))
			(void)load_config(c, NULL, 0);
	}
	cred = registry_auth_config_find(&c->config, name);
	if (!cred)
		cred = registry_auth_config_find(&c->config, host);
	if (cred) {
		*user = strdup(cred->username);
		*password = strdup(cred->password);
	}
	pthread_mutex_unlock(&c->config_lock);
}

void registry_memo_put(struct registry_client *c, const char *key, enum registry_auth_scheme scheme,
		       const char *token, long expires_in)
{
	uint64_t now = registry_now_ns();
	struct auth_memo *slot = NULL;

	pthread_mutex_lock(&c->memo_lock);
	for (size_t i = 0; i < TOKEN_CACHE_SIZE && !slot; i++)
		if (c->memo[i].key && strcmp(c->memo[i].key, key) == 0)
			slot = &c->memo[i];
	for (size_t i = 0; i < TOKEN_CACHE_SIZE && !slot; i++)
		if (!c->memo[i].key)
			slot = &c->memo[i];
	if (!slot) { /* the least recently used */
		slot = &c->memo[0];
		for (size_t i = 1; i < TOKEN_CACHE_SIZE; i++)
			if (c->memo[i].used_ns < slot->used_ns)
				slot = &c->memo[i];
	}
	free(slot->key);
	free(slot->token);
	slot->key = strdup(key);
	slot->token = token ? strdup(token) : NULL;
	slot->scheme = slot->key && (!token || slot->token) ? scheme : AUTH_NONE;
	/* 10 s of margin: a token must not expire between here and the registry */
	slot->expires_ns = now + (uint64_t)(expires_in > 20 ? expires_in - 10 : 10) * 1000000000ull;
	slot->used_ns = now;
	pthread_mutex_unlock(&c->memo_lock);
}

/* The scheme (and token) that worked for key, when still valid. */
enum registry_auth_scheme registry_memo_get(struct registry_client *c, const char *key,
					    char **token)
{
	uint64_t now = registry_now_ns();
	enum registry_auth_scheme scheme = AUTH_NONE;

	*token = NULL;
	pthread_mutex_lock(&c->memo_lock);
	for (size_t i = 0; i < TOKEN_CACHE_SIZE; i++) {
		struct auth_memo *m = &c->memo[i];

		if (!m->key || strcmp(m->key, key) != 0)
			continue;
		if (m->scheme == AUTH_BEARER && m->expires_ns <= now)
			break;
		if (m->scheme == AUTH_BEARER) {
			*token = strdup(m->token);
			if (!*token)
				break;
		}
		m->used_ns = now;
		scheme = m->scheme;
		break;
	}
	pthread_mutex_unlock(&c->memo_lock);
	return scheme;
}
