/* The serving certificate and key, re-read when the files change on disk
 * (cert-manager and kubelet replace them in place: a new inode behind the
 * same path). Handshakes pick up whichever pair is current when they start;
 * a pair that does not load, or whose key does not match the certificate
 * (a rotation caught half-way), is not used: the previous one goes on
 * serving and the files are tried again at the next check. */
#ifndef STRICT_WEBHOOK_TLSCREDS_H
#define STRICT_WEBHOOK_TLSCREDS_H

#include <stddef.h>

#include <gnutls/abstract.h>
#include <gnutls/gnutls.h>

/* Loads the first pair. Returns 0, or -1 with a reason in err. */
int tlscreds_init(const char *cert_path, const char *key_path, char *err, size_t errlen);

/* Checks the files; reloads when they changed. Returns 1 after a reload,
 * 0 when nothing changed, -1 when the new files could not be used (err). */
int tlscreds_check(char *err, size_t errlen);

/* gnutls_certificate_retrieve_function2, for MHD_OPTION_HTTPS_CERT_CALLBACK. */
int tlscreds_retrieve(gnutls_session_t session, const gnutls_datum_t *req_ca_rdn, int nreqs,
		      const gnutls_pk_algorithm_t *pk_algos, int pk_algos_length,
		      gnutls_pcert_st **pcert, unsigned int *pcert_length,
		      gnutls_privkey_t *privkey);

/* The current certificate's notAfter (seconds since the epoch). */
long long tlscreds_not_after(void);

void tlscreds_free(void);

#endif
