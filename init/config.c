#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/gidlist.h"
#include "common/text.h"
#include "common/lock_limit.h"

enum setting {
	SET_GROUPS,
	SET_MODE,
	SET_USER,
	SET_NO_NEW_PRIVS,
	SET_GID,
	SET_PRELOAD,
	SET_LOCK,
	SET_COUNT
};

static const struct {
	const char *option; /* "--groups" */
	const char *env;
	const char *sealed; /* for messages about the seal's own value */
} settings[SET_COUNT] = {
#define SETTING(option, env) {option, env, "sealed " env}
	[SET_GROUPS] = SETTING("--groups", "STRICT_GROUPS"),
	[SET_MODE] = SETTING("--mode", "STRICT_GROUPS_MODE"),
	[SET_USER] = SETTING("--user", "STRICT_GROUPS_USER"),
	[SET_NO_NEW_PRIVS] = SETTING("--no-new-privs", "STRICT_GROUPS_NO_NEW_PRIVS"),
	[SET_GID] = SETTING("--gid", "STRICT_GROUPS_GID"),
	[SET_PRELOAD] = SETTING("--preload", "STRICT_GROUPS_PRELOAD"),
	[SET_LOCK] = SETTING("--lock", "STRICT_GROUPS_LOCK"),
#undef SETTING
};

static const char *const mode_names[] = {
	[MODE_ENFORCE] = "enforce", [MODE_REFUSE] = "refuse", [MODE_AUDIT] = "audit"};

/* Where each setting's value came from, for messages. */
struct raw_value {
	const char *text;
	const char *source; /* "--groups" or "STRICT_GROUPS", for messages */
	bool from_option;
};

