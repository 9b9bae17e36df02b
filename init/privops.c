#include "privops.h"

#include <cap-ng.h>
#include <errno.h>
#include <grp.h>
#include <linux/capability.h>
#include <stdlib.h>
#include <sys/prctl.h>
#include <unistd.h>

#include "common/gidlist.h"
#include "config.h"

/* The supplementary groups held now, in a malloc'ed array (*ids, to be
 * freed, also on failure); returns their number or -1. */
static int groups_read(gid_t **ids)
{
	int n = getgroups(0, NULL);

	*ids = NULL;
	if (n < 0)
		return -1;
	*ids = malloc(((size_t)n + 1) * sizeof(gid_t));
	if (!*ids)
		return -1;
	return getgroups(n, *ids); /* single-threaded: the count holds */
}

int state_read(struct sg_state *st, gid_t **held_buf)
{
	int n;

	*held_buf = NULL;
	if (getresuid(&st->ruid, &st->euid, &st->suid) ||
	    getresgid(&st->rgid, &st->egid, &st->sgid))
		return -1;
	n = groups_read(held_buf);
	if (n < 0)
		return -1;
	st->held = *held_buf;
	st->nheld = (size_t)n;
	st->cap_sys_admin = false;
	return 0;
}

int caps_raise_setgid(void)
{
	capng_clear(CAPNG_SELECT_CAPS);
	if (capng_update(CAPNG_ADD, CAPNG_EFFECTIVE | CAPNG_PERMITTED, CAP_SETGID))
		return -1;
	return capng_apply(CAPNG_SELECT_CAPS) ? -1 : 0;
}

int caps_clear(void)
{
	capng_clear(CAPNG_SELECT_CAPS);
	return capng_apply(CAPNG_SELECT_CAPS) ? -1 : 0;
}

bool caps_setgid_available(void)
{
	if (capng_get_caps_process())
		return false;
	return capng_have_capability(CAPNG_PERMITTED, CAP_SETGID) ||
		capng_have_capability(CAPNG_EFFECTIVE, CAP_SETGID);
}

bool caps_sys_admin_effective(void)
{
	if (capng_get_caps_process())
		return false;
	return capng_have_capability(CAPNG_EFFECTIVE, CAP_SYS_ADMIN);
}

static bool groups_are(const gid_t *target, size_t n)
{
	gid_t *now;
	int count = groups_read(&now);
	bool same = count >= 0 && gidlist_sort_unique(now, (size_t)count) == n;

	for (size_t i = 0; same && i < n; i++)
		same = now[i] == target[i];
	free(now);
	return same;
}

int groups_set_verified(const gid_t *target, size_t n)
{
	if (setgroups(n, target))
		return -1;
	return groups_are(target, n) ? 0 : -2;
}

/* Every capability set, bounding and ambient included, is empty. */
static bool caps_all_empty(void)
{
	const capng_type_t sets[] = {CAPNG_EFFECTIVE, CAPNG_PERMITTED, CAPNG_INHERITABLE,
				     CAPNG_BOUNDING_SET, CAPNG_AMBIENT};

	if (capng_get_caps_process())
		return false;
	for (unsigned cap = 0; cap <= CAP_LAST_CAP; cap++)
		for (size_t s = 0; s < sizeof(sets) / sizeof(sets[0]); s++)
			if (capng_have_capability(sets[s], cap))
				return false;
	/* A kernel newer than our headers may know more capabilities; it
	 * answers EINVAL from the first one it does not know. */
	for (unsigned cap = CAP_LAST_CAP + 1; cap < 64; cap++) {
		int in_bounding = prctl(PR_CAPBSET_READ, cap, 0, 0, 0);

		if (in_bounding < 0)
			break;
		if (in_bounding == 1)
			return false;
	}
	return true;
}

int user_switch_verified(uid_t uid, gid_t gid, const gid_t *target, size_t n)
{
	uid_t ru, eu, su;
	gid_t rg, eg, sg;

	if (setgroups(n, target))
		return -1;
	/* The state to reach after the switch: nothing, in every set. */
	capng_clear(CAPNG_SELECT_ALL);
	if (capng_change_id((int)uid, (int)gid, CAPNG_CLEAR_BOUNDING | CAPNG_CLEAR_AMBIENT)) {
		if (errno == 0)
			errno = EPERM;
		return -1;
	}
	if (getresuid(&ru, &eu, &su) || getresgid(&rg, &eg, &sg))
		return -1;
	if (ru != uid || eu != uid || su != uid || rg != gid || eg != gid || sg != gid ||
	    !groups_are(target, n) || !caps_all_empty())
		return -2;
	return 0;
}

int no_new_privs_set_verified(void)
{
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0))
		return -1;
	return prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0) == 1 ? 0 : -2;
}
