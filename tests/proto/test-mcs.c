/* test-mcs.c: MCS Connect Initial / Connect Response with GCC Conference
 * Create Request / Response (MS-RDPBCGR 2.2.1.3, 2.2.1.4), byte for byte
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "test-mcs"

#include "config.h"

#include "rd-mcs.h"
#include "rd-x224.h"
#include "rd-proto-test-util.h"

/* MS-RDPBCGR 4.1.3 Client MCS Connect Initial PDU with GCC Conference Create
 * Request (416 bytes), as the spec prints it. */
#define SPEC_4_1_3 \
  "03 00 01 a0 02 f0 80 7f 65 82 01 94 04 01 01 04" \
  "01 01 01 01 ff 30 19 02 01 22 02 01 02 02 01 00" \
  "02 01 01 02 01 00 02 01 01 02 02 ff ff 02 01 02" \
  "30 19 02 01 01 02 01 01 02 01 01 02 01 01 02 01" \
  "00 02 01 01 02 02 04 20 02 01 02 30 1c 02 02 ff" \
  "ff 02 02 fc 17 02 02 ff ff 02 01 01 02 01 00 02" \
  "01 01 02 02 ff ff 02 01 02 04 82 01 33 00 05 00" \
  "14 7c 00 01 81 2a 00 08 00 10 00 01 c0 00 44 75" \
  "63 61 81 1c 01 c0 d8 00 04 00 08 00 00 05 00 04" \
  "01 ca 03 aa 09 04 00 00 ce 0e 00 00 45 00 4c 00" \
  "54 00 4f 00 4e 00 53 00 2d 00 44 00 45 00 56 00" \
  "32 00 00 00 00 00 00 00 00 00 00 00 04 00 00 00" \
  "00 00 00 00 0c 00 00 00 00 00 00 00 00 00 00 00" \
  "00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00" \
  "00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00" \
  "00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00" \
  "00 00 00 00 00 00 00 00 01 ca 01 00 00 00 00 00" \
  "18 00 07 00 01 00 36 00 39 00 37 00 31 00 32 00" \
  "2d 00 37 00 38 00 33 00 2d 00 30 00 33 00 35 00" \
  "37 00 39 00 37 00 34 00 2d 00 34 00 32 00 37 00" \
  "31 00 34 00 00 00 00 00 00 00 00 00 00 00 00 00" \
  "00 00 00 00 00 00 00 00 00 00 00 00 04 c0 0c 00" \
  "0d 00 00 00 00 00 00 00 02 c0 0c 00 1b 00 00 00" \
  "00 00 00 00 03 c0 2c 00 03 00 00 00 72 64 70 64" \
  "72 00 00 00 00 00 80 80 63 6c 69 70 72 64 72 00" \
  "00 00 a0 c0 72 64 70 73 6e 64 00 00 00 00 00 c0"

/* MS-RDPBCGR 4.1.4 Server MCS Connect Response PDU with GCC Conference
 * Create Response (337 bytes): Client Compatible, 128-bit RC4, a proprietary
 * certificate. */
#define SPEC_4_1_4_RANDOM \
  "10 11 77 20 30 61 0a 12 e4 34 a1 1e f2 c3 9f 31" \
  "7d a4 5f 01 89 34 96 e0 ff 11 08 69 7f 1a c3 d2"
#define SPEC_4_1_4_CERT \
  "01 00 00 00 01 00 00 00 01 00 00 00 06 00 5c 00" \
  "52 53 41 31 48 00 00 00 00 02 00 00 3f 00 00 00" \
  "01 00 01 00 cb 81 fe ba 6d 61 c3 55 05 d5 5f 2e" \
  "87 f8 71 94 d6 f1 a5 cb f1 5f 0c 3d f8 70 02 96" \
  "c4 fb 9b c8 3c 2d 55 ae e8 ff 32 75 ea 68 79 e5" \
  "a2 01 fd 31 a0 b1 1f 55 a6 1f c1 f6 d1 83 88 63" \
  "26 56 12 bc 00 00 00 00 00 00 00 00 08 00 48 00" \
  "e9 e1 d6 28 46 8b 4e f5 0a df fd ee 21 99 ac b4" \
  "e1 8f 5f 81 57 82 ef 9d 96 52 63 27 18 29 db b3" \
  "4a fd 9a da 42 ad b5 69 21 89 0e 1d c0 4c 1a a8" \
  "aa 71 3e 0f 54 b9 9a e4 99 68 3f 6c d6 76 84 61" \
  "00 00 00 00 00 00 00 00"
