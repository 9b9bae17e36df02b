/* libstrict-preload.so: keeps a process's groups and gids within the
 * allowed set after strict-init has exec'd it: STRICT_GROUPS plus the
 * primary gid, the same set as the seccomp lock's.
 *
 * The set is captured once, when the library loads (a constructor): a
 * private copy of STRICT_GROUPS, validated with init/gidlist.c, and
 * getgid(). A later setenv/putenv of STRICT_GROUPS or a change of the
 * effective gid cannot widen it.
 *
 * Interposed:
 *   initgroups(user, g)  EPERM unless g is allowed; else the groups become
 *                        STRICT_GROUPS + g (user is not looked up: under a
 *                        strict policy the image's /etc/group is no source)
 *   setgroups(list)      sets only the allowed gids of list
 *   setgid, setegid, setregid, setresgid
 *                        EPERM unless each gid is allowed or -1
 *   setfsgid(g)          no error return: a denied call changes nothing and
 *                        returns the current fsgid
 * glibc's and musl's initgroups() call setgroups internally, past any
 * interposition, and glibc's setegid() calls setresgid internally, so each
 * is replaced itself (docs/design.md, "libc calls setgroups behind your
 * back"). Static binaries and raw system
 * calls bypass any preload: that is what the seccomp lock
 * (STRICT_GROUPS_LOCK=1) is for.
 *
 * Fails closed: when STRICT_GROUPS was unset or malformed at load, every
 * interposed call fails (EPERM), with one message on stderr.
 *
 * Built against glibc without _FORTIFY_SOURCE, and using only getenv,
 * dlsym, getgid, getegid, malloc, and vsnprintf and write for its messages
 * (common/log.c, prefix "strict-groups preload: "), so that the same file
 * loads in glibc and musl programs (docs/design.md, "One guard for both
 * libcs"). Everything but the interposed functions is hidden. */
#include <dlfcn.h>
#include <errno.h>
#include <grp.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/fsuid.h>
#include <sys/types.h>
#include <unistd.h>

#include "common/gidlist.h"
#include "common/log.h"

#define PUBLIC __attribute__((visibility("default")))

/* Bind the oldest dlsym (GLIBC_2.2.5, in libdl.so.2 before glibc 2.34 and
 * kept in libc.so.6 since) rather than dlsym@GLIBC_2.34, so that images
 * with an older glibc can load the guard; musl ignores symbol versions. */
#if defined(__GLIBC__) && defined(__x86_64__)
__asm__(".symver dlsym, dlsym@GLIBC_2.2.5");
#endif
#define STACK_GIDS 64
#define KERNEL_NGROUPS_MAX 65536 /* setgroups fails with EINVAL above it */
#define GID_UNCHANGED ((gid_t)-1)

/* ---- messages: one line, one write(2) (common/log.c) ---- */

/* Each kind of message is said at most once per process. */
enum once { ONCE_BROKEN, ONCE_REFUSED, ONCE_NO_REAL, NONCE };

static bool first_time(enum once kind)
{
	static int said[NONCE];

	return !__atomic_exchange_n(&said[kind], 1, __ATOMIC_RELAXED);
}

/* ---- the allowed set, captured at load ---- */

static struct {
	const char *broken; /* why the set could not be captured, or NULL */
	gid_t *groups;      /* STRICT_GROUPS as it was at load */
	size_t ngroups;
	gid_t primary; /* getgid() at load */
} loaded;

static void capture(void)
{
	const char *list = getenv("STRICT_GROUPS");
	size_t count, bad;

	loaded.primary = getgid();
	if (!list) {
		loaded.broken = "STRICT_GROUPS is not set";
		return;
	}
	if (gidlist_validate(list, &count, &bad) != GID_OK) {
		loaded.broken = "STRICT_GROUPS is malformed";
		return;
	}
	loaded.groups = malloc((count + 1) * sizeof(gid_t));
	if (!loaded.groups) {
		loaded.broken = "out of memory reading STRICT_GROUPS";
		return;
	}
	loaded.ngroups = gidlist_fill(list, loaded.groups, count);
}

/* Captures the set once: at load, or at the first interposed call should
 * another library's constructor make one before this one ran. */
static void capture_once(void)
{
	static int state; /* 0 not yet, 1 capturing, 2 done */
	int expected = 0;

	if (__atomic_load_n(&state, __ATOMIC_ACQUIRE) == 2)
		return;
	if (__atomic_compare_exchange_n(&state, &expected, 1, false, __ATOMIC_ACQ_REL,
					__ATOMIC_ACQUIRE)) {
		capture();
		__atomic_store_n(&state, 2, __ATOMIC_RELEASE);
		return;
	}
	while (__atomic_load_n(&state, __ATOMIC_ACQUIRE) != 2)
		; /* another thread is capturing: a few instructions */
}

__attribute__((constructor)) static void capture_at_load(void)
{
	capture_once();
}

/* Whether the set is usable; else says why once (fail closed). */
static bool set_loaded(void)
{
	capture_once();
	if (loaded.broken) {
		if (first_time(ONCE_BROKEN))
			log_msg("%s; group and gid changes fail with EPERM", loaded.broken);
		return false;
	}
	return true;
}

static bool allowed(gid_t g)
{
	if (g == loaded.primary)
		return true;
	for (size_t i = 0; i < loaded.ngroups; i++)
		if (loaded.groups[i] == g)
			return true;
	return false;
}

/* Each of ids allowed or -1 ("unchanged"); else says which once. */
static bool permitted(const char *call, const gid_t *ids, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (ids[i] == GID_UNCHANGED || allowed(ids[i]))
			continue;
		if (first_time(ONCE_REFUSED))
			log_msg("%s refused (EPERM) for gid %u: not in STRICT_GROUPS, not the "
				"primary gid at start",
				call, (unsigned int)ids[i]);
		return false;
	}
	return true;
}

