#include "install.h"

#include <errno.h>
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
 * logging why (*rc set). */
static unsigned char *sealed_image(const struct sg_config *cfg, size_t *size,
				   int *rc)
{
	char text[SEAL_TEXT_MAX];
	size_t need, len = config_seal_compose(cfg, text, sizeof(text), &need);
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
	return image;
}

/* The directory to write into (a descriptor) and the final name in it. A
 * DEST that is a directory gets DEST/strict-init; a symbolic link as DEST
 * is refused, never followed. DEST is looked up once. */
static int open_destination(const char *dest, char **name)
{
	const char *slash = strrchr(dest, '/');
	const char *base = slash ? slash + 1 : dest;
	struct stat st;
	char *dir;
	int dfd, pfd = open(dest, O_PATH | O_NOFOLLOW | O_CLOEXEC);

	if (pfd < 0 && errno != ENOENT) {
		log_errno("install: cannot look up %s", dest);
		return -1;
	}
	if (pfd >= 0 && fstat(pfd, &st)) {
		log_errno("install: cannot look up %s", dest);
		close(pfd);
		return -1;
	}
	if (pfd >= 0 && S_ISDIR(st.st_mode)) {
		dfd = openat(pfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		close(pfd);
		if (dfd < 0)
			log_errno("install: cannot open the directory %s", dest);
		*name = strdup("strict-init");
		return dfd;
	}
	if (pfd >= 0)
		close(pfd);
	if (pfd >= 0 && S_ISLNK(st.st_mode)) {
		log_msg("install: %s is a symbolic link; name the file or directory itself", dest);
		return -1;
	}
	if (*base == '\0' || strcmp(base, ".") == 0 || strcmp(base, "..") == 0) {
		log_msg("install: %s is not a directory and names no file", dest);
		return -1;
	}
	dir = slash ? strndup(dest, (size_t)(slash - dest) + 1) : strdup(".");
	*name = strdup(base);
	if (!dir || !*name) {
		log_msg("install: out of memory");
		free(dir);
		return -1;
	}
	dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0)
		log_errno("install: cannot open the directory %s", dir);
	free(dir);
	return dfd;
}

/* A new file NAME.tmp-XXXXXXXX in dfd, never an existing one and never
 * through a symbolic link; its name in tmp. */
static int create_temporary(int dfd, const char *name, char *tmp, size_t len)
{
	for (int attempt = 0; attempt < 100; attempt++) {
		uint32_t r;
		int fd;

		if (getrandom(&r, sizeof(r), GRND_NONBLOCK) != sizeof(r))
			r = (uint32_t)getpid() * 2654435761u + (uint32_t)attempt;
		snprintf(tmp, len, "%s.tmp-%08x", name, (unsigned)r);
		fd = openat(dfd, tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
			    0700);
		if (fd >= 0 || errno != EEXIST)
			return fd;
	}
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

/* Writes image as dfd/name through a temporary file in the same directory;
 * the temporary is gone whatever happens (but SIGKILL). */
static int write_into(int dfd, const char *name, const char *dest,
		      const unsigned char *image, size_t size, bool capable)
{
	size_t tmplen = strlen(name) + sizeof(".tmp-12345678");
	char *tmp = malloc(tmplen);
	sigset_t all, old;
	int fd, rc = -1;

	if (!tmp) {
		log_msg("install: out of memory");
		return -1;
	}
	sigfillset(&all);
	sigprocmask(SIG_BLOCK, &all, &old);
	fd = create_temporary(dfd, name, tmp, tmplen);
	if (fd < 0) {
		log_errno("install: cannot create a file next to %s", dest);
		goto out;
	}
	rc = fill_copy(fd, tmp, image, size, capable);
	if (rc == 0 && renameat(dfd, tmp, dfd, name)) {
		log_errno("install: cannot rename %s to %s", tmp, dest);
		rc = -1;
	}
	if (rc) {
		unlinkat(dfd, tmp, 0);
	} else if (check_landed(dfd, name, fd)) {
		log_msg("install: %s is not the file just written: its directory changed during the install", dest);
		rc = -1;
	} else if (fsync(dfd) && errno != EINVAL) {
		log_errno("install: cannot fsync the directory of %s", dest);
		rc = -1;
	}
	if (close(fd) && rc == 0) {
		log_errno("install: cannot close %s", tmp);
		rc = -1;
	}
out:
	sigprocmask(SIG_SETMASK, &old, NULL);
	free(tmp);
	return rc;
}

int install_self(const struct sg_config *cfg)
{
	char *name = NULL;
	unsigned char *image;
	size_t size;
	int dfd, rc;

	image = sealed_image(cfg, &size, &rc);
	if (!image)
		return rc;
	dfd = open_destination(cfg->install_dest, &name);
	if (dfd >= 0 && !name) {
		log_msg("install: out of memory");
		close(dfd);
		dfd = -1;
	}
	if (dfd < 0) {
		free(image);
		free(name);
		return EXIT_OSERR;
	}
	/* Only enforce calls setgroups: a refuse or audit copy gets no
	 * capability, so installing it needs no CAP_SETFCAP (docs/design.md,
	 * "The seal"). A user switch is enforce only (config.c). */
	rc = write_into(dfd, name, cfg->install_dest, image, size,
			cfg->mode == MODE_ENFORCE) ? EXIT_OSERR : 0;
	close(dfd);
	free(image);
	free(name);
	return rc;
}
