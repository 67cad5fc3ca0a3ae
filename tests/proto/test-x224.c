/* test-x224.c: TPKT + X.224 Connection Request / Confirm, byte for byte
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "test-x224"

#include "config.h"

#include "rd-x224.h"
#include "rd-proto-test-util.h"

/* rdp-facts.md §1.3. T1 and T2 are the examples of MS-RDPBCGR 4.1.1 and
 * 4.1.2, in two independent copies that agree; T3 is what sslscan --rdp
 * sends; T4–T6 were built from the layouts of 2.2.1.1 and 2.2.1.2. */
#define T1_SPEC_4_1_1 \
  "03 00 00 2c 27 e0 00 00 00 00 00 43 6f 6f 6b 69 65 3a 20 6d 73 74 73 68 61 73 68 3d" \
  "65 6c 74 6f 6e 73 0d 0a 01 00 08 00 00 00 00 00"
#define T2_SPEC_4_1_2 \
  "03 00 00 13 0e d0 00 00 12 34 00 02 00 08 00 00 00 00 00"
#define T3_SSLSCAN \
  "03 00 00 13 0e e0 00 00 00 00 00 01 00 08 00 03 00 00 00"
#define T4_NMAP \
  "03 00 00 13 0e e0 00 00 00 00 00 01 00 08 00 0b 00 00 00"
#define T5_HYBRID_REQUIRED \
  "03 00 00 13 0e d0 00 00 12 34 00 03 00 08 00 05 00 00 00"
#define T6_LEGACY \
  "03 00 00 0b 06 d0 00 00 12 34 00"

static gboolean
decode_request (const guint8  *data,
                gsize          length,
                GError       **error)
{
  RdX224Request request;
  gboolean ok = rd_x224_decode_connection_request (data, length, &request, error);

  rd_x224_request_clear (&request);
  return ok;
}

static gboolean
decode_confirm (const guint8  *data,
                gsize          length,
                GError       **error)
{
  RdX224Confirm confirm;

  return rd_x224_decode_connection_confirm (data, length, &confirm, error);
}

static void
decode_request_ok (GBytes        *bytes,
                   RdX224Request *request)
{
  g_autoptr(GError) error = NULL;
  gsize size;
  const guint8 *data = g_bytes_get_data (bytes, &size);

  g_assert_true (rd_x224_decode_connection_request (data, size, request, &error));
  g_assert_no_error (error);
}

static void
decode_confirm_ok (GBytes        *bytes,
                   RdX224Confirm *confirm)
{
  g_autoptr(GError) error = NULL;
  gsize size;
  const guint8 *data = g_bytes_get_data (bytes, &size);

  g_assert_true (rd_x224_decode_connection_confirm (data, size, confirm, &error));
  g_assert_no_error (error);
}

static void
test_spec_4_1_1 (void)
{
  g_autoptr(GBytes) expected = rd_test_hex (T1_SPEC_4_1_1);
  g_autoptr(GBytes) encoded = NULL;
  RdX224Request request;

  g_assert_cmpuint (g_bytes_get_size (expected), ==, 44);

  decode_request_ok (expected, &request);
  g_assert_cmpstr (request.cookie, ==, "mstshash=eltons");
  g_assert_null (request.routing_token);
  g_assert_true (request.has_negotiation);
  g_assert_cmpuint (request.flags, ==, 0);
  g_assert_cmpuint (request.requested_protocols, ==, RD_PROTOCOL_RDP);
  g_assert_false (request.has_correlation_info);
  rd_x224_request_clear (&request);
  g_assert_null (request.cookie);

  encoded = rd_x224_encode_connection_request ("mstshash=eltons", RD_PROTOCOL_RDP, 0);
  rd_test_assert_bytes_equal (encoded, expected);
}

static void
test_spec_4_1_2 (void)
{
  g_autoptr(GBytes) expected = rd_test_hex (T2_SPEC_4_1_2);
  g_autoptr(GBytes) encoded = NULL;
  RdX224Confirm confirm;
  RdX224Confirm response = { .kind = RD_X224_CONFIRM_RESPONSE };

  decode_confirm_ok (expected, &confirm);
  g_assert_cmpint (confirm.kind, ==, RD_X224_CONFIRM_RESPONSE);
  g_assert_cmpuint (confirm.flags, ==, 0);
  g_assert_cmpuint (confirm.selected_protocol, ==, RD_PROTOCOL_RDP);

  encoded = rd_x224_encode_connection_confirm (&response);
  rd_test_assert_bytes_equal (encoded, expected);
}

