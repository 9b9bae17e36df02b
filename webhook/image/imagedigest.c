/* Content digests: syntax (go-digest's rules) and verification (nettle). */
#include "imagedigest.h"

#include <string.h>

#include <nettle/nettle-meta.h>
#include <nettle/sha2.h>

static const struct {
	const char *name;
	size_t hex_len;
	const struct nettle_hash *hash;
} algorithms[] = {
	[DIGEST_SHA256] = {"sha256", 64, &nettle_sha256},
	[DIGEST_SHA384] = {"sha384", 96, &nettle_sha384},
	[DIGEST_SHA512] = {"sha512", 128, &nettle_sha512},
};

static bool is_lower_alnum(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}

/* go-digest's algorithm grammar: [a-z0-9]+ ([.+_-] [a-z0-9]+)* */
static bool algorithm_well_formed(const char *s, size_t len)
{
	bool need_alnum = true;

	if (len == 0)
		return false;
	for (size_t i = 0; i < len; i++) {
		if (is_lower_alnum(s[i]))
			need_alnum = false;
		else if (strchr(".+_-", s[i]) && s[i] != '\0' && !need_alnum)
			need_alnum = true;
		else
			return false;
	}
	return !need_alnum;
}

enum imagedigest_status imagedigest_check_syntax(const char *s, size_t len,
						 enum imagedigest_alg *alg)
{
	const char *colon = memchr(s, ':', len);
	size_t alen, hlen;

	if (!colon || colon == s || (size_t)(colon - s) + 1 == len)
		return DIGEST_BAD_FORMAT;
	alen = (size_t)(colon - s);
	hlen = len - alen - 1;
	for (size_t a = 0; a < sizeof(algorithms) / sizeof(algorithms[0]); a++) {
		if (strlen(algorithms[a].name) != alen || memcmp(algorithms[a].name, s, alen) != 0)
			continue;
		if (hlen != algorithms[a].hex_len)
			return DIGEST_BAD_LENGTH;
		for (size_t i = 0; i < hlen; i++) {
			char c = colon[1 + i];

			if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f')))
				return DIGEST_BAD_HEX;
		}
		if (alg)
			*alg = (enum imagedigest_alg)a;
		return DIGEST_VALID;
	}
	return algorithm_well_formed(s, alen) ? DIGEST_UNSUPPORTED : DIGEST_BAD_FORMAT;
}

const char *imagedigest_status_text(enum imagedigest_status st)
{
	switch (st) {
	case DIGEST_VALID:
		return "valid digest";
	case DIGEST_BAD_FORMAT:
		return "invalid digest format";
	case DIGEST_UNSUPPORTED:
		return "unsupported digest algorithm (sha256, sha384, sha512)";
	case DIGEST_BAD_LENGTH:
		return "invalid digest length";
	case DIGEST_BAD_HEX:
		return "digest is not lowercase hex";
	}
	return "invalid digest";
}

void imagedigest_of(enum imagedigest_alg alg, const void *data, size_t len,
		    char out[IMAGE_DIGEST_MAX + 1])
{
	static const char hex[] = "0123456789abcdef";
	const struct nettle_hash *h = algorithms[alg].hash;
	union {
		struct sha256_ctx s256;
		struct sha512_ctx s512;
	} ctx;
	unsigned char raw[SHA512_DIGEST_SIZE];
	size_t n = strlen(algorithms[alg].name);

	h->init(&ctx);
	h->update(&ctx, len, data);
	h->digest(&ctx, h->digest_size, raw);
	memcpy(out, algorithms[alg].name, n);
	out[n++] = ':';
	for (size_t i = 0; i < h->digest_size; i++) {
		out[n++] = hex[raw[i] >> 4];
		out[n++] = hex[raw[i] & 0xf];
	}
	out[n] = '\0';
}

int imagedigest_matches(const char *digest, const void *data, size_t len)
{
	enum imagedigest_alg alg;
	char actual[IMAGE_DIGEST_MAX + 1];

	if (imagedigest_check_syntax(digest, strlen(digest), &alg) != DIGEST_VALID)
		return -1;
	imagedigest_of(alg, data, len, actual);
	return strcmp(actual, digest) == 0;
}
