/* Builds the command's environment when the preload guard is used. Pure. */
#ifndef STRICT_ENVEDIT_H
#define STRICT_ENVEDIT_H

/* Returns a new NULL-terminated environment (malloc'ed array and strings;
 * free with env_free): envp without any LD_PRELOAD or STRICT_GROUPS entry,
 * plus STRICT_GROUPS=groups (the guard reads it) and
 * LD_PRELOAD=preload[:values of every earlier LD_PRELOAD entry, in order].
 * Returns NULL when out of memory. */
char **env_with_preload(char **envp, const char *preload, const char *groups);
void env_free(char **env);

#endif