static void
check_bare_request (const char *hex,
                    guint32     protocols)
{
  g_autoptr(GBytes) expected = rd_test_hex (hex);
  g_autoptr(GBytes) encoded = NULL;
  RdX224Request request;

  decode_request_ok (expected, &request);
  g_assert_null (request.cookie);
  g_assert_null (request.routing_token);
  g_assert_true (request.has_negotiation);
  g_assert_cmpuint (request.flags, ==, 0);
  g_assert_cmpuint (request.requested_protocols, ==, protocols);
  rd_x224_request_clear (&request);

  encoded = rd_x224_encode_connection_request (NULL, protocols, 0);
  rd_test_assert_bytes_equal (encoded, expected);
}

static void
test_sslscan_request (void)
{
  check_bare_request (T3_SSLSCAN, RD_PROTOCOL_SSL | RD_PROTOCOL_HYBRID);
}

static void
test_nmap_request (void)
{
  check_bare_request (T4_NMAP, RD_PROTOCOL_SSL | RD_PROTOCOL_HYBRID | RD_PROTOCOL_HYBRID_EX);
}

static void
test_failure_hybrid_required (void)
{
  g_autoptr(GBytes) expected = rd_test_hex (T5_HYBRID_REQUIRED);
  g_autoptr(GBytes) encoded = NULL;
  RdX224Confirm confirm;
  RdX224Confirm failure = {
    .kind = RD_X224_CONFIRM_FAILURE,
    .failure_code = RD_NEG_FAILURE_HYBRID_REQUIRED_BY_SERVER,
  };

  decode_confirm_ok (expected, &confirm);
  g_assert_cmpint (confirm.kind, ==, RD_X224_CONFIRM_FAILURE);
  g_assert_cmpuint (confirm.failure_code, ==, RD_NEG_FAILURE_HYBRID_REQUIRED_BY_SERVER);
  g_assert_cmpstr (rd_neg_failure_to_string (confirm.failure_code), ==, "HYBRID_REQUIRED_BY_SERVER");

  encoded = rd_x224_encode_connection_confirm (&failure);
  rd_test_assert_bytes_equal (encoded, expected);
}

static void
test_legacy_confirm (void)
{
  g_autoptr(GBytes) expected = rd_test_hex (T6_LEGACY);
  g_autoptr(GBytes) encoded = NULL;
  RdX224Confirm confirm;
  RdX224Confirm legacy = { .kind = RD_X224_CONFIRM_LEGACY };

  decode_confirm_ok (expected, &confirm);
  g_assert_cmpint (confirm.kind, ==, RD_X224_CONFIRM_LEGACY);

  encoded = rd_x224_encode_connection_confirm (&legacy);
  rd_test_assert_bytes_equal (encoded, expected);
}

static void
test_truncated (void)
{
  const char *requests[] = { T1_SPEC_4_1_1, T3_SSLSCAN, T4_NMAP };
  const char *confirms[] = { T2_SPEC_4_1_2, T5_HYBRID_REQUIRED, T6_LEGACY };
  RdX224Request with_correlation = {
    .cookie = (char *) "mstshash=eltons",
    .has_negotiation = TRUE,
    .requested_protocols = RD_PROTOCOL_SSL,
    .has_correlation_info = TRUE,
    .correlation_id = { 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88,
                        0x99, 0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0xff, 0x01 },
  };
  g_autoptr(GBytes) correlated = rd_x224_encode_connection_request_full (&with_correlation);

  for (guint i = 0; i < G_N_ELEMENTS (requests); i++)
    {
      g_autoptr(GBytes) vector = rd_test_hex (requests[i]);

      rd_test_assert_prefixes_truncated (decode_request, vector);
    }
  for (guint i = 0; i < G_N_ELEMENTS (confirms); i++)
    {
      g_autoptr(GBytes) vector = rd_test_hex (confirms[i]);

      rd_test_assert_prefixes_truncated (decode_confirm, vector);
    }
  rd_test_assert_prefixes_truncated (decode_request, correlated);
}

