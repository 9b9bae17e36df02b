/* libFuzzer target over strict-init's pure modules: the gid-list parser,
 * config_parse(), policy_plan() and env_with_preload().
 *
 * The input is decoded into an environment, an argv, and the state of the
 * process (ids and held supplementary groups); then the invariants the
 * README and issue 2 promise are asserted (abort() on a violation, which
 * libFuzzer reports as a crash with the input saved):
 *
 *  - gidlist_validate/gidlist_fill/gidlist_contains agree with an
 *    independent reference parser written here (strict decimal, no leading
 *    zeros, below 4294967295, comma-separated, no empty element, "" = none);
 *  - a malformed value of any setting is an error; a well-formed
 *    configuration is accepted (model below); on an error the
 *    configuration is all zero (never a partial result) and the reason has
 *    no control character (text_one_line); on success each
 *    field holds exactly the value given (the option wins over the
 *    environment);
 *  - the plan: forbidden = held - allowed, allowed = STRICT_GROUPS + the
 *    primary gid; without a user switch the target is a subset of the held
 *    groups and only exists for a DROP; target and forbidden never meet;
 *    a user switch only from a root start, and then target = allowed;
 *    refuse never drops; audit never changes anything; a STRICT_GROUPS_GID
 *    mismatch or inconsistent real/effective/saved ids are refused;
 *  - gidlist_format() of a plan's list parses back to the same list;
 *    text_one_line() replaces every byte that is not printable ASCII and
 *    nothing else;
 *  - env_with_preload(): exactly one STRICT_GROUPS and one LD_PRELOAD
 *    (ours first, then the earlier non-empty values), the rest unchanged;
 *  - the seal: an install's settings composed into a seal and read back by
 *    a run with no variable or option give the same configuration; a run
 *    of a sealed copy (seal text from the input) is accepted, refused as
 *    malformed, or refused as contradicting the seal exactly as a model
 *    written from the README says, and then holds the sealed values; a
 *    copy without a seal never drops for a non-root start;
 *  - install seals its options only (or, from a sealed copy given none, its
 *    own seal): a STRICT_GROUPS* variable its options do not repeat is
 *    refused.
 *
 * Input layout (missing bytes read as 0):
 *   h[0]  bits 0-6: setting i is given (GROUPS MODE USER NNP GID PRELOAD
 *         LOCK); bit 7: raw mode (argv tokens straight from the input)
 *   h[1]  bit i: setting i comes as an option, else as a variable
 *   h[2]  bit i: option style "--opt VALUE" instead of "--opt=VALUE"
 *   h[3]  bit 0 a variable twice; 1 "--" before the command; 2 "check";
 *         3 "install DEST"; 4 "--help"; 5 no command at all; 6 an unrelated
 *         STRICT_GROUPSX variable; 7 the variable too when an option is given
 *   h[4]  bits 0-1 ids: 0 all root, 1 all 1000, 2-3 from h[5]/h[6];
 *         bit 2 CAP_SYS_ADMIN effective; bits 3-4 number of LD_PRELOAD
 *         variables already in the environment; bit 5 a sealed copy: the
 *         first extra field is the seal, '\001' standing for its NULs
 *   h[5]  2-bit selectors of ruid, euid, suid in {0, 1000, 50000, 60000}
 *   h[6]  the same for rgid, egid, sgid
 *   h[7]  number of held groups (mod 33), then 2 bytes each: top bit set
 *         picks from a table of interesting gids, else the low 15 bits
 *   rest  NUL-separated fields: the 7 settings' values in order, then extra
 *         fields (duplicate/overridden values, LD_PRELOAD values, DEST,
 *         command arguments, raw argv tokens). */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "init/config.h"
#include "init/envedit.h"
#include "common/gidlist.h"
#include "init/policy.h"

#include "fuzz_check.h"

enum { S_GROUPS, S_MODE, S_USER, S_NNP, S_GID, S_PRELOAD, S_LOCK, S_N };

static const char *const option_name[S_N] = {
	"groups", "mode", "user", "no-new-privs", "gid", "preload", "lock"};
static const char *const env_name[S_N] = {
	"STRICT_GROUPS", "STRICT_GROUPS_MODE", "STRICT_GROUPS_USER",
	"STRICT_GROUPS_NO_NEW_PRIVS", "STRICT_GROUPS_GID", "STRICT_GROUPS_PRELOAD",
	"STRICT_GROUPS_LOCK"};

#define MAX_FIELDS 64
#define MAX_HELD 32
#define MAX_VEC 128

static const uint32_t id_table[4] = {0, 1000, 50000, 60000};
static const uint32_t gid_table[8] = {0, 1000, 50000, 60000, 1, 65534,
				      4294967294u, 2147483648u};

/* ---- input decoding ---- */

struct input {
	const uint8_t *p;
	size_t n;
};

static uint8_t take(struct input *in)
{
	uint8_t b = 0;

	if (in->n) {
		b = *in->p++;
		in->n--;
	}
	return b;
}

/* Strings the test builds; freed at the end of each run. */
struct arena {
	char *ptr[4 * MAX_FIELDS + 32];
	size_t n;
};

static char *keep(struct arena *a, char *s)
{
	CHECK(s != NULL && a->n < sizeof(a->ptr) / sizeof(a->ptr[0]));
	a->ptr[a->n++] = s;
	return s;
}

static char *dup_bytes(struct arena *a, const uint8_t *p, size_t n)
{
	char *s = malloc(n + 1);

	CHECK(s != NULL);
	memcpy(s, p, n);
	s[n] = '\0';
	return keep(a, s);
}

static char *concat(struct arena *a, const char *x, const char *y, const char *z)
{
	size_t lx = strlen(x), ly = strlen(y), lz = strlen(z);
	char *s = malloc(lx + ly + lz + 1);

	CHECK(s != NULL);
	memcpy(s, x, lx);
	memcpy(s + lx, y, ly);
	memcpy(s + lx + ly, z, lz + 1);
	return keep(a, s);
}

