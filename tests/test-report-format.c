/* test-report-format.c: the Markdown and HTML reports: their structure, and
 * server-chosen names that try to become markup
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <locale.h>
#include <string.h>

#include "rd-core.h"
#include "rd-test-util.h"

/* What a hostile server puts in its NTLM names and certificate. */
#define EVIL_NAME "<script>alert(1)</script>&amp;\\\"'|`x`"
#define EVIL_JSON "<script>alert(1)</script>&amp;\\\\\\\"'|`x`"

static RdDiagnosis *
make_hostile_diagnosis (RdErrorCode *code)
{
  g_autoptr(RdTarget) target = rd_target_parse ("pc42.example.com", 3389, NULL);
  g_autoptr(GPtrArray) results = g_ptr_array_new_with_free_func (g_object_unref);
  RdUserReport report = { FALSE, 0, code };

  g_ptr_array_add (results, rd_test_result_from_json (
    "{\"id\":\"dns\",\"status\":\"pass\",\"summary\":\"pc42.example.com is 192.0.2.10\","
    "\"evidence\":{\"addresses\":[{\"address\":\"192.0.2.10\",\"family\":\"ipv4\",\"reverse\":null}]}}"));
  g_ptr_array_add (results, rd_test_result_from_json (
    "{\"id\":\"tcp\",\"status\":\"fail\",\"summary\":\"Connection refused <b>now</b>\","
    "\"evidence\":{\"port\":3389,\"state\":\"refused\"}}"));
  g_ptr_array_add (results, rd_test_result_from_json (
    "{\"id\":\"credssp\",\"status\":\"pass\",\"summary\":\"" EVIL_JSON " answers\","
    "\"evidence\":{\"ntlm\":{\"nb_computer\":\"" EVIL_JSON "\",\"dns_computer\":\"" EVIL_JSON "\"}}}"));

  return rd_diagnosis_new_with_report (target, results, rd_catalog_get_default (), &report);
}

static RdDiagnosis *
make_healthy_diagnosis (RdErrorCode *code)
{
  g_autoptr(RdTarget) target = rd_target_parse ("pc42.example.com:3390", 3389, NULL);
  g_autoptr(GPtrArray) results = g_ptr_array_new_with_free_func (g_object_unref);
  RdUserReport report = { FALSE, 0, code };

  g_ptr_array_add (results, rd_test_result_from_json (
    "{\"id\":\"dns\",\"status\":\"pass\",\"summary\":\"ok\",\"evidence\":{\"addresses\":[]}}"));
  g_ptr_array_add (results, rd_test_result_from_json (
    "{\"id\":\"tcp\",\"status\":\"pass\",\"summary\":\"open\",\"evidence\":{\"port\":3390,\"state\":\"open\"}}"));
  g_ptr_array_add (results, rd_test_result_from_json (
    "{\"id\":\"negotiation\",\"status\":\"pass\",\"summary\":\"ok\",\"evidence\":{}}"));
  g_ptr_array_add (results, rd_test_result_from_json (
    "{\"id\":\"tls\",\"status\":\"pass\",\"summary\":\"ok\",\"evidence\":{}}"));
  g_ptr_array_add (results, rd_test_result_from_json (
    "{\"id\":\"credssp\",\"status\":\"pass\",\"summary\":\"ok\",\"evidence\":{}}"));
  return rd_diagnosis_new_with_report (target, results, rd_catalog_get_default (), &report);
}

static guint
count (const char *haystack,
       const char *needle)
{
  guint n = 0;

  for (const char *p = strstr (haystack, needle); p != NULL; p = strstr (p + 1, needle))
    n++;
  return n;
}

/* Whether @text has @needle somewhere without a backslash before it */
static gboolean
has_unescaped (const char *text,
               const char *needle)
{
  for (const char *p = strstr (text, needle); p != NULL; p = strstr (p + 1, needle))
    if (p == text || p[-1] != '\\')
      return TRUE;
  return FALSE;
}

static void
test_html_escaping (void)
{
  g_autoptr(RdDiagnosis) diagnosis = make_hostile_diagnosis (NULL);
  g_autofree char *html = rd_diagnosis_to_html (diagnosis);

  g_assert_nonnull (rd_diagnosis_get_top_cause (diagnosis));

  /* Nothing the server sent became an element. */
  g_assert_null (strstr (html, "<script"));
  g_assert_null (strstr (html, "<b>"));
  g_assert_nonnull (strstr (html, "&lt;script&gt;alert(1)&lt;/script&gt;&amp;amp;"));
  g_assert_nonnull (strstr (html, "Connection refused &lt;b&gt;now&lt;/b&gt;"));
  /* Quotes are escaped too: the text is safe in attributes. */
  g_assert_null (strstr (html, "\\\"'|"));
  g_assert_nonnull (strstr (html, "&quot;&apos;|"));

  /* And if escaping were ever missed, scripts would still not run. */
  g_assert_nonnull (strstr (html, "Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\""));
}

