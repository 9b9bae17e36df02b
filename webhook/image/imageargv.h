/* What a container runs, and the rewrite that puts strict-init in front
 * of it. Pure.
 *
 * Kubernetes' rules (docs/design.md, "What a
 * container runs"), as containerd's CRI applies them
 * (WithProcessArgs):
 *   command unset, args unset:  ENTRYPOINT + CMD
 *   command unset, args set:    ENTRYPOINT + args
 *   command set:                command + args (ENTRYPOINT and CMD ignored)
 * "unset" is also an empty list (the API server drops [] and the CRI sees
 * no difference), and an ENTRYPOINT of exactly one empty string ([""],
 * what `ENTRYPOINT [""]` in a Dockerfile writes) counts as none. Nothing
 * at all to run is an error ("no command specified").
 *
 * kubelet expands "$(VAR)" and "$$" in the pod's command and args before
 * the runtime sees them, never in the image's config. A value copied from
 * the image into the pod is therefore escaped: every "$" becomes "$$",
 * which kubelet turns back into "$", so the process gets the image's
 * bytes unchanged. */
#ifndef IMAGE_ARGV_H
#define IMAGE_ARGV_H

#include <stdbool.h>
#include <stddef.h>

#include "image.h"
#include "imageconfig.h"

/* A container's command and args as the pod sets them (n == 0: unset). */
struct imageargv_pod {
	const char *const *command;
	size_t n_command;
	const char *const *args;
	size_t n_args;
};

/* Whether the container runs anything at all by these rules (the pod's
 * command, or ENTRYPOINT, args or CMD); when not, imageargv_wrap fails
 * with "no command specified". */
bool imageargv_runs_something(const struct imageargv_pod *pod, const struct imageconfig *img);

/* s with every "$" doubled (malloc'ed; NULL when out of memory). */
char *imageargv_escape_for_kubelet(const char *s);

/* The rewrite of a container's command and args:
 *   command set:    command = prefix + command, args left as they are
 *   command unset:  command = prefix + escaped ENTRYPOINT,
 *                   args = the pod's args when set, else the escaped CMD
 * so that after kubelet's expansion the runtime runs prefix + exactly the
 * argv these rules give. prefix (e.g. strict-init's path and "--")
 * is copied as it is. *set_args says whether args_out replaces the pod's
 * args (false: keep the pod's args, or none). img may be NULL only when
 * the pod sets a command. 0, or -1 with a reason. */
int imageargv_wrap(const char *const *prefix, size_t n_prefix, const struct imageargv_pod *pod,
		   const struct imageconfig *img, struct image_strv *command_out,
		   struct image_strv *args_out, bool *set_args, char *err, size_t errlen);

#endif