/* ---- the reference gid parser (written from the README, not from
 * gidlist.c) ---- */

enum ref_error { REF_OK, REF_EMPTY, REF_NOT_DECIMAL, REF_LEADING_ZERO, REF_TOO_LARGE };

static enum ref_error ref_id(const char *s, size_t len, uint32_t *out)
{
	uint64_t v = 0;

	if (len == 0)
		return REF_EMPTY;
	for (size_t i = 0; i < len; i++)
		if (!(s[i] >= '0' && s[i] <= '9'))
			return REF_NOT_DECIMAL;
	if (s[0] == '0' && len != 1)
		return REF_LEADING_ZERO;
	for (size_t i = 0; i < len; i++) {
		v = v * 10 + (uint64_t)(s[i] - '0');
		if (v >= 4294967295u)
			return REF_TOO_LARGE;
	}
	*out = (uint32_t)v;
	return REF_OK;
}

struct ref_list {
	enum ref_error error;
	size_t bad_index;
	size_t n;     /* elements (all of them, duplicates included) */
	uint32_t *v;  /* malloc'ed, n elements */
};

static struct ref_list ref_parse(const char *s)
{
	struct ref_list r = {REF_OK, 0, 0, NULL};
	size_t len = strlen(s), start = 0, cap = 1;

	r.v = malloc(sizeof(uint32_t) * (len / 2 + 2));
	CHECK(r.v != NULL);
	if (len == 0)
		return r;
	for (size_t i = 0; i < len; i++)
		if (s[i] == ',')
			cap++;
	for (size_t k = 0; k < cap; k++) {
		size_t end = start;
		uint32_t id = 0;
		enum ref_error e;

		while (end < len && s[end] != ',')
			end++;
		e = ref_id(s + start, end - start, &id);
		if (e != REF_OK) {
			r.error = e;
			r.bad_index = k;
			r.n = 0;
			return r;
		}
		r.v[r.n++] = id;
		start = end + 1;
	}
	return r;
}

static int ref_cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return (x > y) - (x < y);
}

/* The number of distinct gids in a well-formed list. */
static size_t ref_distinct(const char *s)
{
	struct ref_list r = ref_parse(s);
	size_t n = 0;

	CHECK(r.error == REF_OK);
	qsort(r.v, r.n, sizeof(*r.v), ref_cmp_u32);
	for (size_t i = 0; i < r.n; i++)
		if (i == 0 || r.v[i] != r.v[i - 1])
			n++;
	free(r.v);
	return n;
}

static bool ref_id_ok(const char *s)
{
	uint32_t id;

	return ref_id(s, strlen(s), &id) == REF_OK;
}

/* "UID:GID": exactly one colon, both ids valid. */
static bool ref_user_ok(const char *s, uint32_t *uid, uint32_t *gid)
{
	const char *colon = strchr(s, ':');

	if (!colon || strchr(colon + 1, ':'))
		return false;
	return ref_id(s, (size_t)(colon - s), uid) == REF_OK &&
	       ref_id(colon + 1, strlen(colon + 1), gid) == REF_OK;
}

static bool ref_flag_ok(const char *s)
{
	return strcmp(s, "0") == 0 || strcmp(s, "1") == 0;
}

static bool ref_mode_ok(const char *s)
{
	return strcmp(s, "enforce") == 0 || strcmp(s, "refuse") == 0 ||
	       strcmp(s, "audit") == 0;
}

/* Absolute, no '$' (glibc's loader expands it), no colon or white space
 * (LD_PRELOAD's separators). */
static bool ref_preload_ok(const char *s)
{
	/* musl's loader splits LD_PRELOAD at every isspace() character */
	return s[0] == '/' && !strpbrk(s, ": \t\n\v\f\r$");
}

static int cmp_u32(const void *x, const void *y)
{
	uint32_t a = *(const uint32_t *)x, b = *(const uint32_t *)y;

	return (a > b) - (a < b);
}

/* Sorted, without duplicates, in place; returns the new length. */
static size_t sort_unique(uint32_t *v, size_t n)
{
	size_t out = 0;

	qsort(v, n, sizeof(*v), cmp_u32);
	for (size_t i = 0; i < n; i++)
		if (out == 0 || v[out - 1] != v[i])
			v[out++] = v[i];
	return out;
}

static bool in_set(const uint32_t *v, size_t n, uint32_t x)
{
	for (size_t i = 0; i < n; i++)
		if (v[i] == x)
			return true;
	return false;
}

static bool strictly_sorted(const gid_t *v, size_t n)
{
	for (size_t i = 1; i < n; i++)
		if (!(v[i - 1] < v[i]))
			return false;
	return true;
}

static bool same_list(const gid_t *a, size_t na, const uint32_t *b, size_t nb)
{
	if (na != nb)
		return false;
	for (size_t i = 0; i < na; i++)
		if ((uint32_t)a[i] != b[i])
			return false;
	return true;
}

/* ---- checks of the gid-list module against the reference ---- */

