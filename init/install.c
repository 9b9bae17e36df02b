#include "install.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/capability.h>
#include <linux/xattr.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "log.h"

#define MAX_SELF_SIZE (16u << 20)

/* security.capability, revision 2, permitted = CAP_SETGID, no effective
 * bit: with "=p" the binary still starts when the bounding set lacks
 * CAP_SETGID and can say why it cannot drop (with "=ep" exec fails with
 * EPERM; DESIGN.md fact 1). Little-endian 32-bit words. */
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

/* Writes the copy into fd; logs and returns -1 on failure. */
static int fill_copy(int fd, const char *tmp, const unsigned char *image,
		     size_t size)
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
	if (fsync(fd)) {
		log_errno("install: cannot fsync %s", tmp);
		return -1;
	}
	return 0;
}

int install_self(const char *dest)
{
	struct stat st;
	char *target, *tmp;
	unsigned char *image;
	size_t size, len;
	int fd, rc = -1;

	len = strlen(dest);
	target = malloc(len + sizeof("/strict-init"));
	tmp = malloc(len + sizeof("/strict-init") + sizeof(".tmp-XXXXXX"));
	if (!target || !tmp) {
		log_msg("install: out of memory");
		goto out;
	}
	memcpy(target, dest, len + 1);
	if (stat(dest, &st) == 0 && S_ISDIR(st.st_mode))
		memcpy(target + len, "/strict-init", sizeof("/strict-init"));
	sprintf(tmp, "%s.tmp-XXXXXX", target);

	image = read_self(&size);
	if (!image)
		goto out;
	fd = mkostemp(tmp, O_CLOEXEC);
	if (fd < 0) {
		log_errno("install: cannot create a file next to %s", target);
		free(image);
		goto out;
	}
	rc = fill_copy(fd, tmp, image, size);
	free(image);
	if (close(fd) && rc == 0) {
		log_errno("install: cannot close %s", tmp);
		rc = -1;
	}
	if (rc == 0 && rename(tmp, target)) {
		log_errno("install: cannot rename %s to %s", tmp, target);
		rc = -1;
	}
	if (rc)
		unlink(tmp);
out:
	free(target);
	free(tmp);
	return rc;
}
