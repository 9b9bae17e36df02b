#include "tlscreds.h"

#include <errno.h>
#include <fcntl.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <gnutls/x509.h>

#define MAX_CHAIN 16
#define MAX_PEM (1 << 20)
/* A pair replaced by a newer one stays allocated this long: a handshake
 * that picked it up uses it while it writes its first flight, which takes
 * milliseconds; a minute is far beyond any of them. */
#define RETIRE_SECONDS 60

struct creds {
	gnutls_pcert_st pcerts[MAX_CHAIN];
	unsigned int npcerts;
	gnutls_privkey_t key;
	long long not_after;
	time_t retired_at;
	struct creds *next_retired;
};

/* What stat(2) says about a file: a change in any of these is a new file. */
struct file_id {
	dev_t dev;
	ino_t ino;
	off_t size;
	struct timespec mtime, ctime;
};

static const char *cert_file, *key_file;
static _Atomic(struct creds *) current;
static struct creds *retired;
static struct file_id cert_seen, key_seen, cert_failed, key_failed;

static void creds_free(struct creds *c)
{
	if (!c)
		return;
	for (unsigned int i = 0; i < c->npcerts; i++)
		gnutls_pcert_deinit(&c->pcerts[i]);
	if (c->key)
		gnutls_privkey_deinit(c->key);
	free(c);
}

static int file_identify(const char *path, struct file_id *id)
{
	struct stat st;

	if (stat(path, &st) != 0)
		return -1;
	memset(id, 0, sizeof(*id));
	id->dev = st.st_dev;
	id->ino = st.st_ino;
	id->size = st.st_size;
	id->mtime = st.st_mtim;
	id->ctime = st.st_ctim;
	return 0;
}

static bool same_file(const struct file_id *a, const struct file_id *b)
{
	return a->dev == b->dev && a->ino == b->ino && a->size == b->size &&
		a->mtime.tv_sec == b->mtime.tv_sec && a->mtime.tv_nsec == b->mtime.tv_nsec &&
		a->ctime.tv_sec == b->ctime.tv_sec && a->ctime.tv_nsec == b->ctime.tv_nsec;
}

/* Reads a whole (small) file. */
static int read_file(const char *path, gnutls_datum_t *out, char *err, size_t errlen)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	size_t cap = 8192, len = 0;
	unsigned char *buf;

	out->data = NULL;
	out->size = 0;
	if (fd < 0) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	buf = malloc(cap);
	while (buf) {
		ssize_t n;

		if (len == cap) {
			unsigned char *grown = cap >= MAX_PEM ? NULL : realloc(buf, cap * 2);

			if (!grown) {
				snprintf(err, errlen, "%s: larger than %d bytes", path, MAX_PEM);
				break;
			}
			buf = grown;
			cap *= 2;
		}
		n = read(fd, buf + len, cap - len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			snprintf(err, errlen, "%s: %s", path, strerror(errno));
			break;
		}
		if (n == 0) {
			close(fd);
			out->data = buf;
			out->size = (unsigned int)len;
			return 0;
		}
		len += (size_t)n;
	}
	if (!buf)
		snprintf(err, errlen, "%s: out of memory", path);
	free(buf);
	close(fd);
	return -1;
}

static void wipe_free(gnutls_datum_t *d)
{
	if (d->data)
		explicit_bzero(d->data, d->size);
	free(d->data);
}

/* The certificate's public key and the private key's must be the same. */
static int key_matches(const struct creds *c)
{
	gnutls_pubkey_t from_key;
	gnutls_datum_t a = {0}, b = {0};
	int same = 0;

	if (gnutls_pubkey_init(&from_key) < 0)
		return 0;
	if (gnutls_pubkey_import_privkey(from_key, c->key, 0, 0) >= 0 &&
	    gnutls_pubkey_export2(from_key, GNUTLS_X509_FMT_DER, &a) >= 0 &&
	    gnutls_pubkey_export2(c->pcerts[0].pubkey, GNUTLS_X509_FMT_DER, &b) >= 0)
		same = a.size == b.size && memcmp(a.data, b.data, a.size) == 0;
	gnutls_free(a.data);
	gnutls_free(b.data);
	gnutls_pubkey_deinit(from_key);
	return same;
}

static struct creds *creds_load(char *err, size_t errlen)
{
	gnutls_datum_t cert = {0}, key = {0};
	struct creds *c = calloc(1, sizeof(*c));
	gnutls_x509_crt_t crt;
	int rc;