static void check_gidlist(const char *s, const uint32_t *probe, size_t nprobe)
{
	struct ref_list r = ref_parse(s);
	size_t count = 12345, bad = 12345;
	enum gid_parse_error e = gidlist_validate(s, &count, &bad);

	switch (r.error) {
	case REF_OK:
		CHECK(e == GID_OK);
		break;
	case REF_EMPTY:
		CHECK(e == GID_EMPTY);
		break;
	case REF_NOT_DECIMAL:
		CHECK(e == GID_NOT_DECIMAL);
		break;
	case REF_LEADING_ZERO:
		CHECK(e == GID_LEADING_ZERO);
		break;
	case REF_TOO_LARGE:
		CHECK(e == GID_TOO_LARGE);
		break;
	}
	CHECK(gidlist_strerror(e) != NULL);
	if (e != GID_OK) {
		CHECK(bad == r.bad_index);
		free(r.v);
		return;
	}
	CHECK(count == r.n);
	if (r.n) {
		size_t cap = r.n > 1 ? r.n - 1 : r.n; /* also a short buffer */
		gid_t *out = malloc(sizeof(gid_t) * (r.n + 1));

		CHECK(out != NULL);
		CHECK(gidlist_fill(s, out, r.n) == r.n);
		for (size_t i = 0; i < r.n; i++)
			CHECK((uint32_t)out[i] == r.v[i]);
		CHECK(gidlist_fill(s, out, cap) == cap);
		free(out);
	}
	for (size_t i = 0; i < nprobe; i++)
		CHECK(gidlist_contains(s, (gid_t)probe[i]) == in_set(r.v, r.n, probe[i]));
	for (size_t i = 0; i < r.n && i < 8; i++)
		CHECK(gidlist_contains(s, (gid_t)r.v[i]));
	free(r.v);
}

static void check_text_roundtrip(const gid_t *v, size_t n)
{
	char *text = gidlist_format(v, n);
	struct ref_list r;

	CHECK(text != NULL);
	if (n == 0) {
		CHECK(strcmp(text, "none") == 0);
		free(text);
		return;
	}
	r = ref_parse(text);
	CHECK(r.error == REF_OK);
	CHECK(same_list(v, n, r.v, r.n));
	free(r.v);
	free(text);
}

/* ---- the model of a well-formed configuration ---- */

struct model {
	bool given[S_N];
	const char *value[S_N]; /* the effective value (option wins) */
	bool as_option[S_N];    /* given as an option */
	const char *variable[S_N]; /* the variable's value, when one is set */
	bool other_variable;    /* STRICT_GROUPSX=1 in the environment */
	const char *seal;       /* a sealed copy: the seal's text, NULL else */
	size_t seal_len;
	bool duplicate_env;
	bool help;
	bool command_missing;
	enum sg_command command;
	const char *install_dest;
	char **command_argv; /* CMD_RUN: where argv's command starts */
};

/* Whether config_parse must succeed, from the README and issue 2: every
 * value well formed, no variable twice, a command (unless --help), and
 * STRICT_GROUPS to run one; then the combinations config.c refuses
 * (documented in its check_combinations()). */
static bool model_accepts(const struct model *m)
{
	uint32_t uid = 0, ugid = 0;
	bool user_set = m->given[S_USER], audit;

	if (m->duplicate_env)
		return false;
	if (m->given[S_GROUPS]) {
		struct ref_list r = ref_parse(m->value[S_GROUPS]);

		free(r.v);
		if (r.error != REF_OK)
			return false;
	}
	if (m->given[S_MODE] && !ref_mode_ok(m->value[S_MODE]))
		return false;
	if (user_set && !ref_user_ok(m->value[S_USER], &uid, &ugid))
		return false;
	if (m->given[S_NNP] && !ref_flag_ok(m->value[S_NNP]))
		return false;
	if (m->given[S_GID] && !ref_id_ok(m->value[S_GID]))
		return false;
	if (m->given[S_PRELOAD] && !ref_preload_ok(m->value[S_PRELOAD]))
		return false;
	if (m->given[S_LOCK] && !ref_flag_ok(m->value[S_LOCK]))
		return false;
	if (m->help)
		return true;
	if (m->command_missing)
		return false;
	if (m->command == CMD_INSTALL && m->install_dest[0] == '\0')
		return false;
	if (m->command == CMD_INSTALL && !m->given[S_GROUPS])
		return false;
	if (m->command == CMD_RUN && !m->given[S_GROUPS])
		return false;
	audit = m->given[S_MODE] && strcmp(m->value[S_MODE], "audit") == 0;
	if (user_set && m->given[S_MODE] && strcmp(m->value[S_MODE], "enforce") != 0)
		return false;
	if (m->given[S_GID] && user_set &&
	    (uint32_t)strtoul(m->value[S_GID], NULL, 10) != ugid)
		return false;
	if (audit && m->given[S_LOCK] && strcmp(m->value[S_LOCK], "1") == 0)
		return false;
	if (audit && m->given[S_PRELOAD])
		return false;
	/* README: the lock encodes at most 254 allowed gids (253 groups and
	 * the primary gid); install refuses to seal more, a run finds out in
	 * the plan (77) */
	if (m->command == CMD_INSTALL && m->given[S_LOCK] &&
	    strcmp(m->value[S_LOCK], "1") == 0 &&
	    ref_distinct(m->value[S_GROUPS]) + 1 > 254)
		return false;
	return true;
}

/* ---- the seal's model ---- */

struct seal_ref {
	bool ok;
	bool has[S_N];
	const char *value[S_N];
};

/* The seal's entries, NAME=VALUE each ended by a NUL, read as the README
 * says: known names, each at most once, GROUPS MODE and NNP present, every
 * value well formed. */
static struct seal_ref ref_seal(const char *text, size_t len)
{
	struct seal_ref r;
	uint32_t uid, gid;
	size_t pos = 0;

	memset(&r, 0, sizeof(r));
	if (len == 0 || text[len - 1] != '\0')
		return r;
	while (pos < len) {
		const char *e = text + pos;
		size_t n = strlen(e);
		int s;

		for (s = 0; s < S_N; s++) {
			size_t k = strlen(env_name[s]);

			if (n > k && strncmp(e, env_name[s], k) == 0 && e[k] == '=')
				break;
		}
		if (s == S_N || r.has[s])
			return r;
		r.has[s] = true;
		r.value[s] = e + strlen(env_name[s]) + 1;
		pos += n + 1;
	}
	if (!r.has[S_GROUPS] || !r.has[S_MODE] || !r.has[S_NNP])
		return r;
	{
		struct ref_list l = ref_parse(r.value[S_GROUPS]);

		free(l.v);
		if (l.error != REF_OK)
			return r;
	}
	if (!ref_mode_ok(r.value[S_MODE]) || !ref_flag_ok(r.value[S_NNP]) ||
	    (r.has[S_USER] && !ref_user_ok(r.value[S_USER], &uid, &gid)) ||
	    (r.has[S_GID] && !ref_id_ok(r.value[S_GID])) ||
	    (r.has[S_PRELOAD] && !ref_preload_ok(r.value[S_PRELOAD])) ||
	    (r.has[S_LOCK] && !ref_flag_ok(r.value[S_LOCK])))
		return r;
	r.ok = true;
	return r;
}