static void
test_tpkt_length (void)
{
  g_autoptr(GBytes) t1 = rd_test_hex (T1_SPEC_4_1_1);
  const guint8 *data = g_bytes_get_data (t1, NULL);
  const guint8 bad_version[] = { 0x02, 0x00, 0x00, 0x13 };
  const guint8 too_short[] = { 0x03, 0x00, 0x00, 0x06 };
  const guint8 minimum[] = { 0x03, 0x00, 0x00, 0x07 };
  const guint8 http[] = { 'H', 'T', 'T', 'P' };
  g_autoptr(GError) error = NULL;

  for (gsize length = 0; length < RD_TPKT_HEADER_LENGTH; length++)
    {
      g_assert_cmpint (rd_tpkt_get_pdu_length (data, length, 65535, &error), ==, 0);
      g_assert_no_error (error);
    }
  for (gsize length = RD_TPKT_HEADER_LENGTH; length <= 44; length++)
    {
      g_assert_cmpint (rd_tpkt_get_pdu_length (data, length, 65535, &error), ==, 44);
      g_assert_no_error (error);
    }
  g_assert_cmpint (rd_tpkt_get_pdu_length (data, 44, 44, &error), ==, 44);
  g_assert_no_error (error);

  g_assert_cmpint (rd_tpkt_get_pdu_length (data, 44, 43, &error), ==, -1);
  g_assert_error (error, RD_PROTO_ERROR, RD_PROTO_ERROR_OVERSIZED);
  g_clear_error (&error);

  g_assert_cmpint (rd_tpkt_get_pdu_length (bad_version, 4, 65535, &error), ==, -1);
  g_assert_error (error, RD_PROTO_ERROR, RD_PROTO_ERROR_INVALID);
  g_clear_error (&error);

  g_assert_cmpint (rd_tpkt_get_pdu_length (http, 4, 65535, &error), ==, -1);
  g_assert_error (error, RD_PROTO_ERROR, RD_PROTO_ERROR_INVALID);
  g_clear_error (&error);

  g_assert_cmpint (rd_tpkt_get_pdu_length (too_short, 4, 65535, &error), ==, -1);
  g_assert_error (error, RD_PROTO_ERROR, RD_PROTO_ERROR_INVALID);
  g_clear_error (&error);

  g_assert_cmpint (rd_tpkt_get_pdu_length (minimum, 4, 65535, &error), ==, 7);
  g_assert_no_error (error);
}

typedef struct
{
  const char       *name;
  RdTestDecodeFunc  decode;
  const char       *hex;
  RdProtoError      code;
} CorruptCase;

