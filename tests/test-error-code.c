/* test-error-code.c: what users paste, decoded from the documented tables only
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <locale.h>
#include <string.h>

#include "rd-core.h"

typedef struct
{
  const char  *input;
  guint        n_codes;
  RdCodeKind   kind0;
  guint32      value0;
  gboolean     documented0;
  const char  *name0;
  RdCodeKind   kind1;
  guint32      value1;
  const char  *name1;
} Case;

static const Case cases[] = {
  { "0x904", 1, RD_CODE_KIND_DISCONNECT_REASON, 0x904, TRUE, "disconnectReasonAtClientWinsockFDCLOSE" },
  { "2308", 1, RD_CODE_KIND_DISCONNECT_REASON, 0x904, TRUE, "disconnectReasonAtClientWinsockFDCLOSE" },
  { "0x904:0x7", 2, RD_CODE_KIND_DISCONNECT_REASON, 0x904, TRUE, "disconnectReasonAtClientWinsockFDCLOSE",
    RD_CODE_KIND_EXTENDED_REASON, 7, "exDiscReasonServerDeniedConnection" },
  { "0x904 / 0x7", 2, RD_CODE_KIND_DISCONNECT_REASON, 0x904, TRUE, NULL, RD_CODE_KIND_EXTENDED_REASON, 7, NULL },
  { "Error code: 0x904\nExtended error code: 0x7", 2, RD_CODE_KIND_DISCONNECT_REASON, 0x904, TRUE, NULL,
    RD_CODE_KIND_EXTENDED_REASON, 7, NULL },
  { "error code 0x904, extended error code 0x7", 2, RD_CODE_KIND_DISCONNECT_REASON, 0x904, TRUE, NULL,
    RD_CODE_KIND_EXTENDED_REASON, 7, NULL },
  { "0x7", 1, RD_CODE_KIND_EXTENDED_REASON, 7, TRUE, "exDiscReasonServerDeniedConnection" },
  { "0x808", 1, RD_CODE_KIND_DISCONNECT_REASON, 0x808, TRUE, "disconnectReasonLicensingFailed" },
  { "ERRCONNECT_CONNECT_TRANSPORT_FAILED", 1, RD_CODE_KIND_FREERDP_CONNECT, 0x2000D, TRUE, "ERRCONNECT_CONNECT_TRANSPORT_FAILED" },
  { "[ERROR][com.freerdp.core] - freerdp_post_connect failed: ERRCONNECT_CONNECT_TRANSPORT_FAILED [0x0002000D]",
    1, RD_CODE_KIND_FREERDP_CONNECT, 0x2000D, TRUE, "ERRCONNECT_CONNECT_TRANSPORT_FAILED" },
  { "0x0002000D", 1, RD_CODE_KIND_FREERDP_CONNECT, 0x2000D, TRUE, "ERRCONNECT_CONNECT_TRANSPORT_FAILED" },
  { "0x00010007", 1, RD_CODE_KIND_FREERDP_ERRINFO, 0x10007, TRUE, "ERRINFO_SERVER_DENIED_CONNECTION" },
  { "errinfo_license_no_license_server", 1, RD_CODE_KIND_FREERDP_ERRINFO, 0x10101, TRUE, "ERRINFO_LICENSE_NO_LICENSE_SERVER" },
  { "0x0002001E", 1, RD_CODE_KIND_FREERDP_CONNECT, 0x2001E, TRUE, "ERRCONNECT_HYBRID_REQUIRED_BY_SERVER" },
  /* never guessed: codes in no documented table */
  { "0x1104", 1, RD_CODE_KIND_DISCONNECT_REASON, 0x1104, FALSE, NULL },
  { "0xB09", 1, RD_CODE_KIND_DISCONNECT_REASON, 0xB09, FALSE, NULL },
  { "0x0002FFFF", 1, RD_CODE_KIND_FREERDP_CONNECT, 0x2FFFF, FALSE, NULL },
};

static void
test_cases (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      const Case *c = &cases[i];
      g_autoptr(GError) error = NULL;
      g_autoptr(RdErrorCode) code = rd_error_code_parse (c->input, &error);
      const RdDecodedCode *first;

      g_test_message ("input %u: %s", i, c->input);
      g_assert_no_error (error);
      g_assert_cmpuint (rd_error_code_get_n_codes (code), ==, c->n_codes);
      first = rd_error_code_get_code (code, 0);
      g_assert_cmpint (first->kind, ==, c->kind0);
      g_assert_cmpuint (first->value, ==, c->value0);
      g_assert_cmpint (first->documented, ==, c->documented0);
      if (c->name0 != NULL)
        g_assert_cmpstr (first->name, ==, c->name0);
      if (!c->documented0)
        {
          g_assert_null (first->name);
          g_assert_nonnull (strstr (first->meaning, "not in any of the documented tables"));
        }
      if (c->n_codes > 1)
        {
          const RdDecodedCode *second = rd_error_code_get_code (code, 1);
          g_assert_cmpint (second->kind, ==, c->kind1);
          g_assert_cmpuint (second->value, ==, c->value1);
          if (c->name1 != NULL)
            g_assert_cmpstr (second->name, ==, c->name1);
        }
    }
}

static void
test_refused (void)
{
  const char *bad[] = { "", "   ", "hello", "\xff\xfe", "0xZZ" };

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(RdErrorCode) code = rd_error_code_parse (bad[i], &error);

      g_assert_null (code);
      g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
    }
}

static void
test_phases (void)
{
  g_autoptr(RdErrorCode) classic = rd_error_code_parse ("0x904 0x7", NULL);
  g_autoptr(RdErrorCode) licence = rd_error_code_parse ("0x808", NULL);
  g_autoptr(RdErrorCode) dns = rd_error_code_parse ("ERRCONNECT_DNS_NAME_NOT_FOUND", NULL);
  g_autoptr(RdErrorCode) unknown = rd_error_code_parse ("0x3104", NULL);

  g_assert_true (rd_error_code_points_at (classic, RD_CODE_PHASE_SERVER));
  g_assert_true (rd_error_code_points_at (licence, RD_CODE_PHASE_LICENSING));
  g_assert_true (rd_error_code_points_at (dns, RD_CODE_PHASE_DNS));
  /* an undocumented code points nowhere */
  for (int phase = RD_CODE_PHASE_NONE; phase <= RD_CODE_PHASE_GATEWAY; phase++)
    g_assert_false (rd_error_code_points_at (unknown, phase));
}

static void
test_describe_and_json (void)
{
  g_autoptr(RdErrorCode) code = rd_error_code_parse ("0x904 / 0x7", NULL);
  g_autofree char *text = rd_error_code_describe (code);
  g_autoptr(JsonNode) node = rd_error_code_to_json (code);
  JsonArray *codes = json_object_get_array_member (json_node_get_object (node), "codes");

  g_assert_nonnull (strstr (text, "0x904"));
  g_assert_nonnull (strstr (text, "0x7"));
  g_assert_nonnull (strstr (text, "denied"));
  g_assert_cmpuint (json_array_get_length (codes), ==, 2);
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (codes, 0), "hex"), ==, "0x904");
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (codes, 1), "kind"), ==, "extended_reason");
}

int
main (int   argc,
      char *argv[])
{
  setlocale (LC_ALL, "C.UTF-8");
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/Rd/ErrorCode/cases", test_cases);
  g_test_add_func ("/Rd/ErrorCode/refused", test_refused);
  g_test_add_func ("/Rd/ErrorCode/phases", test_phases);
  g_test_add_func ("/Rd/ErrorCode/describe-and-json", test_describe_and_json);

  return g_test_run ();
}