/* Two well-formed values of setting s mean the same. */
static bool ref_same(int s, const char *a, const char *b)
{
	if (s == S_GROUPS) {
		struct ref_list x = ref_parse(a), y = ref_parse(b);
		size_t nx = sort_unique(x.v, x.n), ny = sort_unique(y.v, y.n);
		bool same = nx == ny && (nx == 0 || memcmp(x.v, y.v, nx * sizeof(uint32_t)) == 0);

		free(x.v);
		free(y.v);
		return same;
	}
	if (s == S_USER) {
		uint32_t u1 = 0, g1 = 0, u2 = 0, g2 = 0;

		return ref_user_ok(a, &u1, &g1) && ref_user_ok(b, &u2, &g2) &&
		       u1 == u2 && g1 == g2;
	}
	if (s == S_GID)
		return strtoul(a, NULL, 10) == strtoul(b, NULL, 10);
	return strcmp(a, b) == 0;
}

/* A well-formed value of setting s. */
static bool ref_value_ok(int s, const char *v)
{
	uint32_t a, b;

	switch (s) {
	case S_GROUPS: {
		struct ref_list l = ref_parse(v);

		free(l.v);
		return l.error == REF_OK;
	}
	case S_MODE:
		return ref_mode_ok(v);
	case S_USER:
		return ref_user_ok(v, &a, &b);
	case S_GID:
		return ref_id_ok(v);
	case S_PRELOAD:
		return ref_preload_ok(v);
	default:
		return ref_flag_ok(v);
	}
}

/* install (issue 18): the options are the settings, or, from a sealed copy
 * given none, the seal's; every STRICT_GROUPS* variable must be repeated by
 * its option (both well formed, the same meaning), any other is refused. */
static int model_install(const struct model *m, struct model *merged)
{
	bool any = false;

	if (m->duplicate_env || m->other_variable)
		return CONFIG_USAGE;
	for (int s = 0; s < S_N; s++) {
		if (!m->variable[s])
			continue;
		if (!m->as_option[s] || !ref_value_ok(s, m->variable[s]) ||
		    !ref_value_ok(s, m->value[s]) || !ref_same(s, m->variable[s], m->value[s]))
			return CONFIG_USAGE;
	}
	for (int s = 0; s < S_N; s++)
		any = any || m->as_option[s];
	if (m->seal && !any) {
		struct seal_ref r = ref_seal(m->seal, m->seal_len);

		if (!r.ok)
			return CONFIG_USAGE;
		for (int s = 0; s < S_N; s++) {
			merged->given[s] = r.has[s];
			merged->value[s] = r.value[s];
		}
	}
	merged->seal = NULL;
	return model_accepts(merged) ? 0 : CONFIG_USAGE;
}

/* What config_parse returns for a model (0, CONFIG_USAGE or
 * CONFIG_CONTRADICTS); for a sealed run, *merged gets the settings the
 * copy runs with: the seal's, plus GID, PRELOAD and LOCK given at start
 * when the seal leaves them unset. */
static int model_result(const struct model *m, struct model *merged)
{
	struct seal_ref r;

	*merged = *m;
	if (m->command == CMD_INSTALL && !m->help && !m->command_missing)
		return model_install(m, merged);
	if (!m->seal || m->help || m->command_missing ||
	    (m->command != CMD_RUN && m->command != CMD_CHECK))
		return model_accepts(m) ? 0 : CONFIG_USAGE;
	/* the same checks as without a seal, up to the values given */
	{
		struct model given = *m;

		given.seal = NULL;
		given.given[S_GROUPS] = true; /* the seal provides it */
		given.value[S_GROUPS] = m->given[S_GROUPS] ? m->value[S_GROUPS] : "";
		given.given[S_USER] = false;  /* the combinations come later */
		given.given[S_MODE] = m->given[S_MODE] && !ref_mode_ok(m->value[S_MODE]);
		given.given[S_GID] = m->given[S_GID] && !ref_id_ok(m->value[S_GID]);
		given.given[S_LOCK] = m->given[S_LOCK] && !ref_flag_ok(m->value[S_LOCK]);
		given.given[S_PRELOAD] = m->given[S_PRELOAD] && !ref_preload_ok(m->value[S_PRELOAD]);
		if (m->given[S_USER]) {
			uint32_t u, g;

			if (!ref_user_ok(m->value[S_USER], &u, &g))
				return CONFIG_USAGE;
		}
		if (!model_accepts(&given))
			return CONFIG_USAGE;
	}
	r = ref_seal(m->seal, m->seal_len);
	if (!r.ok)
		return CONFIG_USAGE;
	for (int s = 0; s < S_N; s++) {
		merged->given[s] = r.has[s];
		merged->value[s] = r.value[s];
	}
	for (int s = 0; s < S_N; s++) {
		if (!m->given[s])
			continue;
		if (r.has[s] && !ref_same(s, m->value[s], r.value[s]))
			return CONFIG_CONTRADICTS;
		if (!r.has[s] && s == S_USER)
			return CONFIG_CONTRADICTS;
		if (!r.has[s]) {
			merged->given[s] = true;
			merged->value[s] = m->value[s];
		}
	}
	merged->seal = NULL;
	merged->duplicate_env = false;
	return model_accepts(merged) ? 0 : CONFIG_USAGE;
}

