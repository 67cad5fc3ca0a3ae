/* rds-tls.c: the scripted RDP server's TLS context and self-signed certificate
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "rds-tls"

#include "config.h"

#include "rds-server.h"

#include <string.h>

#include <openssl/err.h>
#include <openssl/rand.h>

static void
set_openssl_error (GError     **error,
                   const char  *what)
{
  unsigned long err = ERR_peek_last_error ();

  g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "%s: %s", what,
               err != 0 ? ERR_reason_error_string (err) : "unknown OpenSSL error");
  ERR_clear_error ();
}

static gboolean
add_extension (X509       *cert,
               int         nid,
               const char *value)
{
  g_autoptr(X509_EXTENSION) ext = NULL;
  X509V3_CTX ctx;

  X509V3_set_ctx_nodb (&ctx);
  X509V3_set_ctx (&ctx, cert, cert, NULL, NULL, 0);
  ext = X509V3_EXT_conf_nid (NULL, &ctx, nid, value);

  return ext != NULL && X509_add_ext (cert, ext, -1) == 1;
}

/* An RSA-2048 self-signed certificate like the one Windows makes for RDP:
 * CN and one DNS SAN, serverAuth; validity is
 * [now + not_before_offset_s, now + days_valid days], either may be in the past. */
static gboolean
make_self_signed (const RdsTlsOptions  *options,
                  X509                **out_cert,
                  EVP_PKEY            **out_key,
                  GError              **error)
{
  g_autoptr(EVP_PKEY) key = NULL;
  g_autoptr(X509) cert = NULL;
  g_autofree char *san = NULL;
  X509_NAME *name;
  guint8 serial_bytes[16];
  BIGNUM *serial;
  ASN1_INTEGER *serial_int;
  time_t now = time (NULL);
  gint64 not_before = options->cert_not_before_offset_s;
  gint64 not_after = options->cert_days_valid * 24 * 3600;

  key = EVP_PKEY_Q_keygen (NULL, NULL, "RSA", (size_t) 2048);
  if (key == NULL)
    {
      set_openssl_error (error, "RSA key generation");
      return FALSE;
    }

  cert = X509_new ();
  if (cert == NULL || X509_set_version (cert, X509_VERSION_3) != 1)
    {
      set_openssl_error (error, "X509_new");
      return FALSE;
    }

  /* A positive random serial, as RFC 5280 4.1.2.2 asks */
  if (RAND_bytes (serial_bytes, sizeof serial_bytes) != 1)
    {
      set_openssl_error (error, "RAND_bytes");
      return FALSE;
    }
  serial_bytes[0] &= 0x7f;
  serial = BN_bin2bn (serial_bytes, sizeof serial_bytes, NULL);
  serial_int = serial != NULL ? BN_to_ASN1_INTEGER (serial, X509_get_serialNumber (cert)) : NULL;
  BN_free (serial);
  if (serial_int == NULL)
    {
      set_openssl_error (error, "serial number");
      return FALSE;
    }

  if (X509_time_adj_ex (X509_getm_notBefore (cert), (int) (not_before / 86400),
                        (long) (not_before % 86400), &now) == NULL ||
      X509_time_adj_ex (X509_getm_notAfter (cert), (int) (not_after / 86400),
                        (long) (not_after % 86400), &now) == NULL)
    {
      set_openssl_error (error, "certificate validity");
      return FALSE;
    }

  name = X509_get_subject_name (cert);
  if (X509_NAME_add_entry_by_txt (name, "CN", MBSTRING_UTF8,
                                  (const unsigned char *) options->cert_name,
                                  -1, -1, 0) != 1 ||
      X509_set_issuer_name (cert, name) != 1 ||
      X509_set_pubkey (cert, key) != 1)
    {
      set_openssl_error (error, "certificate name");
      return FALSE;
    }

  san = g_strdup_printf ("DNS:%s", options->cert_name);
  if (!add_extension (cert, NID_subject_alt_name, san) ||
      !add_extension (cert, NID_key_usage, "critical,keyEncipherment,dataEncipherment") ||
      !add_extension (cert, NID_ext_key_usage, "serverAuth"))
    {
      set_openssl_error (error, "certificate extensions");
      return FALSE;
    }

  if (X509_sign (cert, key, EVP_sha256 ()) == 0)
    {
      set_openssl_error (error, "certificate signature");
      return FALSE;
    }

  *out_cert = g_steal_pointer (&cert);
  *out_key = g_steal_pointer (&key);
  return TRUE;
}

