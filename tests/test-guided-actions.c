/* test-guided-actions.c: the mechanical parts of the fixes: the server fix
 * script, the client launcher, the DNS cache flush; and that no hostile name
 * or text placed in a command or a script can do more than be shown
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <locale.h>
#include <string.h>
#include <glib/gstdio.h>

#include "rd-core.h"
#include "rd-client-launcher.h"
#include "rd-dns-cache.h"
#include "rd-server-evidence.h"
#include "rd-server-script.h"
#include "rd-test-util.h"

/* ---- a small PowerShell lexer, for checking what is code ---- */

/* PowerShell takes the typographic quotes as quotes too
 * (System.Management.Automation.Language.CharExtensions) */
static gboolean
is_single_quote (gunichar c)
{
  return c == '\'' || c == 0x2018 || c == 0x2019 || c == 0x201A || c == 0x201B;
}

static gboolean
is_double_quote (gunichar c)
{
  return c == '"' || c == 0x201C || c == 0x201D || c == 0x201E;
}

/* Conservative: PowerShell ends a line at CR and LF; anything that some tool
 * could show as a line break counts too, so that the checks below are stricter
 * than PowerShell. */
static gboolean
is_line_break (gunichar c)
{
  return c == '\r' || c == '\n' || c == 0x85 || c == 0x2028 || c == 0x2029 || c == '\v' || c == '\f';
}

/* If @text starts with a single-quoted literal, returns its length in bytes
 * and its value; -1 if the literal never ends. */
static gssize
single_quoted_length (const char  *text,
                      char       **value)
{
  g_autoptr(GString) decoded = g_string_new (NULL);
  const char *p = text;

  g_assert_true (is_single_quote (g_utf8_get_char (p)));
  p = g_utf8_next_char (p);
  while (*p)
    {
      gunichar c = g_utf8_get_char (p);
      const char *next = g_utf8_next_char (p);

      if (is_single_quote (c))
        {
          /* doubled: one quote character of the value */
          if (*next && is_single_quote (g_utf8_get_char (next)))
            {
              g_string_append_unichar (decoded, g_utf8_get_char (next));
              p = g_utf8_next_char (next);
              continue;
            }
          if (value != NULL)
            *value = g_string_free (g_steal_pointer (&decoded), FALSE);
          return next - text;
        }
      g_string_append_unichar (decoded, c);
      p = next;
    }
  return -1;
}

/* Asserts that @quoted is exactly one single-quoted PowerShell literal whose
 * value is @original */
static void
assert_one_powershell_literal (const char *quoted,
                               const char *original)
{
  g_autofree char *value = NULL;
  gssize length = single_quoted_length (quoted, &value);

  g_assert_cmpint (length, ==, (gssize) strlen (quoted));
  g_assert_cmpstr (value, ==, original);
}

/* The parts of @script that PowerShell would run: everything outside
 * comments and single-quoted literals. Double-quoted strings count as code,
 * since "$(...)" inside them runs. */
static char *
powershell_code (const char *script)
{
  g_autoptr(GString) code = g_string_new (NULL);
  const char *p = script;

  while (*p)
    {
      gunichar c = g_utf8_get_char (p);

      if (c == '#')
        {
          while (*p && !is_line_break (g_utf8_get_char (p)))
            p = g_utf8_next_char (p);
          g_string_append_c (code, '\n');
          continue;
        }
      if (c == '<' && p[1] == '#')
        {
          const char *end = strstr (p + 2, "#>");

          g_assert_nonnull (end);
          p = end + 2;
          continue;
        }
      if (is_single_quote (c))
        {
          gssize length = single_quoted_length (p, NULL);

          g_assert_cmpint (length, >, 0);
          p += length;
          g_string_append (code, "''");
          continue;
        }
      g_string_append_unichar (code, is_double_quote (c) ? '"' : c);
      p = g_utf8_next_char (p);
    }
  return g_string_free (g_steal_pointer (&code), FALSE);
}

/* ---- hostile values ---- */

static const char * const hostile[] = {
  "a'b",
  "a''b'",
  "'; Remove-Item C:\\ -Recurse; '",
  "$(Remove-Item C:\\)",
  "`whoami`",
  "a;b|c&d",
  "a\nRemove-Item x",
  "a\r\nb",
  "line\u2028Remove-Item x",
  "‘quoted’ “double”",
  "‚low‛",
  "x\u202Egnp.exe",
  "#> <# comment",
  "\"$env:USERNAME\"",
  "tab\there",
  "",
};

static void
test_quote_powershell (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (hostile); i++)
    {
      g_autofree char *quoted = rd_shell_quote ("powershell", hostile[i]);
      g_autofree char *code = NULL;

      g_test_message ("value %u", i);
      assert_one_powershell_literal (quoted, hostile[i]);

      /* in a command, nothing of the value is left as code */
      {
        g_autofree char *command = g_strdup_printf ("Get-Service -ComputerName %s", quoted);

        code = powershell_code (command);
        g_assert_cmpstr (code, ==, "Get-Service -ComputerName ''");
      }
    }

  /* a C string ends at NUL: what follows never reaches the quoting */
  {
    static const char with_nul[] = "a\0'; Remove-Item x";
    g_autofree char *quoted = rd_shell_quote ("powershell", with_nul);

    g_assert_cmpstr (quoted, ==, "'a'");
  }
}

static void
test_quote_sh (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (hostile); i++)
    {
      g_autofree char *quoted = rd_shell_quote ("sh", hostile[i]);
      g_auto(GStrv) argv = NULL;
      g_autoptr(GError) error = NULL;
      g_autofree char *line = g_strdup_printf ("ping %s", quoted);

      g_test_message ("value %u", i);
      g_assert_true (g_shell_parse_argv (line, NULL, &argv, &error));
      g_assert_no_error (error);
      g_assert_cmpuint (g_strv_length (argv), ==, 2);
      g_assert_cmpstr (argv[1], ==, hostile[i]);
    }
}

