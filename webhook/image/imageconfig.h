/* What the webhook needs from an image: its ENTRYPOINT, CMD and USER, the
 * platform they were read for, and the digest that pins them. Parsing the
 * image's config blob (OCI image config or Docker's, the same document),
 * platforms ("os/arch[/variant]") and the USER string. Pure (jansson). */
#ifndef IMAGE_CONFIG_H
#define IMAGE_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define IMAGE_PLATFORM_FIELD_MAX 31

/* An OCI platform, normalised the way containerd compares them:
 * architecture aliases (x86_64 -> amd64, aarch64 -> arm64), arm64's "v8"
 * and amd64's "v1" are the default (""), arm without a variant is "v7". */
struct image_platform {
	char os[IMAGE_PLATFORM_FIELD_MAX + 1];
	char arch[IMAGE_PLATFORM_FIELD_MAX + 1];
	char variant[IMAGE_PLATFORM_FIELD_MAX + 1];
};

/* "os/arch[/variant]" (lowercase letters, digits, '_', '-' and '.';
 * each part at most 31 characters). 0 or -1 with a reason. */
int image_platform_parse(const char *text, struct image_platform *out,
			 char *err, size_t errlen);
/* Fills out from the three fields as they appear in an index entry or a
 * config blob (variant may be NULL or ""), normalised. 0, or -1 when a
 * field is empty (os, arch), too long, or has other characters. */
int image_platform_set(struct image_platform *out, const char *os,
		       const char *arch, const char *variant);
bool image_platform_equal(const struct image_platform *a,
			  const struct image_platform *b);
/* "os/arch" or "os/arch/variant" (at least 96 bytes). */
void image_platform_format(const struct image_platform *p, char *buf,
			   size_t len);

/* The result of a lookup (and the part of a config blob the webhook uses).
 * Every pointer is owned (malloc'ed); image_config_free releases them. */
struct image_config {
	char *digest_ref;      /* "domain/path@sha256:..." of what was read (the index or
				* manifest the tag named): what the pod is pinned to */
	char *manifest_digest; /* the platform's image manifest ("sha256:...") */
	char *platform;        /* the platform read, "linux/amd64" */
	char **entrypoint;     /* ENTRYPOINT, n_entrypoint strings */
	size_t n_entrypoint;
	char **cmd;            /* CMD, n_cmd strings */
	size_t n_cmd;
	char *user;            /* USER as written ("" when unset: root) */
	bool has_entrypoint;   /* Entrypoint present and not null (maybe []) */
	bool has_cmd;          /* Cmd present and not null (maybe []) */
};

/* Limits on a config's exec fields (a hostile image could list millions). */
#define IMAGE_CONFIG_MAX_ARGS 4096
#define IMAGE_CONFIG_MAX_USER 256

/* Parses a config blob: config.Entrypoint, config.Cmd (arrays of strings
 * or null), config.User (string), and the platform (os, architecture,
 * variant; *has_platform false when os or architecture is missing).
 * digest_ref, manifest_digest and platform of out stay NULL. 0, or -1 with
 * a reason (out then empty). */
int image_config_parse(const char *body, size_t len, struct image_config *out,
		       struct image_platform *platform, bool *has_platform,
		       char *err, size_t errlen);

/* A deep copy; 0 or -1 (out of memory: dst empty). */
int image_config_copy(struct image_config *dst, const struct image_config *src);
void image_config_free(struct image_config *c);
/* The memory a copy holds (for the cache's budget). */
size_t image_config_bytes(const struct image_config *c);
/* The same ENTRYPOINT, CMD and USER as far as the container's process is
 * concerned: null and [] are the same, and so are ENTRYPOINT [""] and none
 * (containerd drops it, see imageargv.h); USER compared as written. When
 * they differ, what names the difference (at least 64 bytes). */
bool image_config_same_exec(const struct image_config *a,
			    const struct image_config *b, char *what,
			    size_t whatlen);

/* USER of an image: "", "name", "uid", "name:group", "uid:gid", ... */
struct image_user {
	bool uid_numeric; /* the user part is a number (uid) */
	uint32_t uid;
	bool has_group;   /* a ":group" part is present */
	bool gid_numeric; /* the group part is a number (gid) */
	uint32_t gid;
};
/* 0, or -1 when a part is empty (":", "1000:"), a number is out of range
 * (above 4294967294) or the text has a control character. An empty
 * string is root with the image's own primary group (uid_numeric, uid 0,
 * no group). */
int image_user_parse(const char *user, struct image_user *out);

#endif
