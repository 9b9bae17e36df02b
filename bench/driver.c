/* strict-groups start-up benchmark driver (`make bench`, as root).
 *
 * For every command B it also runs A = the payload (/bin/true) alone, with
 * the same identity (uid, gid, supplementary groups) and the same
 * environment, and times both from just before vfork() to just after
 * wait4() returns (CLOCK_MONOTONIC). The runs are interleaved: every round
 * runs every command's pair once, in the order A B on even rounds and B A
 * on odd rounds, so slow drifts of the machine hit A and B alike. A
 * command's ratio is the median over rounds of B/A of one pair; its time is
 * the median of its B runs. Warm-up rounds are discarded.
 *
 * The child sets its identity with raw system calls after vfork (as a
 * container runtime does before exec'ing the entrypoint), points
 * stdin/stdout/stderr at /dev/null and execve()s the command.
 *
 * Binaries that need a file capability are staged into a private
 * directory first: strict-init through its own `install`, the floor
 * programs with a security.capability xattr written here. */
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/capability.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <sys/xattr.h>
#include <time.h>
#include <unistd.h>

#define MAX_ARGS 16
#define MAX_ENV 8
#define MAX_CMDS 16

struct identity {
	const char *label;
	uid_t uid;
	gid_t gid;
	size_t ngroups;
	gid_t groups[4];
};

/* The process as a CRI starts a non-root container: uid 1000, gid 1000,
 * and gid 50000 merged in from the image's /etc/group. */
static const struct identity id_nonroot_merged = {
	"uid 1000, groups 1000,50000", 1000, 1000, 2, {1000, 50000}};
/* The same process when nothing was merged in. */
static const struct identity id_nonroot_clean = {"uid 1000, groups 1000", 1000, 1000, 1, {1000}};
/* A root start (full capabilities of this machine's bounding set). */
static const struct identity id_root = {"uid 0, groups 0", 0, 0, 1, {0}};

struct command {
	const char *name;
	const struct identity *id;
	char *argv[MAX_ARGS];
	char *env[MAX_ENV];      /* B's environment */
	char *base_env[MAX_ENV]; /* A's environment (normally env) */
	const char *skip;        /* why it is not measured, or NULL */
	double *a, *b;           /* microseconds, one per measured round */
	double *fa, *fb;         /* minor page faults, one per measured round */
	double median_b, median_ratio, ratio_p25, ratio_p75;
	double faults_a, faults_b;
	int payload_index; /* where argv names the payload */
	bool is_common, is_floor, is_floor_full;
};

/* The end of set_argv's and set_env's lists. */
#define END ((const char *)NULL)

static struct command cmds[MAX_CMDS];
static size_t ncmds;
static int devnull = -1;
static char stage_dir[] = "/tmp/strict-bench.XXXXXX";
static bool staged;
static char staged_paths[12][512];
static size_t nstaged;

static void die(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));

static void cleanup(void)
{
	if (!staged)
		return;
	for (size_t i = 0; i < nstaged; i++)
		unlink(staged_paths[i]);
	rmdir(stage_dir);
	staged = false;
}

static void die(const char *fmt, ...)
{
	va_list ap;

	fputs("bench: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	cleanup();
	exit(1);
}

static double now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e6 + (double)ts.tv_nsec / 1e3;
}

/* Runs argv with the identity; returns the wait status and the elapsed
 * time. err_fd: where the child's stderr goes (-1: /dev/null). */
static long last_minflt; /* minor page faults of the last child */

static int spawn(const struct identity *id, char *const argv[], char *const envp[], int out_fd,
		 int err_fd, double *elapsed)
{
	struct rusage ru;
	int status;
	double t0 = now_us();
	/* vfork, as posix_spawn does (which cannot set groups and ids): the
	 * parent's memory is not copied, so the harness adds less constant
	 * time to A and B, which would pull every ratio towards 1. The child
	 * only makes system calls, then execve or _exit. */
	// cppcheck-suppress vforkCalled
	pid_t pid = vfork(); // NOLINT(clang-analyzer-security.insecureAPI.vfork)

	if (pid < 0)
		die("vfork: %s", strerror(errno));
	if (pid == 0) {
		/* Raw calls: only the child's credentials change. */
		// NOLINTNEXTLINE(clang-analyzer-unix.Vfork)
		if (syscall(SYS_setgroups, id->ngroups, id->groups) ||
		    syscall(SYS_setresgid, id->gid, id->gid, id->gid) ||
		    syscall(SYS_setresuid, id->uid, id->uid, id->uid))
			_exit(125);
		if (dup2(devnull, 0) < 0 || dup2(out_fd < 0 ? devnull : out_fd, 1) < 0 ||
		    dup2(err_fd < 0 ? devnull : err_fd, 2) < 0)
			_exit(125);
		execve(argv[0], argv, envp);
		_exit(errno == ENOENT ? 127 : 126);
	}
	while (wait4(pid, &status, 0, &ru) < 0)
		if (errno != EINTR)
			die("wait4: %s", strerror(errno));
	*elapsed = now_us() - t0;
	last_minflt = ru.ru_minflt;
	return status;
}

