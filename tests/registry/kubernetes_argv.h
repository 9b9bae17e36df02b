/* A model of what a container runs by Kubernetes' rules, as containerd's
 * CRI applies them (WithProcessArgs): command set: command + args, the
 * image ignored; no command: ENTRYPOINT (an ENTRYPOINT of exactly [""]
 * counts as none) + the pod's args when set, else CMD; nothing at all is
 * "no command specified". Before kubelet's expansion of the pod's values.
 * The oracle the tests of imageargv_wrap (unit and fuzz) check the rewrite
 * against. 0, or -1 (no command, or out of memory: out empty). */
#ifndef KUBERNETES_ARGV_H
#define KUBERNETES_ARGV_H

#include <stddef.h>

#include "webhook/image/imageargv.h"

static inline int kubernetes_argv_push(struct image_strv *out, const char *const *v, size_t n)
{
	if (!v)
		return n ? -1 : 0;
	for (size_t i = 0; i < n; i++)
		if (image_strv_push(out, v[i]) != 0)
			return -1;
	return 0;
}

static inline int kubernetes_argv(const struct imageargv_pod *pod, const struct imageconfig *img,
				  struct image_strv *out)
{
	size_t n_entrypoint =
		img->entrypoint && img->n_entrypoint == 1 && img->entrypoint[0][0] == '\0' ?
		0 :
		img->n_entrypoint;
	int rc;

	out->v = NULL;
	out->n = 0;
	if (pod->n_command > 0)
		rc = kubernetes_argv_push(out, pod->command, pod->n_command) ||
			kubernetes_argv_push(out, pod->args, pod->n_args);
	else
		rc = kubernetes_argv_push(out, (const char *const *)img->entrypoint,
					  n_entrypoint) ||
			(pod->n_args > 0 ? kubernetes_argv_push(out, pod->args, pod->n_args) :
					   kubernetes_argv_push(out, (const char *const *)img->cmd,
								img->n_cmd));
	if (rc != 0 || out->n == 0) {
		image_strv_free(out);
		return -1;
	}
	return 0;
}

#endif
