/* strict-init: make a container's supplementary groups strict, harden the
 * process, and exec the command. The flow below is the README's policy. */
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include "common/gidlist.h"
#include "config.h"
#include "envedit.h"
#include "exitcodes.h"
#include "install.h"
#include "common/log.h"
#include "policy.h"
#include "privops.h"
#include "seal.h"
#include "seccomp.h"

#ifndef STRICT_VERSION
#define STRICT_VERSION "unknown"
#endif

static const char usage[] =
	"usage: strict-init [OPTIONS] [--] COMMAND [ARG...]\n"
	"       strict-init install --groups=LIST [OPTIONS] DEST\n"
	"       strict-init check\n"
	"       strict-init --help | --version\n"
	"\n"
	"Reduces the supplementary groups to STRICT_GROUPS plus the primary gid,\n"
	"hardens the process and execs COMMAND (PATH lookup for a bare name).\n"
	"install writes a copy with the settings of its options sealed into it\n"
	"(a STRICT_GROUPS* variable they do not repeat is refused) and, in mode\n"
	"enforce, the file capability cap_setgid=p (as root); that copy applies\n"
	"them on every start and refuses a variable or option that says\n"
	"otherwise. A copy without a seal drops groups only when started as root.\n"
	"\n"
	"options (each overrides its environment variable; install reads none):\n"
	"  --groups=LIST        STRICT_GROUPS               allowed gids, comma-separated (required)\n"
	"  --mode=MODE          STRICT_GROUPS_MODE          enforce (default), refuse or audit\n"
	"  --user=UID:GID       STRICT_GROUPS_USER          switch user; only from a root start\n"
	"  --no-new-privs=1|0   STRICT_GROUPS_NO_NEW_PRIVS  set no_new_privs before exec (default 1)\n"
	"  --gid=GID            STRICT_GROUPS_GID           refuse any other real/effective/saved gid\n"
	"  --preload=PATH       STRICT_GROUPS_PRELOAD       prepend PATH to LD_PRELOAD for COMMAND\n"
	"  --lock=1|0           STRICT_GROUPS_LOCK          seccomp: setgroups, gid calls outside the\n"
	"                                                   allowed gids and new user namespaces fail\n"
	"\n"
	"exit codes: COMMAND's own; 64 bad configuration; 71 a system call failed;\n"
	"77 refused by policy (or contradicting the seal); 126 COMMAND not\n"
	"executable; 127 COMMAND not found.\n"
	"check exits 0 when no forbidden group is held, 1 when some are.\n";

/* Logs "<what> <gids><tail>" as one line. */
static void log_gids(const char *what, const gid_t *ids, size_t n,
		     const char *tail)
{
	char *text = gidlist_format(ids, n);

	log_msg("%s%s%s", what, text ? text : "(out of memory)", tail);
	free(text);
}

/* Prints "<label>: <gids><tail>" on stdout, for check. */
static void print_gids(const char *label, const gid_t *ids, size_t n,
		       const char *tail)
{
	char *text = gidlist_format(ids, n);

	printf("%s: %s%s\n", label, text ? text : "?", tail);
	free(text);
}

/* The end of every message about a result that did not verify. */
static const char not_running[] = "; not running the command";

static int refuse(const struct sg_plan *plan, const char *why)
{
	char *text;

	if (plan->nforbidden == 0) {
		log_msg("refusing to run the command: %s", why);
		return EXIT_REFUSED;
	}
	text = gidlist_format(plan->forbidden, plan->nforbidden);
	log_msg("refusing to run the command: %s (forbidden groups held: %s)",
		why, text ? text : "(out of memory)");
	free(text);
	return EXIT_REFUSED;
}

static int exec_command(char **argv, char **envp)
{
	execvpe(argv[0], argv, envp);
	log_errno("cannot execute '%s'", argv[0]);
	return (errno == ENOENT || errno == ENOTDIR) ? EXIT_NOT_FOUND
						     : EXIT_CANNOT_EXEC;
}

/* VERDICT_DROP: remove the forbidden groups, keeping the rest held. */
static int drop_groups(const struct sg_plan *plan)
{
	int rc;

	/* Not root: CAP_SETGID comes from the file capability, permitted only
	 * (docs/design.md, "Capabilities at exec"). Raising it also drops anything else permitted. */
	if (!plan->root_start && caps_raise_setgid()) {
		if (errno == EPERM)
			return refuse(plan, "CAP_SETGID cannot be raised (file capability "
				      "lost, nosuid mount, or dropped from the bounding set)");
		log_errno("cannot raise CAP_SETGID");
		return EXIT_OSERR;
	}
	rc = groups_set_verified(plan->target, plan->ntarget);
	if (rc == -1 && errno == EPERM)
		return refuse(plan, "setgroups was denied: no CAP_SETGID");
	if (rc == -1) {
		log_errno("setgroups failed");
		return EXIT_OSERR;
	}
	if (rc == -2) {
		log_msg("setgroups succeeded but getgroups shows other groups%s", not_running);
		return EXIT_OSERR;
	}
	/* Give back what the file capability lent us. */
	if (!plan->root_start && caps_clear()) {
		log_errno("cannot clear capabilities after setgroups");
		return EXIT_OSERR;
	}
	log_gids("dropped groups ", plan->forbidden, plan->nforbidden, "");
	return 0;
}