static void
test_corrupt (void)
{
  static const CorruptCase cases[] = {
    /* TPKT */
    { "wrong TPKT version", decode_confirm,
      "02 00 00 13 0e d0 00 00 12 34 00 02 00 08 00 00 00 00 00", RD_PROTO_ERROR_INVALID },
    { "wrong TPKT version, request", decode_request,
      "04 00 00 13 0e e0 00 00 00 00 00 01 00 08 00 03 00 00 00", RD_PROTO_ERROR_INVALID },
    { "an HTTP answer", decode_confirm,
      "48 54 54 50 2f 31 2e 31 20 34 30 30 20 42 61 64", RD_PROTO_ERROR_INVALID },
    { "TPKT length beyond the buffer", decode_confirm,
      "03 00 00 14 0e d0 00 00 12 34 00 02 00 08 00 00 00 00 00", RD_PROTO_ERROR_TRUNCATED },
    { "TPKT length 0xffff", decode_confirm,
      "03 00 ff ff 0e d0 00 00 12 34 00 02 00 08 00 00 00 00 00", RD_PROTO_ERROR_TRUNCATED },
    { "bytes after the TPKT length", decode_confirm,
      "03 00 00 13 0e d0 00 00 12 34 00 02 00 08 00 00 00 00 00 00", RD_PROTO_ERROR_INVALID },
    { "TPKT length under an X.224 header", decode_confirm,
      "03 00 00 07 02 f0 80", RD_PROTO_ERROR_INVALID },
    { "TPKT length 0", decode_request, "03 00 00 00", RD_PROTO_ERROR_INVALID },
    /* X.224 */
    { "a Connection Request where a Confirm belongs", decode_confirm,
      "03 00 00 13 0e e0 00 00 00 00 00 01 00 08 00 03 00 00 00", RD_PROTO_ERROR_INVALID },
    { "a Connection Confirm where a Request belongs", decode_request,
      "03 00 00 13 0e d0 00 00 12 34 00 02 00 08 00 00 00 00 00", RD_PROTO_ERROR_INVALID },
    { "a Disconnect Request", decode_confirm,
      "03 00 00 0b 06 80 00 00 12 34 00", RD_PROTO_ERROR_INVALID },
    { "a Data TPDU", decode_confirm,
      "03 00 00 0b 06 f0 80 00 00 00 00", RD_PROTO_ERROR_INVALID },
    { "length indicator one short", decode_confirm,
      "03 00 00 13 0d d0 00 00 12 34 00 02 00 08 00 00 00 00 00", RD_PROTO_ERROR_INVALID },
    { "length indicator one long", decode_confirm,
      "03 00 00 13 0f d0 00 00 12 34 00 02 00 08 00 00 00 00 00", RD_PROTO_ERROR_INVALID },
    { "class 1", decode_confirm,
      "03 00 00 13 0e d0 00 00 12 34 10 02 00 08 00 00 00 00 00", RD_PROTO_ERROR_INVALID },
    { "class 4, request", decode_request,
      "03 00 00 13 0e e0 00 00 00 00 40 01 00 08 00 03 00 00 00", RD_PROTO_ERROR_INVALID },
    /* rdpNegData in a Confirm */
    { "RDP_NEG_RSP length 9", decode_confirm,
      "03 00 00 13 0e d0 00 00 12 34 00 02 00 09 00 00 00 00 00", RD_PROTO_ERROR_INVALID },
    { "RDP_NEG_RSP length 0x0800 (big-endian)", decode_confirm,
      "03 00 00 13 0e d0 00 00 12 34 00 02 00 00 08 00 00 00 00", RD_PROTO_ERROR_INVALID },
    { "RDP_NEG_FAILURE length 0", decode_confirm,
      "03 00 00 13 0e d0 00 00 12 34 00 03 00 00 00 05 00 00 00", RD_PROTO_ERROR_INVALID },
    { "unknown rdpNegData type 4", decode_confirm,
      "03 00 00 13 0e d0 00 00 12 34 00 04 00 08 00 00 00 00 00", RD_PROTO_ERROR_INVALID },
    { "an RDP_NEG_REQ in a Confirm", decode_confirm,
      "03 00 00 13 0e d0 00 00 12 34 00 01 00 08 00 03 00 00 00", RD_PROTO_ERROR_INVALID },
    { "rdpNegData cut to 4 bytes", decode_confirm,
      "03 00 00 0f 0a d0 00 00 12 34 00 02 00 08 00", RD_PROTO_ERROR_TRUNCATED },
    { "rdpNegData cut to 1 byte", decode_confirm,
      "03 00 00 0c 07 d0 00 00 12 34 00 02", RD_PROTO_ERROR_TRUNCATED },
    { "a byte after rdpNegData", decode_confirm,
      "03 00 00 14 0f d0 00 00 12 34 00 02 00 08 00 00 00 00 00 00", RD_PROTO_ERROR_INVALID },
    /* Connection Request */
    { "a cookie without CR LF", decode_request,
      "03 00 00 1d 18 e0 00 00 00 00 00 43 6f 6f 6b 69 65 3a 20 6d 73 74 73 68 61 73 68 3d 61",
      RD_PROTO_ERROR_INVALID },
    { "a cookie with a lone CR", decode_request,
      "03 00 00 1e 19 e0 00 00 00 00 00 43 6f 6f 6b 69 65 3a 20 6d 73 74 73 68 61 73 68 3d 61 0d",
      RD_PROTO_ERROR_INVALID },
    { "two token lines", decode_request,
      "03 00 00 19 14 e0 00 00 00 00 00 41 0d 0a 42 0d 0a 01 00 08 00 03 00 00 00",
      RD_PROTO_ERROR_INVALID },
    { "RDP_NEG_REQ length 7", decode_request,
      "03 00 00 13 0e e0 00 00 00 00 00 01 00 07 00 03 00 00 00", RD_PROTO_ERROR_INVALID },
    { "RDP_NEG_REQ cut to 6 bytes", decode_request,
      "03 00 00 11 0c e0 00 00 00 00 00 01 00 08 00 03 00", RD_PROTO_ERROR_TRUNCATED },
    { "a byte after RDP_NEG_REQ", decode_request,
      "03 00 00 14 0f e0 00 00 00 00 00 01 00 08 00 03 00 00 00 00", RD_PROTO_ERROR_INVALID },
    { "CORRELATION_INFO_PRESENT without the info", decode_request,
      "03 00 00 13 0e e0 00 00 00 00 00 01 08 08 00 03 00 00 00", RD_PROTO_ERROR_TRUNCATED },
    { "rdpCorrelationInfo of type 7", decode_request,
      "03 00 00 37 32 e0 00 00 00 00 00 01 08 08 00 03 00 00 00"
      "07 00 24 00 11 22 33 44 55 66 77 88 99 aa bb cc dd ee ff 01"
      "00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00", RD_PROTO_ERROR_INVALID },
    { "rdpCorrelationInfo of length 0x20", decode_request,
      "03 00 00 37 32 e0 00 00 00 00 00 01 08 08 00 03 00 00 00"
      "06 00 20 00 11 22 33 44 55 66 77 88 99 aa bb cc dd ee ff 01"
      "00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00", RD_PROTO_ERROR_INVALID },
    { "rdpCorrelationInfo cut short", decode_request,
      "03 00 00 27 22 e0 00 00 00 00 00 01 08 08 00 03 00 00 00"
      "06 00 24 00 11 22 33 44 55 66 77 88 99 aa bb cc dd ee ff 01", RD_PROTO_ERROR_TRUNCATED },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GBytes) vector = rd_test_hex (cases[i].hex);

      g_test_message ("case: %s", cases[i].name);
      rd_test_assert_decode_fails_bytes (cases[i].decode, vector, cases[i].code);
    }
}