/* On success, every field is the value given. */
static void check_fields(const struct model *m, const struct sg_config *cfg)
{
	if (m->help) {
		CHECK(cfg->command == CMD_HELP);
	} else {
		CHECK(cfg->command == m->command);
		if (m->command == CMD_RUN)
			CHECK(cfg->argv == m->command_argv);
		if (m->command == CMD_INSTALL)
			CHECK(strcmp(cfg->install_dest, m->install_dest) == 0);
	}
	CHECK(cfg->groups_set == m->given[S_GROUPS]);
	if (m->given[S_GROUPS]) {
		struct ref_list r = ref_parse(m->value[S_GROUPS]);
		size_t n = sort_unique(r.v, r.n);

		CHECK(cfg->groups_text == m->value[S_GROUPS] ||
		      strcmp(cfg->groups_text, m->value[S_GROUPS]) == 0);
		CHECK(same_list(cfg->groups, cfg->ngroups, r.v, n));
		free(r.v);
	} else {
		CHECK(cfg->groups == NULL && cfg->ngroups == 0);
	}
	if (m->given[S_MODE]) {
		const char *v = m->value[S_MODE];

		CHECK(cfg->mode == (strcmp(v, "enforce") == 0 ? MODE_ENFORCE
				    : strcmp(v, "refuse") == 0 ? MODE_REFUSE
							       : MODE_AUDIT));
	} else {
		CHECK(cfg->mode == MODE_ENFORCE);
	}
	CHECK(cfg->user_set == m->given[S_USER]);
	if (m->given[S_USER]) {
		uint32_t uid = 0, gid = 0;

		CHECK(ref_user_ok(m->value[S_USER], &uid, &gid));
		CHECK((uint32_t)cfg->user_uid == uid && (uint32_t)cfg->user_gid == gid);
	}
	CHECK(cfg->no_new_privs ==
	      (!m->given[S_NNP] || strcmp(m->value[S_NNP], "1") == 0));
	CHECK(cfg->gid_set == m->given[S_GID]);
	if (m->given[S_GID])
		CHECK((uint32_t)cfg->gid == (uint32_t)strtoul(m->value[S_GID], NULL, 10));
	if (m->given[S_PRELOAD])
		CHECK(cfg->preload && strcmp(cfg->preload, m->value[S_PRELOAD]) == 0);
	else
		CHECK(cfg->preload == NULL);
	CHECK(cfg->lock == (m->given[S_LOCK] && strcmp(m->value[S_LOCK], "1") == 0));
	CHECK(cfg->lock_set == m->given[S_LOCK]);
}

/* An install's configuration, composed into a seal and read back by a run
 * of that copy with no variable and no option: the same settings. */
static void check_seal_roundtrip(const struct sg_config *inst)
{
	static char seal[4056];
	char *argv[] = {"strict-init", "/bin/true", NULL};
	char *envp[] = {NULL};
	char err[256];
	struct sg_config run;
	size_t need, len = config_seal_compose(inst, seal, sizeof(seal), &need);

	if (len == 0) {
		CHECK(need > sizeof(seal)); /* only when it does not fit */
		return;
	}
	CHECK(len == need && seal[len - 1] == '\0');
	CHECK(config_parse(&run, 2, argv, envp, seal, len, err, sizeof(err)) == 0);
	CHECK(run.sealed && run.command == CMD_RUN && run.groups_set);
	CHECK(run.ngroups == inst->ngroups &&
	      (run.ngroups == 0 ||
	       memcmp(run.groups, inst->groups, run.ngroups * sizeof(gid_t)) == 0));
	CHECK(run.mode == inst->mode && run.no_new_privs == inst->no_new_privs);
	CHECK(run.user_set == inst->user_set && run.user_uid == inst->user_uid &&
	      run.user_gid == inst->user_gid);
	CHECK(run.gid_set == inst->gid_set && run.gid == inst->gid);
	CHECK((run.preload == NULL) == (inst->preload == NULL));
	if (run.preload)
		CHECK(strcmp(run.preload, inst->preload) == 0);
	CHECK(run.lock == inst->lock && run.lock_set == inst->lock_set);
	config_free(&run);
}

/* Fields every successful parse has, whatever the input. */
static void check_config_shape(const struct sg_config *cfg)
{
	CHECK(cfg->ngroups == 0 || cfg->groups != NULL);
	CHECK(strictly_sorted(cfg->groups, cfg->ngroups));
	if (cfg->groups_set) {
		struct ref_list r;
		size_t n;

		CHECK(cfg->groups_text != NULL);
		r = ref_parse(cfg->groups_text);
		CHECK(r.error == REF_OK);
		n = sort_unique(r.v, r.n);
		CHECK(same_list(cfg->groups, cfg->ngroups, r.v, n));
		free(r.v);
	} else {
		CHECK(cfg->ngroups == 0);
	}
	CHECK(cfg->mode == MODE_ENFORCE || cfg->mode == MODE_REFUSE ||
	      cfg->mode == MODE_AUDIT);
	if (cfg->command == CMD_RUN) {
		CHECK(cfg->groups_set);
		CHECK(cfg->argv != NULL && cfg->argv[0] != NULL && cfg->argv[0][0] != '\0');
	}
	if (cfg->user_set)
		CHECK(cfg->mode == MODE_ENFORCE);
	if (cfg->preload)
		CHECK(ref_preload_ok(cfg->preload));
}

/* ---- the plan's invariants ---- */

