/* strict-init's configuration: environment variables and options, parsed
 * into one struct (pure: no system calls, nothing but malloc). */
#ifndef STRICT_CONFIG_H
#define STRICT_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

enum sg_command { CMD_RUN, CMD_INSTALL, CMD_CHECK, CMD_HELP, CMD_VERSION };
enum sg_mode { MODE_ENFORCE, MODE_REFUSE, MODE_AUDIT };

struct sg_config {
	enum sg_command command;
	bool sealed;       /* the running copy carries a sealed policy (seal.h) */
	bool groups_set;   /* STRICT_GROUPS / --groups given (maybe empty) */
	const char *groups_text; /* the value as given, validated */
	gid_t *groups;     /* allowed gids: sorted, without duplicates */
	size_t ngroups;
	enum sg_mode mode;
	bool user_set;     /* STRICT_GROUPS_USER / --user */
	uid_t user_uid;
	gid_t user_gid;
	bool gid_set;      /* STRICT_GROUPS_GID / --gid */
	gid_t gid;
	bool no_new_privs; /* STRICT_GROUPS_NO_NEW_PRIVS, default true */
	const char *preload; /* STRICT_GROUPS_PRELOAD / --preload, or NULL */
	bool lock;         /* STRICT_GROUPS_LOCK / --lock */
	bool lock_set;     /* ... given (or sealed), 0 or 1 */
	const char *install_dest; /* CMD_INSTALL */
	char **argv;       /* CMD_RUN: COMMAND [ARG...], NULL-terminated */
};

#define CONFIG_USAGE (-1)       /* malformed input: exit 64 */
#define CONFIG_CONTRADICTS (-2) /* a value contradicts the sealed policy: 77 */

/* Fills cfg from argv, envp and, for a sealed copy, seal: its len bytes of
 * NAME=VALUE entries, each ended by a NUL (seal.h), NULL for an unsealed
 * copy. A sealed copy runs and checks with the sealed settings: a variable
 * or option that says otherwise is refused (CONFIG_CONTRADICTS), except
 * that STRICT_GROUPS_GID, _PRELOAD and _LOCK may be given when the seal
 * leaves them unset. `install` takes its settings from its options only: a
 * STRICT_GROUPS* variable its options do not repeat is refused
 * (CONFIG_USAGE); a sealed copy given no setting installs its own seal.
 * Returns 0, or CONFIG_USAGE / CONFIG_CONTRADICTS with a one-line reason in
 * err (no prefix, no newline) and cfg all zero (never a partial result).
 * Release cfg with config_free either way. */
int config_parse(struct sg_config *cfg, int argc, char **argv, char **envp,
		 const char *seal, size_t seal_len, char *err, size_t errlen);

/* The seal of an install: cfg's settings as NAME=VALUE entries, each ended
 * by a NUL, every setting included (defaults too) but GID, PRELOAD and
 * LOCK, which appear only when given. Writes at most cap bytes into out;
 * returns the length, or 0 when it does not fit (the length it needs in
 * *need). */
size_t config_seal_compose(const struct sg_config *cfg, char *out, size_t cap,
			   size_t *need);
void config_free(struct sg_config *cfg);

#endif
