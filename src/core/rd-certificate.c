/* rd-certificate.c: what a server certificate says, as report evidence
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "rd-certificate"

#include "config.h"

#include <string.h>
#include <gio/gio.h>

#include "rd-json.h"
#include "rd-certificate.h"
#include "rd-openssl-private.h"

static char *
name_entry (X509_NAME *name,
            int        nid)
{
  int index = X509_NAME_get_index_by_NID (name, nid, -1);
  ASN1_STRING *data;
  unsigned char *utf8 = NULL;
  int length;
  char *text;

  if (index < 0)
    return NULL;
  data = X509_NAME_ENTRY_get_data (X509_NAME_get_entry (name, index));
  length = ASN1_STRING_to_UTF8 (&utf8, data);
  if (length < 0)
    return NULL;
  text = g_utf8_make_valid ((const char *) utf8, length);
  OPENSSL_free (utf8);
  return text;
}

static char *
name_oneline (X509_NAME *name)
{
  g_autoptr(BIO) bio = BIO_new (BIO_s_mem ());
  char *data = NULL;
  long length;

  X509_NAME_print_ex (bio, name, 0, XN_FLAG_RFC2253 & ~ASN1_STRFLGS_ESC_MSB);
  length = BIO_get_mem_data (bio, &data);
  return g_utf8_make_valid (data, length);
}

/* ISO 8601 UTC, as the report's contract says */
static char *
time_to_iso8601 (const ASN1_TIME *time)
{
  struct tm tm = { 0, };

  if (!ASN1_TIME_to_tm (time, &tm))
    return NULL;
  return g_strdup_printf ("%04d-%02d-%02dT%02d:%02d:%02dZ", tm.tm_year + 1900, tm.tm_mon + 1,
                          tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
}

static char *
fingerprint (X509         *certificate,
             const EVP_MD *digest)
{
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  GString *hex = g_string_new (NULL);

  X509_digest (certificate, digest, md, &length);
  for (unsigned int i = 0; i < length; i++)
    g_string_append_printf (hex, "%02X", md[i]);
  return g_string_free (hex, FALSE);
}

static JsonArray *
subject_alt_names (X509 *certificate)
{
  JsonArray *names = json_array_new ();
  g_autoptr(GENERAL_NAMES) general = X509_get_ext_d2i (certificate, NID_subject_alt_name, NULL, NULL);

  for (int i = 0; general != NULL && i < sk_GENERAL_NAME_num (general); i++)
    {
      const GENERAL_NAME *name = sk_GENERAL_NAME_value (general, i);

      if (name->type == GEN_DNS)
        {
          const unsigned char *data = ASN1_STRING_get0_data (name->d.dNSName);
          g_autofree char *text = g_utf8_make_valid ((const char *) data,
                                                     ASN1_STRING_length (name->d.dNSName));
          json_array_add_string_element (names, text);
        }
      else if (name->type == GEN_IPADD)
        {
          int length = ASN1_STRING_length (name->d.iPAddress);
          const unsigned char *data = ASN1_STRING_get0_data (name->d.iPAddress);
          g_autoptr(GInetAddress) address = NULL;

          if (length == 4 || length == 16)
            address = g_inet_address_new_from_bytes (data, length == 4 ? G_SOCKET_FAMILY_IPV4
                                                                       : G_SOCKET_FAMILY_IPV6);
          if (address != NULL)
            {
              g_autofree char *text = g_inet_address_to_string (address);
              json_array_add_string_element (names, text);
            }
        }
    }
  return names;
}

static const char *
key_type_name (int base_id)
{
  switch (base_id)
    {
    case EVP_PKEY_RSA: return "RSA";
    case EVP_PKEY_RSA_PSS: return "RSA-PSS";
    case EVP_PKEY_EC: return "EC";
    case EVP_PKEY_DSA: return "DSA";
    case EVP_PKEY_ED25519: return "Ed25519";
    case EVP_PKEY_ED448: return "Ed448";
    default: return "unknown";
    }
}

/* Windows only uses a certificate for RDP if it allows server authentication
 * (or has no EKU at all, which allows everything). */
static gboolean
allows_server_auth (X509 *certificate)
{
  uint32_t usage = X509_get_extended_key_usage (certificate);

  return (usage & XKU_SSL_SERVER) != 0;
}

/**
 * rd_certificate_describe:
 * @chain_length: how many certificates the server sent
 *
 * Returns: (transfer full): `subject_cn`, `san`, `issuer`, `not_before`,
 *   `not_after`, `sha256`, `sha1`, `key_type`, `key_bits`,
 *   `signature_algorithm`, `self_signed`, `server_auth_eku`, `chain_length`
 */
JsonObject *
rd_certificate_describe (X509 *certificate,
                         guint chain_length)
{
  JsonObject *object = json_object_new ();
  g_autofree char *cn = name_entry (X509_get_subject_name (certificate), NID_commonName);
  g_autofree char *subject = name_oneline (X509_get_subject_name (certificate));
  g_autofree char *issuer = name_oneline (X509_get_issuer_name (certificate));
  g_autofree char *not_before = time_to_iso8601 (X509_get0_notBefore (certificate));
  g_autofree char *not_after = time_to_iso8601 (X509_get0_notAfter (certificate));
  g_autofree char *sha256 = fingerprint (certificate, EVP_sha256 ());
  g_autofree char *sha1 = fingerprint (certificate, EVP_sha1 ());
  EVP_PKEY *key = X509_get0_pubkey (certificate);
  int signature_nid = X509_get_signature_nid (certificate);

  rd_json_set_string_or_null (object, "subject_cn", cn);
  json_object_set_string_member (object, "subject", subject);
  json_object_set_array_member (object, "san", subject_alt_names (certificate));
  json_object_set_string_member (object, "issuer", issuer);
  json_object_set_string_member (object, "not_before", not_before != NULL ? not_before : "");
  json_object_set_string_member (object, "not_after", not_after != NULL ? not_after : "");
  json_object_set_string_member (object, "sha256", sha256);
  /* what certlm.msc shows as the thumbprint and SSLCertificateSHA1Hash holds */
  json_object_set_string_member (object, "sha1", sha1);
  json_object_set_string_member (object, "key_type", key != NULL ? key_type_name (EVP_PKEY_get_base_id (key)) : "unknown");
  json_object_set_int_member (object, "key_bits", key != NULL ? EVP_PKEY_get_bits (key) : 0);
  json_object_set_string_member (object, "signature_algorithm",
                                 signature_nid != NID_undef ? OBJ_nid2ln (signature_nid) : "unknown");
  json_object_set_boolean_member (object, "self_signed", X509_self_signed (certificate, 0) == 1);
  json_object_set_boolean_member (object, "server_auth_eku", allows_server_auth (certificate));
  json_object_set_int_member (object, "chain_length", chain_length);
  return object;
}

/**
 * rd_certificate_note_validity:
 * @description: from rd_certificate_describe(); gains `expired`,
 *   `not_yet_valid` and `days_left`
 * @now: this machine's clock, read by the check so that the diagnosis itself
 *   needs no clock
 *
 * Returns: whether @now is outside the certificate's dates
 */
gboolean
rd_certificate_note_validity (JsonObject *description,
                              GDateTime  *now)
{
  g_autoptr(GDateTime) not_before = g_date_time_new_from_iso8601 (json_object_get_string_member (description, "not_before"), NULL);
  g_autoptr(GDateTime) not_after = g_date_time_new_from_iso8601 (json_object_get_string_member (description, "not_after"), NULL);
  gboolean expired = not_after != NULL && g_date_time_compare (now, not_after) > 0;
  gboolean early = not_before != NULL && g_date_time_compare (now, not_before) < 0;

  json_object_set_boolean_member (description, "expired", expired);
  json_object_set_boolean_member (description, "not_yet_valid", early);
  if (not_after != NULL)
    json_object_set_int_member (description, "days_left", g_date_time_difference (not_after, now) / G_TIME_SPAN_DAY);
  return expired || early;
}

static gboolean
name_matches (const char *pattern,
              const char *host)
{
  /* RFC 6125 §6.4.3: a wildcard stands for exactly one left-most label */
  if (g_str_has_prefix (pattern, "*."))
    {
      const char *dot = strchr (host, '.');
      return dot != NULL && g_ascii_strcasecmp (pattern + 1, dot) == 0;
    }
  return g_ascii_strcasecmp (pattern, host) == 0;
}

/**
 * rd_certificate_names_host:
 * @description: from rd_certificate_describe()
 * @host: a name or an address as the user typed it (ASCII)
 *
 * Returns: whether the certificate's SAN (or, without SANs, its CN) names @host
 */
gboolean
rd_certificate_names_host (JsonObject *description,
                           const char *host)
{
  JsonArray *san = json_object_get_array_member (description, "san");
  g_autofree char *bare = g_strdup (host);
  gsize length = strlen (bare);

  if (length > 0 && bare[length - 1] == '.')
    bare[length - 1] = '\0';

  if (san != NULL && json_array_get_length (san) > 0)
    {
      for (guint i = 0; i < json_array_get_length (san); i++)
        if (name_matches (json_array_get_string_element (san, i), bare))
          return TRUE;
      return FALSE;
    }
  return !json_object_get_null_member (description, "subject_cn") &&
         name_matches (json_object_get_string_member (description, "subject_cn"), bare);
}