/* The target parser refuses what cannot be a name, before any command sees
 * it: what passes is made of letters, digits, dots, hyphens and colons */
static void
test_target_refuses_hostile (void)
{
  const char *refused[] = {
    "a'b", "$(id)", "`id`", "a;b", "a b", "a\nb", "a\rb", "server\t", "‘server’", "“server”",
    "x\u202Egnp.exe", "a\u2028b", "a|b", "a&b", "a>b", "-oProxyCommand=x", "server\u200B",
  };

  for (guint i = 0; i < G_N_ELEMENTS (refused); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(RdTarget) target = rd_target_parse (refused[i], 3389, &error);

      g_test_message ("target %u", i);
      /* refused, or (white space around it trimmed) only what names are made of */
      if (target != NULL)
        {
          const char *host = rd_target_get_host (target);

          g_assert_no_error (error);
          for (const char *p = host; *p; p++)
            g_assert_true (g_ascii_isalnum (*p) || *p == '.' || *p == '-' || *p == ':');
          continue;
        }
      g_assert_nonnull (error);
    }
}

/* ---- the server fix script ---- */

static RdCheckResult *
import_file (const char *name)
{
  g_autofree char *path = g_build_filename (RD_TEST_DATA_DIR, name, NULL);
  g_autofree char *contents = NULL;
  g_autoptr(GError) error = NULL;
  gsize length;
  RdCheckResult *result;

  g_file_get_contents (path, &contents, &length, &error);
  g_assert_no_error (error);
  result = rd_server_evidence_import (contents, length, &error);
  g_assert_no_error (error);
  return result;
}

#define TCP_REFUSED "{\"id\":\"tcp\",\"status\":\"fail\",\"summary\":\"s\",\"evidence\":{\"port\":3389,\"state\":\"refused\"}}"
#define TCP_OPEN "{\"id\":\"tcp\",\"status\":\"pass\",\"summary\":\"s\",\"evidence\":{\"port\":3389,\"state\":\"open\"}}"

static RdDiagnosis *
diagnose (const char *host,
          const char *tcp,
          const char *evidence,
          RdCatalog  *catalog)
{
  g_autoptr(RdTarget) target = rd_target_parse (host, 3389, NULL);
  g_autoptr(GPtrArray) results = g_ptr_array_new_with_free_func (g_object_unref);

  g_assert_nonnull (target);
  g_ptr_array_add (results, rd_test_result_from_json (tcp));
  if (evidence != NULL)
    g_ptr_array_add (results, import_file (evidence));
  return rd_diagnosis_new (target, results, catalog != NULL ? catalog : rd_catalog_get_default ());
}

static char *
build_script (RdDiagnosis *diagnosis,
              const char  *cause_id,
              const char  *fix_id)
{
  g_autoptr(RdServerScript) script = rd_server_script_new (diagnosis);
  g_autoptr(GDateTime) when = g_date_time_new_utc (2026, 11, 21, 10, 0, 0);
  g_autoptr(GError) error = NULL;

  rd_server_script_set_generated_at (script, when);
  if (fix_id != NULL)
    rd_server_script_add_fix (script, cause_id, fix_id, &error);
  else
    rd_server_script_add_cause (script, cause_id, &error);
  g_assert_no_error (error);
  return rd_server_script_to_string (script);
}

/* Every command of the catalog, rendered for the most hostile targets the
 * parser lets through (and for those it should refuse, in case it stops
 * refusing them), keeps the shape it has for an ordinary name: under sh the
 * host is inside one word, under PowerShell inside one literal, and the rest
 * of the command is the same. */
