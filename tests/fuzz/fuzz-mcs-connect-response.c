/* fuzz-mcs-connect-response.c: what a server answers to our MCS Connect
 * Initial (rd_mcs_decode_connect_response)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include "rd-mcs.h"
#include "rd-fuzz.h"

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) encoded = NULL;
  RdMcsConnectResponse response, again;
  const guint8 *bytes;
  gsize length;
  gboolean ok;
  guint32 method;

  ok = rd_mcs_decode_connect_response (data, size, &response, &error);
  rd_fuzz_assert_failed (ok, error, RD_PROTO_ERROR);
  if (!ok)
    {
      static const RdMcsConnectResponse zero = { 0 };

      g_assert_cmpmem (&response, sizeof response, &zero, sizeof zero);
      return 0;
    }

  (void) rd_encryption_level_to_string (response.encryption_level);
  (void) rd_encryption_method_to_string (response.encryption_method);
  (void) rd_rdp_version_to_string (response.version);
  (void) rd_encryption_level_allowed_methods (response.encryption_level);
  (void) rd_encryption_level_expected_method (response.encryption_level, RD_ENCRYPTION_METHODS_ALL, &method);
  g_assert_cmpuint (response.server_random_length, <=, size);
  g_assert_cmpuint (response.server_cert_length, <=, size);

  /* every proper prefix is TRUNCATED (rd-mcs.h) */
  for (gsize prefix = 0; prefix < size; prefix++)
    {
      g_autoptr(GError) prefix_error = NULL;

      g_assert_false (rd_mcs_decode_connect_response (data, prefix, &again, &prefix_error));
      g_assert_error (prefix_error, RD_PROTO_ERROR, RD_PROTO_ERROR_TRUNCATED);
    }

  /* What we decode, the test server encodes the same way. */
  if (response.result <= 0xff)
    {
      encoded = rd_mcs_encode_connect_response (&response);
      bytes = g_bytes_get_data (encoded, &length);
      g_assert_true (rd_mcs_decode_connect_response (bytes, length, &again, &error));
      g_assert_no_error (error);
      g_assert_cmpuint (again.result, ==, response.result);
      g_assert_cmpint (again.has_user_data, ==, response.has_user_data);
      g_assert_cmphex (again.version, ==, response.version);
      g_assert_cmphex (again.encryption_level, ==, response.encryption_level);
      g_assert_cmphex (again.encryption_method, ==, response.encryption_method);
      g_assert_cmpuint (again.cert_version, ==, response.cert_version);
      g_assert_cmpuint (again.mcs_channel_id, ==, response.mcs_channel_id);
      rd_mcs_connect_response_clear (&again);
    }
  rd_mcs_connect_response_clear (&response);
  return 0;
}
