/* test-ntlm.c: NTLM NEGOTIATE and CHALLENGE messages, byte for byte
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "test-ntlm"

#include "config.h"

#include "rd-ntlm.h"
#include "rd-proto-test-util.h"
#include "rd-proto-test-vectors.h"

static const guint8 spec_server_challenge[8] = { 0x01, 0x23, 0x45, 0x67, 0x89, 0xab, 0xcd, 0xef };

static gboolean
decode_challenge (const guint8  *data,
                  gsize          length,
                  GError       **error)
{
  RdNtlmChallenge challenge;
  gboolean ok = rd_ntlm_decode_challenge (data, length, &challenge, error);

  rd_ntlm_challenge_clear (&challenge);
  return ok;
}

static void
decode_ok (GBytes          *bytes,
           RdNtlmChallenge *challenge)
{
  g_autoptr(GError) error = NULL;
  gsize size;
  const guint8 *data = g_bytes_get_data (bytes, &size);
  g_autofree guint8 *copy = rd_test_exact_copy (data, size);

  g_assert_true (rd_ntlm_decode_challenge (copy, size, challenge, &error));
  g_assert_no_error (error);
}

static void
test_negotiate (void)
{
  g_autoptr(GBytes) expected = rd_test_hex (NMAP_NEGOTIATE);
  g_autoptr(GBytes) encoded = rd_ntlm_encode_negotiate ();

  g_assert_cmpuint (RD_NTLM_CLIENT_NEGOTIATE_FLAGS, ==, 0xe20882b7u);
  g_assert_cmpuint (RD_NTLM_CLIENT_NEGOTIATE_FLAGS & RD_NTLM_NEGOTIATE_VERSION, !=, 0);
  rd_test_assert_bytes_equal (encoded, expected);
}

static void
test_spec_4_2_4_3 (void)
{
  g_autoptr(GBytes) expected = rd_test_hex (SPEC_4_2_4_3);
  g_autoptr(GBytes) encoded = NULL;
  RdNtlmChallenge challenge;

  g_assert_cmpuint (g_bytes_get_size (expected), ==, 104);

  decode_ok (expected, &challenge);
  g_assert_cmpuint (challenge.negotiate_flags, ==, 0xe28a8233u);
  g_assert_cmpmem (challenge.server_challenge, 8, spec_server_challenge, 8);
  g_assert_cmpstr (challenge.target_name, ==, "Server");
  g_assert_cmpstr (challenge.nb_domain, ==, "Domain");
  g_assert_cmpstr (challenge.nb_computer, ==, "Server");
  g_assert_null (challenge.dns_computer);
  g_assert_null (challenge.dns_domain);
  g_assert_null (challenge.dns_tree);
  g_assert_false (challenge.has_av_flags);
  g_assert_false (challenge.has_timestamp);
  g_assert_true (challenge.has_version);
  g_assert_cmpuint (challenge.version_major, ==, 6);
  g_assert_cmpuint (challenge.version_minor, ==, 0);
  g_assert_cmpuint (challenge.version_build, ==, 6000);
  g_assert_cmpuint (challenge.ntlm_revision, ==, RD_NTLM_REVISION_W2K3);

  encoded = rd_ntlm_encode_challenge (&challenge);
  rd_test_assert_bytes_equal (encoded, expected);
  rd_ntlm_challenge_clear (&challenge);
  g_assert_null (challenge.target_name);
}

static void
test_spec_4_2_2_3 (void)
{
  g_autoptr(GBytes) expected = rd_test_hex (SPEC_4_2_2_3);
  g_autoptr(GBytes) encoded = NULL;
  RdNtlmChallenge challenge;

  decode_ok (expected, &challenge);
  g_assert_cmpuint (challenge.negotiate_flags, ==, 0xe2028233u);
  g_assert_cmpuint (challenge.negotiate_flags & RD_NTLM_NEGOTIATE_TARGET_INFO, ==, 0);
  g_assert_cmpmem (challenge.server_challenge, 8, spec_server_challenge, 8);
  g_assert_cmpstr (challenge.target_name, ==, "Server");
  g_assert_null (challenge.nb_domain);
  g_assert_null (challenge.nb_computer);
  g_assert_true (challenge.has_version);
  g_assert_cmpuint (challenge.version_build, ==, 6000);

  encoded = rd_ntlm_encode_challenge (&challenge);
  rd_test_assert_bytes_equal (encoded, expected);
  rd_ntlm_challenge_clear (&challenge);
}

static void
test_redemption_win7 (void)
{
  g_autoptr(GBytes) vector = rd_test_hex (REDEMPTION_WIN7);
  static const guint8 server_challenge[8] = { 0xb8, 0x6c, 0xda, 0xa6, 0xf0, 0xf6, 0x30, 0x8d };
  RdNtlmChallenge challenge;

  decode_ok (vector, &challenge);
  g_assert_cmpuint (challenge.negotiate_flags, ==, 0xe20882b7u);
  g_assert_cmpmem (challenge.server_challenge, 8, server_challenge, 8);
  g_assert_null (challenge.target_name);
  g_assert_cmpstr (challenge.nb_computer, ==, "WIN7");
  g_assert_cmpstr (challenge.nb_domain, ==, "WIN7");
  g_assert_cmpstr (challenge.dns_computer, ==, "win7");
  g_assert_cmpstr (challenge.dns_domain, ==, "win7");
  g_assert_null (challenge.dns_tree);
  g_assert_false (challenge.has_av_flags);
  g_assert_true (challenge.has_timestamp);
  g_assert_cmpuint (challenge.timestamp, ==, G_GUINT64_CONSTANT (0xd676564e5a0e9567));
  g_assert_true (challenge.has_version);
  g_assert_cmpuint (challenge.version_major, ==, 5);
  g_assert_cmpuint (challenge.version_minor, ==, 1);
  g_assert_cmpuint (challenge.version_build, ==, 2600);
  g_assert_cmpuint (challenge.ntlm_revision, ==, 0x0f);
  rd_ntlm_challenge_clear (&challenge);
}

static void
test_truncated (void)
{
  const char *vectors[] = { SPEC_4_2_4_3, SPEC_4_2_2_3, REDEMPTION_WIN7 };

  for (guint i = 0; i < G_N_ELEMENTS (vectors); i++)
    {
      g_autoptr(GBytes) vector = rd_test_hex (vectors[i]);

      rd_test_assert_prefixes_truncated (decode_challenge, vector);
    }
}

static GBytes *
patch_u32 (GBytes *bytes,
           gsize   offset,
           guint32 value)
{
  g_autoptr(GBytes) a = rd_test_patch (bytes, offset, value & 0xff);
  g_autoptr(GBytes) b = rd_test_patch (a, offset + 1, (value >> 8) & 0xff);
  g_autoptr(GBytes) c = rd_test_patch (b, offset + 2, (value >> 16) & 0xff);

  return rd_test_patch (c, offset + 3, value >> 24);
}

static void
expect_patched (GBytes       *vector,
                gsize         offset,
                guint8        value,
                RdProtoError  code,
                const char   *what)
{
  g_autoptr(GBytes) patched = rd_test_patch (vector, offset, value);

  g_test_message ("case: %s", what);
  rd_test_assert_decode_fails_bytes (decode_challenge, patched, code);
}

static void
test_corrupt (void)
{
  g_autoptr(GBytes) spec = rd_test_hex (SPEC_4_2_4_3);
  g_autoptr(GBytes) far_name = patch_u32 (spec, 16, 0xffffffffu);
  g_autoptr(GBytes) far_info = patch_u32 (spec, 44, 0x00010000u);
  g_autoptr(GBytes) just_past_info = patch_u32 (spec, 44, 0x45);
  g_autoptr(GBytes) garbage = rd_test_hex ("48 54 54 50 2f 31 2e 31");
  g_autoptr(GBytes) with_flags = NULL;
  g_autoptr(GBytes) with_timestamp = NULL;
  g_autoptr(GBytes) bad_surrogate = NULL;
  RdNtlmChallenge flags_only = { .has_av_flags = TRUE, .av_flags = 2 };
  RdNtlmChallenge timestamp_only = { .has_timestamp = TRUE, .timestamp = 1 };

  expect_patched (spec, 0, 'X', RD_PROTO_ERROR_INVALID, "wrong signature");
  expect_patched (spec, 7, '!', RD_PROTO_ERROR_INVALID, "signature without its NUL");
  expect_patched (spec, 8, 1, RD_PROTO_ERROR_INVALID, "a NEGOTIATE_MESSAGE");
  expect_patched (spec, 8, 3, RD_PROTO_ERROR_INVALID, "an AUTHENTICATE_MESSAGE");
  expect_patched (spec, 11, 1, RD_PROTO_ERROR_INVALID, "MessageType 0x01000002");
  expect_patched (spec, 12, 0x0b, RD_PROTO_ERROR_INVALID, "odd TargetNameLen");
  expect_patched (spec, 12, 0xff, RD_PROTO_ERROR_TRUNCATED, "TargetName past the end");
  expect_patched (spec, 13, 0xff, RD_PROTO_ERROR_TRUNCATED, "TargetNameLen 0xff0c");
  expect_patched (spec, 40, 0x25, RD_PROTO_ERROR_TRUNCATED, "TargetInfo one byte past the end");
  expect_patched (spec, 41, 0xff, RD_PROTO_ERROR_TRUNCATED, "TargetInfoLen 0xff24");
  expect_patched (spec, 40, 0x20, RD_PROTO_ERROR_TRUNCATED, "AV pairs without MsvAvEOL");
  expect_patched (spec, 40, 0x02, RD_PROTO_ERROR_TRUNCATED, "TargetInfo shorter than an AV_PAIR");
  expect_patched (spec, 70, 0x40, RD_PROTO_ERROR_TRUNCATED, "AvLen past the TargetInfo");
  expect_patched (spec, 71, 0xff, RD_PROTO_ERROR_TRUNCATED, "AvLen 0xff0c");
  expect_patched (spec, 86, 0x24, RD_PROTO_ERROR_TRUNCATED, "second AvLen past the end");
  expect_patched (spec, 70, 0x0b, RD_PROTO_ERROR_INVALID, "odd AvLen of a name");

  g_test_message ("case: TargetName offset 0xffffffff");
  rd_test_assert_decode_fails_bytes (decode_challenge, far_name, RD_PROTO_ERROR_TRUNCATED);
  g_test_message ("case: TargetInfo offset 0x10000");
  rd_test_assert_decode_fails_bytes (decode_challenge, far_info, RD_PROTO_ERROR_TRUNCATED);
  g_test_message ("case: TargetInfo offset one past");
  rd_test_assert_decode_fails_bytes (decode_challenge, just_past_info, RD_PROTO_ERROR_TRUNCATED);
  g_test_message ("case: not NTLM");
  rd_test_assert_decode_fails_bytes (decode_challenge, garbage, RD_PROTO_ERROR_INVALID);

  /* An unpaired high surrogate (U+D800) in the TargetName */
  bad_surrogate = rd_test_patch (spec, 57, 0xd8);
  {
    g_autoptr(GBytes) b = rd_test_patch (bad_surrogate, 56, 0x00);

    g_test_message ("case: lone surrogate");
    rd_test_assert_decode_fails_bytes (decode_challenge, b, RD_PROTO_ERROR_INVALID);
  }

  /* MsvAvFlags and MsvAvTimestamp of the wrong size; the pair starts at 56. */
  with_flags = rd_ntlm_encode_challenge (&flags_only);
  expect_patched (with_flags, 58, 2, RD_PROTO_ERROR_INVALID, "MsvAvFlags of 2 bytes");
  with_timestamp = rd_ntlm_encode_challenge (&timestamp_only);
  expect_patched (with_timestamp, 58, 4, RD_PROTO_ERROR_INVALID, "MsvAvTimestamp of 4 bytes");
}

