/* rd-tsrequest.c: the CredSSP TSRequest (MS-CSSP 2.2.1), DER through OpenSSL's
 * ASN.1 templates
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "rd-tsrequest"

#include "config.h"

#include <string.h>
#include <openssl/asn1t.h>
#include <openssl/err.h>

#include "rd-tsrequest.h"

/* X.690 §8.9.1 / §8.1.2: universal, constructed, SEQUENCE */
#define DER_TAG_SEQUENCE 0x30
/* X.690 §8.1.3.5: the first length byte of the long form is 0x80 | n; 0x80
 * alone is the indefinite form (which DER forbids, §10.1) and 0xff is reserved. */
#define DER_LENGTH_LONG        0x80
#define DER_LENGTH_RESERVED    0xff
/* Four length bytes already describe 4 GiB, far beyond any max_length. */
#define DER_MAX_LENGTH_BYTES   4

/* MS-CSSP 2.2.1.1 NegoData ::= SEQUENCE OF SEQUENCE { negoToken [0] OCTET STRING } */
typedef struct
{
  ASN1_OCTET_STRING *nego_token;
} RD_NEGO_DATA_ITEM;

DEFINE_STACK_OF (RD_NEGO_DATA_ITEM)

ASN1_SEQUENCE (RD_NEGO_DATA_ITEM) = {
  ASN1_EXP (RD_NEGO_DATA_ITEM, nego_token, ASN1_OCTET_STRING, 0),
} static_ASN1_SEQUENCE_END (RD_NEGO_DATA_ITEM)

IMPLEMENT_STATIC_ASN1_ALLOC_FUNCTIONS (RD_NEGO_DATA_ITEM)

/* MS-CSSP 2.2.1 TSRequest; every tag is EXPLICIT */
typedef struct
{
  ASN1_INTEGER                  *version;       /* [0] */
  STACK_OF (RD_NEGO_DATA_ITEM)  *nego_tokens;   /* [1] OPTIONAL */
  ASN1_OCTET_STRING             *auth_info;     /* [2] OPTIONAL */
  ASN1_OCTET_STRING             *pub_key_auth;  /* [3] OPTIONAL */
  ASN1_INTEGER                  *error_code;    /* [4] OPTIONAL, since version 3 */
  ASN1_OCTET_STRING             *client_nonce;  /* [5] OPTIONAL, since version 5 */
} RD_TS_REQUEST;

ASN1_SEQUENCE (RD_TS_REQUEST) = {
  ASN1_EXP (RD_TS_REQUEST, version, ASN1_INTEGER, 0),
  ASN1_EXP_SEQUENCE_OF_OPT (RD_TS_REQUEST, nego_tokens, RD_NEGO_DATA_ITEM, 1),
  ASN1_EXP_OPT (RD_TS_REQUEST, auth_info, ASN1_OCTET_STRING, 2),
  ASN1_EXP_OPT (RD_TS_REQUEST, pub_key_auth, ASN1_OCTET_STRING, 3),
  ASN1_EXP_OPT (RD_TS_REQUEST, error_code, ASN1_INTEGER, 4),
  ASN1_EXP_OPT (RD_TS_REQUEST, client_nonce, ASN1_OCTET_STRING, 5),
} static_ASN1_SEQUENCE_END (RD_TS_REQUEST)

IMPLEMENT_STATIC_ASN1_ALLOC_FUNCTIONS (RD_TS_REQUEST)
IMPLEMENT_STATIC_ASN1_ENCODE_FUNCTIONS (RD_TS_REQUEST)

