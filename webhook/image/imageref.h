/* Image references with Docker's rules (distribution/reference,
 * ParseNormalizedNamed): what a pod's `image` field names.
 *
 *   reference := name [ ":" tag ] [ "@" digest ]
 *   name      := [ domain "/" ] path
 *   domain    := host [ ":" port ]     host: DNS-like name or [IPv6]
 *   path      := component ( "/" component )*   lowercase a-z0-9 with
 *                ".", "_", "__" or "-"+ between alphanumerics
 *   tag       := [A-Za-z0-9_][A-Za-z0-9_.-]{0,127}
 *   digest    := sha256|sha384|sha512 ":" lowercase hex of that length
 *
 * Normalisation: the part before the first "/" is a domain only if it is
 * "localhost", contains "." or ":", or has an uppercase letter; otherwise
 * the domain is docker.io (and its legacy name index.docker.io becomes
 * docker.io). A docker.io path of one component gets "library/". No tag
 * and no digest means the tag "latest". Pure. */
#ifndef IMAGE_REF_H
#define IMAGE_REF_H

#include <stdbool.h>
#include <stddef.h>

#include "imagedigest.h"

#define IMAGEREF_DOMAIN_MAX 255 /* our bound; DNS names stop at 253 */
#define IMAGEREF_PATH_MAX 255   /* Docker's RepositoryNameTotalLengthMax */
#define IMAGEREF_TAG_MAX 128
#define IMAGEREF_INPUT_MAX 1024 /* longer input is refused before parsing */
/* domain "/" path ":" tag "@" digest */
#define IMAGEREF_TEXT_MAX \
	(IMAGEREF_DOMAIN_MAX + 1 + IMAGEREF_PATH_MAX + 1 + IMAGEREF_TAG_MAX + 1 + IMAGE_DIGEST_MAX)

/* The default registry of Docker's rules (a name, not an endpoint: which
 * host serves it is the registry client's configuration). */
#define IMAGEREF_DEFAULT_DOMAIN "docker.io"

struct imageref {
	char domain[IMAGEREF_DOMAIN_MAX + 1]; /* "docker.io", "localhost:5000", "[::1]:5000" */
	char path[IMAGEREF_PATH_MAX + 1];     /* "library/busybox" */
	char tag[IMAGEREF_TAG_MAX + 1];       /* "latest" when neither tag nor digest was given */
	char digest[IMAGE_DIGEST_MAX + 1];    /* "" or "sha256:<hex>" */
	bool tag_defaulted;                   /* tag is the default "latest" */
};

/* Parses text. 0, or -1 with a one-line reason in err (out is then all
 * zero). */
int imageref_parse(const char *text, struct imageref *out, char *err, size_t errlen);

/* "domain/path" into buf (at least IMAGEREF_TEXT_MAX + 1 bytes fit every
 * result). Returns the length, or -1 when buf is too small. */
int imageref_name(const struct imageref *r, char *buf, size_t len);
/* The canonical form: "domain/path@digest" when there is a digest (a tag
 * given with it is dropped, as the runtime pulls by digest), otherwise
 * "domain/path:tag". Returns the length or -1. */
int imageref_canonical(const struct imageref *r, char *buf, size_t len);

/* The port of the domain (0 when none) and the host without it into host
 * (hostlen >= IMAGEREF_DOMAIN_MAX + 1). -1 when the port is above 65535. */
int imageref_host_port(const struct imageref *r, char *host, size_t hostlen, unsigned *port);

/* ---- --registry-allow: the registries whose images may be looked up ----- */

/* Checks one entry of the allow-list: a registry name exactly as an image
 * reference's normalised domain writes it ("registry.example",
 * "registry.example:5000", "localhost:5000", "[fc00::1]:5000", "docker.io"
 * for images without a registry), or "*.SUFFIX[:PORT]" (any host ending
 * in ".SUFFIX", at least one label before it, with that port or none;
 * SUFFIX's last label not all digits, so that no IPv4 address matches).
 * 0, or -1 with a one-line reason in err ("", "*", a path, a scheme, a
 * name that is no registry name, index.docker.io (write docker.io)). */
int imageref_allow_check(const char *entry, char *err, size_t errlen);

/* Whether the registry name domain (struct imageref's) matches one of the
 * n entries (each checked with imageref_allow_check): the host compared
 * without regard to ASCII case (DNS names), the port exactly as written
 * ("registry.example" is not "registry.example:443"). Pure. */
bool imageref_allowed(const char *domain, const char *const *allow, size_t n);

#endif