/* Runs once with stdout captured into buf (stderr to /dev/null). */
static int spawn_capture(const struct identity *id, char *const argv[], char *const envp[],
			 char *buf, size_t len)
{
	int fds[2], status;
	size_t got = 0;
	double t;

	if (pipe2(fds, O_CLOEXEC))
		die("pipe: %s", strerror(errno));
	status = spawn(id, argv, envp, fds[1], -1, &t);
	close(fds[1]);
	while (got + 1 < len) {
		ssize_t n = read(fds[0], buf + got, len - 1 - got);

		if (n <= 0)
			break;
		got += (size_t)n;
	}
	close(fds[0]);
	buf[got] = '\0';
	while (got && buf[got - 1] == '\n')
		buf[--got] = '\0';
	for (char *p = buf; *p; p++)
		if (*p == '\n')
			*p = ' ';
	return status;
}

static const char *describe_status(int status)
{
	static char text[64];

	if (WIFEXITED(status))
		snprintf(text, sizeof(text), "exit %d", WEXITSTATUS(status));
	else if (WIFSIGNALED(status))
		snprintf(text, sizeof(text), "signal %d", WTERMSIG(status));
	else
		snprintf(text, sizeof(text), "status %#x", (unsigned)status);
	return text;
}

/* ---- staging ---- */

static const char *stage_path(const char *name)
{
	if (nstaged == sizeof(staged_paths) / sizeof(staged_paths[0]))
		die("too many staged files");
	snprintf(staged_paths[nstaged], sizeof(staged_paths[0]), "%s/%s", stage_dir, name);
	return staged_paths[nstaged++];
}

static void copy_file(const char *from, const char *to, mode_t mode)
{
	char buf[65536];
	int in = open(from, O_RDONLY | O_CLOEXEC);
	int out;
	ssize_t n;

	if (in < 0)
		die("open %s: %s", from, strerror(errno));
	out = open(to, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);
	if (out < 0)
		die("create %s: %s", to, strerror(errno));
	while ((n = read(in, buf, sizeof(buf))) > 0)
		if (write(out, buf, (size_t)n) != n)
			die("write %s: %s", to, strerror(errno));
	if (n < 0 || fchmod(out, mode) || close(out))
		die("copy %s: %s", to, strerror(errno));
	close(in);
}

/* security.capability, revision 2: permitted = CAP_SETGID, effective bit
 * as asked (little-endian words). */
static void set_file_cap_setgid(const char *path, bool effective)
{
	uint32_t magic = VFS_CAP_REVISION_2 | (effective ? VFS_CAP_FLAGS_EFFECTIVE : 0);
	const uint32_t words[5] = {magic, 1u << CAP_SETGID, 0, 0, 0};
	unsigned char raw[20];

	for (size_t i = 0; i < 5; i++)
		for (size_t b = 0; b < 4; b++)
			raw[i * 4 + b] = (unsigned char)(words[i] >> (8 * b));
	if (setxattr(path, "security.capability", raw, sizeof(raw), 0))
		die("setxattr security.capability on %s: %s", path, strerror(errno));
}

/* A copy sealed with --groups=1000 and, when user is given, --user=USER
 * (as an init container would install it). */
static const char *stage_strict_init(const char *src, const char *name, const char *user)
{
	const char *dest = stage_path(name);
	char *argv[] = {(char *)src, "install", "--groups=1000", (char *)dest, NULL, NULL};
	char *envp[] = {NULL};
	static char user_opt[64];
	double t;
	int status;

	if (user) {
		snprintf(user_opt, sizeof(user_opt), "--user=%s", user);
		argv[3] = user_opt;
		argv[4] = (char *)dest;
	}
	status = spawn(&id_root, argv, envp, -1, 2, &t);
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
		die("%s install %s: %s", src, dest, describe_status(status));
	return dest;
}