/* ---- the real functions ---- */

enum real_id {
	REAL_SETGROUPS,
	REAL_SETGID,
	REAL_SETEGID,
	REAL_SETREGID,
	REAL_SETRESGID,
	REAL_SETFSGID,
	NREAL
};

/* POSIX gives dlsym a void *; this is how a function comes out of it. */
union real_fn {
	void *sym;
	int (*setgroups)(size_t, const gid_t *);
	int (*gid1)(gid_t);
	int (*gid2)(gid_t, gid_t);
	int (*gid3)(gid_t, gid_t, gid_t);
};

static union real_fn real(enum real_id id)
{
	static const char *const names[NREAL] = {
		[REAL_SETGROUPS] = "setgroups", [REAL_SETGID] = "setgid",
		[REAL_SETEGID] = "setegid",     [REAL_SETREGID] = "setregid",
		[REAL_SETRESGID] = "setresgid", [REAL_SETFSGID] = "setfsgid",
	};
	static void *cache[NREAL];
	union real_fn fn = {.sym = __atomic_load_n(&cache[id], __ATOMIC_ACQUIRE)};

	if (!fn.sym) {
		fn.sym = dlsym(RTLD_NEXT, names[id]);
		if (fn.sym)
			__atomic_store_n(&cache[id], fn.sym, __ATOMIC_RELEASE);
		else if (first_time(ONCE_NO_REAL))
			log_msg("the real function cannot be found: %s", names[id]);
	}
	return fn;
}

static int denied(void)
{
	errno = EPERM;
	return -1;
}

/* Calls the real setgroups with the gids chosen by pick (at most cap),
 * using a stack buffer for short lists. */
static int set_filtered(size_t cap, size_t (*pick)(const void *, gid_t *), const void *arg)
{
	gid_t stack_buf[STACK_GIDS];
	gid_t *buf = stack_buf;
	union real_fn fn = real(REAL_SETGROUPS);
	int rc, saved;

	if (!fn.sym)
		return denied();
	if (cap > STACK_GIDS) {
		buf = malloc(cap * sizeof(gid_t));
		if (!buf) {
			errno = ENOMEM;
			return -1;
		}
	}
	rc = fn.setgroups(pick(arg, buf), buf);
	saved = errno;
	if (buf != stack_buf)
		free(buf);
	errno = saved;
	return rc;
}

/* ---- the interposed functions ---- */

static size_t pick_initgroups(const void *arg, gid_t *out)
{
	gid_t group = *(const gid_t *)arg;
	size_t n = 0;
	bool listed = false;

	for (size_t i = 0; i < loaded.ngroups; i++) {
		out[n++] = loaded.groups[i];
		listed = listed || loaded.groups[i] == group;
	}
	if (!listed)
		out[n++] = group;
	return n;
}

PUBLIC int initgroups(const char *user, gid_t group)
{
	(void)user;
	if (!set_loaded() || !permitted("initgroups", &group, 1) || group == GID_UNCHANGED)
		return denied();
	return set_filtered(loaded.ngroups + 1, pick_initgroups, &group);
}

struct setgroups_args {
	size_t n;
	const gid_t *wanted;
};

static size_t pick_setgroups(const void *arg, gid_t *out)
{
	const struct setgroups_args *a = arg;
	size_t kept = 0;

	for (size_t i = 0; i < a->n; i++)
		if (allowed(a->wanted[i]))
			out[kept++] = a->wanted[i];
	return kept;
}

PUBLIC int setgroups(size_t n, const gid_t *list)
{
	struct setgroups_args a = {.n = n, .wanted = list};

	if (!set_loaded())
		return denied();
	if (n > KERNEL_NGROUPS_MAX) {
		errno = EINVAL;
		return -1;
	}
	if (n > 0 && !list) {
		errno = EFAULT;
		return -1;
	}
	return set_filtered(n, pick_setgroups, &a);
}

PUBLIC int setgid(gid_t g)
{
	union real_fn fn = real(REAL_SETGID);

	if (!fn.sym || !set_loaded() || !permitted("setgid", &g, 1))
		return denied();
	return fn.gid1(g);
}

PUBLIC int setegid(gid_t g)
{
	union real_fn fn = real(REAL_SETEGID);

	if (!fn.sym || !set_loaded() || !permitted("setegid", &g, 1))
		return denied();
	return fn.gid1(g);
}

PUBLIC int setregid(gid_t r, gid_t e)
{
	const gid_t ids[] = {r, e};
	union real_fn fn = real(REAL_SETREGID);

	if (!fn.sym || !set_loaded() || !permitted("setregid", ids, 2))
		return denied();
	return fn.gid2(r, e);
}

PUBLIC int setresgid(gid_t r, gid_t e, gid_t s)
{
	const gid_t ids[] = {r, e, s};
	union real_fn fn = real(REAL_SETRESGID);

	if (!fn.sym || !set_loaded() || !permitted("setresgid", ids, 3))
		return denied();
	return fn.gid3(r, e, s);
}

/* setfsgid reports nothing but the previous fsgid: a denied call returns
 * the current one, which setfsgid(-1) reads without changing anything. */
PUBLIC int setfsgid(gid_t g)
{
	union real_fn fn = real(REAL_SETFSGID);

	if (!fn.sym)
		return (int)getegid(); /* what the fsgid follows */
	if (!set_loaded() || !permitted("setfsgid", &g, 1))
		return fn.gid1(GID_UNCHANGED);
	return fn.gid1(g);
}
