/* The registry client: the Distribution / OCI API v2 over libcurl (GnuTLS).
 *
 *   GET  /v2/<name>/manifests/<tag|digest>   Accept: every manifest kind
 *   HEAD /v2/<name>/manifests/<tag>          the digest a tag names now
 *   GET  /v2/<name>/blobs/<digest>           the config blob
 *
 * Everything it reads goes through registry_manifest_resolve (registry_manifest.h),
 * which checks each document against its digest and size. Every answer is
 * bounded (manifests 4 MiB, configs 8 MiB, other answers 64 KiB) and each
 * lookup has one deadline for all of its requests.
 *
 * Authentication: anonymous first; on a 401 the WWW-Authenticate
 * challenge decides: Bearer (a token from the realm for
 * "repository:<name>:pull", asked with the registry's credentials when
 * there are some, else anonymously; kept until it expires) or Basic (the
 * credentials). Credentials come from a Docker config.json, found by the
 * reference's registry name (then by the endpoint's host). A realm or a
 * redirect must be https, or http to a host listed as insecure.
 * Redirects (a registry sends blobs to storage with a 307) are followed
 * by hand, at most 5, and credentials go only to the registry's own
 * origin (scheme, host and port), never to the storage.
 *
 * TLS: the system's CA bundle, or only --registry-ca's when given; peer
 * and host name always verified, TLS 1.2 at least. Plain HTTP only to
 * hosts listed with --insecure-registry (exactly "host:port", or "host"
 * for port 80). HTTP(S) proxies from the usual environment variables
 * (libcurl's defaults) are used. */
#ifndef REGISTRY_H
#define REGISTRY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "image.h"
#include "imageconfig.h"
#include "imagedigest.h"
#include "imageref.h"

#define REGISTRY_SMALL_ANSWER_MAX (64u << 10)
#define REGISTRY_MAX_REDIRECTS 5
#define REGISTRY_CONFIG_FILE_MAX (1u << 20)

struct registry_options {
	/* "os/arch[/variant]"; NULL: linux/amd64 */
	const char *platform;
	/* --registry-ca: a PEM bundle trusted instead of the system's; NULL: the system's */
	const char *ca_file;
	/* --registry-config: a Docker config.json; NULL: anonymous only */
	const char *config_file;
	/* --insecure-registry: "host:port" entries reached over plain HTTP */
	const char *const *insecure;
	size_t n_insecure;
	/* --registry-endpoint: "NAME=HOST[:PORT]": the registry named NAME in
	 * image references is reached at HOST[:PORT] (a mirror, or the API
	 * host of docker.io: Docker's default registry has no endpoint
	 * unless one is given here). */
	const char *const *endpoints;
	size_t n_endpoints;
	/* the User-Agent header; NULL: "strict-groups-webhook" */
	const char *user_agent;
};

struct registry_client;

/* Checks the options (platform, endpoints, insecure entries, the CA file
 * readable, the config.json parsed) and sets libcurl up. NULL with a
 * reason on error. Thread-safe to use from many threads at once; free it
 * when no lookup runs any more. */
struct registry_client *registry_client_new(const struct registry_options *o, char *err,
					    size_t errlen);
void registry_client_free(struct registry_client *c);

/* Reads what ref names (its digest when it has one, else its tag) and
 * resolves it for the client's platform. deadline_ns: CLOCK_MONOTONIC. */
enum image_error registry_resolve(struct registry_client *c, const struct imageref *ref,
				  uint64_t deadline_ns, struct imageconfig *out, char *err,
				  size_t errlen);

/* The digest ref's tag names now, from a HEAD request's
 * Docker-Content-Digest (a HEAD does not count against Docker Hub's pull
 * limit). IMAGE_ERR_UNSUPPORTED when the registry sends no digest. */
enum image_error registry_head_tag(struct registry_client *c, const struct imageref *ref,
				   uint64_t deadline_ns, char digest[IMAGE_DIGEST_MAX + 1],
				   char *err, size_t errlen);

/* HTTP requests sent so far (for the metrics). */
uint64_t registry_requests(const struct registry_client *c);

/* CLOCK_MONOTONIC in nanoseconds. */
uint64_t registry_now_ns(void);

#endif
