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
struct imageconfig_platform {
	char os[IMAGE_PLATFORM_FIELD_MAX + 1];
	char arch[IMAGE_PLATFORM_FIELD_MAX + 1];
	char variant[IMAGE_PLATFORM_FIELD_MAX + 1];
};

/* "os/arch[/variant]" (lowercase letters, digits, '_', '-' and '.';
 * each part at most 31 characters). 0 or -1 with a reason. */
int imageconfig_platform_parse(const char *text, struct imageconfig_platform *out, char *err,
			       size_t errlen);
/* Fills out from the three fields as they appear in an index entry or a
 * config blob (variant may be NULL or ""), normalised. 0, or -1 when a
 * field is empty (os, arch), too long, or has other characters. */
int imageconfig_platform_set(struct imageconfig_platform *out, const char *os, const char *arch,
			     const char *variant);
bool imageconfig_platform_equal(const struct imageconfig_platform *a,
				const struct imageconfig_platform *b);
/* "os/arch" or "os/arch/variant" (at least 96 bytes). */
void imageconfig_platform_format(const struct imageconfig_platform *p, char *buf, size_t len);

/* The result of a lookup (and the part of a config blob the webhook uses).
 * Every pointer is owned (malloc'ed); imageconfig_free releases them. */
struct imageconfig {
	char *digest_ref;      /* "domain/path@sha256:..." of what was read (the index or
				* manifest the tag named): what the pod is pinned to */
	char *manifest_digest; /* the platform's image manifest ("sha256:...") */
	char *platform;        /* the platform read, "linux/amd64" */
	char **entrypoint;     /* ENTRYPOINT, n_entrypoint strings */
	size_t n_entrypoint;
	char **cmd; /* CMD, n_cmd strings */
	size_t n_cmd;
	char *user;          /* USER as written ("" when unset: root) */
	bool has_entrypoint; /* Entrypoint present and not null (maybe []) */
	bool has_cmd;        /* Cmd present and not null (maybe []) */
};

/* Limits on a config's exec fields (a hostile image could list millions). */
#define IMAGE_CONFIG_MAX_ARGS 4096
#define IMAGE_CONFIG_MAX_USER 256

/* Parses a config blob: config.Entrypoint, config.Cmd (arrays of strings
 * or null), config.User (string), and the platform (os, architecture,
 * variant; *has_platform false when os or architecture is missing).
 * digest_ref, manifest_digest and platform of out stay NULL. 0, or -1 with
 * a reason (out then empty). */
int imageconfig_parse(const char *body, size_t len, struct imageconfig *out,
		      struct imageconfig_platform *platform, bool *has_platform, char *err,
		      size_t errlen);

/* A deep copy; 0 or -1 (out of memory: dst empty). */
int imageconfig_copy(struct imageconfig *dst, const struct imageconfig *src);
void imageconfig_free(struct imageconfig *c);
/* The memory a copy holds (for the cache's budget). */
size_t imageconfig_bytes(const struct imageconfig *c);
/* The same ENTRYPOINT, CMD and USER as far as the container's process is
 * concerned: null and [] are the same, and so are ENTRYPOINT [""] and none
 * (containerd drops it, see imageargv.h); USER compared as written. When
 * they differ, what names the difference (at least 64 bytes). */
bool imageconfig_same_exec(const struct imageconfig *a, const struct imageconfig *b, char *what,
			   size_t whatlen);

/* USER of an image: "", "name", "uid", "name:group", "uid:gid", ... */
struct imageconfig_user {
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
int imageconfig_user_parse(const char *user, struct imageconfig_user *out);

#endif
