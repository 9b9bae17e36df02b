#include "envedit.h"

#include <elf.h>
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
		if (starts_with(envp[i], "LD_PRELOAD=") || starts_with(envp[i], "STRICT_GROUPS="))
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

#if defined(__x86_64__)
#define PRELOAD_MACHINE EM_X86_64
#elif defined(__aarch64__)
#define PRELOAD_MACHINE EM_AARCH64
#else
#error "name this architecture's ELF machine for the preload check"
#endif

const char *preload_elf_problem(const unsigned char *header, size_t n)
{
	Elf64_Ehdr eh;

	if (n < sizeof(eh) || memcmp(header, ELFMAG, SELFMAG) != 0)
		return "not an ELF file";
	memcpy(&eh, header, sizeof(eh));
	if (eh.e_ident[EI_CLASS] != ELFCLASS64 || eh.e_ident[EI_DATA] != ELFDATA2LSB)
		return "not a 64-bit little-endian ELF file";
	if (eh.e_type != ET_DYN)
		return "not an ELF shared object";
	if (eh.e_machine != PRELOAD_MACHINE)
		return "an ELF shared object for another machine";
	return NULL;
}
