/* The webhook's decision, as a pure function: a pod and the admin's settings
 * in, a JSONPatch (or a denial) out. No system calls, no clock, no global
 * state: the same input always gives the same answer, which is what makes
 * the webhook idempotent (an injected pod comes back unchanged) and dryRun
 * safe.
 *
 * The rewrite (docs/design.md "The webhook"):
 *   - an emptyDir volume WH_VOLUME, mounted in every wrapped container
 *     read-only below every other mount of that container (MOUNT: see
 *     WH_MOUNT_PAD);
 *   - first among the init containers, one installer per distinct set of
 *     sealed settings in the pod, named WH_INSTALLER_PREFIX + key (key
 *     "gid-1000", or "any-gid" where the admin lets the image choose the
 *     primary gid), running `/strict-init install --groups=... --mode=...
 *     --no-new-privs=... [--lock=1] [--gid=G] WH_MOUNT_PATH/strict-init-KEY`
 *     as root with only CAP_SETFCAP (enforce), or with no privilege at all
 *     (refuse and audit copies carry no file capability);
 *   - every container, init container and (new) ephemeral container:
 *     command = [MOUNT/strict-init-KEY, "--", original command...], args
 *     unchanged, and each exec probe and lifecycle hook the same way;
 *   - a container that sets no command runs its image's ENTRYPOINT and
 *     CMD (Kubernetes' rules): command = [copy, "--", ENTRYPOINT...],
 *     args = the pod's args when set, else CMD, the image's values escaped
 *     for kubelet's $(VAR) expansion (imageargv.h), and its image pinned to
 *     the digest that was read; the caller looked the images up
 *     (mutate_images_needed, then struct wh_image_config);
 *   - the annotation WH_ANNOTATION records what was done.
 * Whatever the pod put under these names is the webhook's to rewrite: the
 * result is computed from the pod with the webhook's own parts taken out,
 * so a pod cannot claim to be injected already. */
#ifndef STRICT_WEBHOOK_MUTATE_H
#define STRICT_WEBHOOK_MUTATE_H

#include <stdbool.h>
#include <stddef.h>

#include <jansson.h>

#include "webhook/image/image.h"
#include "webhook/image/imageconfig.h"

#define WH_VOLUME "strict-groups"
#define WH_MOUNT_PATH "/strict-groups"
/* The installers write WH_COPY_PREFIX KEY. A wrapped container mounts the
 * volume deeper than every other mount it has (containerd and CRI-O mount
 * in order of depth: the copies then come last, and nothing the pod mounts
 * can land on top of them): WH_MOUNT_PATH and one WH_MOUNT_PAD per level,
 * at least WH_MIN_DEPTH (the runtime's own mounts, /etc/hosts, /dev/shm,
 * are 2 deep), and runs MOUNT/strict-init-KEY. */
#define WH_COPY_PREFIX WH_MOUNT_PATH "/strict-init-"
#define WH_MOUNT_PAD "/d"
#define WH_MIN_DEPTH 3u
/* The copies' deepest mount: a pod that mounts anything this deep is
 * refused (the copy's path stays short). */
#define WH_MAX_DEPTH 128u
#define WH_INSTALLER_PREFIX "strict-groups-install-"
#define WH_ANNOTATION "strict-groups/injected"
/* On a pod admitted unchanged because an image lookup failed
 * (--on-lookup-failure=skip). */
#define WH_SKIP_ANNOTATION "strict-groups/skipped"
/* On a pod admitted in audit mode that enforce mode would refuse: why. */
#define WH_AUDIT_ANNOTATION "strict-groups/audit"
/* Where the installer image keeps the (unsealed) strict-init. */
#define WH_INSTALLER_BINARY "/strict-init"
/* The uid of an installer that needs no privilege (a refuse or audit copy)
 * when the pod sets no non-root runAsUser: "nonroot", as the webhook's own
 * image. */