static void
test_unaligned_and_oem (void)
{
  g_autoptr(GBytes) spec = rd_test_hex (SPEC_4_2_2_3);
  g_autoptr(GBytes) oem = rd_test_hex (
    "4e 54 4c 4d 53 53 50 00 02 00 00 00 06 00 06 00"
    "30 00 00 00 02 00 00 00 01 02 03 04 05 06 07 08"
    "00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00"
    "53 45 52 56 45 52");
  GByteArray *shifted = g_byte_array_new ();
  g_autoptr(GBytes) shifted_bytes = NULL;
  g_autoptr(GBytes) unaligned = NULL;
  const guint8 pad = 0xaa;
  RdNtlmChallenge challenge;

  /* TargetName moved to the odd offset 57: decoded from an aligned copy. */
  g_byte_array_append (shifted, g_bytes_get_data (spec, NULL), 56);
  g_byte_array_append (shifted, &pad, 1);
  g_byte_array_append (shifted, (const guint8 *) g_bytes_get_data (spec, NULL) + 56, 12);
  shifted_bytes = g_byte_array_free_to_bytes (shifted);
  unaligned = rd_test_patch (shifted_bytes, 16, 57);

  decode_ok (unaligned, &challenge);
  g_assert_cmpstr (challenge.target_name, ==, "Server");
  rd_ntlm_challenge_clear (&challenge);

  /* OEM without UNICODE and without VERSION: payload right after 48 bytes. */
  decode_ok (oem, &challenge);
  g_assert_cmpstr (challenge.target_name, ==, "SERVER");
  g_assert_false (challenge.has_version);
  rd_ntlm_challenge_clear (&challenge);
}