static const char *stage_floor(const char *src, const char *name, bool effective)
{
	const char *dest = stage_path(name);

	copy_file(src, dest, 0755);
	set_file_cap_setgid(dest, effective);
	return dest;
}

/* ---- binary sizes ---- */

/* "dynamic" (has PT_INTERP), "static", "shared" (a library: ET_DYN
 * without PT_INTERP), or NULL when unreadable. */
static const char *linkage(const char *path)
{
	Elf64_Ehdr eh;
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	const char *kind = NULL;

	if (fd < 0)
		return NULL;
	if (pread(fd, &eh, sizeof(eh), 0) == (ssize_t)sizeof(eh) &&
	    memcmp(eh.e_ident, ELFMAG, SELFMAG) == 0 && eh.e_ident[EI_CLASS] == ELFCLASS64) {
		kind = eh.e_type == ET_DYN ? "shared" : "static";
		for (unsigned i = 0; i < eh.e_phnum; i++) {
			Elf64_Phdr ph;

			if (pread(fd, &ph, sizeof(ph),
				  (off_t)(eh.e_phoff + (Elf64_Off)i * eh.e_phentsize)) !=
			    (ssize_t)sizeof(ph))
				break;
			if (ph.p_type == PT_INTERP)
				kind = "dynamic";
		}
	}
	close(fd);
	return kind;
}

static void print_size(const char *name, const char *path, const char *note)
{
	struct stat st;
	const char *kind = linkage(path);

	if (stat(path, &st) || !kind) {
		printf("  %-22s %10s  %s\n", name, "-", "not installed");
		return;
	}
	printf("  %-22s %10lld  %-7s %s\n", name, (long long)st.st_size, kind, note ? note : "");
}

/* ---- the command set ---- */

/* The alternatives, from Debian packages. */
static const struct tool {
	const char *name;
	const char *paths[3];
	const char *note; /* for the size table */
} tools[] = {
	{"setpriv", {"/usr/bin/setpriv", NULL}, "+ libcap-ng.so.0 + libc.so.6"},
	{"gosu", {"/usr/sbin/gosu", "/usr/bin/gosu", NULL}, "Go"},
	{"tini-static", {"/usr/bin/tini-static", NULL}, NULL},
	{"catatonit", {"/usr/bin/catatonit", "/usr/libexec/podman/catatonit", NULL}, NULL},
	{"dumb-init", {"/usr/bin/dumb-init", NULL}, "+ libc.so.6"},
};

/* The installed path of a tool, or NULL. */
static const char *tool_path(const char *name)
{
	for (size_t i = 0; i < sizeof(tools) / sizeof(tools[0]); i++) {
		if (strcmp(tools[i].name, name) != 0)
			continue;
		for (const char *const *p = tools[i].paths; *p; p++)
			if (access(*p, X_OK) == 0)
				return *p;
	}
	return NULL;
}

static struct command *add(const char *name, const struct identity *id)
{
	struct command *c;

	if (ncmds == MAX_CMDS)
		die("too many commands");
	c = &cmds[ncmds++];
	memset(c, 0, sizeof(*c));
	c->name = name;
	c->id = id;
	return c;
}

static void set_argv(struct command *c, const char *payload, ...)
{
	va_list ap;
	int n = 0;
	const char *a;

	va_start(ap, payload);
	while ((a = va_arg(ap, const char *))) {
		if (n + 2 >= MAX_ARGS)
			die("too many arguments");
		if (strcmp(a, "@PAYLOAD") == 0) {
			c->payload_index = n;
			a = payload;
		}
		c->argv[n++] = (char *)a;
	}
	va_end(ap);
	c->argv[n] = NULL;
}

static void set_env(struct command *c, ...)
{
	va_list ap;
	int n = 0;
	const char *e;

	c->env[n++] = "PATH=/usr/local/bin:/usr/bin:/bin";
	va_start(ap, c);
	while ((e = va_arg(ap, const char *))) {
		if (n + 2 >= MAX_ENV)
			die("too many variables");
		c->env[n++] = (char *)e;
	}
	va_end(ap);
	c->env[n] = NULL;
	memcpy(c->base_env, c->env, sizeof(c->env));
}