static void
assert_valid_correlation_id (const guint8 *id)
{
  /* MS-RDPBCGR 2.2.1.1.2 */
  g_assert_cmpuint (id[0], !=, 0x00);
  g_assert_cmpuint (id[0], !=, 0xf4);
  for (guint i = 0; i < 16; i++)
    g_assert_cmpuint (id[i], !=, 0x0d);
}

static void
test_round_trip_request (void)
{
  static const guint32 protocols[] = {
    RD_PROTOCOL_RDP, RD_PROTOCOL_SSL, RD_PROTOCOL_HYBRID, RD_PROTOCOL_RDSTLS,
    RD_PROTOCOL_HYBRID_EX, RD_PROTOCOL_RDSAAD,
    RD_PROTOCOL_SSL | RD_PROTOCOL_HYBRID | RD_PROTOCOL_HYBRID_EX,
    0x1f, 0x80000000u, 0xffffffffu,
  };
  static const guint8 flags[] = {
    0,
    RD_NEG_REQ_RESTRICTED_ADMIN_MODE_REQUIRED,
    RD_NEG_REQ_REDIRECTED_AUTHENTICATION_MODE_REQUIRED,
    RD_NEG_REQ_CORRELATION_INFO_PRESENT,
    RD_NEG_REQ_RESTRICTED_ADMIN_MODE_REQUIRED | RD_NEG_REQ_REDIRECTED_AUTHENTICATION_MODE_REQUIRED |
      RD_NEG_REQ_CORRELATION_INFO_PRESENT,
    0x04, 0xf0,
  };
  static const char *cookies[] = { NULL, "mstshash=eltons", "mstshash=", "mstshash=ADMINISTRAT" };

  for (guint p = 0; p < G_N_ELEMENTS (protocols); p++)
    for (guint f = 0; f < G_N_ELEMENTS (flags); f++)
      for (guint c = 0; c < G_N_ELEMENTS (cookies); c++)
        {
          g_autoptr(GBytes) encoded = rd_x224_encode_connection_request (cookies[c], protocols[p], flags[f]);
          g_autoptr(GError) error = NULL;
          RdX224Request request;
          gboolean correlated = (flags[f] & RD_NEG_REQ_CORRELATION_INFO_PRESENT) != 0;

          g_assert_cmpuint (g_bytes_get_size (encoded), ==,
                            11 + (cookies[c] ? strlen (cookies[c]) + 10 : 0) + 8 + (correlated ? 36 : 0));
          g_assert_true (rd_x224_decode_connection_request (g_bytes_get_data (encoded, NULL),
                                                            g_bytes_get_size (encoded),
                                                            &request, &error));
          g_assert_no_error (error);
          g_assert_cmpstr (request.cookie, ==, cookies[c]);
          g_assert_null (request.routing_token);
          g_assert_true (request.has_negotiation);
          g_assert_cmpuint (request.flags, ==, flags[f]);
          g_assert_cmpuint (request.requested_protocols, ==, protocols[p]);
          g_assert_cmpint (request.has_correlation_info, ==, correlated);
          if (correlated)
            assert_valid_correlation_id (request.correlation_id);
          rd_x224_request_clear (&request);
        }
}