static void check_plan(const struct sg_config *cfg, const struct sg_state *st,
		       const struct sg_plan *plan)
{
	uint32_t held[MAX_HELD], forbidden[MAX_HELD], kept[MAX_HELD];
	size_t nheld = 0, nforbidden = 0, nkept = 0;
	bool root_start = st->ruid == 0 && st->euid == 0 && st->suid == 0;
	bool consistent = st->ruid == st->euid && st->ruid == st->suid &&
			  st->rgid == st->egid && st->rgid == st->sgid;
	gid_t primary = cfg->user_set ? cfg->user_gid : st->rgid;
	bool allowed_big = cfg->ngroups > MAX_VEC;

	CHECK(plan->root_start == root_start);
	CHECK(plan->primary_gid == primary);
	CHECK(strictly_sorted(plan->allowed, plan->nallowed));
	CHECK(strictly_sorted(plan->forbidden, plan->nforbidden));
	CHECK(strictly_sorted(plan->target, plan->ntarget));

	/* allowed = STRICT_GROUPS + primary gid */
	CHECK(gidlist_sorted_contains(plan->allowed, plan->nallowed, primary));
	for (size_t i = 0; i < cfg->ngroups; i++)
		CHECK(gidlist_sorted_contains(plan->allowed, plan->nallowed, cfg->groups[i]));
	for (size_t i = 0; i < plan->nallowed; i++)
		CHECK(plan->allowed[i] == primary ||
		      gidlist_sorted_contains(cfg->groups, cfg->ngroups, plan->allowed[i]));
	if (!allowed_big) {
		uint32_t allowed[MAX_VEC + 1];
		size_t nallowed = 0;

		for (size_t i = 0; i < cfg->ngroups; i++)
			allowed[nallowed++] = (uint32_t)cfg->groups[i];
		allowed[nallowed++] = (uint32_t)primary;
		nallowed = sort_unique(allowed, nallowed);
		CHECK(same_list(plan->allowed, plan->nallowed, allowed, nallowed));
	}

	/* forbidden = held - allowed, exactly; kept = held & allowed */
	for (size_t i = 0; i < st->nheld; i++)
		held[nheld++] = (uint32_t)st->held[i];
	nheld = sort_unique(held, nheld);
	for (size_t i = 0; i < nheld; i++) {
		if (gidlist_sorted_contains(plan->allowed, plan->nallowed, (gid_t)held[i]))
			kept[nkept++] = held[i];
		else
			forbidden[nforbidden++] = held[i];
	}
	CHECK(same_list(plan->forbidden, plan->nforbidden, forbidden, nforbidden));
	for (size_t i = 0; i < plan->nforbidden; i++) {
		CHECK(in_set(held, nheld, (uint32_t)plan->forbidden[i])); /* ⊆ held */
		CHECK(!gidlist_sorted_contains(plan->allowed, plan->nallowed, plan->forbidden[i]));
	}
	/* target ∩ forbidden = ∅ */
	for (size_t i = 0; i < plan->ntarget; i++)
		CHECK(!gidlist_sorted_contains(plan->forbidden, plan->nforbidden, plan->target[i]));

	CHECK((plan->verdict == VERDICT_REFUSE) == (plan->refusal != REFUSE_NONE));
	if (!cfg->user_set) {
		/* never a group outside the held set, never a target but to drop */
		CHECK(plan->verdict != VERDICT_SWITCH_USER);
		if (plan->verdict != VERDICT_DROP)
			CHECK(plan->ntarget == 0);
		for (size_t i = 0; i < plan->ntarget; i++)
			CHECK(in_set(held, nheld, (uint32_t)plan->target[i]));
	}
	if (plan->verdict == VERDICT_DROP) {
		CHECK(!cfg->user_set && cfg->mode == MODE_ENFORCE);
		CHECK(plan->nforbidden > 0);
		CHECK(plan->target != NULL);
		CHECK(same_list(plan->target, plan->ntarget, kept, nkept));
	}
	if (plan->verdict == VERDICT_SWITCH_USER) {
		CHECK(cfg->user_set && root_start);
		CHECK(plan->target != NULL);
		CHECK(plan->ntarget == plan->nallowed);
		CHECK(memcmp(plan->target, plan->allowed,
			     plan->ntarget * sizeof(gid_t)) == 0);
	}
	if (cfg->user_set && !root_start)
		CHECK(plan->verdict == VERDICT_REFUSE);
	/* a copy without a seal never uses a file capability */
	if (!cfg->sealed && !root_start)
		CHECK(plan->verdict != VERDICT_DROP);
	if (!consistent)
		CHECK(plan->verdict == VERDICT_REFUSE);
	if (cfg->gid_set && !cfg->user_set &&
	    (st->rgid != cfg->gid || st->egid != cfg->gid || st->sgid != cfg->gid))
		CHECK(plan->verdict == VERDICT_REFUSE);
	if (plan->verdict == VERDICT_RUN && plan->nforbidden > 0)
		CHECK(cfg->mode == MODE_AUDIT && plan->audit_report);
	if (plan->audit_report)
		CHECK(cfg->mode == MODE_AUDIT && plan->verdict == VERDICT_RUN);
	if (cfg->mode == MODE_AUDIT) {
		CHECK(plan->verdict == VERDICT_RUN || plan->verdict == VERDICT_REFUSE);
		CHECK(!plan->set_no_new_privs && !plan->install_lock);
	}
	if (cfg->mode == MODE_REFUSE)
		CHECK(plan->verdict != VERDICT_DROP);
	if (plan->verdict != VERDICT_REFUSE) {
		CHECK(plan->set_no_new_privs ==
		      (cfg->no_new_privs && cfg->mode != MODE_AUDIT));
		CHECK(plan->install_lock == cfg->lock);
	}
	check_text_roundtrip(plan->forbidden, plan->nforbidden);
	check_text_roundtrip(plan->target, plan->ntarget);
}

/* ---- env_with_preload ---- */