static int
parse_tls_version (const char *text)
{
  static const struct { const char *name; int version; } versions[] = {
    { "1.0", TLS1_VERSION },
    { "1.1", TLS1_1_VERSION },
    { "1.2", TLS1_2_VERSION },
    { "1.3", TLS1_3_VERSION },
  };

  for (guint i = 0; i < G_N_ELEMENTS (versions); i++)
    if (g_strcmp0 (text, versions[i].name) == 0)
      return versions[i].version;

  return 0;
}

/* "1.0,1.2" → only those: min..max, and SSL_OP_NO_* for the gaps. */
static gboolean
apply_tls_versions (SSL_CTX     *ctx,
                    const char  *list,
                    GError     **error)
{
  g_auto(GStrv) items = g_strsplit (list, ",", -1);
  int min = 0, max = 0;
  gboolean wanted[4] = { FALSE, };
  static const guint64 no_ops[4] = { SSL_OP_NO_TLSv1, SSL_OP_NO_TLSv1_1,
                                     SSL_OP_NO_TLSv1_2, SSL_OP_NO_TLSv1_3 };

  for (guint i = 0; items[i] != NULL; i++)
    {
      int version = parse_tls_version (g_strstrip (items[i]));

      if (version == 0)
        {
          g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                       "Unknown TLS version “%s” (use 1.0, 1.1, 1.2, 1.3)", items[i]);
          return FALSE;
        }
      wanted[version - TLS1_VERSION] = TRUE;
      if (min == 0 || version < min)
        min = version;
      if (version > max)
        max = version;
    }

  if (min == 0)
    {
      g_set_error_literal (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                           "--tls-versions needs at least one version");
      return FALSE;
    }

  if (SSL_CTX_set_min_proto_version (ctx, min) != 1 ||
      SSL_CTX_set_max_proto_version (ctx, max) != 1)
    {
      set_openssl_error (error, "TLS versions");
      return FALSE;
    }

  for (int v = min; v <= max; v++)
    if (!wanted[v - TLS1_VERSION])
      SSL_CTX_set_options (ctx, no_ops[v - TLS1_VERSION]);

  /* OpenSSL 3 refuses TLS 1.0/1.1 (SHA-1 signatures) above security level 0. */
  if (min < TLS1_2_VERSION)
    SSL_CTX_set_security_level (ctx, 0);

  return TRUE;
}

SSL_CTX *
rds_tls_context_new (const RdsTlsOptions  *options,
                     GError              **error)
{
  g_autoptr(SSL_CTX) ctx = NULL;

  ctx = SSL_CTX_new (TLS_server_method ());
  if (ctx == NULL)
    {
      set_openssl_error (error, "SSL_CTX_new");
      return NULL;
    }

  if (options->tls_versions != NULL)
    {
      if (!apply_tls_versions (ctx, options->tls_versions, error))
        return NULL;
    }
  else if (SSL_CTX_set_min_proto_version (ctx, TLS1_2_VERSION) != 1 ||
           SSL_CTX_set_max_proto_version (ctx, TLS1_3_VERSION) != 1)
    {
      set_openssl_error (error, "TLS versions");
      return NULL;
    }

  if (options->cert_file != NULL)
    {
      if (SSL_CTX_use_certificate_chain_file (ctx, options->cert_file) != 1)
        {
          set_openssl_error (error, options->cert_file);
          return NULL;
        }
      if (SSL_CTX_use_PrivateKey_file (ctx, options->key_file, SSL_FILETYPE_PEM) != 1)
        {
          set_openssl_error (error, options->key_file);
          return NULL;
        }
    }
  else
    {
      g_autoptr(X509) cert = NULL;
      g_autoptr(EVP_PKEY) key = NULL;

      if (!make_self_signed (options, &cert, &key, error))
        return NULL;
      if (SSL_CTX_use_certificate (ctx, cert) != 1 ||
          SSL_CTX_use_PrivateKey (ctx, key) != 1)
        {
          set_openssl_error (error, "self-signed certificate");
          return NULL;
        }
    }

  if (SSL_CTX_check_private_key (ctx) != 1)
    {
      set_openssl_error (error, "the key does not match the certificate");
      return NULL;
    }

  /* Many short connections from one test client: no session state to keep. */
  SSL_CTX_set_session_cache_mode (ctx, SSL_SESS_CACHE_OFF);
  SSL_CTX_set_num_tickets (ctx, 0);

  return g_steal_pointer (&ctx);
}