static void
test_render_every_command (void)
{
  g_autofree char *longest = NULL;
  const char *candidates[] = {
    "a'b", "$(id)", "`id`", "a;b", "a\nb", "x\u202Egnp.exe", "‘server’", "“server”",
    "-oProxyCommand=x", "[fe80::1%25$(id)]", "[fe80::1%eth0]", "a b", "a\\b",
    "xn--80ak6aa92e.com", "пример.рф", "ＡＢＣ.example", "[::ffff:127.0.0.1]:3390",
    "[2001:db8::1]:65535", "localhost.", "a_b.example", "0x7f000001", NULL,
  };
  GPtrArray *causes = rd_catalog_get_causes (rd_catalog_get_default ());
  g_autoptr(GPtrArray) targets = g_ptr_array_new_with_free_func ((GDestroyNotify) rd_target_unref);
  guint n_commands = 0, n_with_host = 0;

  /* 63-character labels up to the 253 characters a name may have */
  {
    g_autoptr(GString) name = g_string_new (NULL);
    g_autofree char *label = g_strnfill (63, 'x');

    while (name->len + 64 <= 253)
      g_string_append_printf (name, "%s%s", name->len > 0 ? "." : "", label);
    longest = g_string_free (g_steal_pointer (&name), FALSE);
    candidates[G_N_ELEMENTS (candidates) - 1] = longest;
  }

  for (guint i = 0; i < G_N_ELEMENTS (candidates); i++)
    {
      RdTarget *target = rd_target_parse (candidates[i], 3389, NULL);

      if (target != NULL)
        g_ptr_array_add (targets, target);
    }
  g_test_message ("%u of %" G_GSIZE_FORMAT " hostile targets are accepted", targets->len, G_N_ELEMENTS (candidates));
  g_assert_cmpuint (targets->len, >=, 8);

  for (guint c = 0; c < causes->len; c++)
    {
      RdCatalogCause *cause = g_ptr_array_index (causes, c);

      for (guint f = 0; f < cause->fixes->len; f++)
        {
          RdCatalogFix *fix = g_ptr_array_index (cause->fixes, f);

          for (guint s = 0; s < fix->steps->len; s++)
            {
              RdCatalogCommand *command = ((RdCatalogStep *) g_ptr_array_index (fix->steps, s))->command;

              if (command == NULL)
                continue;
              n_commands++;
              n_with_host += strstr (command->text, "{host}") != NULL;
              g_assert_true (g_str_equal (command->shell, "sh") || g_str_equal (command->shell, "powershell"));

              for (guint t = 0; t < targets->len; t++)
                {
                  RdTarget *target = g_ptr_array_index (targets, t);
                  const char *host = rd_target_get_host (target);
                  g_autofree char *ordinary_text = g_strdup_printf ("server.example:%u", rd_target_get_port (target));
                  g_autoptr(RdTarget) ordinary = rd_target_parse (ordinary_text, 3389, NULL);
                  g_autofree char *expected = rd_catalog_command_render (command, ordinary);
                  g_autofree char *rendered = rd_catalog_command_render (command, target);

                  g_test_message ("%s/%s: %s", cause->id, fix->id, rendered);
                  if (g_str_equal (command->shell, "sh"))
                    {
                      g_auto(GStrv) got = NULL;
                      g_auto(GStrv) want = NULL;
                      g_autoptr(GError) error = NULL;

                      g_assert_true (g_shell_parse_argv (rendered, NULL, &got, &error));
                      g_assert_no_error (error);
                      g_assert_true (g_shell_parse_argv (expected, NULL, &want, &error));
                      g_assert_cmpuint (g_strv_length (got), ==, g_strv_length (want));
                      for (guint w = 0; want[w] != NULL; w++)
                        {
                          g_autoptr(GString) word = g_string_new (want[w]);
                          g_autofree char *address = rd_target_to_string (target);

                          /* host:port together is one address: IPv6 in brackets */
                          g_string_replace (word, ordinary_text, address, 0);
                          g_string_replace (word, "server.example", host, 0);
                          g_assert_cmpstr (got[w], ==, word->str);
                        }
                    }
                  else
                    {
                      g_autofree char *code = powershell_code (rendered);
                      g_autofree char *expected_code = powershell_code (expected);
                      g_autofree char *literal = rd_shell_quote ("powershell", host);

                      g_assert_cmpstr (code, ==, expected_code);
                      assert_one_powershell_literal (literal, host);
                      if (strstr (command->text, "{host}:{port}") != NULL)
                        {
                          g_autofree char *address = rd_target_to_string (target);
                          g_autofree char *address_literal = rd_shell_quote ("powershell", address);

                          g_assert_nonnull (strstr (rendered, address_literal));
                        }
                      else if (strstr (command->text, "{host}") != NULL)
                        g_assert_nonnull (strstr (rendered, literal));
                    }
                }
            }
        }
    }
  g_test_message ("%u commands, %u with the host in them", n_commands, n_with_host);
  g_assert_cmpuint (n_with_host, >, 0);
}

static void
test_script_structure (void)
{
  g_autoptr(RdDiagnosis) diagnosis = diagnose ("server.example", TCP_REFUSED, NULL, NULL);
  g_autoptr(RdServerScript) script = rd_server_script_new (diagnosis);
  g_autoptr(GDateTime) when = g_date_time_new_utc (2026, 11, 21, 10, 0, 0);
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  g_autofree char *generated = g_strdup_printf ("# Generated: 2026-11-21 10:00 UTC by RDP Doctor %s\n", PACKAGE_VERSION);
  const char *in_order[] = {
    "# RDP Doctor: server fix script\n",
    "# For: server.example, port 3389\n",
    generated,
    "#   port-closed / enable-remote-desktop: Turn Remote Desktop on and start its service\n",
    "param([switch]$DryRun)\n",
    "$ErrorActionPreference = 'Stop'\n",
    "IsInRole([Security.Principal.WindowsBuiltInRole]::Administrator)",
    "        exit 1\n",
    "# Step 1 of 3 (port-closed / enable-remote-desktop):\n",
    "Write-Host '[1/3] As an administrator on the remote computer, allow Remote Desktop connections",
    "if ($DryRun) {\n    Write-Host ('    Would run:' + ' ' + 'Set-ItemProperty -Path ''HKLM:",
    "    try {\n        $global:LASTEXITCODE = 0\n        Set-ItemProperty -Path 'HKLM:",
    "    } catch {\n        Write-Host ('Step 1 failed:' + ' ' + $_.Exception.Message) -ForegroundColor Red\n",
    "[2/3] Restart the Remote Desktop Services service",
    "        Restart-Service TermService -Force\n",
    "[3/3] To find which port",
  };
  const char *p;

  rd_server_script_set_generated_at (script, when);
  g_assert_cmpuint (rd_server_script_get_n_steps (script), ==, 0);
  g_assert_true (rd_server_script_add_fix (script, "port-closed", "enable-remote-desktop", &error));
  g_assert_no_error (error);
  /* twice is once */
  g_assert_true (rd_server_script_add_fix (script, "port-closed", "enable-remote-desktop", NULL));
  g_assert_true (rd_server_script_add_cause (script, "port-closed", NULL));
  g_assert_cmpuint (rd_server_script_get_n_steps (script), ==, 3);

  text = rd_server_script_to_string (script);
  p = text;
  for (guint i = 0; i < G_N_ELEMENTS (in_order); i++)
    {
      const char *found = strstr (p, in_order[i]);

      if (found == NULL)
        g_error ("the script lacks, after what came before, “%s”:\n%s", in_order[i], text);
      p = found + strlen (in_order[i]);
    }

  /* not a cause of this diagnosis, not a fix offered */
  g_assert_false (rd_server_script_add_fix (script, "cert-expired", "renew-certificate", &error));
  g_assert_error (error, RD_SERVER_SCRIPT_ERROR, RD_SERVER_SCRIPT_ERROR_UNKNOWN_CAUSE);
  g_clear_error (&error);
  g_assert_false (rd_server_script_add_fix (script, "port-closed", "no-such-fix", &error));
  g_assert_error (error, RD_SERVER_SCRIPT_ERROR, RD_SERVER_SCRIPT_ERROR_UNKNOWN_FIX);
}

