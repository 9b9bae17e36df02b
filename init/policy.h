/* The policy: from the configuration and the process's state, decide what
 * to do. Pure: no system calls, nothing but malloc. The README's "Policy"
 * section is this file in prose. */
#ifndef STRICT_POLICY_H
#define STRICT_POLICY_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "config.h"

/* What the process holds when strict-init starts. */
struct sg_state {
	uid_t ruid, euid, suid;
	gid_t rgid, egid, sgid;
	const gid_t *held; /* supplementary groups, as getgroups() gives them */
	size_t nheld;
	bool cap_sys_admin; /* effective; consulted only for lock without nnp */
};

enum sg_verdict {
	VERDICT_RUN,         /* exec with the groups unchanged */
	VERDICT_DROP,        /* set the groups to target (a subset of held) */
	VERDICT_SWITCH_USER, /* root start: groups = target, then gid, uid */
	VERDICT_REFUSE,      /* do not run the command */
};

enum sg_refusal {
	REFUSE_NONE,
	REFUSE_INCONSISTENT_IDS, /* real/effective/saved uids or gids differ */
	REFUSE_USER_NOT_ROOT,    /* STRICT_GROUPS_USER without a root start */
	REFUSE_GID_MISMATCH,     /* a gid other than STRICT_GROUPS_GID */
	REFUSE_FORBIDDEN_HELD,   /* mode refuse, forbidden groups held */
	REFUSE_LOCK_WITHOUT_NNP, /* seccomp lock needs no_new_privs or CAP_SYS_ADMIN */
	REFUSE_NOT_SEALED,       /* a drop without a root start, by a copy without a seal */
	REFUSE_LOCK_TOO_LONG,    /* more allowed gids than the lock's filter encodes */
};

struct sg_plan {
	enum sg_verdict verdict;
	enum sg_refusal refusal;
	bool root_start;   /* real, effective and saved uid are 0 */
	gid_t primary_gid; /* the gid the command runs with */
	gid_t *allowed;    /* STRICT_GROUPS + primary gid, sorted */
	size_t nallowed;
	gid_t *forbidden; /* held - allowed, sorted */
	size_t nforbidden;
	gid_t *target; /* DROP / SWITCH_USER: the groups to set, sorted */
	size_t ntarget;
	bool audit_report; /* audit mode: name the forbidden groups, run */
	bool set_no_new_privs;
	bool install_lock;
};

/* Returns 0 with plan filled, or -1 when out of memory. plan_free either way. */
int policy_plan(const struct sg_config *cfg, const struct sg_state *st, struct sg_plan *plan);
void plan_free(struct sg_plan *plan);

/* Why the plan refuses, in one line naming the ids involved (out, len). */
void refusal_describe(const struct sg_plan *plan, const struct sg_config *cfg,
		      const struct sg_state *st, char *out, size_t len);

#endif
