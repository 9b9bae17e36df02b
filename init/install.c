#include "install.h"

#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <fcntl.h>
#include <linux/capability.h>
#include <linux/xattr.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "exitcodes.h"
#include "common/log.h"
#include "seal.h"

#define MAX_SELF_SIZE (16u << 20)

/* security.capability, revision 2, permitted = CAP_SETGID, no effective
 * bit: with "=p" the binary still starts when the bounding set lacks
 * CAP_SETGID and can say why it cannot drop (with "=ep" exec fails with
 * EPERM; docs/design.md, "Capabilities at exec"). Little-endian 32-bit words. */
static void capability_xattr(unsigned char out[XATTR_CAPS_SZ_2])
{
	uint32_t words[XATTR_CAPS_SZ_2 / 4] = {
		VFS_CAP_REVISION_2,    /* magic_etc: no VFS_CAP_FLAGS_EFFECTIVE */
		1u << CAP_SETGID, 0u,  /* data[0]: permitted, inheritable */
		0u, 0u,                /* data[1] */
	};

	for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++)
		for (size_t b = 0; b < 4; b++)
			out[i * 4 + b] = (unsigned char)(words[i] >> (8 * b));
}

static unsigned char *read_self(size_t *size)
{
	int fd = open("/proc/self/exe", O_RDONLY | O_CLOEXEC);
	struct stat st;
	unsigned char *buf;
	size_t done = 0;

	if (fd < 0) {
		log_errno("install: cannot open /proc/self/exe");
		return NULL;
	}
	if (fstat(fd, &st) || st.st_size <= 0 || st.st_size > MAX_SELF_SIZE) {
		log_msg("install: cannot size /proc/self/exe");
		close(fd);
		return NULL;
	}
	buf = malloc((size_t)st.st_size);
	if (!buf) {
		log_msg("install: out of memory");
		close(fd);
		return NULL;
	}
	while (done < (size_t)st.st_size) {
		ssize_t n = read(fd, buf + done, (size_t)st.st_size - done);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			log_errno("install: cannot read /proc/self/exe");
			free(buf);
			close(fd);
			return NULL;
		}
		done += (size_t)n;
	}
	close(fd);
	*size = done;
	return buf;
}

static int write_all(int fd, const unsigned char *buf, size_t size)
{
	while (size) {
		ssize_t n = write(fd, buf, size);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		buf += n;
		size -= (size_t)n;
	}
	return 0;
}

/* Writes the copy into fd; logs and returns -1 on failure. The capability
 * (when capable) goes on last: the kernel removes it on any later write. */
static int fill_copy(int fd, const char *tmp, const unsigned char *image,
		     size_t size, bool capable)
{
	unsigned char want[XATTR_CAPS_SZ_2], got[XATTR_CAPS_SZ_2 + 4];
	ssize_t n;

	capability_xattr(want);
	if (write_all(fd, image, size)) {
		log_errno("install: cannot write %s", tmp);
		return -1;
	}
	if (fchmod(fd, 0755)) {
		log_errno("install: cannot chmod %s", tmp);
		return -1;
	}
	if (!capable)
		goto synced;
	if (fsetxattr(fd, XATTR_NAME_CAPS, want, sizeof(want), 0)) {
		log_errno("install: cannot set the file capability cap_setgid=p on %s "
			  "(needs CAP_SETFCAP and a filesystem with xattrs)", tmp);
		return -1;
	}
	n = fgetxattr(fd, XATTR_NAME_CAPS, got, sizeof(got));
	if (n != (ssize_t)sizeof(want) || memcmp(want, got, sizeof(want)) != 0) {
		log_msg("install: the file capability on %s did not read back as written", tmp);
		return -1;
	}
synced:
	if (fsync(fd)) {
		log_errno("install: cannot fsync %s", tmp);
		return -1;
	}
	return 0;
}

/* The running binary with cfg's settings sealed into it; NULL after
 * logging why (*rc set). The seal's entries, separated by spaces, in text. */