static void
test_script_file (void)
{
  g_autoptr(RdDiagnosis) diagnosis = diagnose ("server.example", TCP_REFUSED, NULL, NULL);
  g_autoptr(RdServerScript) script = rd_server_script_new (diagnosis);
  g_autoptr(GBytes) bytes = NULL;
  const char *data;
  gsize length;

  rd_server_script_add_cause (script, "port-closed", NULL);
  bytes = rd_server_script_to_bytes (script);
  data = g_bytes_get_data (bytes, &length);

  /* UTF-8 with its mark, CRLF line ends only */
  g_assert_cmpmem (data, 3, "\xEF\xBB\xBF", 3);
  g_assert_true (g_utf8_validate_len (data, length, NULL));
  for (gsize i = 0; i < length; i++)
    if (data[i] == '\n')
      g_assert_true (i > 0 && data[i - 1] == '\r');
    else if (data[i] == '\r')
      g_assert_true (i + 1 < length && data[i + 1] == '\n');
}

/* Several fixes restart the same service: once; commands for the client
 * computer, or with an example value, are shown and not run */
static void
test_script_skips (void)
{
  g_autoptr(RdDiagnosis) key = diagnose ("server01", TCP_OPEN, "server-evidence-cert-key.json", NULL);
  g_autoptr(RdDiagnosis) session = diagnose ("server01", TCP_OPEN, "server-evidence-session-disconnected.json", NULL);
  g_autofree char *key_script = build_script (key, "cert-key-inaccessible", NULL);
  g_autofree char *session_script = build_script (session, "session-stuck", "log-off-session");
  g_autofree char *code = powershell_code (session_script);

  g_assert_nonnull (strstr (key_script, "Already run in step 2: not run again."));
  {
    /* Restart-Service runs in one step only */
    g_autofree char *runs = powershell_code (key_script);
    const char *first = strstr (runs, "Restart-Service TermService -Force");

    g_assert_nonnull (first);
    g_assert_null (strstr (first + 1, "Restart-Service TermService -Force"));
  }

  /* logoff 2 is an example: it is printed, never run */
  g_assert_nonnull (strstr (session_script, "Not run by this script"));
  g_assert_null (strstr (code, "logoff"));
  g_assert_nonnull (strstr (code, "query session /server:''"));
}

/* Translated step texts are outside input too: a translation (or a catalog
 * edited for an organisation) must not be able to run anything. */
static void
test_script_hostile_texts (void)
{
  const char *original = "Restart the Remote Desktop Services service (this drops current Remote Desktop connections; sessions stay):";
  const char *evil =
    "Pwned1\u2028Remove-Item C:\\pwned2 #> <# '; Remove-Item C:\\pwned3; ' ‘ Remove-Item pwned4 ’ $(Remove-Item pwned5) "
    "`Remove-Item pwned6` \"$(Remove-Item pwned7)\" \u202Epwned8\xC2\x85Remove-Item pwned9";
  g_autoptr(GBytes) xml = g_resources_lookup_data (RESOURCE_BASE "/core/rd-causes.xml", 0, NULL);
  g_autoptr(GString) edited = g_string_new_len (g_bytes_get_data (xml, NULL), g_bytes_get_size (xml));
  g_autofree char *escaped = g_markup_escape_text (evil, -1);
  g_autoptr(GBytes) edited_bytes = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(RdCatalog) catalog = NULL;
  g_autoptr(RdDiagnosis) diagnosis = NULL;
  g_autofree char *script = NULL;
  g_autofree char *code = NULL;
  g_auto(GStrv) lines = NULL;

  g_assert_cmpuint (g_string_replace (edited, original, escaped, 0), >=, 1);
  edited_bytes = g_string_free_to_bytes (g_steal_pointer (&edited));
  catalog = rd_catalog_new_from_data (edited_bytes, &error);
  g_assert_no_error (error);

  diagnosis = diagnose ("server.example", TCP_REFUSED, NULL, catalog);
  script = build_script (diagnosis, "port-closed", "enable-remote-desktop");

  /* the text reaches the script, as comments and printed literals … */
  g_assert_nonnull (strstr (script, "Pwned1"));
  /* … but none of it is code */
  code = powershell_code (script);
  g_assert_null (strstr (code, "pwned"));
  g_assert_null (strstr (code, "Pwned"));

  /* and no comment line holds a line break or direction override */
  lines = g_strsplit (script, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      const char *line = g_strchug (lines[i]);

      if (*line != '#')
        continue;
      g_assert_null (strstr (line, "\u2028"));
      g_assert_null (strstr (line, "\xC2\x85"));
      g_assert_null (strstr (line, "\u202E"));
      g_assert_null (strstr (line, "\r"));
      g_assert_null (strstr (line, "#>"));
      g_assert_null (strstr (line, "<#"));
    }
}

/* A cause that only the gateway check tells fixed is about the gateway: its
 * commands are for the gateway server, so the host's script shows them only */
