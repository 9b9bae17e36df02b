/* Image references with Docker's rules (imageref.h). */
#include "imageref.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "image.h"

#define LEGACY_DEFAULT_DOMAIN "index.docker.io"
#define OFFICIAL_PREFIX "library/"

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}
static bool is_lower(char c)
{
	return c >= 'a' && c <= 'z';
}
static bool is_upper(char c)
{
	return c >= 'A' && c <= 'Z';
}
static bool is_alpha(char c)
{
	return is_lower(c) || is_upper(c);
}
static bool is_alnum(char c)
{
	return is_alpha(c) || is_digit(c);
}
static bool is_hex(char c)
{
	return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}
static bool is_word(char c)
{
	return is_alnum(c) || c == '_';
}

/* A domain component: [a-zA-Z0-9] or [a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9]. */
static bool domain_component_ok(const char *s, size_t len)
{
	if (len == 0 || !is_alnum(s[0]) || !is_alnum(s[len - 1]))
		return false;
	for (size_t i = 1; i + 1 < len; i++)
		if (!is_alnum(s[i]) && s[i] != '-')
			return false;
	return true;
}

/* host [":" port]: a dot-separated domain name or "[" hex and colons "]". */
static bool domain_ok(const char *s, size_t len)
{
	size_t host_len = len;
	const char *port = NULL;

	if (len == 0)
		return false;
	if (s[0] == '[') {
		const char *close = memchr(s, ']', len);

		if (!close || close == s + 1)
			return false;
		for (const char *p = s + 1; p < close; p++)
			if (!is_hex(*p) && *p != ':')
				return false;
		host_len = (size_t)(close - s) + 1;
		if (host_len < len) {
			if (s[host_len] != ':')
				return false;
			port = s + host_len + 1;
		}
	} else {
		const char *colon = memchr(s, ':', len);
		size_t start = 0;

		if (colon) {
			host_len = (size_t)(colon - s);
			port = colon + 1;
		}
		for (size_t i = 0; i <= host_len; i++) {
			if (i == host_len || s[i] == '.') {
				if (!domain_component_ok(s + start, i - start))
					return false;
				start = i + 1;
			}
		}
	}
	if (port) {
		if (port == s + len)
			return false;
		for (const char *p = port; p < s + len; p++)
			if (!is_digit(*p))
				return false;
	}
	return true;
}

/* A path component: [a-z0-9]+ ((\.|_|__|-+)[a-z0-9]+)*. */
static bool path_component_ok(const char *s, size_t len)
{
	size_t i = 0;

	while (i < len) {
		size_t run = i;

		while (i < len && (is_lower(s[i]) || is_digit(s[i])))
			i++;
		if (i == run)
			return false; /* empty, or a separator first/last/twice */
		if (i == len)
			return true;
		if (s[i] == '.') {
			i++;
		} else if (s[i] == '_') {
			i += (i + 1 < len && s[i + 1] == '_') ? 2 : 1;
		} else if (s[i] == '-') {
			while (i < len && s[i] == '-')
				i++;
		} else {
			return false;
		}
		if (i == len)
			return false;
	}
	return len > 0;
}

static bool path_ok(const char *s, size_t len)
{
	size_t start = 0;

	for (size_t i = 0; i <= len; i++) {
		if (i == len || s[i] == '/') {
			if (!path_component_ok(s + start, i - start))
				return false;
			start = i + 1;
		}
	}
	return true;
}

static bool tag_ok(const char *s, size_t len)
{
	if (len == 0 || len > IMAGEREF_TAG_MAX || !is_word(s[0]))
		return false;
	for (size_t i = 1; i < len; i++)
		if (!is_word(s[i]) && s[i] != '.' && s[i] != '-')
			return false;
	return true;
}

/* The reference grammar's digest: [A-Za-z][A-Za-z0-9]*([-_+.][A-Za-z][A-Za-z0-9]*)*
 * ":" [0-9a-fA-F]{32,}. go-digest's stricter rules come after. */
static bool digest_grammar_ok(const char *s, size_t len)
{
	const char *colon = memchr(s, ':', len);
	bool need_alpha = true;

	if (!colon)
		return false;
	for (const char *p = s; p < colon; p++) {
		if (need_alpha) {
			if (!is_alpha(*p))
				return false;
			need_alpha = false;
		} else if (strchr("-_+.", *p) && *p) {
			need_alpha = true;
		} else if (!is_alnum(*p)) {
			return false;
		}
	}
	if (need_alpha || (size_t)(s + len - colon - 1) < 32)
		return false;
	for (const char *p = colon + 1; p < s + len; p++)
		if (!is_hex(*p))
			return false;
	return true;
}