static void
test_html_structure (void)
{
  g_autoptr(RdDiagnosis) diagnosis = make_hostile_diagnosis (NULL);
  g_autofree char *html = rd_diagnosis_to_html (diagnosis);
  GPtrArray *causes = rd_diagnosis_get_causes (diagnosis);

  g_assert_true (g_str_has_prefix (html, "<!DOCTYPE html>\n<html lang=\"en\" dir=\"ltr\">"));
  g_assert_true (g_str_has_suffix (html, "</html>\n"));
  g_assert_cmpuint (count (html, "<head>"), ==, 1);
  g_assert_cmpuint (count (html, "<meta charset=\"utf-8\">"), ==, 1);
  g_assert_cmpuint (count (html, "<style>"), ==, 1);
  g_assert_cmpuint (count (html, "<script"), ==, 0);
  g_assert_cmpuint (count (html, "<link"), ==, 0);
  g_assert_cmpuint (count (html, "<h1>"), ==, 1);
  g_assert_nonnull (strstr (html, "<title>RDP Doctor: diagnosis of pc42.example.com:3389</title>"));

  /* One row per check, one section per cause, one evidence block per check */
  g_assert_cmpuint (count (html, "<tr>"), ==, 1 + 3);
  g_assert_cmpuint (count (html, "<section class=\"cause\""), ==, causes->len);
  g_assert_cmpuint (count (html, "<details>"), ==, 3);
  g_assert_nonnull (strstr (html, "id=\"cause-port-closed\""));
  g_assert_nonnull (strstr (html, "<td class=\"status fail\">✗ Failed</td>"));

  /* Every cause's fix, commands in code blocks with the target filled in */
  g_assert_nonnull (strstr (html, "<pre><code class=\"powershell\">Restart-Service TermService -Force</code></pre>"));
  g_assert_null (strstr (html, "{host}"));
  g_assert_null (strstr (html, "{port}"));

  /* Balanced */
  g_assert_cmpuint (count (html, "<section"), ==, count (html, "</section>"));
  g_assert_cmpuint (count (html, "<ol>"), ==, count (html, "</ol>"));
  g_assert_cmpuint (count (html, "<ul>"), ==, count (html, "</ul>"));
  g_assert_cmpuint (count (html, "<li>"), ==, count (html, "</li>"));
  g_assert_cmpuint (count (html, "<pre>"), ==, count (html, "</pre>"));
  g_assert_cmpuint (count (html, "<td"), ==, count (html, "</td>"));
  g_assert_true (g_utf8_validate (html, -1, NULL));
}

static void
test_markdown_escaping (void)
{
  g_autoptr(RdDiagnosis) diagnosis = make_hostile_diagnosis (NULL);
  g_autofree char *md = rd_diagnosis_to_markdown (diagnosis);
  g_autofree char *table = NULL;
  const char *checks, *end;

  /* Outside code blocks, no raw HTML and no markup from the server */
  {
    g_autofree char *before_evidence = g_strndup (md, strstr (md, "## Evidence") - md);

    g_assert_false (has_unescaped (before_evidence, "<script"));
    g_assert_false (has_unescaped (before_evidence, "<b>"));
    g_assert_false (has_unescaped (before_evidence, "`x"));
    g_assert_nonnull (strstr (before_evidence, "\\<script\\>alert\\(1\\)\\</script\\>\\&amp;"));
    g_assert_nonnull (strstr (before_evidence, "\\|\\`x\\`"));
  }

  /* A pipe in a summary cannot add a table column: every row has four pipes. */
  checks = strstr (md, "| Result | Check | What was seen |");
  g_assert_nonnull (checks);
  end = strstr (checks, "\n\n");
  table = g_strndup (checks, end - checks);
  {
    g_auto(GStrv) rows = g_strsplit (table, "\n", -1);

    g_assert_cmpuint (g_strv_length (rows), ==, 2 + 3);
    for (guint i = 0; rows[i] != NULL; i++)
      {
        guint pipes = 0;

        for (const char *p = rows[i]; *p != '\0'; p++)
          if (*p == '|' && (p == rows[i] || p[-1] != '\\'))
            pipes++;
        g_assert_cmpuint (pipes, ==, 4);
      }
  }

  /* The evidence is in fenced blocks longer than any backtick run inside. */
  g_assert_nonnull (strstr (md, "```json\n"));
}