static void
test_script_gateway_steps (void)
{
  g_autoptr(GBytes) xml = g_resources_lookup_data (RESOURCE_BASE "/core/rd-causes.xml", 0, NULL);
  g_autoptr(GString) edited = g_string_new_len (g_bytes_get_data (xml, NULL), g_bytes_get_size (xml));
  g_autoptr(GBytes) edited_bytes = NULL;
  g_autoptr(RdCatalog) catalog = NULL;
  g_autoptr(RdDiagnosis) diagnosis = NULL;
  g_autofree char *script = NULL;
  g_autofree char *code = NULL;

  g_assert_cmpuint (g_string_replace (edited, "<cause id=\"port-closed\" recheck=\"dns tcp\">",
                                      "<cause id=\"port-closed\" recheck=\"gateway\">", 1), ==, 1);
  edited_bytes = g_string_free_to_bytes (g_steal_pointer (&edited));
  catalog = rd_catalog_new_from_data (edited_bytes, NULL);
  g_assert_nonnull (catalog);
  diagnosis = diagnose ("server.example", TCP_REFUSED, NULL, catalog);
  script = build_script (diagnosis, "port-closed", "enable-remote-desktop");
  code = powershell_code (script);

  g_assert_nonnull (strstr (script, "Remote Desktop Gateway server"));
  g_assert_null (strstr (code, "Restart-Service"));
  g_assert_null (strstr (code, "Set-ItemProperty"));
}

static void
test_comment_text (void)
{
  const struct { const char *in, *out; } cases[] = {
    { "plain", "plain" },
    { "a\nb\rc\r\nd", "a b c  d" },
    { "a\u2028b\u2029c\xC2\x85"
    "d\ve\ff", "a b c d e f" },
    { "x #> y <# z", "x # > y < # z" },
    { "#>#>", "# ># >" },
    { "abc\u202Edef\u2066g\u200Fh", "abcdefgh" },
    { "bell\a", "bell" },
    { "caf\xC3", "caf\xEF\xBF\xBD" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *out = rd_server_script_comment_text (cases[i].in);
      g_assert_cmpstr (out, ==, cases[i].out);
    }
}

/* ---- the client launcher ---- */

typedef struct
{
  char *folder;
} Clients;

static void
write_client (const char *folder,
              const char *name)
{
  g_autofree char *path = g_build_filename (folder, name, NULL);
  g_autoptr(GError) error = NULL;

  g_file_set_contents (path, "#!/bin/sh\nexit 0\n", -1, &error);
  g_assert_no_error (error);
  g_assert_cmpint (g_chmod (path, 0755), ==, 0);
}

static void
clients_set_up (Clients       *fixture,
                gconstpointer  data)
{
  const char * const *names = data;
  g_autoptr(GError) error = NULL;

  fixture->folder = g_dir_make_tmp ("rd-clients-XXXXXX", &error);
  g_assert_no_error (error);
  for (guint i = 0; names[i] != NULL; i++)
    write_client (fixture->folder, names[i]);
}

static void
clients_tear_down (Clients       *fixture,
                   gconstpointer  data)
{
  const char * const *names = data;

  for (guint i = 0; names[i] != NULL; i++)
    {
      g_autofree char *path = g_build_filename (fixture->folder, names[i], NULL);
      g_unlink (path);
    }
  g_rmdir (fixture->folder);
  g_free (fixture->folder);
}

static const char * const freerdp3[] = { "remmina", "xfreerdp", "xfreerdp3", NULL };
static const char * const freerdp2[] = { "wlfreerdp", "xfreerdp", NULL };
static const char * const remmina[] = { "remmina", NULL };
static const char * const none[] = { NULL };

static void
assert_round_trip (const char * const *argv)
{
  g_autofree char *line = rd_client_launcher_format_command_line (argv);
  g_auto(GStrv) parsed = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_true (g_shell_parse_argv (line, NULL, &parsed, &error));
  g_assert_no_error (error);
  g_assert_cmpstrv (parsed, argv);
}

static void
test_launcher_argv (Clients       *fixture,
                    gconstpointer  data)
{
  g_autoptr(RdClientLauncher) launcher = rd_client_launcher_new_for_search_path (fixture->folder);
  g_autofree char *program = g_build_filename (fixture->folder, "xfreerdp3", NULL);
  const struct {
    const char *typed, *option, *server, *option_out;
  } cases[] = {
    { "server.example", "/sec:rdp", "/v:server.example:3389", "/sec:rdp" },
    { "server.example:3390", "/sec:nla", "/v:server.example:3390", "/sec:nla" },
    { "[2001:db8::1]:3390", "/restricted-admin", "/v:[2001:db8::1]:3390", "/restricted-admin" },
    { "192.0.2.10", "/tls-seclevel:0", "/v:192.0.2.10:3389", "/tls:seclevel:0" },
    /* a Unicode name reaches the client as its ASCII (punycode) form */
    { "bücher.example", NULL, "/v:xn--bcher-kva.example:3389", NULL },
  };

  g_assert_cmpstr (rd_client_launcher_get_client_name (launcher), ==, "xfreerdp3");
  g_assert_cmpstr (rd_client_launcher_get_program (launcher), ==, program);

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(RdTarget) target = rd_target_parse (cases[i].typed, 3389, NULL);
      g_autoptr(GError) error = NULL;
      g_auto(GStrv) argv = NULL;

      g_test_message ("case %u", i);
      g_assert_nonnull (target);
      argv = rd_client_launcher_build_argv (launcher, target, cases[i].option, &error);
      g_assert_no_error (error);
      g_assert_cmpuint (g_strv_length (argv), ==, cases[i].option != NULL ? 3 : 2);
      g_assert_cmpstr (argv[0], ==, program);
      g_assert_cmpstr (argv[1], ==, cases[i].server);
      g_assert_cmpstr (argv[2], ==, cases[i].option_out);
      assert_round_trip ((const char * const *) argv);
    }

  {
    g_autofree char *line = NULL;
    g_autofree char *expected = g_strdup_printf ("'%s' '/v:[2001:db8::1]:3390' '/sec:rdp'", program);
    g_autoptr(RdTarget) target = rd_target_parse ("[2001:db8::1]:3390", 3389, NULL);
    g_auto(GStrv) argv = rd_client_launcher_build_argv (launcher, target, "/sec:rdp", NULL);

    line = rd_client_launcher_format_command_line ((const char * const *) argv);
    g_assert_cmpstr (line, ==, expected);
  }

  /* an .rdp file, by its full path */
  {
    g_auto(GStrv) argv = rd_client_launcher_build_argv_for_file (launcher, "/tmp/it's here; rm -rf ~/x.rdp", NULL);
    g_autoptr(GError) error = NULL;
    g_auto(GStrv) relative = rd_client_launcher_build_argv_for_file (launcher, "-x.rdp", &error);

    g_assert_cmpuint (g_strv_length (argv), ==, 2);
    assert_round_trip ((const char * const *) argv);
    g_assert_null (relative);
    g_assert_error (error, RD_CLIENT_LAUNCHER_ERROR, RD_CLIENT_LAUNCHER_ERROR_INVALID_ARGV);
  }
}