#define MAX_VARIANTS 4

/* A command running an alternative; skipped when it is not installed.
 * *path: where it is (its name when missing). */
static struct command *add_tool(const char *name, const struct identity *id, const char *tool,
				const char **path)
{
	struct command *c = add(name, id);

	*path = tool_path(tool);
	if (!*path) {
		c->skip = "not installed";
		*path = tool;
	}
	set_env(c, END);
	return c;
}

struct paths {
	const char *strict_init, *strict_init_switch, *floor, *floor_full, *preload, *payload;
	/* --variant NAME=PATH: other strict-init builds, on the common path */
	const char *variant_name[MAX_VARIANTS], *variant_path[MAX_VARIANTS];
	size_t nvariants;
};

static void define_commands(const struct paths *p)
{
	static char preload_env[600];
	const char *tool;
	struct command *c;

	/* sealed copies: the policy comes from the seal, no variable is set */
	c = add("strict-init common", &id_nonroot_merged);
	c->is_common = true;
	set_argv(c, p->payload, p->strict_init, "@PAYLOAD", END);
	set_env(c, END);

	for (size_t i = 0; i < p->nvariants; i++) {
		c = add(p->variant_name[i], &id_nonroot_merged);
		set_argv(c, p->payload, p->variant_path[i], "@PAYLOAD", END);
		set_env(c, END);
	}

	c = add("strict-init no-op", &id_nonroot_clean);
	set_argv(c, p->payload, p->strict_init, "@PAYLOAD", END);
	set_env(c, END);

	c = add("strict-init root-switch", &id_root);
	set_argv(c, p->payload, p->strict_init_switch, "@PAYLOAD", END);
	set_env(c, END);

	c = add("floor", &id_nonroot_merged);
	c->is_floor = true;
	set_argv(c, p->payload, p->floor, "1000", "@PAYLOAD", END);
	set_env(c, "STRICT_GROUPS=1000", END);

	c = add("floor+caps+nnp", &id_nonroot_merged);
	c->is_floor_full = true;
	set_argv(c, p->payload, p->floor_full, "1000", "@PAYLOAD", END);
	set_env(c, "STRICT_GROUPS=1000", END);

	c = add_tool("setpriv --groups", &id_root, "setpriv", &tool);
	set_argv(c, p->payload, tool, "--reuid=1000", "--regid=1000", "--groups=1000", "--",
		 "@PAYLOAD", END);

	c = add_tool("gosu", &id_root, "gosu", &tool);
	set_argv(c, p->payload, tool, "1000:1000", "@PAYLOAD", END);

	/* -s: subreaper, or tini warns that it is not PID 1 */
	c = add_tool("tini-static", &id_nonroot_merged, "tini-static", &tool);
	set_argv(c, p->payload, tool, "-s", "--", "@PAYLOAD", END);

	c = add_tool("catatonit", &id_nonroot_merged, "catatonit", &tool);
	set_argv(c, p->payload, tool, "--", "@PAYLOAD", END);

	c = add_tool("dumb-init", &id_nonroot_merged, "dumb-init", &tool);
	set_argv(c, p->payload, tool, "@PAYLOAD", END);

	c = add("true + LD_PRELOAD guard", &id_nonroot_clean);
	set_argv(c, p->payload, "@PAYLOAD", END);
	set_env(c, END);
	if (p->preload) {
		snprintf(preload_env, sizeof(preload_env), "LD_PRELOAD=%s", p->preload);
		c->env[1] = preload_env;
		c->env[2] = NULL;
	} else {
		c->skip = "libstrict-preload.so not built";
	}
}

/* ---- statistics ---- */

static int cmp_double(const void *x, const void *y)
{
	double a = *(const double *)x, b = *(const double *)y;

	return (a > b) - (a < b);
}

/* The q-quantile (0..1) of n values, by linear interpolation; sorts v. */
static double quantile(double *v, size_t n, double q)
{
	double pos, frac;
	size_t lo;

	qsort(v, n, sizeof(*v), cmp_double);
	pos = q * (double)(n - 1);
	lo = (size_t)pos;
	frac = pos - (double)lo;
	return lo + 1 < n ? v[lo] * (1 - frac) + v[lo + 1] * frac : v[lo];
}

