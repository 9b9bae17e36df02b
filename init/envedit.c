#include "envedit.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int starts_with(const char *s, const char *prefix)
{
	return strncmp(s, prefix, strlen(prefix)) == 0;
}

static char *join(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);
	char *s = malloc(la + lb + 1);

	if (!s)
		return NULL;
	memcpy(s, a, la);
	memcpy(s + la, b, lb + 1);
	return s;
}

/* "LD_PRELOAD=" preload, then ":" and each earlier value that is not
 * empty. glibc's loader takes the last LD_PRELOAD entry and musl's getenv
 * the first: merging them into one keeps what was there for both. */
static char *preload_entry(char **envp, const char *preload)
{
	char *value = join("LD_PRELOAD=", preload);

	for (char **e = envp; value && e && *e; e++) {
		const char *old;
		char *more;

		if (!starts_with(*e, "LD_PRELOAD="))
			continue;
		old = *e + strlen("LD_PRELOAD=");
		if (*old == '\0')
			continue;
		more = malloc(strlen(value) + 1 + strlen(old) + 1);
		if (more)
			sprintf(more, "%s:%s", value, old);
		free(value);
		value = more;
	}
	return value;
}

char **env_with_preload(char **envp, const char *preload, const char *groups)
{
	size_t n = 0, out = 0;
	char **env;

	while (envp && envp[n])
		n++;
	env = calloc(n + 3, sizeof(char *));
	if (!env)
		return NULL;
	for (size_t i = 0; i < n; i++) {
		if (starts_with(envp[i], "LD_PRELOAD=") ||
		    starts_with(envp[i], "STRICT_GROUPS="))
			continue;
		env[out] = strdup(envp[i]);
		if (!env[out++])
			goto oom;
	}
	env[out] = join("STRICT_GROUPS=", groups);
	if (!env[out++])
		goto oom;
	env[out] = preload_entry(envp, preload);
	if (!env[out])
		goto oom;
	return env;
oom:
	env_free(env);
	return NULL;
}

void env_free(char **env)
{
	for (char **e = env; e && *e; e++)
		free(*e);
	free(env);
}
