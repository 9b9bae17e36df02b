/* Registry authentication, the pure part: the WWW-Authenticate header of a
 * 401 answer (RFC 7235 challenges: a careful parser for this one header,
 * not for HTTP), the token service's answer, and credentials from a Docker
 * config.json (`auths`: "auth" base64 of user:password, or "username" and
 * "password"). */
#ifndef REGISTRY_AUTH_H
#define REGISTRY_AUTH_H

#include <stdbool.h>
#include <stddef.h>

#define AUTH_HEADER_MAX 4096
#define AUTH_REALM_MAX 2048
#define AUTH_SERVICE_MAX 512
#define AUTH_SCOPE_MAX 1024
#define AUTH_TOKEN_MAX 16384

enum registry_auth_scheme { AUTH_NONE, AUTH_BASIC, AUTH_BEARER };

struct registry_auth_challenge {
	enum registry_auth_scheme scheme;
	char realm[AUTH_REALM_MAX + 1];
	char service[AUTH_SERVICE_MAX + 1];
	char scope[AUTH_SCOPE_MAX + 1];
};

/* The challenge to answer among those in header: the first Bearer one,
 * else the first Basic one. Schemes are case-insensitive, parameter
 * values tokens or quoted strings (with backslash escapes); a parameter
 * given twice, a control character, an unterminated string or a value
 * over its bound makes the header malformed. Bearer needs a realm.
 * 0, or -1 (out->scheme AUTH_NONE). */
int registry_auth_challenge_parse(const char *header, struct registry_auth_challenge *out);

/* The token service's JSON answer: "token" (or "access_token") and
 * "expires_in" (seconds; 60 when absent or smaller, as Docker does).
 * The token must be a b64token (RFC 6750: letters, digits, "-._~+/", then
 * "="s): it goes into an Authorization header. *token is malloc'ed.
 * 0, or -1 with a reason. */
int registry_auth_token_parse(const char *body, size_t len, char **token, long *expires_in,
			      char *err, size_t errlen);

struct registry_credential {
	char *host; /* "host[:port]" as the key named it, normalised */
	char *username;
	char *password;
};

struct registry_auth_config {
	struct registry_credential *creds;
	size_t n;
};

/* Parses a Docker config.json. Keys of `auths` may be "host[:port]",
 * "https://host[:port]/..." or "http://..."; the scheme and path are
 * dropped, and Docker's legacy name of its default registry becomes
 * docker.io. Entries with neither a valid "auth" nor username+password
 * (e.g. only an identitytoken) are skipped; credsStore and credHelpers
 * are not used. A malformed "auth" (not base64, no ':', control
 * characters) is an error. 0, or -1 with a reason (out then empty). */
int registry_auth_config_parse(const char *json, size_t len, struct registry_auth_config *out,
			       char *err, size_t errlen);
/* The credential for host ("host" or "host:port", case-insensitive), or
 * NULL. */
const struct registry_credential *registry_auth_config_find(const struct registry_auth_config *c,
							    const char *host);
void registry_auth_config_free(struct registry_auth_config *c);

#endif