static void
assert_challenges_equal (const RdNtlmChallenge *a,
                         const RdNtlmChallenge *b)
{
  g_assert_cmpuint (a->negotiate_flags, ==, b->negotiate_flags);
  g_assert_cmpmem (a->server_challenge, 8, b->server_challenge, 8);
  g_assert_cmpstr (a->target_name, ==, b->target_name);
  g_assert_cmpstr (a->nb_computer, ==, b->nb_computer);
  g_assert_cmpstr (a->nb_domain, ==, b->nb_domain);
  g_assert_cmpstr (a->dns_computer, ==, b->dns_computer);
  g_assert_cmpstr (a->dns_domain, ==, b->dns_domain);
  g_assert_cmpstr (a->dns_tree, ==, b->dns_tree);
  g_assert_cmpint (a->has_av_flags, ==, b->has_av_flags);
  g_assert_cmpuint (a->av_flags, ==, b->av_flags);
  g_assert_cmpint (a->has_timestamp, ==, b->has_timestamp);
  g_assert_cmpuint (a->timestamp, ==, b->timestamp);
  g_assert_cmpint (a->has_version, ==, b->has_version);
  g_assert_cmpuint (a->version_major, ==, b->version_major);
  g_assert_cmpuint (a->version_minor, ==, b->version_minor);
  g_assert_cmpuint (a->version_build, ==, b->version_build);
  g_assert_cmpuint (a->ntlm_revision, ==, b->ntlm_revision);
}