static int switch_user(const struct sg_config *cfg, const struct sg_plan *plan)
{
	int rc = user_switch_verified(cfg->user_uid, cfg->user_gid, plan->target,
				      plan->ntarget);

	if (rc == -1 && errno == EPERM)
		return refuse(plan, "cannot switch user: CAP_SETGID, CAP_SETUID or "
			      "CAP_SETPCAP missing");
	if (rc == -1) {
		log_errno("cannot switch to %u:%u", (unsigned)cfg->user_uid,
			  (unsigned)cfg->user_gid);
		return EXIT_OSERR;
	}
	if (rc == -2) {
		log_msg("switched to %u:%u but ids, groups or capabilities are not as set%s",
			(unsigned)cfg->user_uid, (unsigned)cfg->user_gid, not_running);
		return EXIT_OSERR;
	}
	if (plan->nforbidden)
		log_gids("dropped groups ", plan->forbidden, plan->nforbidden, "");
	return 0;
}

static int read_state_and_plan(const struct sg_config *cfg, struct sg_state *st,
			       gid_t **held, struct sg_plan *plan)
{
	memset(plan, 0, sizeof(*plan));
	if (state_read(st, held)) {
		log_errno("cannot read the process's ids and groups");
		return EXIT_OSERR;
	}
	if (cfg->lock && !cfg->no_new_privs)
		st->cap_sys_admin = caps_sys_admin_effective();
	if (policy_plan(cfg, st, plan)) {
		log_msg("out of memory");
		return EXIT_OSERR;
	}
	return 0;
}

/* Why the file at fd cannot be the guard as the loader will see it, or
 * NULL: a regular ELF shared object for this machine, not on a noexec
 * mount (glibc opens it there but cannot map it; docs/design.md, "The loaders and
 * LD_PRELOAD"). */
static const char *preload_unusable(int fd)
{
	unsigned char header[64];
	struct statvfs vfs;
	struct stat st;
	ssize_t n;

	if (fstat(fd, &st) || !S_ISREG(st.st_mode))
		return "not a regular file";
	if (fstatvfs(fd, &vfs) || (vfs.f_flag & ST_NOEXEC))
		return "on a noexec mount, where the loader cannot map it";
	n = pread(fd, header, sizeof(header), 0);
	return preload_elf_problem(header, n > 0 ? (size_t)n : 0);
}

/* The guard must really load: musl skips a preload it cannot use, and
 * glibc only complains. Checked as the identity the command runs with. */
static int use_preload(const struct sg_config *cfg, const struct sg_plan *plan,
		       char ***envp)
{
	char why[400];
	const char *problem;
	int fd = open(cfg->preload, O_RDONLY | O_CLOEXEC);

	if (fd < 0) {
		snprintf(why, sizeof(why), "the preload %s cannot be read: %s",
			 cfg->preload, strerror(errno));
		return refuse(plan, why);
	}
	problem = preload_unusable(fd);
	close(fd);
	if (problem) {
		snprintf(why, sizeof(why), "the preload %s cannot be used: %s",
			 cfg->preload, problem);
		return refuse(plan, why);
	}
	*envp = env_with_preload(*envp, cfg->preload, cfg->groups_text);
	if (!*envp) {
		log_msg("out of memory");
		return EXIT_OSERR;
	}
	return 0;
}

static int run_command(const struct sg_config *cfg, char **envp)
{
	struct sg_state st;
	struct sg_plan plan;
	gid_t *held;
	int rc = read_state_and_plan(cfg, &st, &held, &plan);

	if (rc)
		goto out;
	switch (plan.verdict) {
	case VERDICT_REFUSE: {
		char why[400];

		refusal_describe(&plan, cfg, &st, why, sizeof(why));
		rc = refuse(&plan, why);
		break;
	}
	case VERDICT_RUN:
		if (plan.audit_report)
			log_gids("audit: forbidden groups held: ", plan.forbidden,
				 plan.nforbidden, " (running the command unchanged)");
		break;
	case VERDICT_DROP:
		rc = drop_groups(&plan);
		break;
	case VERDICT_SWITCH_USER:
		rc = switch_user(cfg, &plan);
		break;
	}
	if (rc)
		goto out;
	/* Dropped: a later refusal must not say they are still held. */
	if (plan.verdict == VERDICT_DROP || plan.verdict == VERDICT_SWITCH_USER)
		plan.nforbidden = 0;

	/* The groups are final. Every failure from here on exits: the command
	 * never runs in a state that was not verified. */
	if (cfg->preload && (rc = use_preload(cfg, &plan, &envp)) != 0)
		goto out;
	if (plan.set_no_new_privs && (rc = no_new_privs_set_verified()) != 0) {
		if (rc == -2)
			log_msg("no_new_privs reads back 0%s", not_running);
		else
			log_errno("cannot set no_new_privs");
		rc = EXIT_OSERR;
		goto out;
	}
	if (plan.install_lock && lock_gid_calls(plan.allowed, plan.nallowed)) {
		/* lock_gid_calls: EPROTO when the filter is not seen in force */
		if (errno == EPROTO)
			log_msg("the lock's filter is not in force after it was installed%s", not_running);
		else
			log_errno("cannot install the seccomp lock");
		rc = EXIT_OSERR;
		goto out;
	}
	rc = exec_command(cfg->argv, envp);
out:
	plan_free(&plan);
	free(held);
	return rc;
}

