/* WWW-Authenticate, token answers and Docker config.json (registry_auth.h). */
#include "registry_auth.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <jansson.h>
#include <nettle/base64.h>

#include "common/text.h"
#include "image.h"
#include "imageref.h"

/* ---- WWW-Authenticate ----------------------------------------------------- */

/* RFC 7230 tchar */
static bool is_tchar(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		(c && strchr("!#$%&'*+-.^_`|~", c));
}

static const char *skip_ows(const char *p)
{
	while (*p == ' ' || *p == '\t')
		p++;
	return p;
}

/* A token at p; its length (0: none). */
static size_t token_len(const char *p)
{
	size_t n = 0;

	while (is_tchar(p[n]))
		n++;
	return n;
}

/* Reads a token or a quoted string at *pp into out (at most max chars).
 * -1 when malformed or too long. */
static int read_value(const char **pp, char *out, size_t max)
{
	const char *p = *pp;
	size_t n = 0;

	if (*p != '"') {
		size_t len = token_len(p);

		if (len == 0 || len > max)
			return -1;
		memcpy(out, p, len);
		out[len] = '\0';
		*pp = p + len;
		return 0;
	}
	for (p++; *p != '"'; p++) {
		if (*p == '\\')
			p++;
		if (*p == '\0' || ((unsigned char)*p < 0x20 && *p != '\t') || *p == 0x7f)
			return -1;
		if (n == max)
			return -1;
		out[n++] = *p;
	}
	out[n] = '\0';
	*pp = p + 1;
	return 0;
}

/* True when p starts an auth-param (token BWS "="), not a new scheme. */
static bool at_param(const char *p)
{
	size_t n = token_len(p);

	return n > 0 && *skip_ows(p + n) == '=';
}

struct challenge_params {
	bool has_realm, has_service, has_scope;
};

static int read_param(const char **pp, struct registry_auth_challenge *c,
		      struct challenge_params *seen)
{
	const char *p = *pp;
	size_t n = token_len(p);
	char scratch[AUTH_REALM_MAX + 1];
	char *dst = scratch;
	size_t max = AUTH_REALM_MAX;
	bool *flag = NULL;

	if (n == 5 && strncasecmp(p, "realm", 5) == 0) {
		dst = c->realm, flag = &seen->has_realm;
	} else if (n == 7 && strncasecmp(p, "service", 7) == 0) {
		dst = c->service, max = AUTH_SERVICE_MAX, flag = &seen->has_service;
	} else if (n == 5 && strncasecmp(p, "scope", 5) == 0) {
		dst = c->scope, max = AUTH_SCOPE_MAX, flag = &seen->has_scope;
	}
	if (flag) {
		if (*flag)
			return -1; /* a parameter twice */
		*flag = true;
	}
	p = skip_ows(p + n) + 1; /* past '=' (at_param checked it) */
	p = skip_ows(p);
	if (read_value(&p, dst, max) != 0)
		return -1;
	*pp = skip_ows(p);
	return 0;
}

int registry_auth_challenge_parse(const char *header, struct registry_auth_challenge *out)
{
	const char *p = header;
	struct registry_auth_challenge basic = {AUTH_NONE, "", "", ""};

	memset(out, 0, sizeof(*out));
	if (strnlen(header, AUTH_HEADER_MAX + 1) > AUTH_HEADER_MAX)
		return -1;
	while (*p) {
		struct registry_auth_challenge c = {AUTH_NONE, "", "", ""};
		struct challenge_params seen = {false, false, false};
		size_t n;

		p = skip_ows(p);
		if (*p == ',') {
			p++;
			continue;
		}
		if (*p == '\0')
			break;
		n = token_len(p);
		if (n == 0)
			return -1;
		if (n == 6 && strncasecmp(p, "Bearer", 6) == 0)
			c.scheme = AUTH_BEARER;
		else if (n == 5 && strncasecmp(p, "Basic", 5) == 0)
			c.scheme = AUTH_BASIC;
		p = skip_ows(p + n);
		/* the parameters of this challenge */
		while (at_param(p)) {
			if (read_param(&p, &c, &seen) != 0)
				return -1;
			if (*p == ',')
				p = skip_ows(p + 1);
			else if (*p != '\0')
				return -1;
		}
		if (*p && !is_tchar(*p) && *p != ',')
			return -1;
		if (c.scheme == AUTH_BEARER && c.realm[0]) {
			*out = c;
			return 0;
		}
		if (c.scheme == AUTH_BASIC && basic.scheme == AUTH_NONE)
			basic = c;
	}
	if (basic.scheme == AUTH_BASIC) {
		*out = basic;
		return 0;
	}
	return -1;
}