static void
round_trip (const RdNtlmChallenge *in)
{
  g_autoptr(GBytes) encoded = rd_ntlm_encode_challenge (in);
  g_autoptr(GBytes) again = NULL;
  RdNtlmChallenge out;

  decode_ok (encoded, &out);
  assert_challenges_equal (&out, in);
  again = rd_ntlm_encode_challenge (&out);
  rd_test_assert_bytes_equal (again, encoded);
  rd_ntlm_challenge_clear (&out);
}

static void
test_round_trip (void)
{
  RdNtlmChallenge full = {
    .negotiate_flags = 0xe28a8235u,
    .server_challenge = { 1, 2, 3, 4, 5, 6, 7, 8 },
    .target_name = (char *) "CONTOSO",
    .nb_computer = (char *) "SERVEUR-É",
    .nb_domain = (char *) "CONTOSO",
    .dns_computer = (char *) "serveur-é.contoso.example",
    .dns_domain = (char *) "contoso.example",
    .dns_tree = (char *) "例え.example",
    .has_av_flags = TRUE,
    .av_flags = 0x00000002,
    .has_timestamp = TRUE,
    .timestamp = G_GUINT64_CONSTANT (132048959150000000),
    .has_version = TRUE,
    .version_major = 10,
    .version_minor = 0,
    .version_build = 20348,
    .ntlm_revision = RD_NTLM_REVISION_W2K3,
  };
  RdNtlmChallenge empty = { 0 };
  RdNtlmChallenge target_info_flag_only = { .negotiate_flags = RD_NTLM_NEGOTIATE_TARGET_INFO };
  RdNtlmChallenge one;
  RdNtlmChallenge astral = { .negotiate_flags = RD_NTLM_NEGOTIATE_UNICODE, .nb_computer = (char *) "\xf0\x9f\x96\xa5" };

  round_trip (&full);
  round_trip (&empty);
  round_trip (&target_info_flag_only);
  round_trip (&astral);

  /* Each field on its own */
  one = (RdNtlmChallenge) { .target_name = (char *) "T" };
  round_trip (&one);
  one = (RdNtlmChallenge) { .nb_computer = (char *) "NB" };
  round_trip (&one);
  one = (RdNtlmChallenge) { .nb_domain = (char *) "DOM" };
  round_trip (&one);
  one = (RdNtlmChallenge) { .dns_computer = (char *) "h.example" };
  round_trip (&one);
  one = (RdNtlmChallenge) { .dns_domain = (char *) "example" };
  round_trip (&one);
  one = (RdNtlmChallenge) { .dns_tree = (char *) "tree" };
  round_trip (&one);
  one = (RdNtlmChallenge) { .has_av_flags = TRUE, .av_flags = 0xffffffffu };
  round_trip (&one);
  one = (RdNtlmChallenge) { .has_timestamp = TRUE, .timestamp = G_MAXUINT64 };
  round_trip (&one);
  one = (RdNtlmChallenge) { .has_version = TRUE, .version_major = 255, .version_minor = 255,
                            .version_build = 65535, .ntlm_revision = 255 };
  one.negotiate_flags = RD_NTLM_NEGOTIATE_VERSION;
  round_trip (&one);
  one = (RdNtlmChallenge) { .target_name = (char *) "" };
  {
    g_autoptr(GBytes) encoded = rd_ntlm_encode_challenge (&one);
    RdNtlmChallenge out;

    /* An empty name is no name. */
    decode_ok (encoded, &out);
    g_assert_null (out.target_name);
    rd_ntlm_challenge_clear (&out);
  }
}

