/* test-tsrequest.c: the CredSSP TSRequest (MS-CSSP 2.2.1), byte for byte
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "test-tsrequest"

#include "config.h"

#include <openssl/err.h>

#include "rd-ntlm.h"
#include "rd-tsrequest.h"
#include "rd-proto-test-util.h"
#include "rd-proto-test-vectors.h"

/* Built from the MS-CSSP 2.2.1 layout: version 6 and errorCode
 * STATUS_LOGON_FAILURE as Windows and FreeRDP write it (four bytes, which
 * DER reads as negative), and the same value in its minimal positive form. */
#define ERROR_CODE_LOGON_FAILURE \
  "30 0d a0 03 02 01 06 a4 06 02 04 c0 00 00 6d"
#define ERROR_CODE_LOGON_FAILURE_POSITIVE \
  "30 0e a0 03 02 01 06 a4 07 02 05 00 c0 00 00 6d"
/* Built from the layout: version 6 with a 32-byte clientNonce. */
#define CLIENT_NONCE \
  "30 29 a0 03 02 01 06 a5 22 04 20" \
  "00 01 02 03 04 05 06 07 08 09 0a 0b 0c 0d 0e 0f" \
  "10 11 12 13 14 15 16 17 18 19 1a 1b 1c 1d 1e 1f"

static gboolean
decode_request (const guint8  *data,
                gsize          length,
                GError       **error)
{
  RdTsRequest request;
  gboolean ok = rd_tsrequest_decode (data, length, &request, error);

  rd_tsrequest_clear (&request);
  return ok;
}

static void
decode_ok (GBytes      *bytes,
           RdTsRequest *request)
{
  g_autoptr(GError) error = NULL;
  gsize size;
  const guint8 *data = g_bytes_get_data (bytes, &size);
  g_autofree guint8 *copy = rd_test_exact_copy (data, size);

  g_assert_true (rd_tsrequest_decode (copy, size, request, &error));
  g_assert_no_error (error);
}

/* decode(vector) then encode() gives the vector back: DER has one encoding. */
static void
assert_reencodes (GBytes      *vector,
                  RdTsRequest *request)
{
  g_autoptr(GBytes) encoded = rd_tsrequest_encode (request);

  rd_test_assert_bytes_equal (encoded, vector);
}

static void
assert_get_length (GBytes *vector)
{
  gsize size;
  const guint8 *data = g_bytes_get_data (vector, &size);
  gsize header = data[1] < 0x80 ? 2 : 2 + (data[1] & 0x7f);

  for (gsize length = 0; length <= size; length++)
    {
      g_autoptr(GError) error = NULL;
      gssize total = rd_tsrequest_get_length (data, length, RD_TSREQUEST_MAX_LENGTH, &error);

      g_assert_no_error (error);
      g_assert_cmpint (total, ==, length < header ? 0 : (gssize) size);
    }
}

static void
test_nmap_negotiate (void)
{
  g_autoptr(GBytes) vector = rd_test_hex (NMAP_TSREQUEST_NEGOTIATE);
  g_autoptr(GBytes) negotiate = rd_ntlm_encode_negotiate ();
  g_autoptr(GBytes) encoded = NULL;
  RdTsRequest request;
  RdTsRequest ours = { .version = 0x60, .nego_token = negotiate };

  assert_get_length (vector);
  decode_ok (vector, &request);
  g_assert_cmpint (request.version, ==, 0x60);
  rd_test_assert_bytes_equal (request.nego_token, negotiate);
  g_assert_null (request.auth_info);
  g_assert_null (request.pub_key_auth);
  g_assert_false (request.has_error_code);
  g_assert_null (request.client_nonce);
  assert_reencodes (vector, &request);
  rd_tsrequest_clear (&request);
  g_assert_null (request.nego_token);

  /* What the engine sends is what nmap sends, to the byte. */
  encoded = rd_tsrequest_encode (&ours);
  rd_test_assert_bytes_equal (encoded, vector);
}