	if (!c) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	if (read_file(cert_file, &cert, err, errlen) != 0 ||
	    read_file(key_file, &key, err, errlen) != 0)
		goto fail;
	c->npcerts = MAX_CHAIN;
	rc = gnutls_pcert_list_import_x509_raw(c->pcerts, &c->npcerts, &cert, GNUTLS_X509_FMT_PEM,
					       0);
	if (rc < 0 || c->npcerts == 0) {
		c->npcerts = 0;
		snprintf(err, errlen, "%s: %s", cert_file,
			 rc < 0 ? gnutls_strerror(rc) : "no certificate");
		goto fail;
	}
	if ((rc = gnutls_privkey_init(&c->key)) < 0 ||
	    (rc = gnutls_privkey_import_x509_raw(c->key, &key, GNUTLS_X509_FMT_PEM, NULL, 0)) < 0) {
		snprintf(err, errlen, "%s: %s", key_file, gnutls_strerror(rc));
		goto fail;
	}
	if (!key_matches(c)) {
		snprintf(err, errlen, "%s does not hold the key of %s's certificate", key_file,
			 cert_file);
		goto fail;
	}
	if (gnutls_x509_crt_init(&crt) >= 0) {
		if (gnutls_x509_crt_import(crt, &c->pcerts[0].cert, GNUTLS_X509_FMT_DER) >= 0)
			c->not_after = (long long)gnutls_x509_crt_get_expiration_time(crt);
		gnutls_x509_crt_deinit(crt);
	}
	free(cert.data);
	wipe_free(&key);
	return c;
fail:
	free(cert.data);
	wipe_free(&key);
	creds_free(c);
	return NULL;
}

static void free_retired(bool all)
{
	time_t now = time(NULL);
	struct creds **p = &retired;

	while (*p) {
		struct creds *c = *p;

		if (all || now - c->retired_at > RETIRE_SECONDS) {
			*p = c->next_retired;
			creds_free(c);
		} else {
			p = &c->next_retired;
		}
	}
}

int tlscreds_init(const char *cert_path, const char *key_path, char *err, size_t errlen)
{
	struct creds *c;

	cert_file = cert_path;
	key_file = key_path;
	if (file_identify(cert_file, &cert_seen) != 0 || file_identify(key_file, &key_seen) != 0) {
		snprintf(err, errlen, "%s: %s", cert_file, strerror(errno));
		return -1;
	}
	c = creds_load(err, errlen);
	if (!c)
		return -1;
	atomic_store(&current, c);
	return 0;
}

int tlscreds_check(char *err, size_t errlen)
{
	struct file_id cert_now, key_now;
	struct creds *c, *old;

	free_retired(false);
	if (file_identify(cert_file, &cert_now) != 0 || file_identify(key_file, &key_now) != 0)
		return 0; /* in the middle of a swap, or gone: keep serving, look again */
	if (same_file(&cert_now, &cert_seen) && same_file(&key_now, &key_seen))
		return 0;
	if (same_file(&cert_now, &cert_failed) && same_file(&key_now, &key_failed))
		return 0; /* already said why these do not do */
	c = creds_load(err, errlen);
	if (!c) {
		cert_failed = cert_now;
		key_failed = key_now;
		return -1;
	}
	cert_seen = cert_now;
	key_seen = key_now;
	old = atomic_exchange(&current, c);
	old->retired_at = time(NULL);
	old->next_retired = retired;
	retired = old;
	return 1;
}

int tlscreds_retrieve(gnutls_session_t session, const gnutls_datum_t *req_ca_rdn, int nreqs,
		      const gnutls_pk_algorithm_t *pk_algos, int pk_algos_length,
		      gnutls_pcert_st **pcert, unsigned int *pcert_length,
		      gnutls_privkey_t *privkey)
{
	struct creds *c = atomic_load(&current);

	(void)session;
	(void)req_ca_rdn;
	(void)nreqs;
	(void)pk_algos;
	(void)pk_algos_length;
	if (!c)
		return -1;
	*pcert = c->pcerts;
	*pcert_length = c->npcerts;
	*privkey = c->key;
	return 0;
}

long long tlscreds_not_after(void)
{
	struct creds *c = atomic_load(&current);

	return c ? c->not_after : 0;
}

void tlscreds_free(void)
{
	free_retired(true);
	creds_free(atomic_exchange(&current, NULL));
}