static void
test_launcher_freerdp2 (Clients       *fixture,
                        gconstpointer  data)
{
  g_autoptr(RdClientLauncher) launcher = rd_client_launcher_new_for_search_path (fixture->folder);
  g_autoptr(RdTarget) target = rd_target_parse ("server.example", 3389, NULL);
  g_auto(GStrv) argv = rd_client_launcher_build_argv (launcher, target, "/tls-seclevel:0", NULL);

  /* xfreerdp comes before wlfreerdp; FreeRDP 2 keeps the catalog's spelling */
  g_assert_cmpstr (rd_client_launcher_get_client_name (launcher), ==, "xfreerdp");
  g_assert_cmpstr (argv[2], ==, "/tls-seclevel:0");
}

static void
test_launcher_allow_list (Clients       *fixture,
                          gconstpointer  data)
{
  g_autoptr(RdClientLauncher) launcher = rd_client_launcher_new_for_search_path (fixture->folder);
  g_autoptr(RdTarget) target = rd_target_parse ("server.example", 3389, NULL);
  const char *refused[] = {
    "", "/sec:RDP", "/sec:rdp ", " /sec:rdp", "/sec:rdp;id", "/sec:rdp /cert:ignore", "/cert:ignore",
    "/cert-ignore", "/p:secret", "/v:evil.example", "/tls-seclevel:6", "/tls-seclevel:-1", "--help",
    "/shell:cmd.exe", "+clipboard", "/sec:rdp\n", "/app:||calc", "/tls:seclevel:0",
  };

  for (guint i = 0; i < G_N_ELEMENTS (refused); i++)
    {
      g_autoptr(GError) error = NULL;
      g_auto(GStrv) argv = rd_client_launcher_build_argv (launcher, target, refused[i], &error);

      g_test_message ("option %u", i);
      g_assert_false (rd_client_launcher_option_is_allowed (refused[i]));
      g_assert_null (argv);
      g_assert_error (error, RD_CLIENT_LAUNCHER_ERROR, RD_CLIENT_LAUNCHER_ERROR_OPTION_REFUSED);
    }

  /* every option the catalog's launch-client actions use is allowed */
  {
    GPtrArray *causes = rd_catalog_get_causes (rd_catalog_get_default ());
    guint n_seen = 0;

    for (guint c = 0; c < causes->len; c++)
      {
        RdCatalogCause *cause = g_ptr_array_index (causes, c);

        for (guint f = 0; f < cause->fixes->len; f++)
          {
            RdCatalogFix *fix = g_ptr_array_index (cause->fixes, f);

            for (guint s = 0; s < fix->steps->len; s++)
              {
                RdCatalogStep *step = g_ptr_array_index (fix->steps, s);

                for (guint a = 0; a < step->actions->len; a++)
                  {
                    RdCatalogAction *action = g_ptr_array_index (step->actions, a);

                    if (g_str_equal (action->type, "launch-client"))
                      {
                        g_assert_true (rd_client_launcher_option_is_allowed (action->argument));
                        n_seen++;
                      }
                  }
              }
          }
      }
    g_assert_cmpuint (n_seen, >, 0);
  }
}

static void
test_launcher_remmina (Clients       *fixture,
                       gconstpointer  data)
{
  g_autoptr(RdClientLauncher) launcher = rd_client_launcher_new_for_search_path (fixture->folder);
  g_autoptr(RdTarget) target = rd_target_parse ("[2001:db8::1]", 3389, NULL);
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) plain = rd_client_launcher_build_argv (launcher, target, NULL, NULL);
  g_auto(GStrv) with_option = rd_client_launcher_build_argv (launcher, target, "/sec:rdp", &error);
  g_auto(GStrv) file = rd_client_launcher_build_argv_for_file (launcher, "/home/u/fixed.rdp", NULL);

  g_assert_cmpstr (rd_client_launcher_get_client_name (launcher), ==, "remmina");
  g_assert_cmpuint (g_strv_length (plain), ==, 3);
  g_assert_cmpstr (plain[1], ==, "-c");
  g_assert_cmpstr (plain[2], ==, "rdp://[2001:db8::1]:3389");
  g_assert_null (with_option);
  g_assert_error (error, RD_CLIENT_LAUNCHER_ERROR, RD_CLIENT_LAUNCHER_ERROR_UNSUPPORTED);
  g_assert_cmpstr (file[1], ==, "-c");
  g_assert_cmpstr (file[2], ==, "/home/u/fixed.rdp");
}