static void check_envedit(char **envp, const char *preload, const char *groups)
{
	char **env = env_with_preload(envp, preload, groups);
	size_t n_in = 0, n_out = 0, kept_in = 0, n_groups = 0, n_preload = 0;
	const char *preload_value = NULL;
	size_t j = 0;

	CHECK(env != NULL);
	while (envp[n_in])
		n_in++;
	while (env[n_out])
		n_out++;
	for (size_t i = 0; i < n_in; i++)
		if (strncmp(envp[i], "LD_PRELOAD=", 11) != 0 &&
		    strncmp(envp[i], "STRICT_GROUPS=", 14) != 0)
			kept_in++;
	CHECK(n_out == kept_in + 2);
	/* every other entry, in order */
	for (size_t i = 0; i < n_in; i++) {
		if (strncmp(envp[i], "LD_PRELOAD=", 11) == 0 ||
		    strncmp(envp[i], "STRICT_GROUPS=", 14) == 0)
			continue;
		while (j < n_out && strcmp(env[j], envp[i]) != 0)
			j++;
		CHECK(j < n_out);
		j++;
	}
	for (size_t i = 0; i < n_out; i++) {
		if (strncmp(env[i], "STRICT_GROUPS=", 14) == 0) {
			n_groups++;
			CHECK(strcmp(env[i] + 14, groups) == 0);
		}
		if (strncmp(env[i], "LD_PRELOAD=", 11) == 0) {
			n_preload++;
			preload_value = env[i] + 11;
		}
	}
	CHECK(n_groups == 1 && n_preload == 1);
	/* ours first, then each earlier non-empty value, in order */
	{
		size_t lp = strlen(preload);
		const char *rest;

		CHECK(strncmp(preload_value, preload, lp) == 0);
		rest = preload_value + lp;
		for (size_t i = 0; i < n_in; i++) {
			const char *old;
			size_t lo;

			if (strncmp(envp[i], "LD_PRELOAD=", 11) != 0)
				continue;
			old = envp[i] + 11;
			if (*old == '\0')
				continue;
			lo = strlen(old);
			CHECK(rest[0] == ':' && strncmp(rest + 1, old, lo) == 0);
			rest += 1 + lo;
		}
		CHECK(*rest == '\0');
	}
	env_free(env);
}

/* ---- the target ---- */

/* No control character at all: what reaches the log stays one line. */
static bool one_line(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			return false;
	return true;
}

/* text_one_line(): every byte outside printable ASCII becomes '?',
 * nothing else changes. */
static void check_one_line(const char *s)
{
	size_t n = strlen(s);
	char *t = malloc(n + 1);

	CHECK(t != NULL);
	memcpy(t, s, n + 1);
	text_one_line(t);
	CHECK(strlen(t) == n && one_line(t));
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		CHECK(t[i] == (c >= 0x20 && c < 0x7f ? s[i] : '?'));
	}
	free(t);
}

/* config_parse's error result: every byte zero (it memsets). */
static bool all_zero(const void *p, size_t n)
{
	const unsigned char *b = p;

	for (size_t i = 0; i < n; i++)
		if (b[i])
			return false;
	return true;
}

