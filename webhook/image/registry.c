/* The registry client over libcurl (registry.h): one lookup's HTTP. Its
 * state, set-up and tokens: registry_client.c. */
#include "registry_client.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <curl/curl.h>
#include <jansson.h>

#include "registry_manifest.h"

/* ---- one lookup's HTTP ------------------------------------------------------- */

struct session {
	struct registry_client *c;
	CURL *h;
	const struct imageref *ref;
	char name[IMAGEREF_DOMAIN_MAX + IMAGEREF_PATH_MAX + 2]; /* domain/path */
	char host[IMAGEREF_DOMAIN_MAX + 1];                     /* endpoint host[:port] */
	char origin[IMAGEREF_DOMAIN_MAX + 16];                  /* scheme://host:port */
	bool plain_http;
	uint64_t deadline;
	char *user, *password;          /* credentials, or NULL */
	enum registry_auth_scheme auth; /* what the requests send */
	char *token;                    /* Bearer */
	char basic_key[IMAGEREF_DOMAIN_MAX + 16];
	char bearer_key[IMAGEREF_DOMAIN_MAX + IMAGEREF_PATH_MAX + 24];
};

struct answer {
	long status;
	char *body;
	size_t len, limit;
	bool too_big;
	char content_type[MEDIA_TYPE_MAX + 1];
	char digest[IMAGE_DIGEST_MAX + 1];
	bool digest_present;
	char location[URL_MAX];
	char www_auth[AUTH_HEADER_MAX + 1];
};

static void answer_free(struct answer *a)
{
	free(a->body);
	memset(a, 0, sizeof(*a));
}

static size_t on_data(char *data, size_t size, size_t n, void *ctx)
{
	struct answer *a = ctx;
	size_t bytes = size * n;
	char *grown;

	if (bytes > a->limit - a->len) {
		a->too_big = true;
		return 0; /* libcurl stops with CURLE_WRITE_ERROR */
	}
	grown = realloc(a->body, a->len + bytes + 1);
	if (!grown)
		return 0;
	memcpy(grown + a->len, data, bytes);
	a->body = grown;
	a->len += bytes;
	a->body[a->len] = '\0';
	return bytes;
}

/* The header's value(s), joined with ", " (one list, as HTTP reads it). */
static void header_value(CURL *h, const char *name, char *out, size_t len, bool *present)
{
	struct curl_header *hh;
	size_t n = 0;

	out[0] = '\0';
	if (present)
		*present = false;
	for (size_t i = 0; curl_easy_header(h, name, i, CURLH_HEADER, -1, &hh) == CURLHE_OK; i++) {
		int w = snprintf(out + n, len - n, "%s%s", n ? ", " : "", hh->value);

		if (present)
			*present = true;
		if (w < 0 || (size_t)w >= len - n) {
			out[0] = '\0'; /* too long: as if absent */
			return;
		}
		n += (size_t)w;
		if (hh->amount <= i + 1)
			break;
	}
}

static bool is_insecure(const struct registry_client *c, const char *hostport)
{
	for (size_t i = 0; i < c->n_insecure; i++)
		if (strcasecmp(c->insecure[i], hostport) == 0)
			return true;
	return false;
}

/* The origin ("scheme://host:port", default port filled in) of url and
 * whether it may be used: https, or http to an insecure-listed host.
 * -1 when the URL is invalid or its scheme is not allowed. */