static void
test_launcher_none (Clients       *fixture,
                    gconstpointer  data)
{
  g_autoptr(RdClientLauncher) launcher = rd_client_launcher_new_for_search_path (fixture->folder);
  g_autoptr(RdTarget) target = rd_target_parse ("server.example", 3389, NULL);
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) argv = rd_client_launcher_build_argv (launcher, target, NULL, &error);

  g_assert_null (rd_client_launcher_get_program (launcher));
  g_assert_null (argv);
  g_assert_error (error, RD_CLIENT_LAUNCHER_ERROR, RD_CLIENT_LAUNCHER_ERROR_NO_CLIENT);
}

static void
test_launcher_spawn (Clients       *fixture,
                     gconstpointer  data)
{
  g_autoptr(RdClientLauncher) launcher = rd_client_launcher_new_for_search_path (fixture->folder);
  g_autoptr(RdTarget) target = rd_target_parse ("server.example", 3389, NULL);
  g_auto(GStrv) argv = rd_client_launcher_build_argv (launcher, target, "/sec:tls", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(GSubprocess) client = rd_client_launcher_spawn (launcher, (const char * const *) argv, &error);
  const char *other[] = { "/bin/sh", "-c", "exit 3", NULL };
  g_autoptr(GSubprocess) refused = NULL;

  g_assert_no_error (error);
  g_assert_true (g_subprocess_wait_check (client, NULL, &error));
  g_assert_no_error (error);

  refused = rd_client_launcher_spawn (launcher, other, &error);
  g_assert_null (refused);
  g_assert_error (error, RD_CLIENT_LAUNCHER_ERROR, RD_CLIENT_LAUNCHER_ERROR_INVALID_ARGV);
}

/* ---- the DNS cache, against a stand-in for systemd-resolved ---- */

typedef struct
{
  GTestDBus       *bus;
  GDBusConnection *client;
  GDBusConnection *service;
  guint            n_flushes;
  const char      *answer_error;   /* the D-Bus error to answer with, or NULL */
  guint            registration;
  guint            owner;
  GMainLoop       *loop;
  gboolean         done;
  GError          *error;
} Resolved;

static const char resolved_xml[] =
  "<node><interface name='org.freedesktop.resolve1.Manager'><method name='FlushCaches'/></interface></node>";

static void
resolved_method_call_cb (GDBusConnection       *connection,
                         const char            *sender,
                         const char            *path,
                         const char            *interface,
                         const char            *method,
                         GVariant              *parameters,
                         GDBusMethodInvocation *invocation,
                         gpointer               user_data)
{
  Resolved *fixture = user_data;

  g_assert_cmpstr (method, ==, "FlushCaches");
  if (fixture->answer_error != NULL)
    {
      g_dbus_method_invocation_return_dbus_error (invocation, fixture->answer_error, "refused by the test");
      return;
    }
  fixture->n_flushes++;
  g_dbus_method_invocation_return_value (invocation, NULL);
}

static void
resolved_set_up (Resolved      *fixture,
                 gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  const char *address;

  fixture->bus = g_test_dbus_new (G_TEST_DBUS_NONE);
  g_test_dbus_up (fixture->bus);
  address = g_test_dbus_get_bus_address (fixture->bus);
  fixture->client = g_dbus_connection_new_for_address_sync (address,
                                                            G_DBUS_CONNECTION_FLAGS_AUTHENTICATION_CLIENT |
                                                            G_DBUS_CONNECTION_FLAGS_MESSAGE_BUS_CONNECTION,
                                                            NULL, NULL, &error);
  g_assert_no_error (error);
  fixture->service = g_dbus_connection_new_for_address_sync (address,
                                                             G_DBUS_CONNECTION_FLAGS_AUTHENTICATION_CLIENT |
                                                             G_DBUS_CONNECTION_FLAGS_MESSAGE_BUS_CONNECTION,
                                                             NULL, NULL, &error);
  g_assert_no_error (error);
  fixture->loop = g_main_loop_new (NULL, FALSE);
}

static void
resolved_start (Resolved *fixture)
{
  static const GDBusInterfaceVTable vtable = { resolved_method_call_cb, NULL, NULL, { NULL } };
  g_autoptr(GDBusNodeInfo) info = g_dbus_node_info_new_for_xml (resolved_xml, NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) reply = NULL;

  fixture->registration = g_dbus_connection_register_object (fixture->service, "/org/freedesktop/resolve1",
                                                             info->interfaces[0], &vtable, fixture, NULL, &error);
  g_assert_no_error (error);
  reply = g_dbus_connection_call_sync (fixture->service, "org.freedesktop.DBus", "/org/freedesktop/DBus",
                                       "org.freedesktop.DBus", "RequestName",
                                       g_variant_new ("(su)", "org.freedesktop.resolve1", 0x4),
                                       G_VARIANT_TYPE ("(u)"), G_DBUS_CALL_FLAGS_NONE, -1, NULL, &error);
  g_assert_no_error (error);
}

static void
resolved_tear_down (Resolved      *fixture,
                    gconstpointer  data)
{
  if (fixture->registration != 0)
    g_dbus_connection_unregister_object (fixture->service, fixture->registration);
  g_dbus_connection_close_sync (fixture->client, NULL, NULL);
  g_dbus_connection_close_sync (fixture->service, NULL, NULL);
  g_clear_object (&fixture->client);
  g_clear_object (&fixture->service);
  g_test_dbus_down (fixture->bus);
  g_clear_object (&fixture->bus);
  g_clear_pointer (&fixture->loop, g_main_loop_unref);
  g_clear_error (&fixture->error);
}

static void
flushed_cb (GObject      *source_object,
            GAsyncResult *result,
            gpointer      user_data)
{
  Resolved *fixture = user_data;

  fixture->done = rd_dns_cache_flush_finish (RD_DNS_CACHE (source_object), result, &fixture->error);
  g_main_loop_quit (fixture->loop);
}

static void
flush (Resolved *fixture)
{
  g_autoptr(RdDnsCache) cache = rd_dns_cache_new_for_connection (fixture->client);

  fixture->done = FALSE;
  g_clear_error (&fixture->error);
  rd_dns_cache_flush_async (cache, NULL, flushed_cb, fixture);
  g_main_loop_run (fixture->loop);
}

static void
test_dns_flush (Resolved      *fixture,
                gconstpointer  data)
{
  resolved_start (fixture);
  flush (fixture);
  g_assert_no_error (fixture->error);
  g_assert_true (fixture->done);
  g_assert_cmpuint (fixture->n_flushes, ==, 1);
}

static void
test_dns_not_running (Resolved      *fixture,
                      gconstpointer  data)
{
  flush (fixture);
  g_assert_false (fixture->done);
  g_assert_error (fixture->error, RD_DNS_CACHE_ERROR, RD_DNS_CACHE_ERROR_NOT_RUNNING);
}

static void
test_dns_refused (Resolved      *fixture,
                  gconstpointer  data)
{
  const char *refusals[] = {
    "org.freedesktop.DBus.Error.AccessDenied",
    "org.freedesktop.DBus.Error.InteractiveAuthorizationRequired",
  };

  resolved_start (fixture);
  for (guint i = 0; i < G_N_ELEMENTS (refusals); i++)
    {
      fixture->answer_error = refusals[i];
      flush (fixture);
      g_assert_error (fixture->error, RD_DNS_CACHE_ERROR, RD_DNS_CACHE_ERROR_NOT_ALLOWED);
    }
  fixture->answer_error = "org.freedesktop.resolve1.SomethingElse";
  flush (fixture);
  g_assert_error (fixture->error, RD_DNS_CACHE_ERROR, RD_DNS_CACHE_ERROR_FAILED);
  g_assert_nonnull (strstr (fixture->error->message, "refused by the test"));
  g_assert_cmpuint (fixture->n_flushes, ==, 0);
}

static void
test_dns_cancelled (Resolved      *fixture,
                    gconstpointer  data)
{
  g_autoptr(RdDnsCache) cache = rd_dns_cache_new_for_connection (fixture->client);
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();

  resolved_start (fixture);
  g_cancellable_cancel (cancellable);
  rd_dns_cache_flush_async (cache, cancellable, flushed_cb, fixture);
  g_main_loop_run (fixture->loop);
  g_assert_error (fixture->error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
}

int
main (int   argc,
      char *argv[])
{
  setlocale (LC_ALL, "");
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/RdpDoctor/Engine/GuidedActions/quote-powershell", test_quote_powershell);
  g_test_add_func ("/RdpDoctor/Engine/GuidedActions/quote-sh", test_quote_sh);
  g_test_add_func ("/RdpDoctor/Engine/GuidedActions/target-refuses-hostile", test_target_refuses_hostile);
  g_test_add_func ("/RdpDoctor/Engine/GuidedActions/render-every-command", test_render_every_command);
  g_test_add_func ("/RdpDoctor/Engine/GuidedActions/script-structure", test_script_structure);
  g_test_add_func ("/RdpDoctor/Engine/GuidedActions/script-file", test_script_file);
  g_test_add_func ("/RdpDoctor/Engine/GuidedActions/script-skips", test_script_skips);
  g_test_add_func ("/RdpDoctor/Engine/GuidedActions/script-hostile-texts", test_script_hostile_texts);
  g_test_add_func ("/RdpDoctor/Engine/GuidedActions/script-gateway-steps", test_script_gateway_steps);
  g_test_add_func ("/RdpDoctor/Engine/GuidedActions/comment-text", test_comment_text);

  g_test_add ("/RdpDoctor/Engine/GuidedActions/launcher-argv", Clients, freerdp3,
              clients_set_up, test_launcher_argv, clients_tear_down);
  g_test_add ("/RdpDoctor/Engine/GuidedActions/launcher-freerdp2", Clients, freerdp2,
              clients_set_up, test_launcher_freerdp2, clients_tear_down);
  g_test_add ("/RdpDoctor/Engine/GuidedActions/launcher-allow-list", Clients, freerdp3,
              clients_set_up, test_launcher_allow_list, clients_tear_down);
  g_test_add ("/RdpDoctor/Engine/GuidedActions/launcher-remmina", Clients, remmina,
              clients_set_up, test_launcher_remmina, clients_tear_down);
  g_test_add ("/RdpDoctor/Engine/GuidedActions/launcher-none", Clients, none,
              clients_set_up, test_launcher_none, clients_tear_down);
  g_test_add ("/RdpDoctor/Engine/GuidedActions/launcher-spawn", Clients, freerdp3,
              clients_set_up, test_launcher_spawn, clients_tear_down);

  g_test_add ("/RdpDoctor/Engine/GuidedActions/dns-flush", Resolved, NULL,
              resolved_set_up, test_dns_flush, resolved_tear_down);
  g_test_add ("/RdpDoctor/Engine/GuidedActions/dns-not-running", Resolved, NULL,
              resolved_set_up, test_dns_not_running, resolved_tear_down);
  g_test_add ("/RdpDoctor/Engine/GuidedActions/dns-refused", Resolved, NULL,
              resolved_set_up, test_dns_refused, resolved_tear_down);
  g_test_add ("/RdpDoctor/Engine/GuidedActions/dns-cancelled", Resolved, NULL,
              resolved_set_up, test_dns_cancelled, resolved_tear_down);

  return g_test_run ();
}
