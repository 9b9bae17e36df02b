#include "policy.h"

#include "common/gidlist.h"
#include "common/lock_limit.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static gid_t *alloc_gids(size_t n)
{
	/* one spare element so that n == 0 still gives a distinct pointer */
	return malloc((n + 1) * sizeof(gid_t));
}

static int compute_allowed(const struct sg_config *cfg, gid_t primary, struct sg_plan *plan)
{
	plan->allowed = alloc_gids(cfg->ngroups + 1);
	if (!plan->allowed)
		return -1;
	if (cfg->ngroups)
		memcpy(plan->allowed, cfg->groups, cfg->ngroups * sizeof(gid_t));
	plan->allowed[cfg->ngroups] = primary;
	plan->nallowed = gidlist_sort_unique(plan->allowed, cfg->ngroups + 1);
	return 0;
}

/* forbidden = held - allowed; kept = held & allowed (both sorted, unique). */
static int split_held(const struct sg_state *st, struct sg_plan *plan, gid_t **kept, size_t *nkept)
{
	plan->forbidden = alloc_gids(st->nheld);
	*kept = alloc_gids(st->nheld);
	if (!plan->forbidden || !*kept)
		return -1;
	*nkept = 0;
	for (size_t i = 0; i < st->nheld; i++) {
		if (gidlist_sorted_contains(plan->allowed, plan->nallowed, st->held[i]))
			(*kept)[(*nkept)++] = st->held[i];
		else
			plan->forbidden[plan->nforbidden++] = st->held[i];
	}
	plan->nforbidden = gidlist_sort_unique(plan->forbidden, plan->nforbidden);
	*nkept = gidlist_sort_unique(*kept, *nkept);
	return 0;
}

static void refuse(struct sg_plan *plan, enum sg_refusal why)
{
	plan->verdict = VERDICT_REFUSE;
	plan->refusal = why;
	plan->set_no_new_privs = false;
	plan->install_lock = false;
}

int policy_plan(const struct sg_config *cfg, const struct sg_state *st, struct sg_plan *plan)
{
	gid_t *kept = NULL;
	size_t nkept = 0;

	memset(plan, 0, sizeof(*plan));
	plan->root_start = st->ruid == 0 && st->euid == 0 && st->suid == 0;
	plan->primary_gid = cfg->user_set ? cfg->user_gid : st->rgid;
	plan->set_no_new_privs = cfg->no_new_privs && cfg->mode != MODE_AUDIT;
	plan->install_lock = cfg->lock;

	if (compute_allowed(cfg, plan->primary_gid, plan))
		return -1;
	if (split_held(st, plan, &kept, &nkept)) {
		free(kept);
		return -1;
	}

	/* Which gid is "primary" is only clear when real, effective and saved
	 * agree; runc and every CRI start the entrypoint that way. */
	if (st->ruid != st->euid || st->ruid != st->suid || st->rgid != st->egid ||
	    st->rgid != st->sgid) {
		refuse(plan, REFUSE_INCONSISTENT_IDS);
	} else if (cfg->user_set && !plan->root_start) {
		refuse(plan, REFUSE_USER_NOT_ROOT);
	} else if (cfg->gid_set && !cfg->user_set && st->rgid != cfg->gid) {
		refuse(plan, REFUSE_GID_MISMATCH);
	} else if (cfg->lock && plan->nallowed > LOCK_MAX_GIDS) {
		refuse(plan, REFUSE_LOCK_TOO_LONG);
	} else if (cfg->lock && !cfg->no_new_privs && (!st->cap_sys_admin || cfg->user_set)) {
		/* without no_new_privs, installing a filter needs CAP_SYS_ADMIN,
		 * which a user switch gives up before the filter goes on */
		refuse(plan, REFUSE_LOCK_WITHOUT_NNP);
	} else if (cfg->user_set) {
		/* Root start: the groups become exactly STRICT_GROUPS + GID. */
		plan->verdict = VERDICT_SWITCH_USER;
		plan->target = alloc_gids(plan->nallowed);
		if (!plan->target) {
			free(kept);
			return -1;
		}
		memcpy(plan->target, plan->allowed, plan->nallowed * sizeof(gid_t));
		plan->ntarget = plan->nallowed;
	} else if (plan->nforbidden == 0) {
		plan->verdict = VERDICT_RUN;
	} else if (cfg->mode == MODE_AUDIT) {
		plan->verdict = VERDICT_RUN;
		plan->audit_report = true;
	} else if (cfg->mode == MODE_REFUSE) {
		refuse(plan, REFUSE_FORBIDDEN_HELD);
	} else if (!cfg->sealed && !plan->root_start) {
		/* Who may drop which group is the installer's choice: a copy
		 * without a seal never uses a file capability. */
		refuse(plan, REFUSE_NOT_SEALED);
	} else {
		/* Only ever remove: the target is a subset of what is held. */
		plan->verdict = VERDICT_DROP;
		plan->target = kept;
		plan->ntarget = nkept;
		kept = NULL;
	}
	free(kept);
	return 0;
}

void plan_free(struct sg_plan *plan)
{
	free(plan->allowed);
	free(plan->forbidden);
	free(plan->target);
	memset(plan, 0, sizeof(*plan));
}

void refusal_describe(const struct sg_plan *plan, const struct sg_config *cfg,
		      const struct sg_state *st, char *out, size_t len)
{
	switch (plan->refusal) {
	case REFUSE_NONE:
		snprintf(out, len, "no refusal");
		return;
	case REFUSE_INCONSISTENT_IDS:
		snprintf(
			out, len,
			"real, effective and saved ids differ (uid %u/%u/%u, gid %u/%u/%u), so the primary gid is unclear",
			(unsigned)st->ruid, (unsigned)st->euid, (unsigned)st->suid,
			(unsigned)st->rgid, (unsigned)st->egid, (unsigned)st->sgid);
		return;
	case REFUSE_USER_NOT_ROOT:
		snprintf(out, len,
			 "STRICT_GROUPS_USER is honoured only when started as root (uid %u)",
			 (unsigned)st->ruid);
		return;
	case REFUSE_GID_MISMATCH:
		snprintf(out, len, "the process's gid is %u, not STRICT_GROUPS_GID %u",
			 (unsigned)st->rgid, (unsigned)cfg->gid);
		return;
	case REFUSE_FORBIDDEN_HELD:
		snprintf(out, len, "mode refuse and forbidden groups are held");
		return;
	case REFUSE_LOCK_WITHOUT_NNP:
		snprintf(
			out, len,
			"STRICT_GROUPS_LOCK=1 needs no_new_privs (STRICT_GROUPS_NO_NEW_PRIVS=1) or CAP_SYS_ADMIN");
		return;
	case REFUSE_LOCK_TOO_LONG:
		snprintf(
			out, len,
			"STRICT_GROUPS_LOCK=1 encodes at most %d allowed gids, and STRICT_GROUPS plus the primary gid are %zu",
			LOCK_MAX_GIDS, plan->nallowed);
		return;
	case REFUSE_NOT_SEALED:
		snprintf(
			out, len,
			"this copy of strict-init has no sealed policy, so it drops groups only when started as root "
			"(make one with: strict-init install --groups=LIST DEST)");
		return;
	}
	snprintf(out, len, "unknown refusal");
}