#define SPEC_4_1_4 \
  "03 00 01 51 02 f0 80 7f 66 82 01 45 0a 01 00 02" \
  "01 00 30 1a 02 01 22 02 01 03 02 01 00 02 01 01" \
  "02 01 00 02 01 01 02 03 00 ff f8 02 01 02 04 82" \
  "01 1f 00 05 00 14 7c 00 01 2a 14 76 0a 01 01 00" \
  "01 c0 00 4d 63 44 6e 81 08 01 0c 0c 00 04 00 08" \
  "00 00 00 00 00 03 0c 10 00 eb 03 03 00 ec 03 ed" \
  "03 ee 03 00 00 02 0c ec 00 02 00 00 00 02 00 00" \
  "00 20 00 00 00 b8 00 00 00" SPEC_4_1_4_RANDOM SPEC_4_1_4_CERT

/* Built from the 2.2.1.4 layout: the refusal of 3.3.5.3.3.1, a result alone */
#define REFUSAL \
  "03 00 00 0d 02 f0 80 7f 66 03 0a 01 0e"

static gboolean
decode_initial (const guint8  *data,
                gsize          length,
                GError       **error)
{
  RdMcsConnectInitial initial;
  gboolean ok = rd_mcs_decode_connect_initial (data, length, &initial, error);

  rd_mcs_connect_initial_clear (&initial);
  return ok;
}

static gboolean
decode_response (const guint8  *data,
                 gsize          length,
                 GError       **error)
{
  RdMcsConnectResponse response;
  gboolean ok = rd_mcs_decode_connect_response (data, length, &response, error);

  rd_mcs_connect_response_clear (&response);
  return ok;
}

static void
set_spec_4_1_3 (RdMcsConnectInitial *initial)
{
  static const RdMcsChannelDef channels[] = {
    { "rdpdr", 0x80800000 }, { "cliprdr", 0xc0a00000 }, { "rdpsnd", 0xc0000000 },
  };

  memset (initial, 0, sizeof *initial);
  initial->version = 0x00080004;
  initial->desktop_width = 1280;
  initial->desktop_height = 1024;
  initial->color_depth = 0xca01;
  initial->sas_sequence = 0xaa03;
  initial->keyboard_layout = 0x409;
  initial->client_build = 3790;
  initial->client_name = g_strdup ("ELTONS-DEV2");
  initial->keyboard_type = 4;
  initial->keyboard_function_key = 12;
  initial->post_beta2_color_depth = 0xca01;
  initial->client_product_id = 1;
  initial->high_color_depth = 24;
  initial->supported_color_depths = 7;
  initial->early_capability_flags = 1;
  initial->client_dig_product_id = g_strdup ("69712-783-0357974-42714");
  initial->has_cluster = TRUE;
  initial->cluster_flags = 0x0d;
  initial->encryption_methods = 0x1b;
  initial->has_network = TRUE;
  initial->n_channels = G_N_ELEMENTS (channels);
  memcpy (initial->channels, channels, sizeof channels);
}

