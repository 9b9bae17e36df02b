/* A model of kubelet's expansion of a container's command and args
 * (third_party/forked/golang/expansion in Kubernetes), written from its
 * documented behaviour, for the tests of the escaping (unit and fuzz):
 * "$$" is "$", "$(NAME)" is the variable's value, or stays as written
 * when the variable is undefined or the ")" is missing, any other "$"
 * stays. The environment: HOME=/home/alice, EMPTY="", nothing else. */
#ifndef KUBELET_EXPAND_H
#define KUBELET_EXPAND_H

#include <stdlib.h>
#include <string.h>

static inline const char *kubelet_env(const char *name, size_t len)
{
	if (len == 4 && memcmp(name, "HOME", 4) == 0)
		return "/home/alice";
	if (len == 5 && memcmp(name, "EMPTY", 5) == 0)
		return "";
	return NULL;
}

/* malloc'ed; NULL when out of memory. */
static inline char *kubelet_expand(const char *in)
{
	size_t len = strlen(in), o = 0;
	/* a value is at most 11 bytes and replaces at least 3 */
	char *out = malloc(len * 4 + 1);

	if (!out)
		return NULL;
	for (size_t i = 0; i < len; i++) {
		const char *close, *val;
		size_t nlen;

		if (in[i] != '$' || i + 1 == len) {
			out[o++] = in[i];
			continue;
		}
		if (in[i + 1] != '(') { /* "$$" -> "$", "$x" stays */
			out[o++] = '$';
			if (in[i + 1] != '$')
				out[o++] = in[i + 1];
			i++;
			continue;
		}
		close = strchr(in + i + 2, ')');
		if (!close) {
			out[o++] = '$';
			out[o++] = '(';
			i++;
			continue;
		}
		nlen = (size_t)(close - (in + i + 2));
		val = kubelet_env(in + i + 2, nlen);
		if (val) {
			memcpy(out + o, val, strlen(val));
			o += strlen(val);
		} else {
			memcpy(out + o, in + i, nlen + 3);
			o += nlen + 3;
		}
		i = (size_t)(close - in);
	}
	out[o] = '\0';
	return out;
}

#endif
