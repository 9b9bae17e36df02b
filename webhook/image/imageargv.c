/* Kubernetes' argv rules and kubelet escaping (imageargv.h). */
#include "imageargv.h"

#include <stdlib.h>
#include <string.h>

/* ENTRYPOINT [""] counts as none (containerd's WithProcessArgs). */
static size_t entrypoint_count(const struct imageconfig *img)
{
	if (img->n_entrypoint == 1 && img->entrypoint[0][0] == '\0')
		return 0;
	return img->n_entrypoint;
}

static int push_all(struct image_strv *dst, const char *const *v, size_t n, bool escape)
{
	for (size_t i = 0; i < n; i++) {
		int rc = escape ? image_strv_push_owned(dst, imageargv_escape_for_kubelet(v[i])) :
				  image_strv_push(dst, v[i]);

		if (rc != 0)
			return -1;
	}
	return 0;
}

static int no_command(char *err, size_t errlen)
{
	image_errf(
		err, errlen,
		"no command specified: the pod sets no command or args and the image has no ENTRYPOINT or CMD");
	return -1;
}

static int out_of_memory(struct image_strv *a, struct image_strv *b, char *err, size_t errlen)
{
	image_strv_free(a);
	if (b)
		image_strv_free(b);
	image_errf(err, errlen, "out of memory");
	return -1;
}

bool imageargv_runs_something(const struct imageargv_pod *pod, const struct imageconfig *img)
{
	return pod->n_command > 0 || pod->n_args > 0 ||
		(img && (entrypoint_count(img) > 0 || img->n_cmd > 0));
}

char *imageargv_escape_for_kubelet(const char *s)
{
	size_t dollars = 0, len = strlen(s);
	char *out, *o;

	for (const char *p = s; *p; p++)
		dollars += *p == '$';
	out = malloc(len + dollars + 1);
	if (!out)
		return NULL;
	for (o = out; *s; s++) {
		*o++ = *s;
		if (*s == '$')
			*o++ = '$';
	}
	*o = '\0';
	return out;
}

int imageargv_wrap(const char *const *prefix, size_t n_prefix, const struct imageargv_pod *pod,
		   const struct imageconfig *img, struct image_strv *command_out,
		   struct image_strv *args_out, bool *set_args, char *err, size_t errlen)
{
	command_out->v = NULL;
	command_out->n = 0;
	args_out->v = NULL;
	args_out->n = 0;
	*set_args = false;
	if (push_all(command_out, prefix, n_prefix, false) != 0)
		return out_of_memory(command_out, NULL, err, errlen);
	if (pod->n_command > 0) {
		if (push_all(command_out, pod->command, pod->n_command, false) != 0)
			return out_of_memory(command_out, NULL, err, errlen);
		return 0;
	}
	if (!img) {
		image_strv_free(command_out);
		image_errf(err, errlen, "the container sets no command and its image is unknown");
		return -1;
	}
	if (!imageargv_runs_something(pod, img)) {
		image_strv_free(command_out);
		return no_command(err, errlen);
	}
	if (push_all(command_out, (const char *const *)img->entrypoint, entrypoint_count(img),
		     true) != 0)
		return out_of_memory(command_out, NULL, err, errlen);
	if (pod->n_args == 0 && img->n_cmd > 0) {
		if (push_all(args_out, (const char *const *)img->cmd, img->n_cmd, true) != 0)
			return out_of_memory(command_out, args_out, err, errlen);
		*set_args = true;
	}
	return 0;
}