/* ---- token answers ----------------------------------------------------- */

static bool is_b64token(const char *s)
{
	size_t i = 0;

	while ((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= 'A' && s[i] <= 'Z') ||
	       (s[i] >= '0' && s[i] <= '9') || (s[i] && strchr("-._~+/", s[i])))
		i++;
	if (i == 0)
		return false;
	while (s[i] == '=')
		i++;
	return s[i] == '\0';
}

int registry_auth_token_parse(const char *body, size_t len, char **token, long *expires_in,
			      char *err, size_t errlen)
{
	json_error_t jerr;
	json_t *root = json_loadb(body, len, JSON_REJECT_DUPLICATES, &jerr);
	const json_t *t, *e;

	*token = NULL;
	*expires_in = 60;
	if (!json_is_object(root)) {
		json_decref(root);
		image_errf(err, errlen, "the token service's answer is not a JSON object");
		return -1;
	}
	t = json_object_get(root, "token");
	if (!json_is_string(t) || json_string_length(t) == 0)
		t = json_object_get(root, "access_token");
	if (!json_is_string(t) || json_string_length(t) > AUTH_TOKEN_MAX ||
	    !is_b64token(json_string_value(t))) {
		json_decref(root);
		image_errf(err, errlen, "the token service's answer has no valid token");
		return -1;
	}
	e = json_object_get(root, "expires_in");
	if (json_is_integer(e) && json_integer_value(e) > 60)
		*expires_in = json_integer_value(e) > 86400 ? 86400 : (long)json_integer_value(e);
	*token = strdup(json_string_value(t));
	json_decref(root);
	if (!*token) {
		image_errf(err, errlen, "out of memory");
		return -1;
	}
	return 0;
}

/* ---- Docker config.json ------------------------------------------------- */

void registry_auth_config_free(struct registry_auth_config *c)
{
	for (size_t i = 0; i < c->n; i++) {
		free(c->creds[i].host);
		free(c->creds[i].username);
		if (c->creds[i].password)
			memset(c->creds[i].password, 0, strlen(c->creds[i].password));
		free(c->creds[i].password);
	}
	free(c->creds);
	c->creds = NULL;
	c->n = 0;
}

/* "https://host:port/v1/" -> "host:port"; Docker's legacy name of its
 * default registry -> docker.io. NULL when empty or out of memory. */
static char *normalise_key(const char *key)
{
	const char *start = key, *end;
	char *host;
	struct imageref probe;
	char ref[IMAGEREF_DOMAIN_MAX + 8];
	size_t n;

	if (strncasecmp(start, "https://", 8) == 0)
		start += 8;
	else if (strncasecmp(start, "http://", 7) == 0)
		start += 7;
	end = strchr(start, '/');
	n = end ? (size_t)(end - start) : strlen(start);
	if (n == 0 || n > IMAGEREF_DOMAIN_MAX)
		return NULL;
	/* the reference parser's own domain rules, on "host/x" */
	memcpy(ref, start, n);
	memcpy(ref + n, "/x", 3);
	if (memchr(start, '.', n) || memchr(start, ':', n) ||
	    (n == 9 && memcmp(start, "localhost", 9) == 0)) {
		if (imageref_parse(ref, &probe, NULL, 0) == 0)
			return strdup(probe.domain);
	}
	host = malloc(n + 1);
	if (host) {
		memcpy(host, start, n);
		host[n] = '\0';
	}
	return host;
}

