/* The preload guard: the command's environment, and whether a file can be
 * the guard. Pure. */
#ifndef STRICT_ENVEDIT_H
#define STRICT_ENVEDIT_H

#include <stddef.h>

/* Returns a new NULL-terminated environment (malloc'ed array and strings;
 * free with env_free): envp without any LD_PRELOAD or STRICT_GROUPS entry,
 * plus STRICT_GROUPS=groups (the guard reads it) and
 * LD_PRELOAD=preload[:values of every earlier LD_PRELOAD entry, in order].
 * Returns NULL when out of memory. */
char **env_with_preload(char **envp, const char *preload, const char *groups);
void env_free(char **env);

/* Why the n bytes at header (the start of the preload file) are not an
 * ELF shared object the loader of this machine would map, or NULL. */
const char *preload_elf_problem(const unsigned char *header, size_t n);

#endif
