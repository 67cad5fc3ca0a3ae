/* fuzz-x224-confirm.c: what a server answers to our X.224 Connection Request
 * (rd_tpkt_get_pdu_length, rd_x224_decode_connection_confirm)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include "rd-x224.h"
#include "rd-fuzz.h"

static void
check_tpkt_length (const guint8 *data,
                   gsize         size)
{
  g_autoptr(GError) error = NULL;
  gsize max_length = size >= 2 ? (gsize) data[1] << 8 | data[0] : G_MAXUINT16;
  gssize pdu_length = rd_tpkt_get_pdu_length (data, size, max_length, &error);

  if (pdu_length < 0)
    {
      g_assert_nonnull (error);
      g_assert_true (error->domain == RD_PROTO_ERROR);
      return;
    }
  g_assert_no_error (error);
  if (size < RD_TPKT_HEADER_LENGTH)
    g_assert_cmpint (pdu_length, ==, 0);
  else
    g_assert_true (pdu_length >= 7 && (gsize) pdu_length <= max_length);
}

static void
check_names (const RdX224Confirm *confirm)
{
  g_auto(GStrv) flags = rd_neg_rsp_flags_to_strv (confirm->flags);
  g_auto(GStrv) protocols = rd_protocols_to_strv (confirm->selected_protocol);

  (void) rd_protocol_to_string (confirm->selected_protocol);
  (void) rd_neg_failure_to_string (confirm->failure_code);
  g_assert_nonnull (flags);
  g_assert_nonnull (protocols);
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) encoded = NULL;
  RdX224Confirm confirm, again;
  const guint8 *bytes;
  gsize length;
  gboolean ok;

  check_tpkt_length (data, size);

  ok = rd_x224_decode_connection_confirm (data, size, &confirm, &error);
  rd_fuzz_assert_failed (ok, error, RD_PROTO_ERROR);
  if (!ok)
    {
      static const RdX224Confirm zero = { 0 };

      g_assert_cmpmem (&confirm, sizeof confirm, &zero, sizeof zero);
      return 0;
    }

  check_names (&confirm);

  /* A whole PDU: the TPKT length says exactly its size, and each proper
   * prefix is TRUNCATED (rd-x224.h). */
  g_assert_cmpint (rd_tpkt_get_pdu_length (data, size, G_MAXUINT16, NULL), ==, (gssize) size);
  for (gsize prefix = 0; prefix < size; prefix++)
    {
      g_autoptr(GError) prefix_error = NULL;

      g_assert_false (rd_x224_decode_connection_confirm (data, prefix, &again, &prefix_error));
      g_assert_error (prefix_error, RD_PROTO_ERROR, RD_PROTO_ERROR_TRUNCATED);
    }

  /* What we decode, the test server encodes the same way. */
  encoded = rd_x224_encode_connection_confirm (&confirm);
  bytes = g_bytes_get_data (encoded, &length);
  g_assert_true (rd_x224_decode_connection_confirm (bytes, length, &again, &error));
  g_assert_no_error (error);
  g_assert_cmpint (again.kind, ==, confirm.kind);
  g_assert_cmpuint (again.flags, ==, confirm.kind == RD_X224_CONFIRM_RESPONSE ? confirm.flags : 0);
  g_assert_cmpuint (again.selected_protocol, ==, confirm.selected_protocol);
  g_assert_cmpuint (again.failure_code, ==, confirm.failure_code);
  return 0;
}