/* "sealed: NAME=VALUE ..." or "sealed: no", for check. */
static void print_seal(void)
{
	const char *text;
	size_t len;

	if (seal_self(&text, &len) != SEAL_PRESENT) {
		printf("sealed: no\n");
		return;
	}
	printf("sealed:");
	for (size_t pos = 0; pos < len; pos += strlen(text + pos) + 1)
		printf(" %s", text + pos);
	printf("\n");
}

static int check(const struct sg_config *cfg)
{
	struct sg_state st;
	struct sg_plan plan;
	gid_t *held;
	int rc = read_state_and_plan(cfg, &st, &held, &plan);

	if (rc)
		goto out;
	print_seal();
	printf("uid: %u\ngid: %u\n", (unsigned)st.ruid, (unsigned)st.rgid);
	print_gids("groups", st.held, st.nheld, "");
	print_gids("allowed", plan.allowed, plan.nallowed,
		   cfg->groups_set ? "" : " (STRICT_GROUPS unset: primary gid only)");
	print_gids("forbidden", plan.forbidden, plan.nforbidden, "");
	if (!cfg->sealed && !plan.root_start)
		printf("can drop: no (this copy has no sealed policy and was not started as root)\n");
	else if (cfg->mode != MODE_ENFORCE)
		printf("can drop: not needed (mode %s never changes groups)\n",
		       cfg->mode == MODE_REFUSE ? "refuse" : "audit");
	else
		printf("can drop: %s\n", caps_setgid_available()
			? "yes (CAP_SETGID available)" : "no (CAP_SETGID not available)");
	switch (plan.verdict) {
	case VERDICT_REFUSE: {
		char why[400];

		refusal_describe(&plan, cfg, &st, why, sizeof(why));
		printf("would: refuse: %s\n", why);
		break;
	}
	case VERDICT_RUN:
		printf("would: run %s\n", plan.audit_report ? "unchanged (audit)" : "unchanged");
		break;
	case VERDICT_DROP:
		printf("would: drop the forbidden groups\n");
		break;
	case VERDICT_SWITCH_USER:
		printf("would: switch to %u:%u\n", (unsigned)cfg->user_uid,
		       (unsigned)cfg->user_gid);
		break;
	}
	if (fflush(stdout)) {
		rc = EXIT_OSERR;
		goto out;
	}
	rc = plan.nforbidden ? EXIT_CHECK_FORBIDDEN : 0;
out:
	plan_free(&plan);
	free(held);
	return rc;
}

int main(int argc, char **argv, char **envp)
{
	struct sg_config cfg;
	char err[256];
	int rc;

	const char *seal = NULL;
	size_t seal_len = 0;

	if (seal_self(&seal, &seal_len) == SEAL_DAMAGED) {
		log_msg("the sealed policy in this copy is damaged; install it again");
		return EXIT_USAGE;
	}
	rc = config_parse(&cfg, argc, argv, envp, seal, seal_len, err, sizeof(err));
	if (rc) {
		log_msg("%s", err);
		config_free(&cfg);
		return rc == CONFIG_CONTRADICTS ? EXIT_REFUSED : EXIT_USAGE;
	}
	switch (cfg.command) {
	case CMD_HELP:
		rc = fputs(usage, stdout) < 0 || fflush(stdout) ? EXIT_OSERR : 0;
		break;
	case CMD_VERSION:
		rc = printf("strict-init %s\n", STRICT_VERSION) < 0 || fflush(stdout)
			? EXIT_OSERR : 0;
		break;
	case CMD_INSTALL:
		rc = install_self(&cfg);
		break;
	case CMD_CHECK:
		rc = check(&cfg);
		break;
	case CMD_RUN:
	default:
		rc = run_command(&cfg, envp);
		break;
	}
	config_free(&cfg);
	return rc;
}