static int fail(char *err, size_t errlen, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int fail(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
	text_one_line(err);
	return -1;
}

/* Reads our variables from envp. The same name twice is refused: a program
 * could read either one, and we cannot know which the command will see. */
static int read_environment(struct raw_value raw[SET_COUNT], char **envp,
			    char *err, size_t errlen)
{
	for (char **e = envp; e && *e; e++) {
		for (int s = 0; s < SET_COUNT; s++) {
			size_t n = strlen(settings[s].env);

			if (strncmp(*e, settings[s].env, n) != 0 || (*e)[n] != '=')
				continue;
			if (raw[s].text)
				return fail(err, errlen,
					    "%s is set twice in the environment",
					    settings[s].env);
			raw[s].text = *e + n + 1;
			raw[s].source = settings[s].env;
		}
	}
	return 0;
}

/* The setting whose option is the len bytes at arg ("--groups"). */
static int find_setting(const char *arg, size_t len)
{
	for (int s = 0; s < SET_COUNT; s++)
		if (strlen(settings[s].option) == len &&
		    strncmp(settings[s].option, arg, len) == 0)
			return s;
	return -1;
}

/* Parses options from argv[start]; returns the index of the first operand
 * (after a "--", which sets *after_dashdash). */
static int read_options(struct sg_config *cfg, struct raw_value raw[SET_COUNT],
			int argc, char **argv, int start, bool *after_dashdash,
			char *err, size_t errlen)
{
	int i = start;

	*after_dashdash = false;
	while (i < argc && argv[i][0] == '-') {
		const char *arg = argv[i];
		const char *eq, *value;
		int s;

		if (strcmp(arg, "--") == 0) {
			*after_dashdash = true;
			return i + 1;
		}
		if (strcmp(arg, "--help") == 0 || strcmp(arg, "-h") == 0) {
			cfg->command = CMD_HELP;
			i++;
			continue;
		}
		if (strcmp(arg, "--version") == 0) {
			cfg->command = CMD_VERSION;
			i++;
			continue;
		}
		if (arg[1] != '-')
			return fail(err, errlen, "unknown option '%s'", arg);
		eq = strchr(arg, '=');
		s = find_setting(arg, eq ? (size_t)(eq - arg) : strlen(arg));
		if (s < 0)
			return fail(err, errlen, "unknown option '%s'", arg);
		if (raw[s].from_option)
			return fail(err, errlen, "option %s given twice",
				    settings[s].option);
		if (eq) {
			value = eq + 1;
		} else {
			if (i + 1 >= argc)
				return fail(err, errlen,
					    "option %s needs a value",
					    settings[s].option);
			value = argv[++i];
		}
		raw[s].text = value;
		raw[s].from_option = true;
		raw[s].source = settings[s].option;
		i++;
	}
	return i;
}

static int parse_groups(struct sg_config *cfg, const struct raw_value *v,
			char *err, size_t errlen)
{
	size_t count, bad;
	enum gid_parse_error e = gidlist_validate(v->text, &count, &bad);

	if (e != GID_OK)
		return fail(err, errlen, "%s: element %zu: %s", v->source,
			    bad + 1, gidlist_strerror(e));
	cfg->groups_set = true;
	cfg->groups_text = v->text;
	if (count == 0)
		return 0;
	cfg->groups = malloc(count * sizeof(gid_t));
	if (!cfg->groups)
		return fail(err, errlen, "out of memory for %zu gids", count);
	cfg->ngroups = gidlist_sort_unique(cfg->groups,
					gidlist_fill(v->text, cfg->groups, count));
	return 0;
}

static int parse_one_id(const struct raw_value *v, unsigned int *out,
			char *err, size_t errlen)
{
	enum gid_parse_error e = gidlist_parse_id(v->text, strlen(v->text), out);

	if (e != GID_OK)
		return fail(err, errlen, "%s: %s", v->source,
			    gidlist_strerror(e));
	return 0;
}

static int parse_user(struct sg_config *cfg, const struct raw_value *v,
		      char *err, size_t errlen)
{
	const char *colon = strchr(v->text, ':');
	unsigned int uid, gid;

	if (!colon)
		return fail(err, errlen, "%s: expected UID:GID, both numeric",
			    v->source);
	if (gidlist_parse_id(v->text, (size_t)(colon - v->text), &uid) != GID_OK)
		return fail(err, errlen, "%s: UID: expected a decimal number below 4294967295",
			    v->source);
	if (gidlist_parse_id(colon + 1, strlen(colon + 1), &gid) != GID_OK)
		return fail(err, errlen, "%s: GID: expected a decimal number below 4294967295",
			    v->source);
	cfg->user_set = true;
	cfg->user_uid = (uid_t)uid;
	cfg->user_gid = (gid_t)gid;
	return 0;
}

static int parse_flag(const struct raw_value *v, bool *out, char *err,
		      size_t errlen)
{
	if (strcmp(v->text, "1") == 0)
		*out = true;
	else if (strcmp(v->text, "0") == 0)
		*out = false;
	else
		return fail(err, errlen, "%s: expected 1 or 0", v->source);
	return 0;
}

static int parse_mode(struct sg_config *cfg, const struct raw_value *v,
		      char *err, size_t errlen)
{
	for (size_t m = 0; m < sizeof(mode_names) / sizeof(mode_names[0]); m++)
		if (strcmp(v->text, mode_names[m]) == 0) {
			cfg->mode = (enum sg_mode)m;
			return 0;
		}
	return fail(err, errlen,
		    "%s: unknown mode (expected enforce, refuse or audit)",
		    v->source);
}

static int parse_values(struct sg_config *cfg, const struct raw_value raw[SET_COUNT],
			char *err, size_t errlen)
{
	unsigned int id;

	if (raw[SET_GROUPS].text && parse_groups(cfg, &raw[SET_GROUPS], err, errlen))
		return -1;
	if (raw[SET_MODE].text && parse_mode(cfg, &raw[SET_MODE], err, errlen))
		return -1;
	if (raw[SET_USER].text && parse_user(cfg, &raw[SET_USER], err, errlen))
		return -1;
	if (raw[SET_NO_NEW_PRIVS].text &&
	    parse_flag(&raw[SET_NO_NEW_PRIVS], &cfg->no_new_privs, err, errlen))
		return -1;
	if (raw[SET_GID].text) {
		if (parse_one_id(&raw[SET_GID], &id, err, errlen))
			return -1;
		cfg->gid_set = true;
		cfg->gid = (gid_t)id;
	}
	if (raw[SET_PRELOAD].text) {
		if (raw[SET_PRELOAD].text[0] == '\0')
			return fail(err, errlen, "%s: empty path",
				    raw[SET_PRELOAD].source);
		/* LD_PRELOAD's separators: ' ' and ':' for glibc's loader,
		 * ':' and every isspace() character (\t \n \v \f \r) for
		 * musl's (docs/design.md, "The loaders and LD_PRELOAD") */
		if (strpbrk(raw[SET_PRELOAD].text, ": \t\n\v\f\r"))
			return fail(err, errlen, "%s: a path with a colon or white space cannot go into LD_PRELOAD",
				    raw[SET_PRELOAD].source);
		/* The loaders resolve anything else their own way: a bare
		 * name in the library path, a relative path against the cwd
		 * of every later exec, and glibc expands $LIB, $ORIGIN and
		 * $PLATFORM (docs/design.md, "The loaders and
		 * LD_PRELOAD"). */
		if (raw[SET_PRELOAD].text[0] != '/')
			return fail(err, errlen, "%s: the path must be absolute (the loader resolves other paths elsewhere)",
				    raw[SET_PRELOAD].source);
		if (strchr(raw[SET_PRELOAD].text, '$'))
			return fail(err, errlen, "%s: a path with '$' is expanded by glibc's loader",
				    raw[SET_PRELOAD].source);
		cfg->preload = raw[SET_PRELOAD].text;
	}
	if (raw[SET_LOCK].text) {
		if (parse_flag(&raw[SET_LOCK], &cfg->lock, err, errlen))
			return -1;
		cfg->lock_set = true;
	}
	return 0;
}

/* Combinations that cannot mean anything sensible, checked in one place. */
static int check_combinations(const struct sg_config *cfg, char *err,
			      size_t errlen)
{
	if (cfg->command == CMD_RUN && !cfg->groups_set)
		return fail(err, errlen,
			    "STRICT_GROUPS (or --groups) is required to run a command");
	if (cfg->command == CMD_INSTALL && !cfg->groups_set)
		return fail(err, errlen,
			    "install: --groups is required; --groups= seals none but the primary gid");
	if (cfg->user_set && cfg->mode != MODE_ENFORCE)
		return fail(err, errlen,
			    "STRICT_GROUPS_USER needs mode enforce: a user switch sets the groups");
	if (cfg->user_set && cfg->gid_set && cfg->user_gid != cfg->gid)
		return fail(err, errlen,
			    "STRICT_GROUPS_GID (%u) differs from the GID of STRICT_GROUPS_USER (%u)",
			    (unsigned)cfg->gid, (unsigned)cfg->user_gid);
	if (cfg->mode == MODE_AUDIT && cfg->lock)
		return fail(err, errlen, "STRICT_GROUPS_LOCK=1 cannot be used in audit mode, which changes nothing");
	if (cfg->mode == MODE_AUDIT && cfg->preload)
		return fail(err, errlen, "STRICT_GROUPS_PRELOAD cannot be used in audit mode, which changes nothing");
	/* the primary gid joins the list at run time */
	if (cfg->command == CMD_INSTALL && cfg->lock && cfg->ngroups + 1 > LOCK_MAX_GIDS)
		return fail(err, errlen, "STRICT_GROUPS_LOCK=1 encodes at most %d allowed gids, and STRICT_GROUPS has %zu plus the primary gid",
			    LOCK_MAX_GIDS, cfg->ngroups);
	return 0;
}

static int read_operands(struct sg_config *cfg, struct raw_value raw[SET_COUNT],
			 int argc, char **argv, int i, bool after_dashdash,
			 char *err, size_t errlen)
{
	if (cfg->command == CMD_HELP || cfg->command == CMD_VERSION)
		return 0;
	if (i >= argc)
		return fail(err, errlen, "no COMMAND given (see --help)");
	if (!after_dashdash && strcmp(argv[i], "install") == 0) {
		/* the settings to seal may follow the word install */
		i = read_options(cfg, raw, argc, argv, i + 1, &after_dashdash,
				 err, errlen);
		if (i < 0)
			return -1;
		if (cfg->command == CMD_HELP || cfg->command == CMD_VERSION)
			return 0;
		if (argc - i != 1)
			return fail(err, errlen,
				    "usage: strict-init install --groups=LIST [OPTIONS] DEST");
		cfg->command = CMD_INSTALL;
		cfg->install_dest = argv[i];
		if (cfg->install_dest[0] == '\0')
			return fail(err, errlen, "install: empty DEST");
		return 0;
	}
	if (!after_dashdash && strcmp(argv[i], "check") == 0) {
		if (argc - i != 1)
			return fail(err, errlen, "usage: strict-init check");
		cfg->command = CMD_CHECK;
		return 0;
	}
	if (argv[i][0] == '\0')
		return fail(err, errlen, "empty COMMAND");
	cfg->command = CMD_RUN;
	cfg->argv = argv + i;
	return 0;
}

/* The seal's entries (NAME=VALUE, each ended by a NUL) into sealed. It was
 * written by `install`; anything else in it means the copy is damaged. */
static int read_seal(struct raw_value sealed[SET_COUNT], const char *seal,
		     size_t len, char *err, size_t errlen)
{
	size_t pos = 0;

	if (len == 0 || seal[len - 1] != '\0')
		return fail(err, errlen, "the sealed policy in this copy is damaged (not terminated)");
	while (pos < len) {
		const char *entry = seal + pos;
		size_t n = strlen(entry); /* stops at seal[len - 1] at the latest */
		int s;

		for (s = 0; s < SET_COUNT; s++) {
			size_t k = strlen(settings[s].env);

			if (n > k && strncmp(entry, settings[s].env, k) == 0 &&
			    entry[k] == '=')
				break;
		}
		if (s == SET_COUNT || sealed[s].text)
			return fail(err, errlen,
				    "the sealed policy in this copy is damaged (entry at byte %zu)", pos);
		sealed[s].text = entry + strlen(settings[s].env) + 1;
		sealed[s].source = settings[s].sealed;
		pos += n + 1;
	}
	if (!sealed[SET_GROUPS].text || !sealed[SET_MODE].text ||
	    !sealed[SET_NO_NEW_PRIVS].text)
		return fail(err, errlen, "the sealed policy in this copy is damaged (a setting is missing)");
	return 0;
}

static bool same_value(int s, const struct sg_config *a, const struct sg_config *b)
{
	switch (s) {
	case SET_GROUPS:
		return a->ngroups == b->ngroups &&
		       (a->ngroups == 0 ||
			memcmp(a->groups, b->groups, a->ngroups * sizeof(gid_t)) == 0);
	case SET_MODE:
		return a->mode == b->mode;
	case SET_USER:
		return a->user_set == b->user_set && a->user_uid == b->user_uid &&
		       a->user_gid == b->user_gid;
	case SET_NO_NEW_PRIVS:
		return a->no_new_privs == b->no_new_privs;
	case SET_GID:
		return a->gid_set == b->gid_set && a->gid == b->gid;
	case SET_PRELOAD:
		return a->preload && b->preload && strcmp(a->preload, b->preload) == 0;
	case SET_LOCK:
		return a->lock == b->lock;
	default:
		return false;
	}
}

/* A setting given at start that the seal left unset: it only adds a check. */
static void take_given(int s, struct sg_config *cfg, const struct sg_config *given)
{
	if (s == SET_GID) {
		cfg->gid_set = given->gid_set;
		cfg->gid = given->gid;
	} else if (s == SET_PRELOAD) {
		cfg->preload = given->preload;
	} else if (s == SET_LOCK) {
		cfg->lock = given->lock;
		cfg->lock_set = given->lock_set;
	}
}

/* A sealed copy running or checking: the seal's settings are the policy;
 * what the environment and the options say must agree with them. */
static int apply_seal(struct sg_config *cfg, const struct raw_value raw[SET_COUNT],
		      const char *seal, size_t seal_len, char *err, size_t errlen)
{
	struct raw_value sealed[SET_COUNT];
	struct sg_config given;
	int rc = 0;

	memset(sealed, 0, sizeof(sealed));
	memset(&given, 0, sizeof(given));
	if (parse_values(&given, raw, err, errlen) ||
	    read_seal(sealed, seal, seal_len, err, errlen) ||
	    parse_values(cfg, sealed, err, errlen)) {
		config_free(&given);
		return CONFIG_USAGE;
	}
	cfg->sealed = true;
	for (int s = 0; s < SET_COUNT && rc == 0; s++) {
		if (!raw[s].text)
			continue;
		if (sealed[s].text && !same_value(s, cfg, &given))
			rc = fail(err, errlen, "%s=%s contradicts the sealed policy (%s=%s)",
				  raw[s].source, raw[s].text, settings[s].env,
				  sealed[s].text);
		else if (!sealed[s].text && s == SET_USER)
			rc = fail(err, errlen, "%s=%s contradicts the sealed policy, which has no user switch",
				  raw[s].source, raw[s].text);
		else if (!sealed[s].text)
			take_given(s, cfg, &given);
	}
	config_free(&given);
	return rc ? CONFIG_CONTRADICTS : 0;
}

/* Whether the option of setting s says what its variable says: both well
 * formed and equal (lists as sets). */
static bool option_repeats(int s, const struct raw_value *variable,
			   const struct raw_value *option)
{
	struct raw_value one[SET_COUNT];
	struct sg_config a, b;
	char scratch[8];
	bool same;

	memset(one, 0, sizeof(one));
	memset(&a, 0, sizeof(a));
	memset(&b, 0, sizeof(b));
	one[s] = *variable;
	same = parse_values(&a, one, scratch, sizeof(scratch)) == 0;
	one[s] = *option;
	same = parse_values(&b, one, scratch, sizeof(scratch)) == 0 && same &&
	       same_value(s, &a, &b);
	config_free(&a);
	config_free(&b);
	return same;
}

/* install seals what its command line says, never a variable it inherited:
 * in a Dockerfile's RUN step the base image's ENV is in its environment
 * (with the classic builder even over the build arguments). Any variable
 * named STRICT_GROUPS* must be repeated by its option. */
static int install_environment_repeated(const struct raw_value variables[SET_COUNT],
					const struct raw_value options[SET_COUNT],
					char **envp, char *err, size_t errlen)
{
	static const char prefix[] = "STRICT_GROUPS";

	for (char **e = envp; e && *e; e++) {
		size_t n = strcspn(*e, "=");
		bool known = false;

		if (strncmp(*e, prefix, sizeof(prefix) - 1) != 0)
			continue;
		for (int s = 0; s < SET_COUNT && !known; s++)
			known = strlen(settings[s].env) == n &&
				strncmp(settings[s].env, *e, n) == 0;
		if (!known)
			return fail(err, errlen,
				    "install seals its options only, and %.*s is set in its environment: unset it",
				    (int)(n < 64 ? n : 64), *e);
	}
	for (int s = 0; s < SET_COUNT; s++) {
		if (!variables[s].text)
			continue;
		if (!options[s].text)
			return fail(err, errlen,
				    "install seals its options only, and %s=%s is set in its environment: give %s=%s, or unset it",
				    settings[s].env, variables[s].text, settings[s].option,
				    variables[s].text);
		if (!option_repeats(s, &variables[s], &options[s]))
			return fail(err, errlen,
				    "install seals its options only, and %s=%s in its environment differs from %s=%s: unset it",
				    settings[s].env, variables[s].text, settings[s].option,
				    options[s].text);
	}
	return 0;
}

/* install: the options; from a sealed copy given none, its own seal (so
 * that a copy whose capability a COPY lost can install itself again). */
static int install_settings(struct sg_config *cfg, struct raw_value options[SET_COUNT],
			    const struct raw_value variables[SET_COUNT], char **envp,
			    const char *seal, size_t seal_len, char *err, size_t errlen)
{
	bool any = false;

	if (install_environment_repeated(variables, options, envp, err, errlen))
		return -1;
	for (int s = 0; s < SET_COUNT; s++)
		any = any || options[s].text;
	if (seal && !any && read_seal(options, seal, seal_len, err, errlen))
		return -1;
	if (parse_values(cfg, options, err, errlen))
		return -1;
	return check_combinations(cfg, err, errlen);
}

static int parse_all(struct sg_config *cfg, int argc, char **argv, char **envp,
		     const char *seal, size_t seal_len, char *err, size_t errlen)
{
	struct raw_value variables[SET_COUNT], raw[SET_COUNT];
	bool after_dashdash;
	int i;

	memset(variables, 0, sizeof(variables));
	memset(raw, 0, sizeof(raw));
	if (argc < 1 || !argv || !argv[0])
		return fail(err, errlen, "started without argv[0]");
	if (read_environment(variables, envp, err, errlen))
		return -1;
	i = read_options(cfg, raw, argc, argv, 1, &after_dashdash, err, errlen);
	if (i < 0)
		return -1;
	if (read_operands(cfg, raw, argc, argv, i, after_dashdash, err, errlen))
		return -1;
	if (cfg->command == CMD_INSTALL)
		return install_settings(cfg, raw, variables, envp, seal, seal_len,
					err, errlen);
	/* the option wins over its variable */
	for (int s = 0; s < SET_COUNT; s++)
		if (!raw[s].text)
			raw[s] = variables[s];
	if (seal && (cfg->command == CMD_RUN || cfg->command == CMD_CHECK)) {
		int rc = apply_seal(cfg, raw, seal, seal_len, err, errlen);

		if (rc)
			return rc;
	} else if (parse_values(cfg, raw, err, errlen)) {
		return -1;
	}
	if (cfg->command == CMD_HELP || cfg->command == CMD_VERSION)
		return 0;
	return check_combinations(cfg, err, errlen);
}

int config_parse(struct sg_config *cfg, int argc, char **argv, char **envp,
		 const char *seal, size_t seal_len, char *err, size_t errlen)
{
	int rc;

	memset(cfg, 0, sizeof(*cfg));
	cfg->command = CMD_RUN;
	cfg->mode = MODE_ENFORCE;
	cfg->no_new_privs = true;
	rc = parse_all(cfg, argc, argv, envp, seal, seal_len, err, errlen);
	if (rc == 0)
		return 0;
	/* never a partial result */
	config_free(cfg);
	memset(cfg, 0, sizeof(*cfg));
	return rc == CONFIG_CONTRADICTS ? CONFIG_CONTRADICTS : CONFIG_USAGE;
}

/* Appends "NAME=" value "\0" to out when it fits; *len counts what it
 * needs either way. */
static void seal_put(char *out, size_t cap, size_t *len, const char *name,
		     const char *value)
{
	size_t n = strlen(name), v = strlen(value);

	if (*len + n + 1 + v + 1 <= cap) {
		memcpy(out + *len, name, n);
		out[*len + n] = '=';
		memcpy(out + *len + n + 1, value, v + 1);
	}
	*len += n + 1 + v + 1;
}

size_t config_seal_compose(const struct sg_config *cfg, char *out, size_t cap,
			   size_t *need)
{
	char *groups = cfg->ngroups ? gidlist_format(cfg->groups, cfg->ngroups) : NULL;
	char num[24];
	size_t len = 0;

	if (cfg->ngroups && !groups) {
		*need = 0;
		return 0;
	}
	seal_put(out, cap, &len, settings[SET_GROUPS].env, groups ? groups : "");
	free(groups);
	seal_put(out, cap, &len, settings[SET_MODE].env, mode_names[cfg->mode]);
	if (cfg->user_set) {
		snprintf(num, sizeof(num), "%u:%u", (unsigned)cfg->user_uid,
			 (unsigned)cfg->user_gid);
		seal_put(out, cap, &len, settings[SET_USER].env, num);
	}
	seal_put(out, cap, &len, settings[SET_NO_NEW_PRIVS].env,
		 cfg->no_new_privs ? "1" : "0");
	if (cfg->gid_set) {
		snprintf(num, sizeof(num), "%u", (unsigned)cfg->gid);
		seal_put(out, cap, &len, settings[SET_GID].env, num);
	}
	if (cfg->preload)
		seal_put(out, cap, &len, settings[SET_PRELOAD].env, cfg->preload);
	if (cfg->lock_set)
		seal_put(out, cap, &len, settings[SET_LOCK].env, cfg->lock ? "1" : "0");
	*need = len;
	return len <= cap ? len : 0;
}

void config_free(struct sg_config *cfg)
{
	free(cfg->groups);
	cfg->groups = NULL;
	cfg->ngroups = 0;
}