static void
test_round_trip_request_full (void)
{
  RdX224Request in = {
    .routing_token = (char *) "Cookie: msts=3640205228.15629.0000",
    .has_negotiation = TRUE,
    .flags = RD_NEG_REQ_RESTRICTED_ADMIN_MODE_REQUIRED,
    .requested_protocols = RD_PROTOCOL_SSL | RD_PROTOCOL_HYBRID,
    .has_correlation_info = TRUE,
    .correlation_id = { 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88,
                        0x99, 0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0xff, 0x01 },
  };
  RdX224Request legacy = { .cookie = (char *) "mstshash=eltons" };
  RdX224Request nothing = { 0 };
  g_autoptr(GBytes) encoded = rd_x224_encode_connection_request_full (&in);
  g_autoptr(GBytes) encoded_legacy = rd_x224_encode_connection_request_full (&legacy);
  g_autoptr(GBytes) encoded_nothing = rd_x224_encode_connection_request_full (&nothing);
  g_autoptr(GBytes) expected_nothing = rd_test_hex ("03 00 00 0b 06 e0 00 00 00 00 00");
  /* The correlation info, as 2.2.1.1.2 lays it out, closes the PDU. */
  g_autoptr(GBytes) expected_tail = rd_test_hex (
    "01 09 08 00 03 00 00 00"
    "06 00 24 00 11 22 33 44 55 66 77 88 99 aa bb cc dd ee ff 01"
    "00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00");
  g_autoptr(GBytes) tail = NULL;
  RdX224Request out;

  tail = g_bytes_new_from_bytes (encoded, g_bytes_get_size (encoded) - 44, 44);
  rd_test_assert_bytes_equal (tail, expected_tail);

  decode_request_ok (encoded, &out);
  g_assert_null (out.cookie);
  g_assert_cmpstr (out.routing_token, ==, in.routing_token);
  g_assert_true (out.has_negotiation);
  g_assert_cmpuint (out.flags, ==, RD_NEG_REQ_RESTRICTED_ADMIN_MODE_REQUIRED |
                                   RD_NEG_REQ_CORRELATION_INFO_PRESENT);
  g_assert_cmpuint (out.requested_protocols, ==, in.requested_protocols);
  g_assert_true (out.has_correlation_info);
  g_assert_cmpmem (out.correlation_id, 16, in.correlation_id, 16);
  rd_x224_request_clear (&out);

  /* Without RDP_NEG_REQ, as clients before RDP 5.2 send it. */
  decode_request_ok (encoded_legacy, &out);
  g_assert_cmpstr (out.cookie, ==, "mstshash=eltons");
  g_assert_false (out.has_negotiation);
  rd_x224_request_clear (&out);

  rd_test_assert_bytes_equal (encoded_nothing, expected_nothing);
  decode_request_ok (encoded_nothing, &out);
  g_assert_null (out.cookie);
  g_assert_null (out.routing_token);
  g_assert_false (out.has_negotiation);
  rd_x224_request_clear (&out);
}

static void
test_round_trip_response_flags (void)
{
  static const guint32 protocols[] = {
    RD_PROTOCOL_RDP, RD_PROTOCOL_SSL, RD_PROTOCOL_HYBRID, RD_PROTOCOL_RDSTLS,
    RD_PROTOCOL_HYBRID_EX, RD_PROTOCOL_RDSAAD, 0xdeadbeefu,
  };

  for (guint p = 0; p < G_N_ELEMENTS (protocols); p++)
    for (guint flags = 0; flags <= 0xff; flags++)
      {
        RdX224Confirm in = {
          .kind = RD_X224_CONFIRM_RESPONSE,
          .flags = (guint8) flags,
          .selected_protocol = protocols[p],
        };
        g_autoptr(GBytes) encoded = rd_x224_encode_connection_confirm (&in);
        RdX224Confirm out;

        g_assert_cmpuint (g_bytes_get_size (encoded), ==, 19);
        decode_confirm_ok (encoded, &out);
        g_assert_cmpint (out.kind, ==, RD_X224_CONFIRM_RESPONSE);
        g_assert_cmpuint (out.flags, ==, flags);
        g_assert_cmpuint (out.selected_protocol, ==, protocols[p]);
      }
}