static int url_origin(const struct registry_client *c, const char *url, char *origin, size_t len,
		      bool *plain)
{
	CURLU *u = curl_url();
	char *scheme = NULL, *host = NULL, *port = NULL;
	int rc = -1;

	if (!u)
		return -1;
	if (curl_url_set(u, CURLUPART_URL, url, 0) != CURLUE_OK ||
	    curl_url_get(u, CURLUPART_SCHEME, &scheme, 0) != CURLUE_OK ||
	    curl_url_get(u, CURLUPART_HOST, &host, 0) != CURLUE_OK ||
	    curl_url_get(u, CURLUPART_PORT, &port, CURLU_DEFAULT_PORT) != CURLUE_OK)
		goto out;
	*plain = strcasecmp(scheme, "http") == 0;
	if (*plain) {
		char hp[IMAGEREF_DOMAIN_MAX + 8];
		char *given_port = NULL;

		curl_url_get(u, CURLUPART_PORT, &given_port, 0);
		snprintf(hp, sizeof(hp), "%s%s%s", host, given_port ? ":" : "",
			 given_port ? given_port : "");
		curl_free(given_port);
		if (!is_insecure(c, hp))
			goto out;
	} else if (strcasecmp(scheme, "https") != 0) {
		goto out;
	}
	if ((size_t)snprintf(origin, len, "%s://%s:%s", scheme, host, port) < len)
		rc = 0;
out:
	curl_free(scheme);
	curl_free(host);
	curl_free(port);
	curl_url_cleanup(u);
	return rc;
}

static enum image_error curl_error(CURLcode cc, const struct answer *a, const char *what,
				   const char *detail, char *err, size_t errlen)
{
	enum image_error kind;

	switch (cc) {
	case CURLE_OPERATION_TIMEDOUT:
		image_errf(err, errlen, "%s: the lookup's deadline passed", what);
		return IMAGE_ERR_TIMEOUT;
	case CURLE_WRITE_ERROR:
	case CURLE_FILESIZE_EXCEEDED:
		if (a->too_big) {
			image_errf(err, errlen, "%s: the answer is larger than %zu bytes", what,
				   a->limit);
			return IMAGE_ERR_MALFORMED;
		}
		kind = IMAGE_ERR_INTERNAL;
		break;
	case CURLE_OUT_OF_MEMORY:
		kind = IMAGE_ERR_INTERNAL;
		break;
	case CURLE_PEER_FAILED_VERIFICATION:
	case CURLE_SSL_CONNECT_ERROR:
	case CURLE_SSL_CERTPROBLEM:
	case CURLE_SSL_CIPHER:
	case CURLE_SSL_CACERT_BADFILE:
	case CURLE_SSL_ISSUER_ERROR:
	case CURLE_SSL_INVALIDCERTSTATUS:
	case CURLE_SSL_PINNEDPUBKEYNOTMATCH:
	case CURLE_SSL_CRL_BADFILE:
	case CURLE_SSL_ENGINE_INITFAILED:
	case CURLE_USE_SSL_FAILED:
		kind = IMAGE_ERR_TLS;
		break;
	case CURLE_UNSUPPORTED_PROTOCOL:
	case CURLE_URL_MALFORMAT:
		kind = IMAGE_ERR_UNSUPPORTED;
		break;
	case CURLE_WEIRD_SERVER_REPLY:
	case CURLE_HTTP2:
	case CURLE_HTTP2_STREAM:
	case CURLE_BAD_CONTENT_ENCODING:
		kind = IMAGE_ERR_REGISTRY;
		break;
	default:
		kind = IMAGE_ERR_UNREACHABLE;
		break;
	}
	image_errf(err, errlen, "%s: %s%s%.200s%s", what, curl_easy_strerror(cc),
		   detail[0] ? " (" : "", detail, detail[0] ? ")" : "");
	return kind;
}

/* One request, no redirect followed. creds: send the session's
 * Authorization (only to the registry's own origin). */