#define WH_INSTALLER_UID 65532

enum wh_mode { WH_MODE_ENFORCE, WH_MODE_REFUSE, WH_MODE_AUDIT };

/* The admin's settings (flags of strict-groups-webhook). */
struct wh_settings {
	const char *image;             /* the strict-groups image: the installer */
	const char *image_pull_policy; /* the installer's imagePullPolicy */
	enum wh_mode mode;             /* sealed into every copy */
	bool allow_image_gid;          /* admit pods without an effective runAsGroup */
	bool no_new_privs;             /* sealed --no-new-privs */
	bool lock;                     /* seal --lock=1 (enforce and refuse modes) */
	bool pin_digest;               /* --pin-digest: pin a looked-up image to its digest */
	bool skip_on_lookup_failure;   /* --on-lookup-failure=skip: admit such a pod unchanged */
	bool exec_unwrapped_allow; /* --exec-unwrapped=allow: exec into an unwrapped container */
	const char *version;       /* recorded in the annotation */
};

/* What the lookup of one image found (imagecache.h): the caller passes one
 * per image mutate_images_needed named; the core matches them by the image
 * string exactly as the pod writes it. */
struct wh_image_config {
	const char *image;
	const struct imageconfig *config; /* ENTRYPOINT, CMD, USER, digest_ref; NULL: failed */
	enum image_error error;           /* why it failed (config NULL) */
	const char *message;              /* one line naming the image and the reason */
};

enum wh_operation {
	WH_OP_CREATE,    /* CREATE pods */
	WH_OP_EPHEMERAL, /* UPDATE pods/ephemeralcontainers */
	WH_OP_UPDATE,    /* UPDATE pods: allowed unchanged, or denied */
};

struct wh_request {
	enum wh_operation op;
	const json_t *pod;     /* request.object */
	const json_t *old_pod; /* request.oldObject (the stored pod): not for CREATE */
	const struct wh_image_config *images;
	size_t n_images;
};

enum wh_outcome {
	WH_INJECTED,   /* allowed, with a patch */
	WH_UNCHANGED,  /* allowed, nothing to change (already injected; an update) */
	WH_SKIPPED,    /* allowed unchanged on purpose (mirror, windows pod) */
	WH_DENIED,     /* refused: message says why */
	WH_WOULD_DENY, /* audit mode: allowed (maybe with a patch), but enforce would refuse:
			* message says why */
	WH_OUTCOMES
};

struct wh_result {
	enum wh_outcome outcome;
	int code;            /* WH_DENIED: 403 (policy) or 400 (malformed pod) */
	json_t *patch;       /* JSONPatch operations; empty unless WH_INJECTED */
	json_t *warnings;    /* array of strings, maybe empty */
	char *message;       /* why (denied, would deny, skipped); NULL otherwise */
	bool lookup_skipped; /* WH_SKIPPED because a lookup failed (--on-lookup-failure=skip) */
};

/* Returns 0 with *res filled (release it with mutate_result_free), or -1 when
 * out of memory (*res is then empty). Never fails on any input otherwise:
 * whatever the pod holds, the answer is an outcome. */
int mutate_pod(const struct wh_settings *settings, const struct wh_request *req,
	       struct wh_result *res);
void mutate_result_free(struct wh_result *res);

/* The images of the containers a rewrite would wrap that set no command:
 * what the caller must look up before calling mutate_pod for them to be
 * wrapped, as [{"image": "...", "always": bool}], distinct, in pod order;
 * always: a container with that image says imagePullPolicy: Always (the
 * tag must be read again). An injected pod needs none. NULL when out of
 * memory. */
json_t *mutate_images_needed(const struct wh_request *req);

const char *mutate_mode_name(enum wh_mode mode);
int mutate_mode_parse(const char *text, enum wh_mode *mode);
const char *mutate_outcome_name(enum wh_outcome outcome);

#endif