static unsigned char *sealed_image(const struct sg_config *cfg, size_t *size,
				   char text[SEAL_TEXT_MAX], int *rc)
{
	size_t need, len = config_seal_compose(cfg, text, SEAL_TEXT_MAX, &need);
	unsigned char *image;
	long offset;

	*rc = EXIT_OSERR;
	if (len == 0 && need == 0) {
		log_msg("install: out of memory");
		return NULL;
	}
	if (len == 0) {
		log_msg("install: the settings take %zu bytes; a sealed copy holds at most %u",
			need, (unsigned)SEAL_TEXT_MAX);
		*rc = EXIT_USAGE;
		return NULL;
	}
	image = read_self(size);
	if (!image)
		return NULL;
	offset = seal_find(image, *size);
	if (offset < 0) {
		log_msg("install: /proc/self/exe does not hold this binary's seal region");
		free(image);
		return NULL;
	}
	seal_write(image, (size_t)offset, text, len);
	for (size_t i = 0; i + 1 < len; i++)
		if (text[i] == '\0')
			text[i] = ' ';
	return image;
}

/* ---- DEST, looked up without following a symbolic link ---- */

/* Where the copy goes: DEST's folder and the copy's name in it. */
struct destination {
	int dir;     /* the folder, O_RDONLY | O_DIRECTORY; -1 until known */
	char *name;  /* the copy's name in it */
	char *shown; /* DEST, or DEST/strict-init, for messages */
};

static void destination_free(struct destination *d)
{
	if (d->dir >= 0)
		close(d->dir);
	free(d->name);
	free(d->shown);
}

/* The path of fd as /proc shows it, for messages; what else when /proc
 * cannot say. */
static const char *fd_path(int fd, char *buf, size_t len, const char *what)
{
	char link[40];
	ssize_t n;

	snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
	n = readlink(link, buf, len - 1);
	if (n <= 0)
		return what;
	buf[n] = '\0';
	return buf;
}

/* DEST names a folder: it ends with '/', "." or "..". */
static bool names_folder(const char *dest)
{
	const char *slash = strrchr(dest, '/');
	const char *base = slash ? slash + 1 : dest;

	return *base == '\0' || strcmp(base, ".") == 0 || strcmp(base, "..") == 0;
}

/* Opens the component name in at, never through a symbolic link (O_PATH);
 * its type in *st. */
static int open_component(int at, const char *name, struct stat *st)
{
	int fd = openat(at, name, O_PATH | O_NOFOLLOW | O_CLOEXEC);

	if (fd >= 0 && fstat(fd, st)) {
		int e = errno;

		close(fd);
		errno = e;
		return -1;
	}
	return fd;
}

/* The folder DEST resolves to, one component at a time from / (or the
 * working directory), refusing a symbolic link anywhere: another user who
 * can write a folder on the way could swap a directory for a link to one
 * of root's between two looks (issue 18). DEST itself is a file in its
 * folder, or, when it is a directory (or ends with '/', "." or ".."), the
 * folder of DEST/strict-init. Returns 0 or an exit code, after logging. */