static enum image_error http_once(struct session *s, const char *url, bool head, const char *accept,
				  size_t limit, bool creds, struct answer *a, char *err,
				  size_t errlen)
{
	struct curl_slist *headers = NULL;
	uint64_t now = registry_now_ns();
	long remaining_ms;
	char origin[IMAGEREF_DOMAIN_MAX + 16];
	bool plain;
	CURLcode cc;
	char *redirect = NULL;
	char detail[CURL_ERROR_SIZE] = "";

	answer_free(a);
	a->limit = limit;
	if (now >= s->deadline) {
		image_errf(err, errlen, "%s: the lookup's deadline passed", s->name);
		return IMAGE_ERR_TIMEOUT;
	}
	remaining_ms = (long)((s->deadline - now) / 1000000) + 1;
	if (url_origin(s->c, url, origin, sizeof(origin), &plain) != 0) {
		image_errf(
			err, errlen,
			"%s: refusing %.200s (https only, or http to an --insecure-registry host)",
			s->name, url);
		return IMAGE_ERR_UNSUPPORTED;
	}
	curl_easy_reset(s->h);
	curl_easy_setopt(s->h, CURLOPT_URL, url);
	curl_easy_setopt(s->h, CURLOPT_PROTOCOLS_STR, plain ? "http" : "https");
	curl_easy_setopt(s->h, CURLOPT_FOLLOWLOCATION, 0L);
	curl_easy_setopt(s->h, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(s->h, CURLOPT_ERRORBUFFER, detail);
	curl_easy_setopt(s->h, CURLOPT_SHARE, s->c->share);
	curl_easy_setopt(s->h, CURLOPT_TIMEOUT_MS, remaining_ms);
	curl_easy_setopt(s->h, CURLOPT_CONNECTTIMEOUT_MS, remaining_ms);
	curl_easy_setopt(s->h, CURLOPT_SSL_VERIFYPEER, 1L);
	curl_easy_setopt(s->h, CURLOPT_SSL_VERIFYHOST, 2L);
	curl_easy_setopt(s->h, CURLOPT_SSLVERSION, (long)CURL_SSLVERSION_TLSv1_2);
	if (s->c->ca_file) { /* instead of the system's bundle and directory */
		curl_easy_setopt(s->h, CURLOPT_CAINFO, s->c->ca_file);
		curl_easy_setopt(s->h, CURLOPT_CAPATH, NULL);
	}
	curl_easy_setopt(s->h, CURLOPT_USERAGENT, s->c->user_agent);
	curl_easy_setopt(s->h, CURLOPT_MAXFILESIZE_LARGE, (curl_off_t)limit);
	curl_easy_setopt(s->h, CURLOPT_WRITEFUNCTION, on_data);
	curl_easy_setopt(s->h, CURLOPT_WRITEDATA, a);
	if (head)
		curl_easy_setopt(s->h, CURLOPT_NOBODY, 1L);
	if (accept) {
		char accept_header[256];

		snprintf(accept_header, sizeof(accept_header), "Accept: %s", accept);
		headers = curl_slist_append(NULL, accept_header);
		if (!headers) {
			image_errf(err, errlen, "out of memory");
			return IMAGE_ERR_INTERNAL;
		}
		curl_easy_setopt(s->h, CURLOPT_HTTPHEADER, headers);
	}
	if (creds && s->auth == AUTH_BASIC && s->user) {
		curl_easy_setopt(s->h, CURLOPT_HTTPAUTH, CURLAUTH_BASIC);
		curl_easy_setopt(s->h, CURLOPT_USERNAME, s->user);
		curl_easy_setopt(s->h, CURLOPT_PASSWORD, s->password);
	} else if (creds && s->auth == AUTH_BEARER && s->token) {
		curl_easy_setopt(s->h, CURLOPT_HTTPAUTH, CURLAUTH_BEARER);
		curl_easy_setopt(s->h, CURLOPT_XOAUTH2_BEARER, s->token);
	}
	atomic_fetch_add(&s->c->requests, 1);
	cc = curl_easy_perform(s->h);
	curl_slist_free_all(headers);
	if (cc == CURLE_FILESIZE_EXCEEDED)
		a->too_big = true; /* said by Content-Length, before the body */
	curl_easy_setopt(s->h, CURLOPT_ERRORBUFFER, NULL);
	if (cc != CURLE_OK)
		return curl_error(cc, a, s->name, detail, err, errlen);
	curl_easy_getinfo(s->h, CURLINFO_RESPONSE_CODE, &a->status);
	header_value(s->h, "Content-Type", a->content_type, sizeof(a->content_type), NULL);
	header_value(s->h, "Docker-Content-Digest", a->digest, sizeof(a->digest),
		     &a->digest_present);
	header_value(s->h, "WWW-Authenticate", a->www_auth, sizeof(a->www_auth), NULL);
	if (curl_easy_getinfo(s->h, CURLINFO_REDIRECT_URL, &redirect) == CURLE_OK && redirect &&
	    strlen(redirect) < sizeof(a->location))
		memcpy(a->location, redirect, strlen(redirect) + 1);
	return IMAGE_OK;
}

/* A registry's JSON error ("errors":[{"code":..,"message":..}]) as text. */
static void registry_error_text(const struct answer *a, char *out, size_t len)
{
	json_error_t jerr;
	json_t *root = a->body ? json_loadb(a->body, a->len, 0, &jerr) : NULL;
	const json_t *first = json_array_get(json_object_get(root, "errors"), 0);
	const json_t *code = json_object_get(first, "code");
	const json_t *msg = json_object_get(first, "message");

	snprintf(out, len, "%s%s%.100s", json_is_string(code) ? json_string_value(code) : "",
		 json_is_string(code) && json_is_string(msg) ? ": " : "",
		 json_is_string(msg) ? json_string_value(msg) : "");
	json_decref(root);
}

static enum image_error status_error(const struct session *s, const struct answer *a,
				     const char *what, char *err, size_t errlen)
{
	char detail[256];

	registry_error_text(a, detail, sizeof(detail));
	if (!detail[0])
		snprintf(detail, sizeof(detail), "HTTP %ld", a->status);
	image_errf(err, errlen, "%s: %s: %s (HTTP %ld)", s->name, what, detail, a->status);
	switch (a->status) {
	case 401:
	case 403:
		return IMAGE_ERR_AUTH;
	case 404:
		return IMAGE_ERR_NOT_FOUND;
	default:
		return IMAGE_ERR_REGISTRY;
	}
}

/* A Bearer token for the session's repository from the realm. */
static enum image_error fetch_token(struct session *s, const struct registry_auth_challenge *ch,
				    char *err, size_t errlen)
{
	CURLU *u = curl_url();
	char *url = NULL, *token = NULL;
	char scope[IMAGEREF_PATH_MAX + 32], query[AUTH_SERVICE_MAX + 16];
	struct answer a = {0};
	enum image_error rc;
	enum registry_auth_scheme saved = s->auth;
	long expires_in;

	if (!u) {
		image_errf(err, errlen, "out of memory");
		return IMAGE_ERR_INTERNAL;
	}
	snprintf(scope, sizeof(scope), "scope=repository:%s:pull", s->ref->path);
	snprintf(query, sizeof(query), "service=%s", ch->service);
	if (curl_url_set(u, CURLUPART_URL, ch->realm, 0) != CURLUE_OK ||
	    (ch->service[0] &&
	     curl_url_set(u, CURLUPART_QUERY, query, CURLU_APPENDQUERY | CURLU_URLENCODE) !=
		     CURLUE_OK) ||
	    curl_url_set(u, CURLUPART_QUERY, scope, CURLU_APPENDQUERY | CURLU_URLENCODE) !=
		    CURLUE_OK ||
	    curl_url_get(u, CURLUPART_URL, &url, 0) != CURLUE_OK) {
		curl_url_cleanup(u);
		image_errf(err, errlen, "%s: the registry's token realm \"%.200s\" is not a URL",
			   s->name, ch->realm);
		return IMAGE_ERR_AUTH;
	}
	curl_url_cleanup(u);
	/* The token service gets the registry's credentials (Basic), as
	 * Docker sends them; anonymous when there are none. */
	s->auth = AUTH_BASIC;
	rc = http_once(s, url, false, "application/json", REGISTRY_SMALL_ANSWER_MAX,
		       s->user != NULL, &a, err, errlen);
	s->auth = saved;
	curl_free(url);
	if (rc == IMAGE_OK && a.status != 200)
		rc = status_error(s, &a, "the token service refused", err, errlen);
	if (rc == IMAGE_OK &&
	    registry_auth_token_parse(a.body, a.len, &token, &expires_in, err, errlen) != 0)
		rc = IMAGE_ERR_AUTH;
	answer_free(&a);
	if (rc != IMAGE_OK)
		return rc;
	free(s->token);
	s->token = token;
	s->auth = AUTH_BEARER;
	registry_memo_put(s->c, s->bearer_key, AUTH_BEARER, token, expires_in);
	return IMAGE_OK;
}

static enum image_error authenticate(struct session *s, const struct answer *a, char *err,
				     size_t errlen)
{
	struct registry_auth_challenge ch;

	if (registry_auth_challenge_parse(a->www_auth, &ch) != 0) {
		image_errf(err, errlen,
			   "%s: authentication required, with no challenge we can answer", s->name);
		return IMAGE_ERR_AUTH;
	}
	if (ch.scheme == AUTH_BEARER)
		return fetch_token(s, &ch, err, errlen);
	if (!s->user) {
		image_errf(
			err, errlen,
			"%s: the registry wants credentials and --registry-config has none for %s",
			s->name, s->ref->domain);
		return IMAGE_ERR_AUTH;
	}
	s->auth = AUTH_BASIC;
	registry_memo_put(s->c, s->basic_key, AUTH_BASIC, NULL, 0);
	return IMAGE_OK;
}

static bool is_redirect(long status)
{
	return status == 301 || status == 302 || status == 303 || status == 307 || status == 308;
}

/* A request to the registry: authenticates on a 401 and retries once,
 * follows redirects without credentials to other origins. */
static enum image_error request(struct session *s, const char *path, bool head, const char *accept,
				size_t limit, struct answer *a, char *err, size_t errlen)
{
	char url[URL_MAX];
	enum image_error rc;

	snprintf(url, sizeof(url), "%s%s", s->origin, path);
	for (int attempt = 0;; attempt++) {
		rc = http_once(s, url, head, accept, limit, true, a, err, errlen);
		if (rc != IMAGE_OK || a->status != 401 || attempt == 1)
			break;
		rc = authenticate(s, a, err, errlen);
		if (rc != IMAGE_OK)
			return rc;
	}
	for (int hops = 0; rc == IMAGE_OK && is_redirect(a->status); hops++) {
		char next[URL_MAX], origin[IMAGEREF_DOMAIN_MAX + 16];
		bool plain;

		if (hops == REGISTRY_MAX_REDIRECTS || !a->location[0]) {
			image_errf(err, errlen, "%s: too many redirects, or one without Location",
				   s->name);
			return IMAGE_ERR_REGISTRY;
		}
		memcpy(next, a->location, strlen(a->location) + 1);
		if (url_origin(s->c, next, origin, sizeof(origin), &plain) != 0) {
			image_errf(
				err, errlen,
				"%s: refusing a redirect to %.200s (https only, or http to an --insecure-registry host)",
				s->name, next);
			return IMAGE_ERR_UNSUPPORTED;
		}
		rc = http_once(s, next, head, accept, limit, strcmp(origin, s->origin) == 0, a, err,
			       errlen);
	}
	return rc;
}

static enum image_error session_open(struct registry_client *c, const struct imageref *ref,
				     uint64_t deadline, struct session *s, char *err, size_t errlen)
{
	char host[IMAGEREF_DOMAIN_MAX + 1];
	unsigned port;
	bool found = false;

	memset(s, 0, sizeof(*s));
	s->c = c;
	s->ref = ref;
	s->deadline = deadline;
	imageref_name(ref, s->name, sizeof(s->name));
	for (size_t i = 0; i < c->n_endpoints && !found; i++) {
		if (strcasecmp(c->endpoints[i].name, ref->domain) == 0) {
			snprintf(s->host, sizeof(s->host), "%s", c->endpoints[i].host);
			found = true;
		}
	}
	if (!found) {
		if (strcmp(ref->domain, IMAGEREF_DEFAULT_DOMAIN) == 0) {
			image_errf(err, errlen,
				   "%s: no endpoint for %s (--registry-endpoint=%s=HOST)", s->name,
				   IMAGEREF_DEFAULT_DOMAIN, IMAGEREF_DEFAULT_DOMAIN);
			return IMAGE_ERR_REGISTRY;
		}
		snprintf(s->host, sizeof(s->host), "%s", ref->domain);
	}
	if (imageref_host_port(ref, host, sizeof(host), &port) != 0 ||
	    !registry_valid_host_port(s->host)) {
		image_errf(err, errlen, "%s: invalid registry port", s->name);
		return IMAGE_ERR_REFERENCE;
	}
	s->plain_http = is_insecure(c, s->host);
	snprintf(s->origin, sizeof(s->origin), "%s://%s", s->plain_http ? "http" : "https",
		 s->host);
	{
		/* the origin as url_origin spells it, with the default port */
		char full[IMAGEREF_DOMAIN_MAX + 16];
		bool plain;

		if (url_origin(c, s->origin, full, sizeof(full), &plain) != 0) {
			image_errf(err, errlen, "%s: invalid registry address", s->name);
			return IMAGE_ERR_REFERENCE;
		}
		snprintf(s->basic_key, sizeof(s->basic_key), "%s", full);
		snprintf(s->bearer_key, sizeof(s->bearer_key), "%s/%s", full, ref->path);
		snprintf(s->origin, sizeof(s->origin), "%s", full);
	}
	registry_credential_find(c, ref->domain, s->host, &s->user, &s->password);
	/* what worked before: a token for this repository, or Basic */
	s->auth = registry_memo_get(c, s->bearer_key, &s->token);
	if (s->auth == AUTH_NONE) {
		char *unused;

		s->auth = registry_memo_get(c, s->basic_key, &unused);
		free(unused);
		if (s->auth != AUTH_BASIC || !s->user)
			s->auth = AUTH_NONE;
	}
	pthread_mutex_lock(&c->pool_lock);
	s->h = c->n_pool > 0 ? c->pool[--c->n_pool] : NULL;
	pthread_mutex_unlock(&c->pool_lock);
	if (!s->h)
		s->h = curl_easy_init();
	if (!s->h) {
		image_errf(err, errlen, "libcurl could not start a transfer");
		return IMAGE_ERR_INTERNAL;
	}
	return IMAGE_OK;
}

static void session_close(struct session *s)
{
	if (s->h) {
		struct registry_client *c = s->c;

		/* back to the pool with its idle connections, its options reset */
		curl_easy_reset(s->h);
		pthread_mutex_lock(&c->pool_lock);
		if (c->n_pool < HANDLE_POOL_SIZE) {
			c->pool[c->n_pool++] = s->h;
			s->h = NULL;
		}
		pthread_mutex_unlock(&c->pool_lock);
		if (s->h)
			curl_easy_cleanup(s->h);
	}
	if (s->password)
		memset(s->password, 0, strlen(s->password));
	free(s->user);
	free(s->password);
	free(s->token);
	memset(s, 0, sizeof(*s));
}

/* manifest_source.fetch: a manifest or blob of the session's repository. */
static enum image_error session_fetch(void *ctx, const struct registry_manifest_descriptor *d,
				      bool is_manifest, char **body, size_t *len,
				      char *content_type, size_t ctlen, char *err, size_t errlen)
{
	struct session *s = ctx;
	struct answer a = {0};
	char path[IMAGEREF_PATH_MAX + IMAGE_DIGEST_MAX + 32];
	enum image_error rc;

	snprintf(path, sizeof(path), "/v2/%s/%s/%s", s->ref->path,
		 is_manifest ? "manifests" : "blobs", d->digest);
	/* one byte more than the descriptor says: a longer answer is caught */
	rc = request(s, path, false, is_manifest ? REGISTRY_MANIFEST_ACCEPT : NULL,
		     (size_t)d->size + 1, &a, err, errlen);
	if (rc == IMAGE_OK && a.status != 200)
		rc = status_error(s, &a, is_manifest ? "manifest" : "config blob", err, errlen);
	if (rc == IMAGE_ERR_MALFORMED && a.too_big) {
		image_errf(err, errlen, "%s: %s %s: longer than its descriptor's size", s->name,
			   is_manifest ? "manifest" : "config blob", d->digest);
		rc = IMAGE_ERR_DIGEST;
	}
	if (rc != IMAGE_OK) {
		answer_free(&a);
		return rc;
	}
	if (content_type && ctlen)
		snprintf(content_type, ctlen, "%s", a.content_type);
	*body = a.body ? a.body : calloc(1, 1);
	*len = a.len;
	return *body ? IMAGE_OK : IMAGE_ERR_INTERNAL;
}

enum image_error registry_resolve(struct registry_client *c, const struct imageref *ref,
				  uint64_t deadline_ns, struct imageconfig *out, char *err,
				  size_t errlen)
{
	struct session s;
	struct answer a = {0};
	char path[IMAGEREF_PATH_MAX + IMAGE_DIGEST_MAX + 32];
	const char *expected = NULL;
	struct registry_manifest_source src;
	enum image_error rc;

	memset(out, 0, sizeof(*out));
	rc = session_open(c, ref, deadline_ns, &s, err, errlen);
	if (rc != IMAGE_OK)
		goto out;
	snprintf(path, sizeof(path), "/v2/%s/manifests/%s", ref->path,
		 ref->digest[0] ? ref->digest : ref->tag);
	rc = request(&s, path, false, REGISTRY_MANIFEST_ACCEPT, MANIFEST_MAX_BYTES, &a, err,
		     errlen);
	if (rc == IMAGE_OK && a.status != 200)
		rc = status_error(&s, &a, "manifest", err, errlen);
	if (rc != IMAGE_OK)
		goto out;
	if (ref->digest[0]) {
		expected = ref->digest;
	} else if (a.digest_present) {
		if (!imagedigest_valid(a.digest, strlen(a.digest))) {
			image_errf(err, errlen,
				   "%s: the registry's Docker-Content-Digest is not a digest",
				   s.name);
			rc = IMAGE_ERR_MALFORMED;
			goto out;
		}
		expected = a.digest;
	}
	src.ctx = &s;
	src.fetch = session_fetch;
	rc = registry_manifest_resolve(s.name, a.body ? a.body : "", a.len, a.content_type,
				       expected, &c->platform, &src, out, err, errlen);
	if (rc != IMAGE_OK) {
		/* name the image in the reason */
		char inner[512];

		snprintf(inner, sizeof(inner), "%s", err ? err : "");
		if (err && errlen && !strstr(inner, s.name))
			image_errf(err, errlen, "%s: %s", s.name, inner);
	}
out:
	answer_free(&a);
	session_close(&s);
	return rc;
}

enum image_error registry_head_tag(struct registry_client *c, const struct imageref *ref,
				   uint64_t deadline_ns, char digest[IMAGE_DIGEST_MAX + 1],
				   char *err, size_t errlen)
{
	struct session s;
	struct answer a = {0};
	char path[IMAGEREF_PATH_MAX + IMAGEREF_TAG_MAX + 32];
	enum image_error rc;

	digest[0] = '\0';
	rc = session_open(c, ref, deadline_ns, &s, err, errlen);
	if (rc != IMAGE_OK)
		goto out;
	snprintf(path, sizeof(path), "/v2/%s/manifests/%s", ref->path, ref->tag);
	/* a HEAD's Content-Length is the manifest's */
	rc = request(&s, path, true, REGISTRY_MANIFEST_ACCEPT, MANIFEST_MAX_BYTES, &a, err, errlen);
	if (rc == IMAGE_OK && a.status != 200)
		rc = status_error(&s, &a, "manifest", err, errlen);
	if (rc != IMAGE_OK)
		goto out;
	if (!a.digest_present || !imagedigest_valid(a.digest, strlen(a.digest))) {
		image_errf(err, errlen, "%s: no Docker-Content-Digest in the answer", s.name);
		rc = IMAGE_ERR_UNSUPPORTED;
		goto out;
	}
	memcpy(digest, a.digest, strlen(a.digest) + 1);
out:
	answer_free(&a);
	session_close(&s);
	return rc;
}
