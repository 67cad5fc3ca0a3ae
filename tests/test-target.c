/* test-target.c: what users type, good and bad
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <locale.h>
#include <string.h>

#include "rd-core.h"

typedef struct
{
  const char *input;
  const char *host;      /* NULL: must be refused */
  guint16     port;
  int         error;     /* RdTargetError when refused */
  const char *message;   /* a part the message must contain, or NULL */
} Case;

static const Case cases[] = {
  /* good */
  { "server", "server", 3389 },
  { "server.example.com", "server.example.com", 3389 },
  { "server.example.com.", "server.example.com.", 3389 },
  { "  server.example.com \n", "server.example.com", 3389 },
  { "server:3390", "server", 3390 },
  { "server:1", "server", 1 },
  { "server:65535", "server", 65535 },
  { "192.0.2.10", "192.0.2.10", 3389 },
  { "192.0.2.10:3390", "192.0.2.10", 3390 },
  { "2001:db8::1", "2001:db8::1", 3389 },
  { "[2001:db8::1]", "2001:db8::1", 3389 },
  { "[2001:db8::1]:3390", "2001:db8::1", 3390 },
  { "::1", "::1", 3389 },
  { "[::ffff:192.0.2.1]:1", "::ffff:192.0.2.1", 1 },
  { "bücher.example", "xn--bcher-kva.example", 3389 },
  { "BÜCHER.example:4000", "xn--bcher-kva.example", 4000 },
  { "münchen-pc", "xn--mnchen-pc-q9a", 3389 },
  { "sql_server01.corp.example", "sql_server01.corp.example", 3389 },
  { "a-b.c-d", "a-b.c-d", 3389 },
  { "xn--bcher-kva.example", "xn--bcher-kva.example", 3389 },

  /* empty */
  { "", NULL, 0, RD_TARGET_ERROR_EMPTY, "Enter the name" },
  { "   ", NULL, 0, RD_TARGET_ERROR_EMPTY, NULL },
  { ":3389", NULL, 0, RD_TARGET_ERROR_EMPTY, NULL },
  /* white space and control characters */
  { "my server", NULL, 0, RD_TARGET_ERROR_WHITESPACE, "a space" },
  { "my\tserver", NULL, 0, RD_TARGET_ERROR_WHITESPACE, "a tab" },
  { "server\n;rm", NULL, 0, RD_TARGET_ERROR_WHITESPACE, "line break" },
  { "serv\x01" "er", NULL, 0, RD_TARGET_ERROR_CONTROL_CHARACTER, "U+0001" },
  { "server\xe2\x80\xae" "moc", NULL, 0, RD_TARGET_ERROR_CONTROL_CHARACTER, "U+202E" },
  { "serv\xc2\xa0" "er", NULL, 0, RD_TARGET_ERROR_WHITESPACE, "U+00A0" },
  { "\xff\xfe", NULL, 0, RD_TARGET_ERROR_INVALID_TEXT, "UTF-8" },
  /* shell metacharacters */
  { "bad host!", NULL, 0, RD_TARGET_ERROR_WHITESPACE, NULL },
  { "badhost!", NULL, 0, RD_TARGET_ERROR_SHELL_CHARACTER, "“!”" },
  { "host;reboot", NULL, 0, RD_TARGET_ERROR_SHELL_CHARACTER, "“;”" },
  { "$(id)", NULL, 0, RD_TARGET_ERROR_SHELL_CHARACTER, "“$”" },
  { "`id`", NULL, 0, RD_TARGET_ERROR_SHELL_CHARACTER, "“`”" },
  { "host|cat", NULL, 0, RD_TARGET_ERROR_SHELL_CHARACTER, NULL },
  { "host&", NULL, 0, RD_TARGET_ERROR_SHELL_CHARACTER, NULL },
  { "a'b", NULL, 0, RD_TARGET_ERROR_SHELL_CHARACTER, NULL },
  { "a\"b", NULL, 0, RD_TARGET_ERROR_SHELL_CHARACTER, NULL },
  { "a>b", NULL, 0, RD_TARGET_ERROR_SHELL_CHARACTER, NULL },
  { "user@host", NULL, 0, RD_TARGET_ERROR_SHELL_CHARACTER, "“@”" },
  { "fe80::1%eth0", NULL, 0, RD_TARGET_ERROR_SHELL_CHARACTER, "“%”" },
  /* ports */
  { "server:0", NULL, 0, RD_TARGET_ERROR_PORT_OUT_OF_RANGE, "1 to 65535" },
  { "server:65536", NULL, 0, RD_TARGET_ERROR_PORT_OUT_OF_RANGE, "65536" },
  { "server:99999999999999999999999", NULL, 0, RD_TARGET_ERROR_PORT_OUT_OF_RANGE, NULL },
  { "server:rdp", NULL, 0, RD_TARGET_ERROR_PORT_NOT_A_NUMBER, "“rdp”" },
  { "server:-1", NULL, 0, RD_TARGET_ERROR_PORT_NOT_A_NUMBER, NULL },
  { "server:", NULL, 0, RD_TARGET_ERROR_PORT_MISSING, NULL },
  { "[2001:db8::1]:", NULL, 0, RD_TARGET_ERROR_PORT_MISSING, NULL },
  { "[2001:db8::1]:0", NULL, 0, RD_TARGET_ERROR_PORT_OUT_OF_RANGE, NULL },
  /* addresses and brackets */
  { "[2001:db8::1", NULL, 0, RD_TARGET_ERROR_BRACKETS, "“]”" },
  { "[2001:db8::1]x", NULL, 0, RD_TARGET_ERROR_BRACKETS, NULL },
  { "host]", NULL, 0, RD_TARGET_ERROR_BRACKETS, NULL },
  { "[192.0.2.1]:3389", NULL, 0, RD_TARGET_ERROR_BRACKETS, "IPv6" },
  { "[server]", NULL, 0, RD_TARGET_ERROR_INVALID_ADDRESS, NULL },
  { "2001:db8::zz", NULL, 0, RD_TARGET_ERROR_INVALID_ADDRESS, NULL },
  { "999.1.1.1", NULL, 0, RD_TARGET_ERROR_INVALID_ADDRESS, "IPv4" },
  { "10.0.0", NULL, 0, RD_TARGET_ERROR_INVALID_ADDRESS, NULL },
  /* names */
  { "a..b", NULL, 0, RD_TARGET_ERROR_LABEL_INVALID, "empty part" },
  { ".example", NULL, 0, RD_TARGET_ERROR_LABEL_INVALID, NULL },
  { "-host.example", NULL, 0, RD_TARGET_ERROR_LABEL_INVALID, "hyphen" },
  { "host-.example", NULL, 0, RD_TARGET_ERROR_LABEL_INVALID, "hyphen" },
  { "host/path", NULL, 0, RD_TARGET_ERROR_INVALID_CHARACTER, "“/”" },
};