static void
test_spec_4_1_3 (void)
{
  g_autoptr(GBytes) expected = rd_test_hex (SPEC_4_1_3);
  g_autoptr(GBytes) encoded = NULL;
  g_autoptr(GError) error = NULL;
  RdMcsConnectInitial spec, decoded;
  gsize size;
  const guint8 *data = g_bytes_get_data (expected, &size);
  g_autofree guint8 *copy = rd_test_exact_copy (data, size);

  g_assert_cmpuint (size, ==, 416);

  set_spec_4_1_3 (&spec);
  encoded = rd_mcs_encode_connect_initial (&spec);
  rd_test_assert_bytes_equal (encoded, expected);

  g_assert_true (rd_mcs_decode_connect_initial (copy, size, &decoded, &error));
  g_assert_no_error (error);
  g_assert_cmphex (decoded.version, ==, 0x00080004);
  g_assert_cmpuint (decoded.desktop_width, ==, 1280);
  g_assert_cmpuint (decoded.desktop_height, ==, 1024);
  g_assert_cmpuint (decoded.client_build, ==, 3790);
  g_assert_cmpstr (decoded.client_name, ==, "ELTONS-DEV2");
  g_assert_cmpstr (decoded.client_dig_product_id, ==, "69712-783-0357974-42714");
  g_assert_cmpuint (decoded.server_selected_protocol, ==, RD_PROTOCOL_RDP);
  g_assert_true (decoded.has_cluster);
  g_assert_cmphex (decoded.cluster_flags, ==, 0x0d);
  g_assert_cmphex (decoded.encryption_methods, ==, RD_ENCRYPTION_METHODS_ALL);
  g_assert_true (decoded.has_network);
  g_assert_cmpuint (decoded.n_channels, ==, 3);
  g_assert_cmpstr (decoded.channels[0].name, ==, "rdpdr");
  g_assert_cmpstr (decoded.channels[1].name, ==, "cliprdr");
  g_assert_cmpstr (decoded.channels[2].name, ==, "rdpsnd");
  g_assert_cmphex (decoded.channels[1].options, ==, 0xc0a00000);

  rd_mcs_connect_initial_clear (&decoded);
  rd_mcs_connect_initial_clear (&spec);
}

