/* Manifests as registries serve them (OCI image index, Docker manifest
 * list, OCI and Docker image manifests) and the resolution of one image
 * reference into the ENTRYPOINT, CMD and USER a platform runs. Pure: the
 * documents come through a fetch callback (the registry client's HTTP, or
 * fixture files in the unit tests), and every one is checked here against
 * the digest and size that named it.
 *
 * An index is resolved by reading every platform's manifest and config
 * (attestation entries, with platform unknown/unknown or the annotation
 * vnd.docker.reference.type=attestation-manifest, are skipped): the pod
 * is pinned to the index's digest, so each node runs its own platform's
 * image, and the webhook can only copy one ENTRYPOINT/CMD/USER into the
 * pod. If any two platforms differ in them the result is
 * IMAGE_ERR_PLATFORMS_DISAGREE, never a guess. */
#ifndef REGISTRY_MANIFEST_H
#define REGISTRY_MANIFEST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "image.h"
#include "imageconfig.h"
#include "imagedigest.h"

#define MEDIA_OCI_INDEX "application/vnd.oci.image.index.v1+json"
#define MEDIA_DOCKER_LIST "application/vnd.docker.distribution.manifest.list.v2+json"
#define MEDIA_OCI_MANIFEST "application/vnd.oci.image.manifest.v1+json"
#define MEDIA_DOCKER_MANIFEST "application/vnd.docker.distribution.manifest.v2+json"
#define MEDIA_OCI_CONFIG "application/vnd.oci.image.config.v1+json"
#define MEDIA_DOCKER_CONFIG "application/vnd.docker.container.image.v1+json"

/* The Accept header of a manifest request: every kind above, nothing
 * else (a registry then never answers with schema 1). */
#define REGISTRY_MANIFEST_ACCEPT \
	MEDIA_OCI_INDEX ", " MEDIA_DOCKER_LIST ", " MEDIA_OCI_MANIFEST ", " MEDIA_DOCKER_MANIFEST

#define MANIFEST_MAX_BYTES (4u << 20) /* containerd's limit too */
#define CONFIG_MAX_BYTES (8u << 20)
#define MANIFEST_MAX_ENTRIES 64 /* platforms in an index */
#define MEDIA_TYPE_MAX 127

enum registry_manifest_kind {
	MANIFEST_OCI_INDEX,
	MANIFEST_DOCKER_LIST,
	MANIFEST_OCI_IMAGE,
	MANIFEST_DOCKER_IMAGE,
};

struct registry_manifest_descriptor {
	char media_type[MEDIA_TYPE_MAX + 1];
	char digest[IMAGE_DIGEST_MAX + 1];
	uint64_t size;
	bool has_platform;
	struct imageconfig_platform platform; /* normalised */
	bool attestation;
};

struct registry_manifest {
	enum registry_manifest_kind kind;
	struct registry_manifest_descriptor config;   /* image manifests */
	struct registry_manifest_descriptor *entries; /* indexes */
	size_t n_entries;
};

/* Parses a manifest. content_type is the answer's Content-Type (or NULL);
 * when both it and the document's mediaType name a kind they must agree,
 * and a document with both "manifests" and "config"/"layers" is refused
 * (an ambiguous document could be read as either). IMAGE_OK, or
 * IMAGE_ERR_MALFORMED/IMAGE_ERR_UNSUPPORTED with a reason. */
enum image_error registry_manifest_parse(const char *body, size_t len, const char *content_type,
					 struct registry_manifest *out, char *err, size_t errlen);
void registry_manifest_free(struct registry_manifest *m);
bool registry_manifest_is_index(const struct registry_manifest *m);

/* Where the documents below the top one come from. */
struct registry_manifest_source {
	void *ctx;
	/* Reads what d names: a manifest (is_manifest, with its
	 * Content-Type into content_type, "" when none) or a blob. It may
	 * stop reading after d->size + 1 bytes. *body is malloc'ed. Returns
	 * IMAGE_OK or the error kind, with a reason. */
	enum image_error (*fetch)(void *ctx, const struct registry_manifest_descriptor *d,
				  bool is_manifest, char **body, size_t *len, char *content_type,
				  size_t ctlen, char *err, size_t errlen);
};

/* Resolves the document a registry answered for an image reference.
 * name is "domain/path"; expected_digest the digest the reference named,
 * or the registry's Docker-Content-Digest for a tag, or NULL (then the
 * document's sha256 is its digest). On IMAGE_OK, out has digest_ref
 * (name@digest of this document), manifest_digest and platform (of the
 * image manifest read for want), ENTRYPOINT, CMD and USER. */
enum image_error registry_manifest_resolve(const char *name, const char *body, size_t len,
					   const char *content_type, const char *expected_digest,
					   const struct imageconfig_platform *want,
					   const struct registry_manifest_source *src,
					   struct imageconfig *out, char *err, size_t errlen);

#endif