static void
test_redemption_negotiate (void)
{
  g_autoptr(GBytes) vector = rd_test_hex (REDEMPTION_TSREQUEST_NEGOTIATE);
  RdTsRequest request;

  assert_get_length (vector);
  decode_ok (vector, &request);
  g_assert_cmpint (request.version, ==, 6);
  g_assert_cmpuint (g_bytes_get_size (request.nego_token), ==, 40);
  g_assert_cmpmem (g_bytes_get_data (request.nego_token, NULL), 8, "NTLMSSP", 8);
  assert_reencodes (vector, &request);
  rd_tsrequest_clear (&request);
}

static void
test_redemption_challenge (void)
{
  g_autoptr(GBytes) vector = rd_test_hex (REDEMPTION_TSREQUEST_CHALLENGE);
  g_autoptr(GBytes) inner = rd_test_hex (REDEMPTION_WIN7);
  g_autoptr(GError) error = NULL;
  RdTsRequest request;
  RdNtlmChallenge challenge;

  g_assert_cmpuint (g_bytes_get_size (vector), ==, 139);
  assert_get_length (vector);
  decode_ok (vector, &request);
  g_assert_cmpint (request.version, ==, 2);
  rd_test_assert_bytes_equal (request.nego_token, inner);
  assert_reencodes (vector, &request);

  /* What the engine does with it: the host's names from the token */
  g_assert_true (rd_ntlm_decode_challenge (g_bytes_get_data (request.nego_token, NULL),
                                           g_bytes_get_size (request.nego_token),
                                           &challenge, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (challenge.dns_computer, ==, "win7");
  rd_ntlm_challenge_clear (&challenge);
  rd_tsrequest_clear (&request);
}

static void
test_redemption_authenticate (void)
{
  g_autoptr(GBytes) vector = rd_test_hex (REDEMPTION_TSREQUEST_AUTHENTICATE);
  RdTsRequest request;

  g_assert_cmpuint (g_bytes_get_size (vector), ==, 349);
  assert_get_length (vector);
  decode_ok (vector, &request);
  g_assert_cmpint (request.version, ==, 6);
  g_assert_cmpuint (g_bytes_get_size (request.nego_token), ==, 0x11c);
  g_assert_cmpmem (g_bytes_get_data (request.nego_token, NULL), 9, "NTLMSSP\0\3", 9);
  g_assert_nonnull (request.pub_key_auth);
  g_assert_cmpuint (g_bytes_get_size (request.pub_key_auth), ==, 32);
  g_assert_null (request.auth_info);
  assert_reencodes (vector, &request);
  rd_tsrequest_clear (&request);
}

static void
test_redemption_auth_info (void)
{
  g_autoptr(GBytes) vector = rd_test_hex (REDEMPTION_TSREQUEST_AUTH_INFO);
  RdTsRequest request;

  assert_get_length (vector);
  decode_ok (vector, &request);
  g_assert_cmpint (request.version, ==, 6);
  g_assert_null (request.nego_token);
  g_assert_cmpuint (g_bytes_get_size (request.auth_info), ==, 0x53);
  assert_reencodes (vector, &request);
  rd_tsrequest_clear (&request);
}

static void
test_redemption_pub_key_auth (void)
{
  g_autoptr(GBytes) vector = rd_test_hex (REDEMPTION_TSREQUEST_PUB_KEY_AUTH);
  RdTsRequest request;

  assert_get_length (vector);
  decode_ok (vector, &request);
  g_assert_cmpint (request.version, ==, 2);
  g_assert_null (request.nego_token);
  g_assert_cmpuint (g_bytes_get_size (request.pub_key_auth), ==, 32);
  assert_reencodes (vector, &request);
  rd_tsrequest_clear (&request);
}

static void
test_error_code (void)
{
  g_autoptr(GBytes) vector = rd_test_hex (ERROR_CODE_LOGON_FAILURE);
  g_autoptr(GBytes) positive = rd_test_hex (ERROR_CODE_LOGON_FAILURE_POSITIVE);
  RdTsRequest request;

  decode_ok (vector, &request);
  g_assert_cmpint (request.version, ==, 6);
  g_assert_true (request.has_error_code);
  g_assert_cmpuint (request.error_code, ==, 0xc000006du);
  assert_reencodes (vector, &request);
  rd_tsrequest_clear (&request);

  decode_ok (positive, &request);
  g_assert_true (request.has_error_code);
  g_assert_cmpuint (request.error_code, ==, 0xc000006du);
  /* and back in the form Windows uses */
  assert_reencodes (vector, &request);
  rd_tsrequest_clear (&request);
}

static void
test_client_nonce (void)
{
  g_autoptr(GBytes) vector = rd_test_hex (CLIENT_NONCE);
  RdTsRequest request;

  decode_ok (vector, &request);
  g_assert_cmpint (request.version, ==, 6);
  g_assert_cmpuint (g_bytes_get_size (request.client_nonce), ==, 32);
  g_assert_cmpuint (((const guint8 *) g_bytes_get_data (request.client_nonce, NULL))[31], ==, 0x1f);
  assert_reencodes (vector, &request);
  rd_tsrequest_clear (&request);
}

static void
test_nego_data_shapes (void)
{
  /* NegoData with no item, and with two: the first token is the one kept. */
  g_autoptr(GBytes) empty = rd_test_hex ("30 09 a0 03 02 01 06 a1 02 30 00");
  g_autoptr(GBytes) two = rd_test_hex (
    "30 17 a0 03 02 01 06 a1 10 30 0e 30 05 a0 03 04 01 aa 30 05 a0 03 04 01 bb");
  g_autoptr(GBytes) empty_token = rd_test_hex ("30 0e a0 03 02 01 06 a1 07 30 05 30 03 a0 01 04");
  RdTsRequest request;

  decode_ok (empty, &request);
  g_assert_null (request.nego_token);
  rd_tsrequest_clear (&request);

  decode_ok (two, &request);
  g_assert_cmpuint (g_bytes_get_size (request.nego_token), ==, 1);
  g_assert_cmpuint (((const guint8 *) g_bytes_get_data (request.nego_token, NULL))[0], ==, 0xaa);
  rd_tsrequest_clear (&request);

  /* "a0 01 04" lacks the OCTET STRING's length: not DER */
  rd_test_assert_decode_fails_bytes (decode_request, empty_token, RD_PROTO_ERROR_INVALID);
}

static void
test_get_length (void)
{
  const guint8 long_3[] = { 0x30, 0x83, 0x01, 0x00, 0x00 };
  const guint8 long_4[] = { 0x30, 0x84, 0x00, 0x00, 0x01, 0x00 };
  const guint8 too_long_4[] = { 0x30, 0x84, 0x7f, 0xff, 0xff, 0xff };
  const guint8 five[] = { 0x30, 0x85 };
  const guint8 indefinite[] = { 0x30, 0x80 };
  const guint8 reserved[] = { 0x30, 0xff };
  const guint8 integer[] = { 0x02 };
  const guint8 set[] = { 0x31, 0x00 };
  const guint8 empty_sequence[] = { 0x30, 0x00 };
  g_autoptr(GBytes) nmap = rd_test_hex (NMAP_TSREQUEST_NEGOTIATE);
  g_autoptr(GError) error = NULL;

  g_assert_cmpint (rd_tsrequest_get_length (long_3, sizeof long_3, 0x10005, &error), ==, 0x10005);
  g_assert_no_error (error);
  g_assert_cmpint (rd_tsrequest_get_length (long_3, 4, 0x10005, &error), ==, 0);
  g_assert_no_error (error);
  g_assert_cmpint (rd_tsrequest_get_length (long_3, sizeof long_3, 0x10004, &error), ==, -1);
  g_assert_error (error, RD_PROTO_ERROR, RD_PROTO_ERROR_OVERSIZED);
  g_clear_error (&error);
  g_assert_cmpint (rd_tsrequest_get_length (long_4, sizeof long_4, RD_TSREQUEST_MAX_LENGTH, &error), ==, 262);
  g_assert_no_error (error);

  g_assert_cmpint (rd_tsrequest_get_length (too_long_4, sizeof too_long_4, RD_TSREQUEST_MAX_LENGTH, &error), ==, -1);
  g_assert_error (error, RD_PROTO_ERROR, RD_PROTO_ERROR_OVERSIZED);
  g_clear_error (&error);
  g_assert_cmpint (rd_tsrequest_get_length (too_long_4, sizeof too_long_4, G_MAXSIZE, &error), ==, 0x80000005);
  g_assert_no_error (error);

  g_assert_cmpint (rd_tsrequest_get_length (five, sizeof five, G_MAXSIZE, &error), ==, -1);
  g_assert_error (error, RD_PROTO_ERROR, RD_PROTO_ERROR_OVERSIZED);
  g_clear_error (&error);
  g_assert_cmpint (rd_tsrequest_get_length (indefinite, sizeof indefinite, G_MAXSIZE, &error), ==, -1);
  g_assert_error (error, RD_PROTO_ERROR, RD_PROTO_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_cmpint (rd_tsrequest_get_length (reserved, sizeof reserved, G_MAXSIZE, &error), ==, -1);
  g_assert_error (error, RD_PROTO_ERROR, RD_PROTO_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_cmpint (rd_tsrequest_get_length (integer, sizeof integer, G_MAXSIZE, &error), ==, -1);
  g_assert_error (error, RD_PROTO_ERROR, RD_PROTO_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_cmpint (rd_tsrequest_get_length (set, sizeof set, G_MAXSIZE, &error), ==, -1);
  g_assert_error (error, RD_PROTO_ERROR, RD_PROTO_ERROR_INVALID);
  g_clear_error (&error);

  g_assert_cmpint (rd_tsrequest_get_length (empty_sequence, 2, 2, &error), ==, 2);
  g_assert_no_error (error);
  g_assert_cmpint (rd_tsrequest_get_length (empty_sequence, 2, 1, &error), ==, -1);
  g_assert_error (error, RD_PROTO_ERROR, RD_PROTO_ERROR_OVERSIZED);
  g_clear_error (&error);

  g_assert_cmpint (rd_tsrequest_get_length (g_bytes_get_data (nmap, NULL), 57, 57, &error), ==, 57);
  g_assert_no_error (error);
  g_assert_cmpint (rd_tsrequest_get_length (g_bytes_get_data (nmap, NULL), 57, 56, &error), ==, -1);
  g_assert_error (error, RD_PROTO_ERROR, RD_PROTO_ERROR_OVERSIZED);
  g_clear_error (&error);
  g_assert_cmpint (rd_tsrequest_get_length (NULL, 0, 56, &error), ==, 0);
  g_assert_no_error (error);
}

static const char *all_vectors[] = {
  NMAP_TSREQUEST_NEGOTIATE,
  REDEMPTION_TSREQUEST_NEGOTIATE,
  REDEMPTION_TSREQUEST_CHALLENGE,
  REDEMPTION_TSREQUEST_AUTHENTICATE,
  REDEMPTION_TSREQUEST_AUTH_INFO,
  REDEMPTION_TSREQUEST_PUB_KEY_AUTH,
  ERROR_CODE_LOGON_FAILURE,
  ERROR_CODE_LOGON_FAILURE_POSITIVE,
  CLIENT_NONCE,
};

static void
test_truncated (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (all_vectors); i++)
    {
      g_autoptr(GBytes) vector = rd_test_hex (all_vectors[i]);

      rd_test_assert_prefixes_truncated (decode_request, vector);
    }
}

typedef struct
{
  const char   *name;
  const char   *hex;
  RdProtoError  code;
} CorruptCase;

static void
test_corrupt (void)
{
  static const CorruptCase cases[] = {
    { "a SET, not a SEQUENCE", "31 05 a0 03 02 01 06", RD_PROTO_ERROR_INVALID },
    { "an HTTP answer", "48 54 54 50 2f 31 2e 31", RD_PROTO_ERROR_INVALID },
    { "indefinite length", "30 80 a0 03 02 01 06 00 00", RD_PROTO_ERROR_INVALID },
    { "outer length past the end", "30 06 a0 03 02 01 06", RD_PROTO_ERROR_TRUNCATED },
    { "outer length 0x7fffffff", "30 84 7f ff ff ff a0 03 02 01 06", RD_PROTO_ERROR_OVERSIZED },
    { "outer length just over the maximum", "30 83 01 00 00", RD_PROTO_ERROR_OVERSIZED },
    { "a nine-byte length", "30 89 00 00 00 00 00 00 00 00 05 a0 03 02 01 06", RD_PROTO_ERROR_OVERSIZED },
    { "a byte after the SEQUENCE", "30 05 a0 03 02 01 06 00", RD_PROTO_ERROR_INVALID },
    { "outer length one short", "30 04 a0 03 02 01 06", RD_PROTO_ERROR_INVALID },
    { "an empty SEQUENCE", "30 00", RD_PROTO_ERROR_INVALID },
    { "no version", "30 05 a2 03 04 01 00", RD_PROTO_ERROR_INVALID },
    { "version without its [0]", "30 03 02 01 06", RD_PROTO_ERROR_INVALID },
    { "version as an OCTET STRING", "30 05 a0 03 04 01 06", RD_PROTO_ERROR_INVALID },
    { "version tag [0] too long", "30 05 a0 04 02 01 06", RD_PROTO_ERROR_INVALID },
    { "version INTEGER past its [0]", "30 05 a0 03 02 02 06", RD_PROTO_ERROR_INVALID },
    { "version 2^63", "30 0d a0 0b 02 09 00 80 00 00 00 00 00 00 00", RD_PROTO_ERROR_OVERSIZED },
    { "a 21-byte version",
      "30 19 a0 17 02 15 01 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00",
      RD_PROTO_ERROR_OVERSIZED },
    { "version -1", "30 05 a0 03 02 01 ff", RD_PROTO_ERROR_INVALID },
    { "errorCode 2^32", "30 0e a0 03 02 01 06 a4 07 02 05 01 00 00 00 00", RD_PROTO_ERROR_OVERSIZED },
    { "errorCode -2^31 - 1", "30 0e a0 03 02 01 06 a4 07 02 05 ff 7f ff ff ff", RD_PROTO_ERROR_OVERSIZED },
    { "errorCode as an OCTET STRING", "30 0a a0 03 02 01 06 a4 03 04 01 00", RD_PROTO_ERROR_INVALID },
    { "an unknown field [6]", "30 0a a0 03 02 01 06 a6 03 02 01 00", RD_PROTO_ERROR_INVALID },
    { "pubKeyAuth before authInfo", "30 0f a0 03 02 01 06 a3 03 04 01 00 a2 03 04 01 00",
      RD_PROTO_ERROR_INVALID },
    { "authInfo twice", "30 0f a0 03 02 01 06 a2 03 04 01 00 a2 03 04 01 00", RD_PROTO_ERROR_INVALID },
    { "negoTokens as an OCTET STRING", "30 0a a0 03 02 01 06 a1 03 04 01 00", RD_PROTO_ERROR_INVALID },
    { "negoToken without its [0]", "30 0e a0 03 02 01 06 a1 07 30 05 30 03 04 01 00",
      RD_PROTO_ERROR_INVALID },
  };
  g_autoptr(GBytes) nmap = rd_test_hex (NMAP_TSREQUEST_NEGOTIATE);
  g_autoptr(GBytes) inner_too_long = rd_test_patch (nmap, 16, 0x29);
  g_autoptr(GBytes) inner_too_short = rd_test_patch (nmap, 16, 0x27);
  g_autoptr(GBytes) nego_too_long = rd_test_patch (nmap, 8, 0x31);

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GBytes) vector = rd_test_hex (cases[i].hex);

      g_test_message ("case: %s", cases[i].name);
      rd_test_assert_decode_fails_bytes (decode_request, vector, cases[i].code);
    }

  rd_test_assert_decode_fails_bytes (decode_request, inner_too_long, RD_PROTO_ERROR_INVALID);
  rd_test_assert_decode_fails_bytes (decode_request, inner_too_short, RD_PROTO_ERROR_INVALID);
  rd_test_assert_decode_fails_bytes (decode_request, nego_too_long, RD_PROTO_ERROR_INVALID);
}

static void
test_large_versions (void)
{
  g_autoptr(GBytes) max = rd_test_hex ("30 0c a0 0a 02 08 7f ff ff ff ff ff ff ff");
  g_autoptr(GBytes) zero = rd_test_hex ("30 05 a0 03 02 01 00");
  RdTsRequest request;

  decode_ok (max, &request);
  g_assert_cmpint (request.version, ==, G_MAXINT64);
  assert_reencodes (max, &request);
  rd_tsrequest_clear (&request);

  decode_ok (zero, &request);
  g_assert_cmpint (request.version, ==, 0);
  assert_reencodes (zero, &request);
  rd_tsrequest_clear (&request);
}

static void
assert_optional_bytes_equal (GBytes *a,
                             GBytes *b)
{
  if (a == NULL || b == NULL)
    {
      g_assert_true (a == b);
      return;
    }
  g_assert_true (g_bytes_equal (a, b));
}

static void
test_round_trip (void)
{
  static const gint64 versions[] = { 0, 2, 3, 5, 6, 0x60, 0x7fffffff, G_MAXINT64 };
  static const guint32 error_codes[] = { 0, 0xc000006du, 0x80000000u, 0x7fffffffu, 0xffffffffu, 0x80090302u };
  g_autoptr(GBytes) token = rd_ntlm_encode_negotiate ();
  g_autoptr(GBytes) empty = g_bytes_new (NULL, 0);
  g_autoptr(GBytes) big = NULL;
  guint8 *big_data = g_malloc (40000);

  for (guint i = 0; i < 40000; i++)
    big_data[i] = (guint8) (i * 7);
  big = g_bytes_new_take (big_data, 40000);

  for (guint v = 0; v < G_N_ELEMENTS (versions); v++)
    for (guint mask = 0; mask < 32; mask++)
      for (guint filler = 0; filler < 3; filler++)
        {
          GBytes *fill = filler == 0 ? token : (filler == 1 ? empty : big);
          RdTsRequest in = {
            .version = versions[v],
            .nego_token = (mask & 1) ? fill : NULL,
            .auth_info = (mask & 2) ? fill : NULL,
            .pub_key_auth = (mask & 4) ? fill : NULL,
            .has_error_code = (mask & 8) != 0,
            .error_code = error_codes[(v + mask) % G_N_ELEMENTS (error_codes)],
            .client_nonce = (mask & 16) ? fill : NULL,
          };
          g_autoptr(GBytes) encoded = NULL;
          RdTsRequest out;

          /* Five 40000-byte fields would pass the 64 KiB limit. */
          if (filler == 2 && mask != 1 && mask != 2 && mask != 4 && mask != 16)
            continue;

          encoded = rd_tsrequest_encode (&in);
          decode_ok (encoded, &out);
          g_assert_cmpint (out.version, ==, in.version);
          assert_optional_bytes_equal (out.nego_token, in.nego_token);
          assert_optional_bytes_equal (out.auth_info, in.auth_info);
          assert_optional_bytes_equal (out.pub_key_auth, in.pub_key_auth);
          assert_optional_bytes_equal (out.client_nonce, in.client_nonce);
          g_assert_cmpint (out.has_error_code, ==, in.has_error_code);
          if (in.has_error_code)
            g_assert_cmpuint (out.error_code, ==, in.error_code);
          assert_reencodes (encoded, &out);
          rd_tsrequest_clear (&out);
        }
}

static void
test_openssl_error_queue (void)
{
  g_autoptr(GBytes) bad = rd_test_hex ("30 05 a0 03 04 01 06");
  g_autoptr(GBytes) huge = rd_test_hex ("30 0d a0 0b 02 09 00 80 00 00 00 00 00 00 00");

  /* A failed parse leaves nothing behind for the TLS code on this thread ... */
  ERR_clear_error ();
  rd_test_assert_decode_fails_bytes (decode_request, bad, RD_PROTO_ERROR_INVALID);
  rd_test_assert_decode_fails_bytes (decode_request, huge, RD_PROTO_ERROR_OVERSIZED);
  g_assert_cmpuint (ERR_peek_error (), ==, 0);

  /* ... and takes away nothing that was there before. */
  ERR_raise (ERR_LIB_USER, 42);
  rd_test_assert_decode_fails_bytes (decode_request, bad, RD_PROTO_ERROR_INVALID);
  g_assert_cmpint (ERR_GET_REASON (ERR_peek_last_error ()), ==, 42);
  g_assert_cmpint (ERR_GET_REASON (ERR_get_error ()), ==, 42);
  g_assert_cmpuint (ERR_peek_error (), ==, 0);
}

static void
write_corpus (void)
{
  static const struct
  {
    const char *name;
    const char *hex;
  } seeds[] = {
    { "nmap-negotiate", NMAP_TSREQUEST_NEGOTIATE },
    { "redemption-negotiate", REDEMPTION_TSREQUEST_NEGOTIATE },
    { "redemption-challenge", REDEMPTION_TSREQUEST_CHALLENGE },
    { "redemption-authenticate", REDEMPTION_TSREQUEST_AUTHENTICATE },
    { "redemption-auth-info", REDEMPTION_TSREQUEST_AUTH_INFO },
    { "redemption-pub-key-auth", REDEMPTION_TSREQUEST_PUB_KEY_AUTH },
    { "error-code-logon-failure", ERROR_CODE_LOGON_FAILURE },
    { "client-nonce", CLIENT_NONCE },
  };

  for (guint i = 0; i < G_N_ELEMENTS (seeds); i++)
    {
      g_autoptr(GBytes) bytes = rd_test_hex (seeds[i].hex);

      rd_test_write_corpus ("tsrequest", seeds[i].name, bytes);
    }
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  write_corpus ();

  g_test_add_func ("/Rd/Proto/TsRequest/nmap-negotiate", test_nmap_negotiate);
  g_test_add_func ("/Rd/Proto/TsRequest/redemption-negotiate", test_redemption_negotiate);
  g_test_add_func ("/Rd/Proto/TsRequest/redemption-challenge", test_redemption_challenge);
  g_test_add_func ("/Rd/Proto/TsRequest/redemption-authenticate", test_redemption_authenticate);
  g_test_add_func ("/Rd/Proto/TsRequest/redemption-auth-info", test_redemption_auth_info);
  g_test_add_func ("/Rd/Proto/TsRequest/redemption-pub-key-auth", test_redemption_pub_key_auth);
  g_test_add_func ("/Rd/Proto/TsRequest/error-code", test_error_code);
  g_test_add_func ("/Rd/Proto/TsRequest/client-nonce", test_client_nonce);
  g_test_add_func ("/Rd/Proto/TsRequest/nego-data-shapes", test_nego_data_shapes);
  g_test_add_func ("/Rd/Proto/TsRequest/get-length", test_get_length);
  g_test_add_func ("/Rd/Proto/TsRequest/truncated", test_truncated);
  g_test_add_func ("/Rd/Proto/TsRequest/corrupt", test_corrupt);
  g_test_add_func ("/Rd/Proto/TsRequest/large-versions", test_large_versions);
  g_test_add_func ("/Rd/Proto/TsRequest/round-trip", test_round_trip);
  g_test_add_func ("/Rd/Proto/TsRequest/openssl-error-queue", test_openssl_error_queue);

  return g_test_run ();
}
