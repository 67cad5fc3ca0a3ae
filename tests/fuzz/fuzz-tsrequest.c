/* fuzz-tsrequest.c: a CredSSP TSRequest as a server sends it (DER;
 * rd_tsrequest_get_length, rd_tsrequest_decode, rd_tsrequest_encode)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>
#include <openssl/err.h>

#include "rd-tsrequest.h"
#include "rd-fuzz.h"

static void
assert_same_bytes (GBytes *a,
                   GBytes *b)
{
  g_assert_true ((a == NULL) == (b == NULL));
  if (a != NULL)
    g_assert_true (g_bytes_equal (a, b));
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) encoded = NULL;
  g_auto(RdTsRequest) request = { 0 };
  g_auto(RdTsRequest) again = { 0 };
  const guint8 *bytes;
  gsize length;
  gssize total;
  gboolean ok;

  /* The length a reader waits for, with the limit the CredSSP check uses and
   * with a small one. */
  total = rd_tsrequest_get_length (data, size, RD_TSREQUEST_MAX_LENGTH, &error);
  g_assert_true (total >= 0 || error != NULL);
  g_assert_true (total <= RD_TSREQUEST_MAX_LENGTH);
  g_clear_error (&error);
  total = rd_tsrequest_get_length (data, size, 16, &error);
  g_assert_true (total <= 16);
  g_clear_error (&error);

  ok = rd_tsrequest_decode (data, size, &request, &error);
  rd_fuzz_assert_failed (ok, error, RD_PROTO_ERROR);
  /* A failed parse leaves nothing in OpenSSL's error queue for the TLS code. */
  g_assert_cmpuint (ERR_peek_error (), ==, 0);
  if (!ok)
    {
      static const RdTsRequest zero = { 0 };

      g_assert_cmpmem (&request, sizeof request, &zero, sizeof zero);
      return 0;
    }

  g_assert_cmpint (rd_tsrequest_get_length (data, size, RD_TSREQUEST_MAX_LENGTH, NULL), ==, (gssize) size);
  g_assert_cmpint (request.version, >=, 0);

  /* decode → encode → decode agrees */
  encoded = rd_tsrequest_encode (&request);
  g_assert_nonnull (encoded);
  bytes = g_bytes_get_data (encoded, &length);
  g_assert_cmpint (rd_tsrequest_get_length (bytes, length, G_MAXSIZE, NULL), ==, (gssize) length);
  if (length > RD_TSREQUEST_MAX_LENGTH)
    return 0;
  g_assert_true (rd_tsrequest_decode (bytes, length, &again, &error));
  g_assert_no_error (error);
  g_assert_cmpint (again.version, ==, request.version);
  assert_same_bytes (again.nego_token, request.nego_token);
  assert_same_bytes (again.auth_info, request.auth_info);
  assert_same_bytes (again.pub_key_auth, request.pub_key_auth);
  g_assert_cmpint (again.has_error_code, ==, request.has_error_code);
  g_assert_cmphex (again.error_code, ==, request.error_code);
  assert_same_bytes (again.client_nonce, request.client_nonce);
  return 0;
}