static bool is_identifier(const char *s, size_t len)
{
	if (len != 64)
		return false;
	for (size_t i = 0; i < len; i++)
		if (!is_digit(s[i]) && !(s[i] >= 'a' && s[i] <= 'f'))
			return false;
	return true;
}

static bool has_upper(const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if (is_upper(s[i]))
			return true;
	return false;
}

static void copy_field(char *dst, const char *src, size_t len)
{
	memcpy(dst, src, len);
	dst[len] = '\0';
}

static int fail(struct imageref *out, char *err, size_t errlen, const char *text, const char *why)
{
	memset(out, 0, sizeof(*out));
	image_errf(err, errlen, "invalid image reference \"%.300s\": %s", text, why);
	return -1;
}

int imageref_parse(const char *text, struct imageref *out, char *err, size_t errlen)
{
	size_t len = strnlen(text, IMAGEREF_INPUT_MAX + 1);
	const char *at, *slash, *name, *colon, *end;
	const char *domain = IMAGEREF_DEFAULT_DOMAIN;
	size_t domain_len = strlen(IMAGEREF_DEFAULT_DOMAIN), path_len;
	bool add_library = false;

	memset(out, 0, sizeof(*out));
	if (len == 0)
		return fail(out, err, errlen, text, "empty");
	if (len > IMAGEREF_INPUT_MAX)
		return fail(out, err, errlen, "...", "longer than 1024 characters");
	if (is_identifier(text, len))
		return fail(out, err, errlen, text,
			    "a 64-character hexadecimal string is an image ID, not a name");

	/* The digest: neither the name nor the tag may contain '@'. */
	end = text + len;
	at = memchr(text, '@', len);
	if (at) {
		size_t dlen = (size_t)(end - at - 1);
		enum imagedigest_status st;

		if (!digest_grammar_ok(at + 1, dlen))
			return fail(out, err, errlen, text, "invalid digest format");
		st = imagedigest_check_syntax(at + 1, dlen, NULL);
		if (st != DIGEST_VALID)
			return fail(out, err, errlen, text, imagedigest_status_text(st));
		copy_field(out->digest, at + 1, dlen);
		end = at;
	}

	/* The domain: Docker's splitDockerDomain. */
	name = text;
	slash = memchr(text, '/', (size_t)(end - text));
	if (slash) {
		size_t first = (size_t)(slash - text);

		if ((first == 9 && memcmp(text, "localhost", 9) == 0) || memchr(text, '.', first) ||
		    memchr(text, ':', first) || has_upper(text, first)) {
			domain = text;
			domain_len = first;
			name = slash + 1;
			if (first == strlen(LEGACY_DEFAULT_DOMAIN) &&
			    memcmp(text, LEGACY_DEFAULT_DOMAIN, first) == 0) {
				domain = IMAGEREF_DEFAULT_DOMAIN;
				domain_len = strlen(IMAGEREF_DEFAULT_DOMAIN);
			}
		}
	}
	if (domain_len > IMAGEREF_DOMAIN_MAX)
		return fail(out, err, errlen, text, "registry name longer than 255 characters");
	if (!domain_ok(domain, domain_len))
		return fail(out, err, errlen, text, "invalid registry name");

	/* The tag: after the first ':' of what follows the domain (a path
	 * has none). */
	colon = memchr(name, ':', (size_t)(end - name));
	path_len = (size_t)((colon ? colon : end) - name);
	if (has_upper(name, path_len))
		return fail(out, err, errlen, text, "repository name must be lowercase");
	if (domain_len == strlen(IMAGEREF_DEFAULT_DOMAIN) &&
	    memcmp(domain, IMAGEREF_DEFAULT_DOMAIN, domain_len) == 0 &&
	    !memchr(name, '/', path_len))
		add_library = true;
	if (!path_ok(name, path_len))
		return fail(out, err, errlen, text, "invalid repository name");
	if (path_len + (add_library ? strlen(OFFICIAL_PREFIX) : 0) > IMAGEREF_PATH_MAX)
		return fail(out, err, errlen, text, "repository name longer than 255 characters");
	if (colon) {
		size_t tlen = (size_t)(end - colon - 1);

		if (!tag_ok(colon + 1, tlen))
			return fail(out, err, errlen, text, "invalid tag");
		copy_field(out->tag, colon + 1, tlen);
	}

	copy_field(out->domain, domain, domain_len);
	if (add_library) {
		copy_field(out->path, OFFICIAL_PREFIX, strlen(OFFICIAL_PREFIX));
		copy_field(out->path + strlen(OFFICIAL_PREFIX), name, path_len);
	} else {
		copy_field(out->path, name, path_len);
	}
	if (!colon && !at) {
		copy_field(out->tag, "latest", strlen("latest"));
		out->tag_defaulted = true;
	}
	return 0;
}