static void
test_spec_4_1_4 (void)
{
  g_autoptr(GBytes) expected = rd_test_hex (SPEC_4_1_4);
  g_autoptr(GBytes) random = rd_test_hex (SPEC_4_1_4_RANDOM);
  g_autoptr(GBytes) cert = rd_test_hex (SPEC_4_1_4_CERT);
  g_autoptr(GBytes) encoded = NULL;
  g_autoptr(GError) error = NULL;
  RdMcsConnectResponse decoded;
  gsize size;
  const guint8 *data = g_bytes_get_data (expected, &size);
  g_autofree guint8 *copy = rd_test_exact_copy (data, size);

  g_assert_cmpuint (size, ==, 337);
  rd_test_write_corpus ("mcs-connect-response", "spec-4-1-4", expected);

  g_assert_true (rd_mcs_decode_connect_response (copy, size, &decoded, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (decoded.result, ==, RD_MCS_RESULT_SUCCESSFUL);
  g_assert_true (decoded.has_user_data);
  g_assert_cmphex (decoded.version, ==, 0x00080004);
  g_assert_cmpstr (rd_rdp_version_to_string (decoded.version), ==, "RDP 5.0 to 8.1");
  g_assert_true (decoded.has_client_requested_protocols);
  g_assert_cmphex (decoded.client_requested_protocols, ==, RD_PROTOCOL_RDP);
  g_assert_false (decoded.has_early_capability_flags);
  g_assert_cmphex (decoded.encryption_method, ==, RD_ENCRYPTION_METHOD_128BIT);
  g_assert_cmpuint (decoded.encryption_level, ==, RD_ENCRYPTION_LEVEL_CLIENT_COMPATIBLE);
  g_assert_cmpuint (decoded.server_random_length, ==, 32);
  g_assert_cmpuint (decoded.server_cert_length, ==, 184);
  g_assert_cmpuint (decoded.cert_version, ==, RD_CERT_CHAIN_VERSION_1);
  g_assert_false (decoded.cert_temporary);
  g_assert_true (g_bytes_equal (decoded.server_random, random));
  g_assert_true (g_bytes_equal (decoded.server_cert, cert));
  g_assert_true (decoded.has_network);
  g_assert_cmpuint (decoded.mcs_channel_id, ==, 1003);
  g_assert_cmpuint (decoded.n_channels, ==, 3);
  g_assert_cmpuint (decoded.channel_ids[0], ==, 1004);
  g_assert_cmpuint (decoded.channel_ids[2], ==, 1006);

  /* the test server writes it back byte for byte */
  encoded = rd_mcs_encode_connect_response (&decoded);
  rd_test_assert_bytes_equal (encoded, expected);
  rd_mcs_connect_response_clear (&decoded);
}

static void
test_refusal (void)
{
  g_autoptr(GBytes) expected = rd_test_hex (REFUSAL);
  g_autoptr(GBytes) encoded = NULL;
  g_autoptr(GError) error = NULL;
  RdMcsConnectResponse response = { .result = 14 };
  RdMcsConnectResponse decoded;

  rd_test_write_corpus ("mcs-connect-response", "refusal", expected);
  encoded = rd_mcs_encode_connect_response (&response);
  rd_test_assert_bytes_equal (encoded, expected);
  g_assert_true (rd_mcs_decode_connect_response (g_bytes_get_data (expected, NULL),
                                                 g_bytes_get_size (expected), &decoded, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (decoded.result, ==, 14);
  g_assert_false (decoded.has_user_data);
}

static void
test_probe_round_trip (void)
{
  RdMcsConnectInitial probe, decoded;
  g_autoptr(GBytes) encoded = NULL;
  g_autoptr(GError) error = NULL;

  rd_mcs_connect_initial_init_probe (&probe, RD_PROTOCOL_RDP);
  encoded = rd_mcs_encode_connect_initial (&probe);
  rd_test_assert_prefixes_truncated (decode_initial, encoded);

  g_assert_true (rd_mcs_decode_connect_initial (g_bytes_get_data (encoded, NULL), g_bytes_get_size (encoded),
                                                &decoded, &error));
  g_assert_no_error (error);
  g_assert_cmphex (decoded.encryption_methods, ==, RD_ENCRYPTION_METHODS_ALL);
  g_assert_true (decoded.has_network);
  g_assert_cmpuint (decoded.n_channels, ==, 0);
  g_assert_cmpstr (decoded.client_name, ==, "rdp-doctor");
  rd_mcs_connect_initial_clear (&decoded);
  rd_mcs_connect_initial_clear (&probe);
}

/* Each level with the method and certificate a server would send */
static void
test_response_round_trip (void)
{
  static const struct { guint32 level, method, cert_version; gboolean early; } cases[] = {
    { RD_ENCRYPTION_LEVEL_NONE, RD_ENCRYPTION_METHOD_NONE, 0, FALSE },
    { RD_ENCRYPTION_LEVEL_LOW, RD_ENCRYPTION_METHOD_40BIT, RD_CERT_CHAIN_VERSION_1, FALSE },
    { RD_ENCRYPTION_LEVEL_CLIENT_COMPATIBLE, RD_ENCRYPTION_METHOD_128BIT, RD_CERT_CHAIN_VERSION_1, TRUE },
    { RD_ENCRYPTION_LEVEL_HIGH, RD_ENCRYPTION_METHOD_128BIT, RD_CERT_CHAIN_VERSION_2 | 0x80000000u, TRUE },
    { RD_ENCRYPTION_LEVEL_FIPS, RD_ENCRYPTION_METHOD_FIPS, RD_CERT_CHAIN_VERSION_2, FALSE },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      guint8 random[32] = { 1, 2, 3 };
      guint8 cert[20] = { 0 };
      RdMcsConnectResponse response = {
        .has_user_data = TRUE,
        .version = 0x0008000c,
        .has_client_requested_protocols = TRUE,
        .has_early_capability_flags = cases[i].early,
        .early_capability_flags = 1,
        .encryption_level = cases[i].level,
        .encryption_method = cases[i].method,
        .has_network = TRUE,
        .mcs_channel_id = 1003,
        .n_channels = 0,
      };
      RdMcsConnectResponse decoded;
      g_autoptr(GBytes) encoded = NULL;
      g_autoptr(GError) error = NULL;
      g_autofree char *name = g_strdup_printf ("level-%u", cases[i].level);

      if (cases[i].level != RD_ENCRYPTION_LEVEL_NONE)
        {
          cert[0] = cases[i].cert_version & 0xff;
          cert[3] = cases[i].cert_version >> 24;
          response.server_random = g_bytes_new (random, sizeof random);
          response.server_cert = g_bytes_new (cert, sizeof cert);
        }
      encoded = rd_mcs_encode_connect_response (&response);
      rd_test_write_corpus ("mcs-connect-response", name, encoded);
      rd_test_assert_prefixes_truncated (decode_response, encoded);

      g_assert_true (rd_mcs_decode_connect_response (g_bytes_get_data (encoded, NULL), g_bytes_get_size (encoded),
                                                     &decoded, &error));
      g_assert_no_error (error);
      g_assert_cmpuint (decoded.encryption_level, ==, cases[i].level);
      g_assert_cmphex (decoded.encryption_method, ==, cases[i].method);
      g_assert_cmpuint (decoded.cert_version, ==, cases[i].cert_version & 0x7fffffffu);
      g_assert_cmpint (decoded.cert_temporary, ==, (cases[i].cert_version & 0x80000000u) != 0);
      g_assert_cmpint (decoded.has_early_capability_flags, ==, cases[i].early);
      g_assert_cmpuint (decoded.server_random_length, ==, cases[i].level != 0 ? 32 : 0);
      g_assert_cmphex (decoded.version, ==, 0x0008000c);
      g_assert_cmpstr (rd_rdp_version_to_string (decoded.version), ==, "RDP 10.7");
      rd_mcs_connect_response_clear (&decoded);
      rd_mcs_connect_response_clear (&response);
    }
}

static void
test_truncated (void)
{
  g_autoptr(GBytes) initial = rd_test_hex (SPEC_4_1_3);
  g_autoptr(GBytes) response = rd_test_hex (SPEC_4_1_4);
  g_autoptr(GBytes) refusal = rd_test_hex (REFUSAL);

  rd_test_assert_prefixes_truncated (decode_initial, initial);
  rd_test_assert_prefixes_truncated (decode_response, response);
  rd_test_assert_prefixes_truncated (decode_response, refusal);
}

/* Length fields that claim more than their container holds */
static void
test_oversized (void)
{
  static const struct { gsize offset; guint8 value; } response_cases[] = {
    { 0x0a, 0x02 },  /* Connect-Response BER length 0x0245 */
    { 0x30, 0x02 },  /* userData 0x021f */
    { 0x47, 0x82 },  /* GCC user data PER length 0x0208 */
    { 0x4c, 0x01 },  /* Server Core Data length 0x010c */
    { 0x68, 0xff },  /* Server Security Data length 0xffec */
    { 0x72, 0x01 },  /* serverRandomLen 0x120 */
    { 0x76, 0x01 },  /* serverCertLen 0x1b8 */
    { 0x78, 0xff },  /* serverCertLen 0xff0000b8 */
    { 0x5b, 0x40 },  /* Server Network Data channelCount 0x40 */
  };
  static const struct { gsize offset; guint8 value; } initial_cases[] = {
    { 0x0b, 0x95 },  /* Connect-Initial BER length 0x0195 */
    { 0x6c, 0x34 },  /* userData 0x0134 */
    { 0x83, 0x1d },  /* GCC user data PER length 0x011d */
    { 0x87, 0x02 },  /* Client Core Data length 0x02d8 */
    { 0x178, 0x20 }, /* channelCount 32 */
  };
  g_autoptr(GBytes) response = rd_test_hex (SPEC_4_1_4);
  g_autoptr(GBytes) initial = rd_test_hex (SPEC_4_1_3);

  for (guint i = 0; i < G_N_ELEMENTS (response_cases); i++)
    {
      g_autoptr(GBytes) bad = rd_test_patch (response, response_cases[i].offset, response_cases[i].value);

      g_test_message ("response case %u", i);
      rd_test_assert_decode_fails_bytes (decode_response, bad, RD_PROTO_ERROR_OVERSIZED);
    }
  for (guint i = 0; i < G_N_ELEMENTS (initial_cases); i++)
    {
      g_autoptr(GBytes) bad = rd_test_patch (initial, initial_cases[i].offset, initial_cases[i].value);

      g_test_message ("initial case %u", i);
      rd_test_assert_decode_fails_bytes (decode_initial, bad, RD_PROTO_ERROR_OVERSIZED);
    }
}

static void
test_corrupt (void)
{
  static const struct { gsize offset; guint8 value; } cases[] = {
    { 0x00, 0x02 },  /* TPKT version */
    { 0x05, 0xd0 },  /* X.224 code: a Connection Confirm */
    { 0x08, 0x65 },  /* a Connect-Initial tag */
    { 0x0c, 0x02 },  /* result not ENUMERATED */
    { 0x32, 0x06 },  /* T.124 key */
    { 0x43, 0x4e },  /* H.221 key "NcDn" */
    { 0x4b, 0x03 },  /* Server Core Data length 3 */
  };
  g_autoptr(GBytes) response = rd_test_hex (SPEC_4_1_4);
  g_autoptr(GBytes) longer = rd_test_append (response, "00");

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GBytes) bad = rd_test_patch (response, cases[i].offset, cases[i].value);

      g_test_message ("case %u", i);
      rd_test_assert_decode_fails_bytes (decode_response, bad, RD_PROTO_ERROR_INVALID);
    }
  rd_test_assert_decode_fails_bytes (decode_response, longer, RD_PROTO_ERROR_INVALID);
}

static void
test_names (void)
{
  guint32 method;

  g_assert_cmpstr (rd_encryption_level_to_string (RD_ENCRYPTION_LEVEL_NONE), ==, "none");
  g_assert_cmpstr (rd_encryption_level_to_string (RD_ENCRYPTION_LEVEL_CLIENT_COMPATIBLE), ==, "client-compatible");
  g_assert_cmpstr (rd_encryption_level_to_string (RD_ENCRYPTION_LEVEL_FIPS), ==, "fips");
  g_assert_null (rd_encryption_level_to_string (5));
  g_assert_cmpstr (rd_encryption_method_to_string (RD_ENCRYPTION_METHOD_56BIT), ==, "56bit");
  g_assert_null (rd_encryption_method_to_string (0x03));
  g_assert_cmpstr (rd_rdp_version_to_string (0x00080001), ==, "RDP 4.0");
  g_assert_cmpstr (rd_rdp_version_to_string (0x00080005), ==, "RDP 10.0");
  g_assert_cmpstr (rd_rdp_version_to_string (0x00080011), ==, "RDP 10.12");
  g_assert_null (rd_rdp_version_to_string (0x00080012));
  g_assert_null (rd_rdp_version_to_string (0x00080002));

  /* 5.3.6 and 5.3.2.1 */
  g_assert_cmphex (rd_encryption_level_allowed_methods (RD_ENCRYPTION_LEVEL_LOW), ==, 0x0b);
  g_assert_cmphex (rd_encryption_level_allowed_methods (RD_ENCRYPTION_LEVEL_HIGH), ==, 0x02);
  g_assert_true (rd_encryption_level_expected_method (RD_ENCRYPTION_LEVEL_LOW, RD_ENCRYPTION_METHODS_ALL, &method));
  g_assert_cmphex (method, ==, RD_ENCRYPTION_METHOD_128BIT);
  g_assert_true (rd_encryption_level_expected_method (RD_ENCRYPTION_LEVEL_CLIENT_COMPATIBLE, 0x09, &method));
  g_assert_cmphex (method, ==, RD_ENCRYPTION_METHOD_56BIT);
  g_assert_false (rd_encryption_level_expected_method (RD_ENCRYPTION_LEVEL_HIGH, 0x09, &method));
  g_assert_true (rd_encryption_level_expected_method (RD_ENCRYPTION_LEVEL_FIPS, RD_ENCRYPTION_METHODS_ALL, &method));
  g_assert_cmphex (method, ==, RD_ENCRYPTION_METHOD_FIPS);
  g_assert_true (rd_encryption_level_expected_method (RD_ENCRYPTION_LEVEL_NONE, RD_ENCRYPTION_METHODS_ALL, &method));
  g_assert_cmphex (method, ==, RD_ENCRYPTION_METHOD_NONE);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/Rd/Proto/Mcs/spec-4-1-3", test_spec_4_1_3);
  g_test_add_func ("/Rd/Proto/Mcs/spec-4-1-4", test_spec_4_1_4);
  g_test_add_func ("/Rd/Proto/Mcs/refusal", test_refusal);
  g_test_add_func ("/Rd/Proto/Mcs/round-trip/probe", test_probe_round_trip);
  g_test_add_func ("/Rd/Proto/Mcs/round-trip/response", test_response_round_trip);
  g_test_add_func ("/Rd/Proto/Mcs/truncated", test_truncated);
  g_test_add_func ("/Rd/Proto/Mcs/oversized", test_oversized);
  g_test_add_func ("/Rd/Proto/Mcs/corrupt", test_corrupt);
  g_test_add_func ("/Rd/Proto/Mcs/names", test_names);

  return g_test_run ();
}
