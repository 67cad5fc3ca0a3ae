/* fuzz-x224-request.c: an X.224 Connection Request as a client sends it (the
 * test server reads these; rd_x224_decode_connection_request)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include "rd-x224.h"
#include "rd-fuzz.h"

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (RdX224Request, rd_x224_request_clear)

static gboolean
encodable (const char *token)
{
  return token == NULL ||
         (strlen (token) <= RD_X224_MAX_COOKIE_LENGTH && strpbrk (token, "\r\n") == NULL);
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) encoded = NULL;
  g_auto(RdX224Request) request = { 0 };
  g_auto(RdX224Request) again = { 0 };
  const guint8 *bytes;
  gsize length;
  gboolean ok;

  ok = rd_x224_decode_connection_request (data, size, &request, &error);
  rd_fuzz_assert_failed (ok, error, RD_PROTO_ERROR);
  if (!ok)
    {
      static const RdX224Request zero = { 0 };

      g_assert_cmpmem (&request, sizeof request, &zero, sizeof zero);
      return 0;
    }

  g_assert_true (request.cookie == NULL || request.routing_token == NULL);
  g_assert_true (request.cookie == NULL || g_utf8_validate (request.cookie, -1, NULL));
  g_assert_true (request.routing_token == NULL || g_utf8_validate (request.routing_token, -1, NULL));
  g_assert_true (request.has_negotiation || !request.has_correlation_info);
  g_assert_cmpint (rd_tpkt_get_pdu_length (data, size, G_MAXUINT16, NULL), ==, (gssize) size);

  for (gsize prefix = 0; prefix < size; prefix++)
    {
      g_autoptr(GError) prefix_error = NULL;

      g_assert_false (rd_x224_decode_connection_request (data, prefix, &again, &prefix_error));
      g_assert_error (prefix_error, RD_PROTO_ERROR, RD_PROTO_ERROR_TRUNCATED);
    }

  /* Re-encoded as the test server's peers would send it, it reads the same.
   * A cookie of bytes that were not UTF-8 can grow past what fits. */
  if (!encodable (request.cookie) || !encodable (request.routing_token))
    return 0;
  encoded = rd_x224_encode_connection_request_full (&request);
  bytes = g_bytes_get_data (encoded, &length);
  g_assert_true (rd_x224_decode_connection_request (bytes, length, &again, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (again.cookie, ==, request.cookie);
  g_assert_cmpstr (again.routing_token, ==, request.routing_token);
  g_assert_cmpint (again.has_negotiation, ==, request.has_negotiation);
  g_assert_cmpuint (again.flags, ==, request.flags);
  g_assert_cmpuint (again.requested_protocols, ==, request.requested_protocols);
  g_assert_cmpint (again.has_correlation_info, ==, request.has_correlation_info);
  g_assert_cmpmem (again.correlation_id, sizeof again.correlation_id,
                   request.correlation_id, sizeof request.correlation_id);
  return 0;
}