/* ---- main ---- */

static void usage(void)
{
	fputs("usage: driver --strict-init PATH --floor PATH --floor-full PATH\n"
	      "              [--preload PATH] [--payload PATH] [--rounds N] [--warmup N]\n"
	      "              [--variant NAME=PATH]... [--once NAME | --once-base NAME] [--repeat N]\n"
	      "--variant: another strict-init build (it must support `install`),\n"
	      "measured on the common path like strict-init (at most 4).\n"
	      "--once NAME: run that command (--once-base: its baseline) N times,\n"
	      "stdio inherited, no timing table (for strace, perf stat).\n",
	      stderr);
	exit(2);
}

static void print_machine(void)
{
	struct utsname u;
	char model[160] = "unknown CPU";
	FILE *f = fopen("/proc/cpuinfo", "r");

	if (f) {
		char line[256];

		while (fgets(line, sizeof(line), f))
			if (strncmp(line, "model name", 10) == 0) {
				char *v = strchr(line, ':');

				if (v) {
					snprintf(model, sizeof(model), "%s", v + 2);
					model[strcspn(model, "\n")] = '\0';
				}
				break;
			}
		fclose(f);
	}
	uname(&u);
	printf("machine: %s, %ld CPUs online, Linux %s\n", model, sysconf(_SC_NPROCESSORS_ONLN),
	       u.release);
}

/* Every command once, its payload replaced by `id -G` when available:
 * fails loudly when a command does not run or ends with other groups. */
static void verify(const struct paths *p)
{
	const char *id_prog = access("/usr/bin/id", X_OK) == 0 ? "/usr/bin/id" : NULL;

	printf("\nverification (payload replaced by `id -G`; groups the payload sees):\n");
	for (size_t i = 0; i < ncmds; i++) {
		struct command *c = &cmds[i];
		char *argv[MAX_ARGS + 1];
		char *base_argv[] = {(char *)p->payload, NULL};
		char out[512];
		int n = 0, status;
		double t;

		if (c->skip)
			continue;
		status = spawn(c->id, base_argv, c->base_env, -1, -1, &t);
		if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
			die("%s alone (as %s): %s", p->payload, c->id->label,
			    describe_status(status));
		for (int j = 0; c->argv[j]; j++) {
			argv[n++] = c->argv[j];
			if (j == c->payload_index && id_prog) {
				argv[n - 1] = (char *)id_prog;
				argv[n++] = "-G";
			}
		}
		argv[n] = NULL;
		status = spawn_capture(c->id, argv, c->env, out, sizeof(out));
		printf("  %-26s %-28s -> %s%s%s\n", c->name, c->id->label, out,
		       WIFEXITED(status) && WEXITSTATUS(status) == 0 ? "" : "  FAILED: ",
		       WIFEXITED(status) && WEXITSTATUS(status) == 0 ? "" :
								       describe_status(status));
		if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
			die("%s does not run as %s", c->name, c->id->label);
		if ((c->is_common || c->is_floor || c->is_floor_full) && strstr(out, "50000"))
			die("%s left group 50000 in place", c->name);
	}
}

static void run_rounds(const char *payload, long rounds, long warmup)
{
	char *base_argv[] = {(char *)payload, NULL};
	double t0 = now_us();

	for (size_t i = 0; i < ncmds; i++) {
		cmds[i].a = calloc((size_t)rounds, sizeof(double));
		cmds[i].b = calloc((size_t)rounds, sizeof(double));
		cmds[i].fa = calloc((size_t)rounds, sizeof(double));
		cmds[i].fb = calloc((size_t)rounds, sizeof(double));
		if (!cmds[i].a || !cmds[i].b || !cmds[i].fa || !cmds[i].fb)
			die("out of memory");
	}
	for (long r = -warmup; r < rounds; r++) {
		for (size_t i = 0; i < ncmds; i++) {
			struct command *c = &cmds[i];
			double ta, tb;
			long fa, fb;
			int sa, sb;

			if (c->skip)
				continue;
			if (r % 2 == 0) {
				sa = spawn(c->id, base_argv, c->base_env, -1, -1, &ta);
				fa = last_minflt;
				sb = spawn(c->id, c->argv, c->env, -1, -1, &tb);
				fb = last_minflt;
			} else {
				sb = spawn(c->id, c->argv, c->env, -1, -1, &tb);
				fb = last_minflt;
				sa = spawn(c->id, base_argv, c->base_env, -1, -1, &ta);
				fa = last_minflt;
			}
			if (sa != 0 || sb != 0)
				die("%s: round %ld: %s", c->name, r, describe_status(sa ? sa : sb));
			if (r >= 0) {
				c->a[r] = ta;
				c->b[r] = tb;
				c->fa[r] = (double)fa;
				c->fb[r] = (double)fb;
			}
		}
	}
	printf("%ld rounds in %.1f s\n\n", rounds + warmup, (now_us() - t0) / 1e6);
}