static void
test_round_trip_failure_codes (void)
{
  static const guint32 codes[] = {
    RD_NEG_FAILURE_SSL_REQUIRED_BY_SERVER,
    RD_NEG_FAILURE_SSL_NOT_ALLOWED_BY_SERVER,
    RD_NEG_FAILURE_SSL_CERT_NOT_ON_SERVER,
    RD_NEG_FAILURE_INCONSISTENT_FLAGS,
    RD_NEG_FAILURE_HYBRID_REQUIRED_BY_SERVER,
    RD_NEG_FAILURE_SSL_WITH_USER_AUTH_REQUIRED_BY_SERVER,
    0, 7, 0xffffffffu,
  };

  for (guint i = 0; i < G_N_ELEMENTS (codes); i++)
    {
      RdX224Confirm in = { .kind = RD_X224_CONFIRM_FAILURE, .failure_code = codes[i] };
      g_autoptr(GBytes) encoded = rd_x224_encode_connection_confirm (&in);
      g_autofree char *name = g_strdup_printf ("failure-%u", codes[i]);
      RdX224Confirm out;

      decode_confirm_ok (encoded, &out);
      g_assert_cmpint (out.kind, ==, RD_X224_CONFIRM_FAILURE);
      g_assert_cmpuint (out.failure_code, ==, codes[i]);
      g_assert_cmpuint (out.flags, ==, 0);
      g_assert_cmpuint (out.selected_protocol, ==, 0);
      /* 5 is T5, written by write_corpus() */
      if (codes[i] >= 1 && codes[i] <= 6 && codes[i] != RD_NEG_FAILURE_HYBRID_REQUIRED_BY_SERVER)
        rd_test_write_corpus ("x224-confirm", name, encoded);
    }
}

static void
test_names (void)
{
  g_auto(GStrv) none = rd_neg_rsp_flags_to_strv (0);
  g_auto(GStrv) all = rd_neg_rsp_flags_to_strv (0x1f);
  g_auto(GStrv) unknown = rd_neg_rsp_flags_to_strv (0x41);
  g_auto(GStrv) nmap = rd_protocols_to_strv (0x0b);
  g_auto(GStrv) rdp = rd_protocols_to_strv (RD_PROTOCOL_RDP);
  g_auto(GStrv) odd = rd_protocols_to_strv (0x30);
  const char * const expected_all[] = {
    "EXTENDED_CLIENT_DATA_SUPPORTED", "DYNVC_GFX_PROTOCOL_SUPPORTED", "NEGRSP_FLAG_RESERVED",
    "RESTRICTED_ADMIN_MODE_SUPPORTED", "REDIRECTED_AUTHENTICATION_MODE_SUPPORTED", NULL,
  };
  const char * const expected_unknown[] = { "EXTENDED_CLIENT_DATA_SUPPORTED", "0x40", NULL };
  const char * const expected_nmap[] = { "ssl", "hybrid", "hybrid_ex", NULL };
  const char * const expected_odd[] = { "rdsaad", "0x00000020", NULL };

  g_assert_cmpstr (rd_protocol_to_string (RD_PROTOCOL_RDP), ==, "rdp");
  g_assert_cmpstr (rd_protocol_to_string (RD_PROTOCOL_SSL), ==, "ssl");
  g_assert_cmpstr (rd_protocol_to_string (RD_PROTOCOL_HYBRID), ==, "hybrid");
  g_assert_cmpstr (rd_protocol_to_string (RD_PROTOCOL_RDSTLS), ==, "rdstls");
  g_assert_cmpstr (rd_protocol_to_string (RD_PROTOCOL_HYBRID_EX), ==, "hybrid_ex");
  g_assert_cmpstr (rd_protocol_to_string (RD_PROTOCOL_RDSAAD), ==, "rdsaad");
  g_assert_null (rd_protocol_to_string (RD_PROTOCOL_SSL | RD_PROTOCOL_HYBRID));
  g_assert_null (rd_protocol_to_string (0x20));

  g_assert_cmpstr (rd_neg_failure_to_string (1), ==, "SSL_REQUIRED_BY_SERVER");
  g_assert_cmpstr (rd_neg_failure_to_string (2), ==, "SSL_NOT_ALLOWED_BY_SERVER");
  g_assert_cmpstr (rd_neg_failure_to_string (3), ==, "SSL_CERT_NOT_ON_SERVER");
  g_assert_cmpstr (rd_neg_failure_to_string (4), ==, "INCONSISTENT_FLAGS");
  g_assert_cmpstr (rd_neg_failure_to_string (5), ==, "HYBRID_REQUIRED_BY_SERVER");
  g_assert_cmpstr (rd_neg_failure_to_string (6), ==, "SSL_WITH_USER_AUTH_REQUIRED_BY_SERVER");
  g_assert_null (rd_neg_failure_to_string (0));
  g_assert_null (rd_neg_failure_to_string (7));
  g_assert_null (rd_neg_failure_to_string (0xffffffffu));

  g_assert_nonnull (none);
  g_assert_cmpuint (g_strv_length (none), ==, 0);
  g_assert_true (g_strv_equal ((const char * const *) all, expected_all));
  g_assert_true (g_strv_equal ((const char * const *) unknown, expected_unknown));
  g_assert_true (g_strv_equal ((const char * const *) nmap, expected_nmap));
  g_assert_cmpuint (g_strv_length (rdp), ==, 0);
  g_assert_true (g_strv_equal ((const char * const *) odd, expected_odd));
}