static void
test_markdown_structure (void)
{
  g_autoptr(RdDiagnosis) diagnosis = make_hostile_diagnosis (NULL);
  g_autofree char *md = rd_diagnosis_to_markdown (diagnosis);
  GPtrArray *causes = rd_diagnosis_get_causes (diagnosis);
  g_autofree char *first = NULL;

  g_assert_true (g_str_has_prefix (md, "# RDP Doctor: diagnosis of pc42.example.com:3389\n\n"));
  g_assert_true (g_str_has_suffix (md, "```\n"));
  g_assert_false (g_str_has_suffix (md, "\n\n"));
  g_assert_nonnull (strstr (md, "## What was checked\n\n"));

  first = g_strdup_printf ("## 1. %s\n", rd_cause_get_title (rd_diagnosis_get_top_cause (diagnosis)));
  g_assert_nonnull (strstr (md, first));
  g_assert_cmpuint (count (md, "\n## "), ==, 1 + causes->len + 1);
  g_assert_nonnull (strstr (md, "   ```powershell\n   Restart-Service TermService -Force\n   ```\n"));
  g_assert_null (strstr (md, "{host}"));

  /* ``` inside the escaping helper's sight */
  {
    g_autofree char *escaped = rd_markdown_escape ("a\nb\r|c\x01");

    g_assert_cmpstr (escaped, ==, "a b \\|c\xef\xbf\xbd");
  }
}

static void
test_healthy_with_code (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(RdErrorCode) code = rd_error_code_parse ("0x904 / 0x7", &error);
  g_autoptr(RdDiagnosis) diagnosis = NULL;
  g_autofree char *md = NULL;
  g_autofree char *html = NULL;

  g_assert_no_error (error);
  diagnosis = make_healthy_diagnosis (code);

  md = rd_diagnosis_to_markdown (diagnosis);
  html = rd_diagnosis_to_html (diagnosis);

  /* The code the user saw, with its meaning, and the verdict that follows */
  g_assert_nonnull (strstr (md, "## What the error said\n\n0x904 / 0x7\n\n- "));
  /* Every check passed, and the server closed the connection: the causes
   * inside the server, ranked */
  g_assert_cmpuint (rd_diagnosis_get_causes (diagnosis)->len, >, 0);
  g_assert_nonnull (strstr (md, "comes from the server side"));
  g_assert_nonnull (strstr (md, "## 1. "));
  g_assert_nonnull (strstr (html, "<section class=\"error-code\">"));
  g_assert_nonnull (strstr (html, "<section class=\"verdict ok\">"));
  g_assert_nonnull (strstr (html, "<code>0x904 / 0x7</code>"));
}

static void
test_healthy (void)
{
  g_autoptr(RdDiagnosis) diagnosis = make_healthy_diagnosis (NULL);
  g_autofree char *md = rd_diagnosis_to_markdown (diagnosis);
  g_autofree char *html = rd_diagnosis_to_html (diagnosis);

  g_assert_nonnull (strstr (md, "**Nothing is wrong from here: every check passed.**"));
  g_assert_null (strstr (md, "What the error said"));
  g_assert_null (strstr (html, "error-code"));
  g_assert_nonnull (strstr (html, "<title>RDP Doctor: diagnosis of pc42.example.com:3390</title>"));
}

int
main (int   argc,
      char *argv[])
{
  /* The assertions read the untranslated texts. */
  setlocale (LC_ALL, "C.UTF-8");
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/Rd/Engine/ReportFormat/html-escaping", test_html_escaping);
  g_test_add_func ("/Rd/Engine/ReportFormat/html-structure", test_html_structure);
  g_test_add_func ("/Rd/Engine/ReportFormat/markdown-escaping", test_markdown_escaping);
  g_test_add_func ("/Rd/Engine/ReportFormat/markdown-structure", test_markdown_structure);
  g_test_add_func ("/Rd/Engine/ReportFormat/healthy", test_healthy);
  g_test_add_func ("/Rd/Engine/ReportFormat/healthy-with-code", test_healthy_with_code);

  return g_test_run ();
}