static void
test_cases (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      const Case *c = &cases[i];
      g_autoptr(GError) error = NULL;
      g_autoptr(RdTarget) target = rd_target_parse (c->input, RD_DEFAULT_RDP_PORT, &error);

      g_test_message ("input %u: “%s”", i, c->input);
      if (c->host != NULL)
        {
          g_assert_no_error (error);
          g_assert_nonnull (target);
          g_assert_cmpstr (rd_target_get_host (target), ==, c->host);
          g_assert_cmpuint (rd_target_get_port (target), ==, c->port);
        }
      else
        {
          g_assert_null (target);
          g_assert_error (error, RD_TARGET_ERROR, c->error);
          if (c->message != NULL)
            g_assert_nonnull (strstr (error->message, c->message));
        }
    }
}

static void
test_long_names (void)
{
  g_autoptr(GString) name = g_string_new (NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(RdTarget) ok = NULL;
  g_autoptr(RdTarget) too_long = NULL;
  g_autofree char *label63 = g_strnfill (63, 'a');
  g_autofree char *label64 = g_strnfill (64, 'a');
  g_autoptr(RdTarget) label_ok = rd_target_parse (label63, 3389, &error);
  g_autoptr(RdTarget) label_bad = NULL;

  g_assert_no_error (error);
  g_assert_nonnull (label_ok);
  label_bad = rd_target_parse (label64, 3389, &error);
  g_assert_null (label_bad);
  g_assert_error (error, RD_TARGET_ERROR, RD_TARGET_ERROR_LABEL_TOO_LONG);
  g_clear_error (&error);

  /* 4 × 63 + 3 dots = 255 > 253; 3 × 63 + 61 + 3 dots = 253 */
  g_string_append_printf (name, "%s.%s.%s.%s", label63, label63, label63, label63);
  too_long = rd_target_parse (name->str, 3389, &error);
  g_assert_null (too_long);
  g_assert_error (error, RD_TARGET_ERROR, RD_TARGET_ERROR_NAME_TOO_LONG);
  g_assert_nonnull (strstr (error->message, "253"));
  g_clear_error (&error);

  g_string_truncate (name, 3 * 64);
  g_string_append_len (name, label63, 61);
  g_assert_cmpuint (name->len, ==, 253);
  ok = rd_target_parse (name->str, 3389, &error);
  g_assert_no_error (error);
  g_assert_nonnull (ok);
}

static void
test_parts (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(RdTarget) a = rd_target_new_from_parts ("server", "3390", 3389, &error);
  g_autoptr(RdTarget) b = NULL;
  g_autoptr(RdTarget) c = NULL;

  g_assert_no_error (error);
  g_assert_cmpuint (rd_target_get_port (a), ==, 3390);

  b = rd_target_new_from_parts ("server:3391", "3390", 3389, &error);
  g_assert_null (b);
  g_assert_nonnull (error);
  g_clear_error (&error);

  c = rd_target_new_from_parts ("[2001:db8::1]", "", 3389, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (rd_target_get_port (c), ==, 3389);
}

static void
test_to_string (void)
{
  g_autoptr(RdTarget) v6 = rd_target_parse ("[2001:db8::1]:3390", 3389, NULL);
  g_autoptr(RdTarget) idn = rd_target_parse ("bücher.example", 3389, NULL);
  g_autofree char *v6_text = rd_target_to_string (v6);
  g_autofree char *idn_text = rd_target_to_string (idn);

  g_assert_cmpstr (v6_text, ==, "[2001:db8::1]:3390");
  g_assert_cmpstr (idn_text, ==, "xn--bcher-kva.example:3389");
  g_assert_cmpstr (rd_target_get_display_host (idn), ==, "bücher.example");
}

int
main (int   argc,
      char *argv[])
{
  setlocale (LC_ALL, "C.UTF-8");
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/Rd/Target/cases", test_cases);
  g_test_add_func ("/Rd/Target/long-names", test_long_names);
  g_test_add_func ("/Rd/Target/parts", test_parts);
  g_test_add_func ("/Rd/Target/to-string", test_to_string);

  return g_test_run ();
}
