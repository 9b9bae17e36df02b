/* The parts of mutate_pod() (mutate.h), private to webhook/admission/:
 *
 *   message.c    what the webhook says: warnings and denials, names quoted
 *   podread.c    reading the pod's fields, typed and bounded
 *   parts.c      the webhook's own parts: sealed copies, their installers,
 *                the volume and its mounts, the annotation
 *   container.c  one container wrapped: its command, mounts, env, image
 *   update.c     an update of the pod: the webhook's parts stay as they are
 *   mutate.c     the pod: creation and ephemeral containers, the patch
 *   exec.c       kubectl exec: the session's command through the sealed copy
 *                (exec.h), with the parts above
 *
 * One struct run carries a call's state through all of them. Pure: no
 * system calls, no global state. */
#ifndef STRICT_WEBHOOK_MUTATE_INT_H
#define STRICT_WEBHOOK_MUTATE_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <string.h>
#include <sys/types.h>

#include <jansson.h>

#include "mutate.h"

/* Messages quote names from the pod, which nothing has validated yet
 * (mutating admission runs before validation): at most this many bytes of
 * a name, printable ASCII only. */
#define NAME_SHOWN 64
#define MESSAGE_MAX 1024
#define WARNINGS_MAX 16
#define WARNING_MAX 240
/* gid_t's largest value is "no change" for setgroups: refused, as by
 * strict-init (common/gidlist.c). */
#define ID_MAX 4294967294LL

/* One sealed copy: the key names it ("gid-1000", "any-gid"). */
struct copy {
	bool any_gid;
	unsigned int gid;
	json_t *containers; /* names of the containers that run it */
};

struct run {
	const struct wh_settings *s;
	const struct wh_request *req;
	enum wh_mode mode; /* the sealed mode the env is checked against */
	bool lock;         /* --lock=1 sealed (never in audit mode) */
	char message[MESSAGE_MAX];
	size_t message_len;
	/* audit mode: what enforce would refuse the pod for, as the denial would
	 * say it, and without the lookups' reasons (the pod's annotation) */
	char would_deny[MESSAGE_MAX], would_deny_stable[MESSAGE_MAX];
	size_t would_deny_len, would_deny_stable_len;
	int code;     /* 0, 403 or 400 */
	bool abandon; /* audit: leave the whole pod as it is */
	json_t *warnings;
	gid_t groups_buf[64];
	gid_t *groups; /* sorted, unique */
	size_t ngroups;
	char *groups_text; /* "60000,70000" or "" */
	bool pod_gid_set;
	unsigned int pod_gid;
	struct copy *copies;
	size_t ncopies;
	bool copies_fixed;      /* ephemeral: only existing copies */
	json_t *skipped_images; /* images whose lookup failed (--on-lookup-failure=skip) */
	/* containers whose command the webhook read from their image (the
	 * annotation's "fromImage"), and those the pod's annotation names
	 * (reinvocation: read back for wrapped containers only) */
	json_t *from_image;
	json_t *from_image_before;
	bool oom;
};

static inline bool has_prefix(const char *s, const char *prefix)
{
	return strncmp(s, prefix, strlen(prefix)) == 0;
}

/* ---- message.c ---- */

enum report_kind {
	REPORT_WARNING,   /* said, nothing else */
	REPORT_MALFORMED, /* the pod is not what the API server sends: refused in every mode */
	REPORT_POLICY,    /* refused in enforce and refuse modes; in audit mode a
			   * warning, and the container concerned is left as it is
			   * (r->would_deny says why enforce would refuse) */
	REPORT_FORBIDDEN, /* refused in every mode (403): the webhook's own parts */
};