int main(int argc, char **argv)
{
	struct paths p = {.payload = "/bin/true"};
	const char *once = NULL;
	bool once_base = false;
	long repeat = 1;
	long rounds = 1000, warmup = 50;
	double *all_a, *ratios;
	size_t nall = 0;
	const struct command *common = NULL, *floor = NULL, *floor_full = NULL;

	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		const char *v = i + 1 < argc ? argv[i + 1] : NULL;

		if (!v)
			usage();
		if (strcmp(a, "--strict-init") == 0)
			p.strict_init = v;
		else if (strcmp(a, "--floor") == 0)
			p.floor = v;
		else if (strcmp(a, "--floor-full") == 0)
			p.floor_full = v;
		else if (strcmp(a, "--preload") == 0)
			p.preload = *v ? v : NULL;
		else if (strcmp(a, "--payload") == 0)
			p.payload = v;
		else if (strcmp(a, "--rounds") == 0)
			rounds = strtol(v, NULL, 10);
		else if (strcmp(a, "--warmup") == 0)
			warmup = strtol(v, NULL, 10);
		else if (strcmp(a, "--variant") == 0) {
			const char *eq = strchr(v, '=');

			if (!eq || eq == v || p.nvariants == MAX_VARIANTS)
				usage();
			p.variant_name[p.nvariants] = strndup(v, (size_t)(eq - v));
			p.variant_path[p.nvariants++] = eq + 1;
		} else if (strcmp(a, "--once") == 0)
			once = v;
		else if (strcmp(a, "--once-base") == 0) {
			once = v;
			once_base = true;
		} else if (strcmp(a, "--repeat") == 0)
			repeat = strtol(v, NULL, 10);
		else
			usage();
		i++;
	}
	if (!p.strict_init || !p.floor || !p.floor_full || rounds < 1 || warmup < 0)
		usage();
	if (geteuid() != 0)
		die("must run as root: it sets each child's uid and groups");
	if (p.preload && access(p.preload, R_OK))
		p.preload = NULL;

	devnull = open("/dev/null", O_RDWR | O_CLOEXEC);
	if (devnull < 0)
		die("/dev/null: %s", strerror(errno));
	if (!mkdtemp(stage_dir) || chmod(stage_dir, 0755))
		die("mkdtemp: %s", strerror(errno));
	staged = true;
	atexit(cleanup);

	printf("binary sizes (bytes):\n");
	print_size("strict-init", p.strict_init, NULL);
	print_size("floor", p.floor, "setgroups + execve");
	print_size("floor+caps+nnp", p.floor_full, "capset, setgroups, capset, prctl, execve");
	for (size_t i = 0; i < sizeof(tools) / sizeof(tools[0]); i++)
		print_size(tools[i].name,
			   tool_path(tools[i].name) ? tool_path(tools[i].name) : tools[i].paths[0],
			   tools[i].note);
	if (p.preload)
		print_size("libstrict-preload.so", p.preload, NULL);
	else
		printf("  %-22s %10s  %s\n", "libstrict-preload.so", "-", "not built");

	p.strict_init_switch = stage_strict_init(p.strict_init, "strict-init-switch", "1000:1000");
	p.strict_init = stage_strict_init(p.strict_init, "strict-init", NULL);
	for (size_t i = 0; i < p.nvariants; i++) {
		char name[32];

		snprintf(name, sizeof(name), "variant-%zu", i);
		print_size(p.variant_name[i], p.variant_path[i], "variant");
		p.variant_path[i] = stage_strict_init(p.variant_path[i], name, NULL);
	}
	p.floor = stage_floor(p.floor, "floor", true);
	p.floor_full = stage_floor(p.floor_full, "floor-full", false);
	if (p.preload) {
		const char *dest = stage_path("libstrict-preload.so");

		copy_file(p.preload, dest, 0644);
		p.preload = dest;
	}
	define_commands(&p);

	if (once) {
		for (size_t i = 0; i < ncmds; i++) {
			char *base_argv[] = {(char *)p.payload, NULL};
			const struct command *c = &cmds[i];
			double t, total = 0;
			int status = 0;

			if (strcmp(c->name, once) != 0)
				continue;
			if (c->skip)
				die("%s: %s", once, c->skip);
			for (long r = 0; r < repeat && status == 0; r++) {
				status = once_base ?
					spawn(c->id, base_argv, c->base_env, 1, 2, &t) :
					spawn(c->id, c->argv, c->env, 1, 2, &t);
				total += t;
			}
			fprintf(stderr, "bench: %s%s: %s, mean %.1f us over %ld\n", once,
				once_base ? " (baseline)" : "", describe_status(status),
				total / (double)repeat, repeat);
			return status == 0 ? 0 : 1;
		}
		die("no command named '%s'", once);
	}

	printf("\n");
	print_machine();
	verify(&p);
	printf("\nmethod: %ld rounds after %ld warm-up rounds; each round runs every\n"
	       "command B and its baseline A = %s alone (same uid, groups and\n"
	       "environment), A B on even rounds, B A on odd ones; time = vfork to\n"
	       "wait4; ratio = median over rounds of B/A; faults = median minor page\n"
	       "faults of B minus those of A (wait4 rusage).\n\n",
	       rounds, warmup, p.payload);
	fflush(stdout);

	run_rounds(p.payload, rounds, warmup);

	all_a = calloc(ncmds * (size_t)rounds, sizeof(double));
	ratios = calloc((size_t)rounds, sizeof(double));
	if (!all_a || !ratios)
		die("out of memory");
	for (size_t i = 0; i < ncmds; i++) {
		struct command *c = &cmds[i];

		if (c->skip)
			continue;
		for (long r = 0; r < rounds; r++) {
			ratios[r] = c->b[r] / c->a[r];
			all_a[nall++] = c->a[r];
		}
		c->median_ratio = quantile(ratios, (size_t)rounds, 0.5);
		c->ratio_p25 = quantile(ratios, (size_t)rounds, 0.25);
		c->ratio_p75 = quantile(ratios, (size_t)rounds, 0.75);
		c->median_b = quantile(c->b, (size_t)rounds, 0.5);
		c->faults_a = quantile(c->fa, (size_t)rounds, 0.5);
		c->faults_b = quantile(c->fb, (size_t)rounds, 0.5);
		if (c->is_common)
			common = c;
		if (c->is_floor)
			floor = c;
		if (c->is_floor_full)
			floor_full = c;
	}

	printf("%-26s %10s %7s   %-13s %9s   %s\n", "command", "median_us", "ratio",
	       "ratio p25-p75", "faults", "identity");
	printf("%-26s %10.1f %7.3f   %-13s %9s   %s\n", p.payload, quantile(all_a, nall, 0.5), 1.0,
	       "-", "-", "(all baselines)");
	for (size_t i = 0; i < ncmds; i++) {
		const struct command *c = &cmds[i];
		char iqr[32], faults[32];

		if (c->skip) {
			printf("%-26s %10s %7s   skipped: %s\n", c->name, "-", "-", c->skip);
			continue;
		}
		snprintf(iqr, sizeof(iqr), "%.3f-%.3f", c->ratio_p25, c->ratio_p75);
		snprintf(faults, sizeof(faults), "%+.0f", c->faults_b - c->faults_a);
		printf("%-26s %10.1f %7.3f   %-13s %9s   %s\n", c->name, c->median_b,
		       c->median_ratio, iqr, faults, c->id->label);
	}
	if (common && floor_full)
		printf("strict-init/floor+caps+nnp: %.3f\n",
		       common->median_ratio / floor_full->median_ratio);
	if (common && floor)
		printf("strict-init/floor: %.3f\n", common->median_ratio / floor->median_ratio);
	free(all_a);
	free(ratios);
	for (size_t i = 0; i < ncmds; i++) {
		free(cmds[i].a);
		free(cmds[i].b);
		free(cmds[i].fa);
		free(cmds[i].fb);
	}
	return 0;
}