/* base64 "user:password" -> the two parts. -1 when malformed. */
static int decode_auth(const char *b64, char **user, char **password)
{
	struct base64_decode_ctx ctx;
	size_t len = strlen(b64), out_len = BASE64_DECODE_LENGTH(len);
	uint8_t *buf = malloc(out_len + 1);
	char *colon;

	*user = *password = NULL;
	if (!buf)
		return -1;
	base64_decode_init(&ctx);
	if (!base64_decode_update(&ctx, &out_len, buf, len, b64) || !base64_decode_final(&ctx) ||
	    memchr(buf, '\0', out_len)) {
		free(buf);
		return -1;
	}
	buf[out_len] = '\0';
	colon = strchr((char *)buf, ':');
	if (!colon || colon == (char *)buf || text_has_control((char *)buf)) {
		memset(buf, 0, out_len);
		free(buf);
		return -1;
	}
	*colon = '\0';
	*user = strdup((char *)buf);
	*password = strdup(colon + 1);
	memset(buf, 0, out_len);
	free(buf);
	if (!*user || !*password) {
		free(*user);
		free(*password);
		*user = *password = NULL;
		return -1;
	}
	return 0;
}

static int add_entry(struct registry_auth_config *out, const char *key, const json_t *entry,
		     char *err, size_t errlen)
{
	const json_t *auth = json_object_get(entry, "auth");
	const json_t *u = json_object_get(entry, "username");
	const json_t *pw = json_object_get(entry, "password");
	struct registry_credential c = {NULL, NULL, NULL};
	struct registry_credential *grown;

	if (!json_is_object(entry)) {
		image_errf(err, errlen, "registry config: auths.\"%.100s\" is not an object", key);
		return -1;
	}
	bool has_auth = json_is_string(auth) && json_string_length(auth) > 0;
	bool has_user = json_is_string(u) && json_is_string(pw) && json_string_length(u) > 0;

	if (!has_auth && !has_user)
		return 0; /* identitytoken only, or nothing usable */
	if (has_auth) {
		if (decode_auth(json_string_value(auth), &c.username, &c.password) != 0) {
			image_errf(
				err, errlen,
				"registry config: auths.\"%.100s\".auth is not base64 of user:password",
				key);
			return -1;
		}
	} else {
		const char *us = json_string_value(u), *ps = json_string_value(pw);

		if (text_has_control(us) || text_has_control(ps) || strchr(us, ':') ||
		    strlen(us) != json_string_length(u) || strlen(ps) != json_string_length(pw)) {
			image_errf(
				err, errlen,
				"registry config: auths.\"%.100s\": invalid username or password",
				key);
			return -1;
		}
		c.username = strdup(us);
		c.password = strdup(ps);
	}
	c.host = normalise_key(key);
	grown = c.host && c.username && c.password ?
		realloc(out->creds, (out->n + 1) * sizeof(*out->creds)) :
		NULL;
	if (!grown) {
		free(c.host);
		free(c.username);
		free(c.password);
		image_errf(err, errlen, "registry config: auths.\"%.100s\": invalid registry name",
			   key);
		return -1;
	}
	out->creds = grown;
	out->creds[out->n++] = c;
	return 0;
}

int registry_auth_config_parse(const char *json, size_t len, struct registry_auth_config *out,
			       char *err, size_t errlen)
{
	json_error_t jerr;
	json_t *root = json_loadb(json, len, JSON_REJECT_DUPLICATES, &jerr);
	const json_t *auths, *entry;
	const char *key;

	out->creds = NULL;
	out->n = 0;
	if (!json_is_object(root)) {
		image_errf(err, errlen, "registry config is not a JSON object%s%s",
			   root ? "" : ": ", root ? "" : jerr.text);
		json_decref(root);
		return -1;
	}
	auths = json_object_get(root, "auths");
	if (auths && !json_is_object(auths)) {
		image_errf(err, errlen, "registry config: auths is not an object");
		json_decref(root);
		return -1;
	}
	json_object_foreach((json_t *)auths, key, entry) {
		if (add_entry(out, key, entry, err, errlen) != 0) {
			registry_auth_config_free(out);
			json_decref(root);
			return -1;
		}
	}
	json_decref(root);
	return 0;
}

const struct registry_credential *registry_auth_config_find(const struct registry_auth_config *c,
							    const char *host)
{
	for (size_t i = 0; i < c->n; i++)
		if (strcasecmp(c->creds[i].host, host) == 0)
			return &c->creds[i];
	return NULL;
}