static void
test_cookie_not_utf8 (void)
{
  /* "Cookie: mstshash=\xe9" + CR LF, in a client's Latin-1 code page */
  g_autoptr(GBytes) vector = rd_test_hex (
    "03 00 00 1f 1a e0 00 00 00 00 00 43 6f 6f 6b 69 65 3a 20 6d 73 74 73 68 61 73 68 3d e9 0d 0a");
  RdX224Request request;

  decode_request_ok (vector, &request);
  g_assert_true (g_utf8_validate (request.cookie, -1, NULL));
  g_assert_true (g_str_has_prefix (request.cookie, "mstshash="));
  g_assert_false (request.has_negotiation);
  rd_x224_request_clear (&request);
}

static void
write_corpus (void)
{
  static const struct
  {
    const char *kind;
    const char *name;
    const char *hex;
  } seeds[] = {
    { "x224-request", "spec-4-1-1", T1_SPEC_4_1_1 },
    { "x224-request", "sslscan", T3_SSLSCAN },
    { "x224-request", "nmap-rdp-ntlm-info", T4_NMAP },
    { "x224-confirm", "spec-4-1-2", T2_SPEC_4_1_2 },
    { "x224-confirm", "failure-hybrid-required", T5_HYBRID_REQUIRED },
    { "x224-confirm", "legacy", T6_LEGACY },
  };
  RdX224Request correlated = {
    .routing_token = (char *) "Cookie: msts=3640205228.15629.0000",
    .has_negotiation = TRUE,
    .requested_protocols = RD_PROTOCOL_SSL | RD_PROTOCOL_HYBRID,
    .has_correlation_info = TRUE,
    .correlation_id = { 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88,
                        0x99, 0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0xff, 0x01 },
  };
  RdX224Request legacy = { .cookie = (char *) "mstshash=eltons" };
  g_autoptr(GBytes) encoded = rd_x224_encode_connection_request_full (&correlated);
  g_autoptr(GBytes) encoded_legacy = rd_x224_encode_connection_request_full (&legacy);

  for (guint i = 0; i < G_N_ELEMENTS (seeds); i++)
    {
      g_autoptr(GBytes) bytes = rd_test_hex (seeds[i].hex);

      rd_test_write_corpus (seeds[i].kind, seeds[i].name, bytes);
    }
  rd_test_write_corpus ("x224-request", "routing-token-correlation", encoded);
  rd_test_write_corpus ("x224-request", "cookie-without-negotiation", encoded_legacy);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  write_corpus ();

  g_test_add_func ("/Rd/Proto/X224/spec-4-1-1", test_spec_4_1_1);
  g_test_add_func ("/Rd/Proto/X224/spec-4-1-2", test_spec_4_1_2);
  g_test_add_func ("/Rd/Proto/X224/sslscan-request", test_sslscan_request);
  g_test_add_func ("/Rd/Proto/X224/nmap-request", test_nmap_request);
  g_test_add_func ("/Rd/Proto/X224/failure-hybrid-required", test_failure_hybrid_required);
  g_test_add_func ("/Rd/Proto/X224/legacy-confirm", test_legacy_confirm);
  g_test_add_func ("/Rd/Proto/X224/truncated", test_truncated);
  g_test_add_func ("/Rd/Proto/X224/tpkt-length", test_tpkt_length);
  g_test_add_func ("/Rd/Proto/X224/corrupt", test_corrupt);
  g_test_add_func ("/Rd/Proto/X224/round-trip/request", test_round_trip_request);
  g_test_add_func ("/Rd/Proto/X224/round-trip/request-full", test_round_trip_request_full);
  g_test_add_func ("/Rd/Proto/X224/round-trip/response-flags", test_round_trip_response_flags);
  g_test_add_func ("/Rd/Proto/X224/round-trip/failure-codes", test_round_trip_failure_codes);
  g_test_add_func ("/Rd/Proto/X224/names", test_names);
  g_test_add_func ("/Rd/Proto/X224/cookie-not-utf8", test_cookie_not_utf8);

  return g_test_run ();
}