static void
test_filetime (void)
{
  const gint64 epoch_us = G_GINT64_CONSTANT (11644473600000000);
  /* 2019-06-13T10:38:35Z, nmap's rdp-ntlm-info example System_Time */
  const gint64 nmap_example_us = G_GINT64_CONSTANT (1560422315000000);
  const guint64 nmap_example_filetime = G_GUINT64_CONSTANT (132048959150000000);
  const guint64 odd_filetime = G_GUINT64_CONSTANT (0xd676564e5a0e9567);

  g_assert_cmpint (rd_ntlm_filetime_to_unix_us (G_GUINT64_CONSTANT (116444736000000000)), ==, 0);
  g_assert_cmpuint (rd_ntlm_unix_us_to_filetime (0), ==, G_GUINT64_CONSTANT (116444736000000000));
  g_assert_cmpint (rd_ntlm_filetime_to_unix_us (nmap_example_filetime), ==, nmap_example_us);
  g_assert_cmpuint (rd_ntlm_unix_us_to_filetime (nmap_example_us), ==, nmap_example_filetime);

  /* 100 ns ticks below a microsecond are dropped, never rounded up. */
  g_assert_cmpint (rd_ntlm_filetime_to_unix_us (nmap_example_filetime + 9), ==, nmap_example_us);
  g_assert_cmpuint (rd_ntlm_unix_us_to_filetime (rd_ntlm_filetime_to_unix_us (odd_filetime)), ==,
                    odd_filetime - odd_filetime % 10);

  /* The ends of both ranges, without overflow */
  g_assert_cmpint (rd_ntlm_filetime_to_unix_us (0), ==, -epoch_us);
  g_assert_cmpint (rd_ntlm_filetime_to_unix_us (G_MAXUINT64), ==, (gint64) (G_MAXUINT64 / 10) - epoch_us);
  g_assert_cmpuint (rd_ntlm_unix_us_to_filetime (-epoch_us), ==, 0);
  g_assert_cmpuint (rd_ntlm_unix_us_to_filetime (-epoch_us + 1), ==, 10);
  g_assert_cmpuint (rd_ntlm_unix_us_to_filetime (G_MININT64), ==, 0);
  g_assert_cmpuint (rd_ntlm_unix_us_to_filetime (G_MAXINT64), ==, G_MAXUINT64);
}

static void
write_corpus (void)
{
  static const struct
  {
    const char *name;
    const char *hex;
  } seeds[] = {
    { "spec-4-2-4-3", SPEC_4_2_4_3 },
    { "spec-4-2-2-3", SPEC_4_2_2_3 },
    { "redemption-win7", REDEMPTION_WIN7 },
  };

  for (guint i = 0; i < G_N_ELEMENTS (seeds); i++)
    {
      g_autoptr(GBytes) bytes = rd_test_hex (seeds[i].hex);

      rd_test_write_corpus ("ntlm-challenge", seeds[i].name, bytes);
    }
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  write_corpus ();

  g_test_add_func ("/Rd/Proto/Ntlm/negotiate", test_negotiate);
  g_test_add_func ("/Rd/Proto/Ntlm/spec-4-2-4-3", test_spec_4_2_4_3);
  g_test_add_func ("/Rd/Proto/Ntlm/spec-4-2-2-3", test_spec_4_2_2_3);
  g_test_add_func ("/Rd/Proto/Ntlm/redemption-win7", test_redemption_win7);
  g_test_add_func ("/Rd/Proto/Ntlm/truncated", test_truncated);
  g_test_add_func ("/Rd/Proto/Ntlm/corrupt", test_corrupt);
  g_test_add_func ("/Rd/Proto/Ntlm/unaligned-and-oem", test_unaligned_and_oem);
  g_test_add_func ("/Rd/Proto/Ntlm/round-trip", test_round_trip);
  g_test_add_func ("/Rd/Proto/Ntlm/filetime", test_filetime);

  return g_test_run ();
}