static int resolve_destination(const char *dest, struct destination *d)
{
	bool folder = names_folder(dest);
	char *path = strdup(dest), *save = NULL, *comp, *next;
	int at = -1, fd, rc = EXIT_OSERR;
	struct stat st;

	if (!path)
		goto oom;
	at = open(dest[0] == '/' ? "/" : ".", O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (at < 0) {
		log_errno("install: cannot look up %s", dest);
		goto out;
	}
	for (comp = strtok_r(path, "/", &save); comp; comp = next) {
		int shown_len = (int)(comp - path + (ptrdiff_t)strlen(comp));

		next = strtok_r(NULL, "/", &save);
		fd = open_component(at, comp, &st);
		if (fd < 0 && errno == ENOENT && !next && !folder) {
			/* a new file in the folder reached */
			d->name = strdup(comp);
			break;
		}
		if (fd < 0) {
			log_errno("install: cannot look up %.*s", shown_len, dest);
			goto out;
		}
		if (S_ISLNK(st.st_mode)) {
			close(fd);
			log_msg("install: %.*s is a symbolic link: name the real path, which no other user can change",
				shown_len, dest);
			rc = EXIT_REFUSED;
			goto out;
		}
		if (!next && !folder && !S_ISDIR(st.st_mode)) {
			/* an existing file: replaced */
			close(fd);
			d->name = strdup(comp);
			break;
		}
		if (!S_ISDIR(st.st_mode)) {
			close(fd);
			log_msg("install: %.*s is not a directory", shown_len, dest);
			goto out;
		}
		close(at);
		at = fd;
	}
	if (d->name) {
		d->shown = strdup(dest);
	} else {
		size_t n = strlen(dest);

		d->name = strdup("strict-init");
		d->shown = malloc(n + sizeof("/strict-init"));
		if (d->shown)
			snprintf(d->shown, n + sizeof("/strict-init"), "%s%sstrict-init",
				 dest, dest[n - 1] == '/' ? "" : "/");
	}
	if (!d->name || !d->shown)
		goto oom;
	d->dir = openat(at, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (d->dir < 0) {
		log_errno("install: cannot open the folder of %s", d->shown);
		goto out;
	}
	rc = 0;
	goto out;
oom:
	log_msg("install: out of memory");
out:
	if (at >= 0)
		close(at);
	free(path);
	return rc;
}

/* ---- who can rename the copy afterwards ---- */

/* Root, and the installer itself (its uid owns the copy). */
static bool trusted_owner(uid_t uid)
{
	return uid == 0 || uid == geteuid();
}

/* Whether only a trusted owner can rename or replace the entries of folder
 * that trusted owners own: the folder is theirs and writable by nobody else,
 * or sticky (there only an entry's owner, the folder's and root can). The
 * entries install cares about are trusted owners': the copy, and each
 * folder on the way up, which is checked in turn. */
static bool keeps_entries(const struct stat *folder)
{
	if (!trusted_owner(folder->st_uid))
		return false;
	return !(folder->st_mode & (S_IWGRP | S_IWOTH)) || (folder->st_mode & S_ISVTX);
}

/* The mount fd is on (mnt_id in /proc/self/fdinfo, Linux >= 3.15), or -1. */
static long mount_of(int fd)
{
	static const char key[] = "mnt_id:";
	char path[40], buf[256];
	const char *line;
	ssize_t n;
	int f;

	snprintf(path, sizeof(path), "/proc/self/fdinfo/%d", fd);
	f = open(path, O_RDONLY | O_CLOEXEC);
	if (f < 0)
		return -1;
	n = read(f, buf, sizeof(buf) - 1);
	close(f);
	if (n <= 0)
		return -1;
	buf[n] = '\0';
	line = strstr(buf, key);
	return line ? strtol(line + sizeof(key) - 1, NULL, 10) : -1;
}

static bool same_mount(int a, const struct stat *sa, int b, const struct stat *sb)
{
	long ma = mount_of(a), mb = mount_of(b);

	return ma >= 0 && mb >= 0 ? ma == mb : sa->st_dev == sb->st_dev;
}

/* Every folder above DEST's, up to the top of its mount (each one root's or
 * the installer's, closed or sticky): another user who
 * could rename one of them could move DEST's folder away and put one of
 * their own in its place, with their own program at DEST. The top of a
 * mount (a volume) cannot be renamed from where it is mounted. */
static int check_folders_above(const struct destination *d)
{
	struct stat below, above;
	char buf[PATH_MAX];
	int cur = openat(d->dir, ".", O_PATH | O_DIRECTORY | O_CLOEXEC), up, rc = 0;

	if (cur < 0 || fstat(cur, &below)) {
		log_errno("install: cannot look up the folder of %s", d->shown);
		if (cur >= 0)
			close(cur);
		return EXIT_OSERR;
	}
	for (;;) {
		up = openat(cur, "..", O_PATH | O_DIRECTORY | O_CLOEXEC);
		if (up < 0 || fstat(up, &above)) {
			log_errno("install: cannot look up a folder above %s", d->shown);
			rc = EXIT_OSERR;
			break;
		}
		if ((above.st_dev == below.st_dev && above.st_ino == below.st_ino) ||
		    !same_mount(cur, &below, up, &above))
			break; /* "/", or the top of the mount */
		if (!keeps_entries(&above)) {
			log_msg("install: %s (owner %u, mode %04o) lets other users rename the folders in it: one could move the folder of %s away and put another program there; install below no folder others can write (at the top of a volume)",
				fd_path(up, buf, sizeof(buf), "a folder above DEST"),
				(unsigned)above.st_uid, (unsigned)(above.st_mode & 07777), d->shown);
			rc = EXIT_REFUSED;
			break;
		}
		close(cur);
		cur = up;
		below = above;
	}
	if (up >= 0)
		close(up);
	close(cur);
	return rc;
}

/* DEST's folder itself: root's (or the installer's), and closed to other
 * users (sticky will do: they cannot rename root's copy there). A folder
 * open to others (an emptyDir as kubelet makes it, 0777) is closed:
 * group and others lose write. An installer that may not (not root: the
 * unprivileged installer of a Pod Security restricted pod, whose emptyDir
 * is root's) installs a copy without capability all the same and says so:
 * only read-only mounts everywhere else keep it (the webhook mounts it so);
 * a capable copy is never left in an open folder. */
static int close_folder(const struct destination *d, bool capable)
{
	char buf[PATH_MAX];
	const char *folder = fd_path(d->dir, buf, sizeof(buf), "the folder of DEST");
	struct stat st;
	mode_t was;

	if (fstat(d->dir, &st)) {
		log_errno("install: cannot look up %s", folder);
		return EXIT_OSERR;
	}
	if (!trusted_owner(st.st_uid)) {
		log_msg("install: %s belongs to uid %u, who could rename or replace %s; install into a folder of root's",
			folder, (unsigned)st.st_uid, d->shown);
		return EXIT_REFUSED;
	}
	if (keeps_entries(&st))
		return 0;
	was = st.st_mode & 07777;
	if (fchmod(d->dir, was & (mode_t)~(S_IWGRP | S_IWOTH))) {
		if (errno == EPERM && !capable) {
			log_msg("install: %s (owner %u, mode %04o) stays open to other users: uid %u may not close it; mount it read-only wherever the installer does not run",
				folder, (unsigned)st.st_uid, (unsigned)was, (unsigned)geteuid());
			return 0;
		}
		log_errno("install: cannot close %s to other users (mode %04o)", folder, (unsigned)was);
		return EXIT_OSERR;
	}
	if (fstat(d->dir, &st)) {
		log_errno("install: cannot look up %s", folder);
		return EXIT_OSERR;
	}
	if (st.st_mode & (S_IWGRP | S_IWOTH)) {
		log_msg("install: %s is still open to other users after chmod (mode %04o)", folder,
			(unsigned)(st.st_mode & 07777));
		return EXIT_OSERR;
	}
	log_msg("install: closed %s (mode %04o -> %04o): other users could have renamed or replaced the copy",
		folder, (unsigned)was, (unsigned)(st.st_mode & 07777));
	return 0;
}

/* ---- writing the copy ---- */

/* A new folder PREFIX-XXXXXXXX in dir, 0700, this process's: the copy is
 * written there, where nobody but root reaches it, and then renamed into
 * place, so that no capable file ever has a name another user can reach.
 * Its name in priv; a descriptor of it, or -1 after logging. */
static int make_private_folder(int dir, const char *shown, char *priv, size_t len)
{
	for (int attempt = 0; attempt < 100; attempt++) {
		struct stat st;
		uint32_t r;
		int fd;

		if (getrandom(&r, sizeof(r), GRND_NONBLOCK) != sizeof(r))
			r = (uint32_t)getpid() * 2654435761u + (uint32_t)attempt;
		snprintf(priv, len, ".strict-init-%08x", (unsigned)r);
		if (mkdirat(dir, priv, 0700)) {
			if (errno == EEXIST)
				continue;
			log_errno("install: cannot make a folder next to %s", shown);
			return -1;
		}
		fd = openat(dir, priv, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		/* the mode whatever the umask; the folder is closed, so it is ours */
		if (fd >= 0 && fstat(fd, &st) == 0 && st.st_uid == geteuid() &&
		    fchmod(fd, 0700) == 0)
			return fd;
		log_errno("install: the folder %s made next to %s cannot be used", priv, shown);
		if (fd >= 0)
			close(fd);
		return -1;
	}
	log_msg("install: no free name for a folder next to %s", shown);
	return -1;
}

/* After the rename: the final name must be the file just written. */
static int check_landed(int dfd, const char *name, int fd)
{
	struct stat mine, there;

	if (fstat(fd, &mine) || fstatat(dfd, name, &there, AT_SYMLINK_NOFOLLOW))
		return -1;
	return mine.st_dev == there.st_dev && mine.st_ino == there.st_ino ? 0 : -1;
}

/* Writes image as d's copy: into a file of a private folder, renamed into
 * place; the private folder is gone whatever happens (but SIGKILL). */
static int write_into(const struct destination *d, const unsigned char *image, size_t size,
		      bool capable)
{
	static const char file[] = "strict-init";
	char priv[32], label[PATH_MAX + 64];
	sigset_t all, old;
	int pfd, fd = -1, rc = -1;
	bool renamed = false;

	sigfillset(&all);
	sigprocmask(SIG_BLOCK, &all, &old);
	pfd = make_private_folder(d->dir, d->shown, priv, sizeof(priv));
	if (pfd < 0)
		goto out;
	snprintf(label, sizeof(label), "%s (written as %s/%s next to it)", d->shown, priv, file);
	fd = openat(pfd, file, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0700);
	if (fd < 0)
		log_errno("install: cannot create %s", label);
	else
		rc = fill_copy(fd, label, image, size, capable);
	if (rc == 0 && renameat(pfd, file, d->dir, d->name)) {
		log_errno("install: cannot rename %s", label);
		rc = -1;
	}
	renamed = rc == 0;
	if (rc == 0 && check_landed(d->dir, d->name, fd)) {
		log_msg("install: %s is not the file just written: its folder changed during the install", d->shown);
		rc = -1;
	}
	if (rc == 0 && fsync(d->dir) && errno != EINVAL) {
		log_errno("install: cannot fsync the folder of %s", d->shown);
		rc = -1;
	}
	if (fd >= 0 && close(fd) && rc == 0) {
		log_errno("install: cannot close %s", label);
		rc = -1;
	}
	if (fd >= 0 && !renamed)
		unlinkat(pfd, file, 0);
	close(pfd);
	if (unlinkat(d->dir, priv, AT_REMOVEDIR) && rc == 0) {
		log_errno("install: cannot remove the folder %s next to %s", priv, d->shown);
		rc = -1;
	}
out:
	sigprocmask(SIG_SETMASK, &old, NULL);
	return rc;
}

int install_self(const struct sg_config *cfg)
{
	struct destination d = {.dir = -1, .name = NULL, .shown = NULL};
	char seal[SEAL_TEXT_MAX];
	unsigned char *image;
	size_t size;
	/* Only enforce calls setgroups: a refuse or audit copy gets no
	 * capability, so installing it needs no CAP_SETFCAP (docs/design.md,
	 * "The seal"). A user switch is enforce only (config.c). */
	bool capable = cfg->mode == MODE_ENFORCE;
	int rc;

	image = sealed_image(cfg, &size, seal, &rc);
	if (!image)
		return rc;
	rc = resolve_destination(cfg->install_dest, &d);
	if (rc == 0)
		rc = check_folders_above(&d);
	if (rc == 0)
		rc = close_folder(&d, capable);
	if (rc == 0)
		rc = write_into(&d, image, size, capable) ? EXIT_OSERR : 0;
	if (rc == 0)
		log_msg("installed %s, sealed: %s", d.shown, seal);
	destination_free(&d);
	free(image);
	return rc;
}