/* name, printable ASCII only and cut at NAME_SHOWN bytes, into dst. */
void message_shown(char *dst, size_t cap, const char *name);
/* Appends to buf (cap bytes, *len used), ending in "..." when cut. */
void message_append(char *buf, size_t cap, size_t *len, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
/* A warning, or a reason to refuse the pod (r->code, r->message). detail,
 * when not NULL, is appended to the text in what is said now, but not in
 * r->would_deny_stable: what a lookup found can differ from one try to the
 * next (or be gone once the container is wrapped), and the pod's
 * WH_AUDIT_ANNOTATION must not (reinvocation). */
void message_report(struct run *r, enum report_kind kind, const char *detail, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

#define warn(r, ...) message_report(r, REPORT_WARNING, NULL, __VA_ARGS__)
#define malformed(r, ...) message_report(r, REPORT_MALFORMED, NULL, __VA_ARGS__)
#define problem(r, ...) message_report(r, REPORT_POLICY, NULL, __VA_ARGS__)
#define problem_because(r, detail, ...) message_report(r, REPORT_POLICY, detail, __VA_ARGS__)
#define forbidden(r, ...) message_report(r, REPORT_FORBIDDEN, NULL, __VA_ARGS__)

/* ---- podread.c ---- */

/* A gid or uid: an integer in 0..ID_MAX. Absent and null are "not set". */
int podread_id(const json_t *v, bool *set, unsigned int *out);
/* A member that must be of the given type, or absent or null (*out NULL). */
int podread_member(const json_t *parent, const char *key, json_type type, json_t **out);
#define podread_object(parent, key, out) podread_member(parent, key, JSON_OBJECT, out)
#define podread_array(parent, key, out) podread_member(parent, key, JSON_ARRAY, out)
/* Whether every element of array is a string. */
bool podread_strings(const json_t *array);
/* r->groups = supplementalGroups + fsGroup, sorted, unique; r->groups_text;
 * the pod's runAsGroup. -1 when out of memory; a malformed value is
 * reported through malformed(). */
int podread_groups(struct run *r, const json_t *spec);

/* ---- parts.c ---- */

/* "gid-1000" or "any-gid" into buf. */
void parts_copy_key(const struct copy *c, char *buf, size_t cap);
/* Parses a key written exactly as parts_copy_key does. */
int parts_parse_key(const char *text, struct copy *c);
struct copy *parts_find_copy(struct run *r, bool any_gid, unsigned int gid);
/* NULL (and r->oom) when out of memory. */
struct copy *parts_add_copy(struct run *r, bool any_gid, unsigned int gid);
/* Orders r->copies as the installers are written: by gid, any-gid last. */
void parts_sort_copies(struct run *r);
/* The webhook's mount of its volume in its installers (writable, at
 * WH_MOUNT_PATH), and in a wrapped container (read-only, at depth: see
 * parts_mount_path). */
json_t *parts_mount_rw(void);
json_t *parts_copy_mount(unsigned int depth);
/* WH_MOUNT_PATH followed by depth - 1 WH_MOUNT_PAD (malloc'ed). */
char *parts_mount_path(unsigned int depth);
/* A copy's path as a wrapped container runs it, at any depth (depth 1 is
 * WH_MOUNT_PATH itself, as the webhook wrote it before it mounted deeper):
 * 0 with *c and *depth set, or -1. */
int parts_parse_copy_path(const char *path, struct copy *c, unsigned int *depth);
/* A mount path's depth as containerd and CRI-O sort mounts: the "/" of
 * the cleaned path, at least 1, at most WH_MAX_DEPTH. */
unsigned int parts_path_depth(const char *path);
/* The emptyDir volume for ncopies copies. */
json_t *parts_volume(size_t ncopies);
/* The init container that installs copy c. */
json_t *parts_installer(const struct run *r, const struct copy *c);
/* Whether a mount at path would land at "/" or at or below WH_MOUNT_PATH. */
bool parts_reaches_mount(const char *path);
/* Whether a container name is one of the installers'. */
bool parts_reserved_name(const char *name);
/* The value of WH_ANNOTATION for what r did. */
json_t *parts_annotation(const struct run *r);
/* The "fromImage" of the pod's WH_ANNOTATION (a new reference), or NULL. */
json_t *parts_annotated_from_image(const json_t *pod);
/* Whether the list holds the string name. */
bool parts_listed(const json_t *names, const char *name);

/* ---- update.c ---- */

/* An UPDATE of the pod (old: the stored pod): refuses what changes the
 * webhook's parts, said through r. */
void update_check(struct run *r, const json_t *pod, const json_t *old);

/* ---- mutate.c ---- */

/* A mirror pod (kubelet runs the static pod it mirrors), and a windows pod
 * (spec.os.name): both left alone. */
bool mutate_is_mirror(const json_t *pod);
bool mutate_is_windows(const json_t *pod);

/* ---- container.c ---- */

/* Wraps one container (ctr is the desired pod's copy, changed in place);
 * kind and index name it in messages. -1 only when out of memory. */
int container_wrap(struct run *r, json_t *ctr, const char *kind, size_t index);
/* Whether the container may hold CAP_SETGID: privileged, or not dropping
 * it (SETGID or ALL), or adding it back. */
bool container_may_setgid(const json_t *ctr);
/* Takes the webhook's parts out of a container: its mounts of WH_VOLUME,
 * the copy and "--" in front of its command, probes and hooks. 1 when
 * something changed, 0 when not, -1 when out of memory. */
int container_strip(json_t *ctr);

#endif