static int fits(int n, size_t len)
{
	return (n < 0 || (size_t)n >= len) ? -1 : n;
}

int imageref_name(const struct imageref *r, char *buf, size_t len)
{
	return fits(snprintf(buf, len, "%s/%s", r->domain, r->path), len);
}

int imageref_canonical(const struct imageref *r, char *buf, size_t len)
{
	if (r->digest[0])
		return fits(snprintf(buf, len, "%s/%s@%s", r->domain, r->path, r->digest), len);
	return fits(snprintf(buf, len, "%s/%s:%s", r->domain, r->path, r->tag), len);
}

int imageref_host_port(const struct imageref *r, char *host, size_t hostlen, unsigned *port)
{
	const char *d = r->domain;
	const char *colon = d[0] == '[' ? strstr(d, "]:") : strchr(d, ':');
	size_t hlen;
	unsigned long p = 0;

	if (colon && d[0] == '[')
		colon++;
	hlen = colon ? (size_t)(colon - d) : strlen(d);
	if (hlen >= hostlen)
		return -1;
	copy_field(host, d, hlen);
	if (colon) {
		for (const char *c = colon + 1; *c; c++) {
			p = p * 10 + (unsigned long)(*c - '0');
			if (p > 65535)
				return -1;
		}
		if (p == 0)
			return -1;
	}
	*port = (unsigned)p;
	return 0;
}

/* ---- --registry-allow ------------------------------------------------------ */

#define WILDCARD "*."

int imageref_allow_check(const char *entry, char *err, size_t errlen)
{
	char text[IMAGEREF_DOMAIN_MAX + 8];
	struct imageref ref;
	bool wildcard = strncmp(entry, WILDCARD, strlen(WILDCARD)) == 0;
	const char *name = wildcard ? entry + 1 : entry; /* ".suffix" */
	size_t len = strnlen(entry, IMAGEREF_DOMAIN_MAX + 1), domain_len;

	if (len == 0) {
		image_errf(err, errlen, "empty registry name");
		return -1;
	}
	if (len > IMAGEREF_DOMAIN_MAX) {
		image_errf(err, errlen, "registry name longer than %d characters",
			   IMAGEREF_DOMAIN_MAX);
		return -1;
	}
	if (strchr(name, '*')) {
		image_errf(err, errlen,
			   "\"%.100s\": '*' only as \"*.SUFFIX\" (to look up every "
			   "registry, leave --registry-allow out)",
			   entry);
		return -1;
	}
	/* what an image reference with this registry would normalise to:
	 * "x" stands for the wildcard's label */
	snprintf(text, sizeof(text), "%s%s/x", wildcard ? "x" : "", name);
	domain_len = strlen(text) - 2;
	if (imageref_parse(text, &ref, NULL, 0) != 0 || strlen(ref.domain) != domain_len ||
	    strncmp(ref.domain, text, domain_len) != 0) {
		image_errf(err, errlen,
			   "\"%.100s\": not a registry name as an image reference "
			   "writes it (HOST or HOST:PORT, e.g. registry.example:5000, docker.io)",
			   entry);
		return -1;
	}
	if (wildcard) {
		const char *end = strchr(name, ':'), *label;

		if (!end)
			end = name + strlen(name);
		for (label = end; label > name && label[-1] != '.'; label--)
			;
		while (label < end && *label >= '0' && *label <= '9')
			label++;
		if (label == end) {
			image_errf(err, errlen,
				   "\"%.100s\": a wildcard's last label must not be all "
				   "digits (it would match IPv4 addresses)",
				   entry);
			return -1;
		}
	}
	return 0;
}

/* "*.suffix[:port]" against domain: a host ending in ".suffix" with one
 * label or more before it, and the same port (or none on both). */
static bool wildcard_match(const char *entry, const char *domain)
{
	const char *suffix = entry + 1; /* ".suffix[:port]" */
	const char *sport = strchr(suffix, ':'), *dport;
	size_t slen, dlen;

	if (domain[0] == '[')
		return false;
	dport = strchr(domain, ':');
	slen = sport ? (size_t)(sport - suffix) : strlen(suffix);
	dlen = dport ? (size_t)(dport - domain) : strlen(domain);
	if (strcmp(sport ? sport : "", dport ? dport : "") != 0)
		return false;
	return dlen > slen && strncasecmp(domain + dlen - slen, suffix, slen) == 0;
}

bool imageref_allowed(const char *domain, const char *const *allow, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		bool wildcard = strncmp(allow[i], WILDCARD, strlen(WILDCARD)) == 0;

		if (wildcard ? wildcard_match(allow[i], domain) : strcasecmp(allow[i], domain) == 0)
			return true;
	}
	return false;
}