/* FUZZ_VERBOSE=1: one line per input (to see what a seed exercises). */
static void trace(int rc, const char *err, const struct sg_config *cfg,
		  const struct sg_plan *plan)
{
	static const char *const verdicts[] = {"run", "drop", "switch-user", "refuse"};
	static int verbose = -1;
	char *f, *t;

	if (verbose < 0)
		verbose = getenv("FUZZ_VERBOSE") != NULL;
	if (!verbose)
		return;
	if (rc) {
		fprintf(stderr, "fuzz: config error: %s\n", err);
		return;
	}
	if (!plan) {
		fprintf(stderr, "fuzz: config ok, command %d\n", (int)cfg->command);
		return;
	}
	f = gidlist_format(plan->forbidden, plan->nforbidden);
	t = gidlist_format(plan->target, plan->ntarget);
	fprintf(stderr, "fuzz: config ok, verdict %s (refusal %d), forbidden %s, target %s\n",
		verdicts[plan->verdict], (int)plan->refusal, f, t);
	free(f);
	free(t);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct input in = {data, size};
	struct arena arena = {{0}, 0};
	uint8_t h[8];
	char *field[MAX_FIELDS];
	size_t nfield = 0, next_extra = S_N;
	char *argv[2 * S_N + MAX_FIELDS + 8];
	char *envp[S_N * 2 + 8];
	int argc = 0, envc = 0;
	bool raw;
	struct model m;
	struct sg_config cfg;
	struct sg_state st;
	gid_t held[MAX_HELD];
	uint32_t probe[MAX_HELD + 4];
	size_t nheld, nprobe = 0;
	char err[256];
	int rc;

	for (size_t i = 0; i < sizeof(h); i++)
		h[i] = take(&in);
	raw = h[0] & 0x80;

	/* the process's state */
	memset(&st, 0, sizeof(st));
	switch (h[4] & 3) {
	case 0:
		break;
	case 1:
		st.ruid = st.euid = st.suid = 1000;
		st.rgid = st.egid = st.sgid = 1000;
		break;
	default:
		st.ruid = id_table[h[5] & 3];
		st.euid = id_table[(h[5] >> 2) & 3];
		st.suid = id_table[(h[5] >> 4) & 3];
		st.rgid = id_table[h[6] & 3];
		st.egid = id_table[(h[6] >> 2) & 3];
		st.sgid = id_table[(h[6] >> 4) & 3];
		break;
	}
	st.cap_sys_admin = h[4] & 4;
	nheld = h[7] % (MAX_HELD + 1);
	for (size_t i = 0; i < nheld; i++) {
		unsigned v = (unsigned)take(&in) << 8;

		v |= take(&in);
		held[i] = (v & 0x8000) ? gid_table[v & 7] : (gid_t)(v & 0x7fff);
		probe[nprobe++] = (uint32_t)held[i];
	}
	st.held = held;
	st.nheld = nheld;
	for (size_t i = 0; i < 4; i++)
		probe[nprobe++] = gid_table[i];

	/* the NUL-separated fields */
	while (in.n && nfield < MAX_FIELDS) {
		const uint8_t *end = memchr(in.p, 0, in.n);
		size_t len = end ? (size_t)(end - in.p) : in.n;

		field[nfield++] = dup_bytes(&arena, in.p, len);
		in.p += len;
		in.n -= len;
		if (in.n) {
			in.p++;
			in.n--;
		}
	}
	while (nfield < S_N)
		field[nfield++] = keep(&arena, calloc(1, 1));
#define EXTRA() (next_extra < nfield ? field[next_extra++] : "")

	/* Every value a STRICT_GROUPS could be is also a gid list to check. */
	check_gidlist(field[S_GROUPS], probe, nprobe);
	check_one_line(field[S_GROUPS]);

	memset(&m, 0, sizeof(m));
	argv[argc++] = "strict-init";
	if (h[3] & 0x40) {
		envp[envc++] = "STRICT_GROUPSX=1";
		m.other_variable = true;
	}
	for (int s = 0; s < S_N; s++) {
		bool as_option = !raw && (h[1] >> s & 1);

		if (!(h[0] >> s & 1))
			continue;
		m.given[s] = true;
		m.value[s] = field[s];
		m.as_option[s] = as_option;
		if (as_option) {
			if (h[2] >> s & 1) {
				argv[argc++] = concat(&arena, "--", option_name[s], "");
				argv[argc++] = field[s];
			} else {
				argv[argc++] = concat(&arena, "--", option_name[s], "=");
				argv[argc - 1] = concat(&arena, argv[argc - 1], field[s], "");
				m.value[s] = argv[argc - 1] + 2 + strlen(option_name[s]) + 1;
			}
			if (h[3] & 0x80) { /* the variable too: the option wins */
				envp[envc++] = concat(&arena, env_name[s], "=", EXTRA());
				m.variable[s] = envp[envc - 1] + strlen(env_name[s]) + 1;
			}
		} else {
			envp[envc++] = concat(&arena, env_name[s], "=", field[s]);
			m.value[s] = envp[envc - 1] + strlen(env_name[s]) + 1;
			m.variable[s] = m.value[s];
			if ((h[3] & 1) && !m.duplicate_env) {
				envp[envc++] = concat(&arena, env_name[s], "=", EXTRA());
				m.duplicate_env = true;
			}
		}
	}
	if (h[4] & 0x20) {
		/* a sealed copy: the seal's entries, '\001' for each NUL */
		const char *f = EXTRA();
		size_t n = strlen(f);
		char *seal = keep(&arena, malloc(n + 1));

		CHECK(seal != NULL);
		for (size_t i = 0; i < n; i++)
			seal[i] = (char)(f[i] == '\001' ? '\0' : f[i]);
		seal[n] = '\0';
		m.seal = seal;
		m.seal_len = n + 1;
	}
	for (unsigned i = 0; i < ((h[4] >> 3) & 3u); i++)
		envp[envc++] = concat(&arena, "LD_PRELOAD=", EXTRA(), "");
	envp[envc] = NULL;

	if (raw) {
		while (next_extra < nfield)
			argv[argc++] = field[next_extra++];
	} else {
		bool dashdash = h[3] & 2;

		if (h[3] & 0x10) {
			argv[argc++] = "--help";
			m.help = true;
		}
		if (dashdash)
			argv[argc++] = "--";
		m.command = CMD_RUN;
		if (h[3] & 0x20) {
			m.command_missing = true;
		} else if ((h[3] & 4) && !dashdash) {
			argv[argc++] = "check";
			m.command = CMD_CHECK;
		} else if ((h[3] & 8) && !dashdash) {
			argv[argc++] = "install";
			m.install_dest = EXTRA();
			if (m.install_dest[0] == '-') /* else an option of install */
				argv[argc++] = "--";
			argv[argc++] = (char *)m.install_dest;
			m.command = CMD_INSTALL;
		} else {
			m.command_argv = &argv[argc];
			argv[argc++] = "/bin/true";
			while (next_extra < nfield && argc < (int)(sizeof(argv) / sizeof(argv[0])) - 1)
				argv[argc++] = field[next_extra++];
		}
	}
	argv[argc] = NULL;

	memset(err, 'x', sizeof(err));
	rc = config_parse(&cfg, argc, argv, envp, m.seal, m.seal_len, err, sizeof(err));
	CHECK(rc == 0 || rc == CONFIG_USAGE || rc == CONFIG_CONTRADICTS);
	if (rc != 0) {
		/* a one-line reason, and never a partial result */
		CHECK(memchr(err, '\0', sizeof(err)) != NULL && err[0] != '\0');
		CHECK(one_line(err));
		CHECK(all_zero(&cfg, sizeof(cfg)));
		CHECK(cfg.groups == NULL && cfg.ngroups == 0);
	} else {
		check_config_shape(&cfg);
	}
	if (!raw) {
		struct model merged;
		int expect = model_result(&m, &merged);

		if (expect != rc)
			fprintf(stderr, "config_parse returned %d, the model expected %d: %s\n",
				rc, expect, rc ? err : "");
		CHECK(expect == rc);
		if (rc == 0)
			check_fields(&merged, &cfg);
	}
	if (rc == 0)
		CHECK(cfg.sealed == (m.seal && (cfg.command == CMD_RUN || cfg.command == CMD_CHECK)));
	if (rc == 0 && cfg.command == CMD_INSTALL)
		check_seal_roundtrip(&cfg);

	if (rc != 0 || (cfg.command != CMD_RUN && cfg.command != CMD_CHECK))
		trace(rc, err, &cfg, NULL);
	if (rc == 0 && (cfg.command == CMD_RUN || cfg.command == CMD_CHECK)) {
		struct sg_plan plan;

		CHECK(policy_plan(&cfg, &st, &plan) == 0);
		trace(rc, err, &cfg, &plan);
		check_plan(&cfg, &st, &plan);
		plan_free(&plan);
		if (cfg.command == CMD_RUN && cfg.preload)
			check_envedit(envp, cfg.preload, cfg.groups_text);
	}
	config_free(&cfg);
	for (size_t i = 0; i < arena.n; i++)
		free(arena.ptr[i]);
	return 0;
}
