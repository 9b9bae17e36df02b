/* kubectl exec and kubectl cp (tar over exec), as a pure function: the
 * PodExecOptions of a CONNECT pods/exec review and the pod it names (read
 * from the API server by the caller) in, a JSONPatch of the options (or a
 * denial) out. No system calls, no clock, no global state.
 *
 * The API server runs mutating admission on the PodExecOptions and builds
 * the kubelet's URL from the result, so a patch of /command decides what
 * the runtime execs (docs/design.md, "What the kernel, the loaders and the
 * runtimes do"). The target is options.container, or the pod's only
 * container when it is empty (the API server's own default, applied after
 * admission; the patch then names it). When the pod's spec shows that the
 * webhook wrapped that container (exec_wrapped_copy: fields an author cannot
 * change after creation, never the annotation), the command becomes
 * [COPY, "--", command...] with that container's sealed copy, which drops
 * (enforce), refuses (refuse) or names (audit) the image's groups and then
 * execs the command: stdin, stdout, stderr, tty and the exit status are the
 * command's own. A container the webhook did not wrap (a pod created before
 * the webhook, or skipped) is denied, unless the admin allows it
 * (--exec-unwrapped=allow: allowed unchanged, with a warning); in audit mode
 * it is allowed unchanged as what enforce would deny (WH_WOULD_DENY). */
#ifndef STRICT_WEBHOOK_EXEC_H
#define STRICT_WEBHOOK_EXEC_H

#include <stdbool.h>

#include <jansson.h>

#include "mutate.h"

struct wh_exec_request {
	const json_t *options; /* request.object: the PodExecOptions */
	const char *ns;        /* request.namespace */
	const char *name;      /* request.name: the pod */
	const json_t *pod;     /* the pod as the API server returned it; NULL: not read */
	const char *pod_error; /* why it was not read (pod NULL) */
};

/* As mutate_pod: 0 with *res filled (outcome WH_INJECTED: the command is
 * wrapped; WH_UNCHANGED: it runs the copy already; WH_SKIPPED: allowed
 * unchanged, a windows pod or said in a warning; WH_WOULD_DENY: audit mode;
 * WH_DENIED), or -1 when out of memory.
 * settings->mode is the namespace's (the webhook path); exec_unwrapped_allow
 * admits containers the webhook did not wrap. */
int exec_review(const struct wh_settings *settings, const struct wh_exec_request *req,
		struct wh_result *res);

/* The sealed copy (WH_COPY_PREFIX + key) the webhook wrapped container ctr
 * of pod with, or NULL with *why set: whether the container's command is
 * [COPY, "--", ...]; the pod has the installer of that copy exactly as the
 * webhook writes it for this pod's groups (name, command), from an image of
 * the --image's repository; the volume WH_VOLUME is an emptyDir, mounted
 * read-only at WH_MOUNT_PATH by ctr and read-only by every container but
 * the installers, and nothing else of ctr reaches WH_MOUNT_PATH; and, in
 * enforce and refuse modes, the copy is not sealed in audit mode. buf
 * (cap bytes) holds the path. */
const char *exec_wrapped_copy(const struct wh_settings *settings, const json_t *pod,
			      const json_t *ctr, char *buf, size_t cap, const char **why);

#endif