G_DEFINE_AUTOPTR_CLEANUP_FUNC (RD_TS_REQUEST, RD_TS_REQUEST_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (RD_NEGO_DATA_ITEM, RD_NEGO_DATA_ITEM_free)

#define TSREQUEST_WHAT "CredSSP TSRequest"

gssize
rd_tsrequest_get_length (const guint8  *data,
                         gsize          length,
                         gsize          max_length,
                         GError       **error)
{
  gsize content_length = 0;
  gsize header_length;
  guint n_length_bytes;

  g_return_val_if_fail (data != NULL || length == 0, -1);
  g_return_val_if_fail (error == NULL || *error == NULL, -1);

  max_length = MIN (max_length, (gsize) G_MAXSSIZE);

  if (length < 1)
    return 0;
  if (data[0] != DER_TAG_SEQUENCE)
    {
      g_set_error (error, RD_PROTO_ERROR, RD_PROTO_ERROR_INVALID,
                   "%s: starts with tag 0x%02x, not a SEQUENCE", TSREQUEST_WHAT, data[0]);
      return -1;
    }
  if (length < 2)
    return 0;

  if (data[1] < DER_LENGTH_LONG)
    {
      content_length = data[1];
      header_length = 2;
    }
  else
    {
      if (data[1] == DER_LENGTH_LONG)
        {
          g_set_error (error, RD_PROTO_ERROR, RD_PROTO_ERROR_INVALID,
                       "%s: indefinite length, which DER does not allow", TSREQUEST_WHAT);
          return -1;
        }
      if (data[1] == DER_LENGTH_RESERVED)
        {
          g_set_error (error, RD_PROTO_ERROR, RD_PROTO_ERROR_INVALID,
                       "%s: reserved length byte 0xff", TSREQUEST_WHAT);
          return -1;
        }

      n_length_bytes = data[1] & ~DER_LENGTH_LONG;
      if (n_length_bytes > DER_MAX_LENGTH_BYTES)
        {
          g_set_error (error, RD_PROTO_ERROR, RD_PROTO_ERROR_OVERSIZED,
                       "%s: a %u-byte length is more than this parser allows",
                       TSREQUEST_WHAT, n_length_bytes);
          return -1;
        }
      header_length = 2 + n_length_bytes;
      if (length < header_length)
        return 0;

      for (guint i = 0; i < n_length_bytes; i++)
        content_length = (content_length << 8) | data[2 + i];
    }

  if (content_length > max_length || header_length > max_length - content_length)
    {
      g_set_error (error, RD_PROTO_ERROR, RD_PROTO_ERROR_OVERSIZED,
                   "%s: %" G_GSIZE_FORMAT " bytes of content are more than the %"
                   G_GSIZE_FORMAT " bytes allowed", TSREQUEST_WHAT, content_length, max_length);
      return -1;
    }

  return (gssize) (header_length + content_length);
}

static GBytes *
octet_string_to_bytes (const ASN1_OCTET_STRING *string)
{
  if (string == NULL)
    return NULL;
  return g_bytes_new (ASN1_STRING_get0_data (string), (gsize) ASN1_STRING_length (string));
}

/* The fields OpenSSL has parsed, checked for range and copied out. */
static gboolean
read_asn (const RD_TS_REQUEST  *asn,
          RdTsRequest          *result,
          GError              **error)
{
  int64_t value;

  /* Peers send small versions (2–6; nmap sends 96), but the INTEGER can be any
   * size: refuse what does not fit rather than clamp it to something else. */
  if (!ASN1_INTEGER_get_int64 (&value, asn->version))
    {
      g_set_error (error, RD_PROTO_ERROR, RD_PROTO_ERROR_OVERSIZED,
                   "%s: version does not fit in 64 bits", TSREQUEST_WHAT);
      return FALSE;
    }
  if (value < 0)
    {
      g_set_error (error, RD_PROTO_ERROR, RD_PROTO_ERROR_INVALID,
                   "%s: version %" G_GINT64_FORMAT " is negative", TSREQUEST_WHAT, (gint64) value);
      return FALSE;
    }
  result->version = value;

  /* errorCode is an NTSTATUS. Windows and FreeRDP write its four bytes as they
   * are, which DER reads as negative (0xC000006D is -1073741715); a minimal
   * positive encoding would need a fifth byte. Both mean the same 32 bits. */
  if (asn->error_code != NULL)
    {
      if (!ASN1_INTEGER_get_int64 (&value, asn->error_code) ||
          value < G_MININT32 || value > G_MAXUINT32)
        {
          g_set_error (error, RD_PROTO_ERROR, RD_PROTO_ERROR_OVERSIZED,
                       "%s: errorCode does not fit in 32 bits", TSREQUEST_WHAT);
          return FALSE;
        }
      result->has_error_code = TRUE;
      result->error_code = (guint32) value;
    }

  if (asn->nego_tokens != NULL && sk_RD_NEGO_DATA_ITEM_num (asn->nego_tokens) > 0)
    result->nego_token = octet_string_to_bytes (sk_RD_NEGO_DATA_ITEM_value (asn->nego_tokens, 0)->nego_token);
  result->auth_info = octet_string_to_bytes (asn->auth_info);
  result->pub_key_auth = octet_string_to_bytes (asn->pub_key_auth);
  result->client_nonce = octet_string_to_bytes (asn->client_nonce);
  return TRUE;
}

gboolean
rd_tsrequest_decode (const guint8  *data,
                     gsize          length,
                     RdTsRequest   *request,
                     GError       **error)
{
  g_autoptr(RD_TS_REQUEST) asn = NULL;
  RdTsRequest result = { 0 };
  const unsigned char *p = data;
  gboolean ok = FALSE;
  gssize total;

  g_return_val_if_fail (data != NULL || length == 0, FALSE);
  g_return_val_if_fail (request != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  memset (request, 0, sizeof *request);

  total = rd_tsrequest_get_length (data, length, RD_TSREQUEST_MAX_LENGTH, error);
  if (total < 0)
    return FALSE;
  if (total == 0 || (gsize) total > length)
    {
      g_set_error (error, RD_PROTO_ERROR, RD_PROTO_ERROR_TRUNCATED,
                   "%s: %" G_GSIZE_FORMAT " bytes are less than the SEQUENCE needs",
                   TSREQUEST_WHAT, length);
      return FALSE;
    }
  if ((gsize) total < length)
    {
      g_set_error (error, RD_PROTO_ERROR, RD_PROTO_ERROR_INVALID,
                   "%s: %" G_GSIZE_FORMAT " unexpected bytes after the SEQUENCE",
                   TSREQUEST_WHAT, length - (gsize) total);
      return FALSE;
    }

  /* OpenSSL queues its errors per thread; a failed parse must not leave any
   * there for the TLS code that runs next on this thread. */
  ERR_set_mark ();
  asn = d2i_RD_TS_REQUEST (NULL, &p, (long) total);
  if (asn == NULL || p != data + total)
    g_set_error (error, RD_PROTO_ERROR, RD_PROTO_ERROR_INVALID,
                 "%s: the DER does not match MS-CSSP 2.2.1", TSREQUEST_WHAT);
  else
    ok = read_asn (asn, &result, error);
  ERR_pop_to_mark ();

  if (!ok)
    {
      rd_tsrequest_clear (&result);
      return FALSE;
    }

  *request = result;
  return TRUE;
}

static gboolean
set_octet_string (ASN1_OCTET_STRING **slot,
                  GBytes             *bytes)
{
  gsize size;
  const guint8 *data;

  if (bytes == NULL)
    return TRUE;

  data = g_bytes_get_data (bytes, &size);
  if (size > G_MAXINT)
    return FALSE;
  if (*slot == NULL)
    *slot = ASN1_OCTET_STRING_new ();
  return *slot != NULL && ASN1_OCTET_STRING_set (*slot, data, (int) size) == 1;
}

static gboolean
fill_asn (RD_TS_REQUEST     *asn,
          const RdTsRequest *request)
{
  if (!ASN1_INTEGER_set_int64 (asn->version, request->version))
    return FALSE;

  if (request->nego_token != NULL)
    {
      g_autoptr(RD_NEGO_DATA_ITEM) item = RD_NEGO_DATA_ITEM_new ();

      asn->nego_tokens = sk_RD_NEGO_DATA_ITEM_new_null ();
      if (item == NULL || asn->nego_tokens == NULL ||
          !set_octet_string (&item->nego_token, request->nego_token) ||
          sk_RD_NEGO_DATA_ITEM_push (asn->nego_tokens, item) <= 0)
        return FALSE;
      item = NULL;  /* the stack owns it now */
    }

  if (!set_octet_string (&asn->auth_info, request->auth_info) ||
      !set_octet_string (&asn->pub_key_auth, request->pub_key_auth) ||
      !set_octet_string (&asn->client_nonce, request->client_nonce))
    return FALSE;

  if (request->has_error_code)
    {
      /* Four bytes, as Windows writes them (see the decoder). */
      asn->error_code = ASN1_INTEGER_new ();
      if (asn->error_code == NULL ||
          !ASN1_INTEGER_set_int64 (asn->error_code, (gint32) request->error_code))
        return FALSE;
    }

  return TRUE;
}

GBytes *
rd_tsrequest_encode (const RdTsRequest *request)
{
  g_autoptr(RD_TS_REQUEST) asn = NULL;
  unsigned char *der = NULL;
  int der_length = -1;
  GBytes *bytes;

  g_return_val_if_fail (request != NULL, NULL);

  ERR_set_mark ();
  asn = RD_TS_REQUEST_new ();
  if (asn != NULL && fill_asn (asn, request))
    der_length = i2d_RD_TS_REQUEST (asn, &der);
  ERR_pop_to_mark ();

  /* Only an allocation failure inside OpenSSL gets here. */
  if (der_length <= 0)
    {
      g_critical ("%s: OpenSSL could not encode the request", TSREQUEST_WHAT);
      return NULL;
    }

  bytes = g_bytes_new (der, (gsize) der_length);
  OPENSSL_free (der);
  return bytes;
}

void
rd_tsrequest_clear (RdTsRequest *request)
{
  g_return_if_fail (request != NULL);

  g_clear_pointer (&request->nego_token, g_bytes_unref);
  g_clear_pointer (&request->auth_info, g_bytes_unref);
  g_clear_pointer (&request->pub_key_auth, g_bytes_unref);
  g_clear_pointer (&request->client_nonce, g_bytes_unref);
  memset (request, 0, sizeof *request);
}
