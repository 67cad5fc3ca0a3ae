/* rd-report-format.c: the diagnosis as a document for people: Markdown and HTML
 *
 * Both documents say the same as rd_diagnosis_to_text(), in the user's
 * language, plus the raw evidence. Much of what they quote comes from the
 * server: certificate names, NTLM computer names, summaries built from them.
 * A hostile server chooses those strings, and a help desk opens the report in
 * a browser or a Markdown viewer, so every piece of text is escaped where it
 * is written, and the HTML forbids scripts outright (Content-Security-Policy)
 * in case escaping is ever missed.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "rd-report-format"

#include "config.h"

#include <glib/gi18n-lib.h>

#include <string.h>

#include "rd-catalog.h"
#include "rd-cause.h"
#include "rd-check-result.h"
#include "rd-checks.h"
#include "rd-diagnosis-private.h"
#include "rd-error-code.h"
#include "rd-json.h"
#include "rd-report-format.h"
#include "rd-target.h"

/* ---- shared ------------------------------------------------------------ */

/* The check titles, in the user's language, from the standard set. */
static GHashTable *
get_check_titles (void)
{
  g_autoptr(RdRunner) runner = rd_checks_new_runner ();
  GPtrArray *checks = rd_runner_get_checks (runner);
  GHashTable *titles = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);

  for (guint i = 0; checks != NULL && i < checks->len; i++)
    {
      RdCheck *check = g_ptr_array_index (checks, i);

      g_hash_table_insert (titles, g_strdup (rd_check_get_id (check)),
                           g_strdup (rd_check_get_title (check)));
    }
  return titles;
}

static const char *
status_label (RdCheckStatus status)
{
  switch (status)
    {
    case RD_CHECK_STATUS_PASS:    return _("Passed");
    case RD_CHECK_STATUS_WARN:    return _("Warning");
    case RD_CHECK_STATUS_FAIL:    return _("Failed");
    case RD_CHECK_STATUS_SKIPPED: return _("Skipped");
    case RD_CHECK_STATUS_ERROR:
    default:                      return _("Could not finish");
    }
}

static const char *
status_mark (RdCheckStatus status)
{
  switch (status)
    {
    case RD_CHECK_STATUS_PASS:    return "✓";
    case RD_CHECK_STATUS_WARN:    return "!";
    case RD_CHECK_STATUS_FAIL:    return "✗";
    case RD_CHECK_STATUS_SKIPPED: return "–";
    case RD_CHECK_STATUS_ERROR:
    default:                      return "?";
    }
}

/* As the wizard says it; the percentage is for the help desk. */
static char *
describe_confidence (RdCause *cause,
                     guint    rank)
{
  double confidence = rd_cause_get_confidence (cause);
  const char *words;

  if (rank == 1 && confidence >= 0.5)
    words = _("Most likely");
  else if (confidence >= 0.7)
    words = _("Likely");
  else if (confidence >= 0.4)
    words = _("Possible");
  else
    words = _("Less likely");

  /* Translators: how sure the diagnosis is of a cause: "Most likely (85 %)" */
  return g_strdup_printf (_("%s (%.0f %%)"), words, confidence * 100.0);
}

static GPtrArray *
get_fixes (RdCause *cause)
{
  GPtrArray *fixes = rd_cause_get_fixes (cause);

  return fixes != NULL ? fixes : rd_cause_get_info (cause)->fixes;
}

static char *
dup_title (RdDiagnosis *diagnosis)
{
  g_autofree char *where = rd_target_to_string (rd_diagnosis_get_target (diagnosis));

  /* Translators: the report's title; %s is the computer, as in "pc42.example.com:3389" */
  return g_strdup_printf (_("RDP Doctor: diagnosis of %s"), where);
}

/* Whether every check passed (or did not apply): then any cause is one
 * that cannot be seen from outside. */
static gboolean
all_checks_passed (RdDiagnosis *diagnosis)
{
  GPtrArray *results = rd_diagnosis_get_results (diagnosis);

  for (guint i = 0; i < results->len; i++)
    {
      RdCheckStatus status = rd_check_result_get_status (g_ptr_array_index (results, i));

      if (status != RD_CHECK_STATUS_PASS && status != RD_CHECK_STATUS_SKIPPED)
        return FALSE;
    }
  return TRUE;
}

static const char *
verdict_text (RdDiagnosis *diagnosis)
{
  GPtrArray *causes = rd_diagnosis_get_causes (diagnosis);
  const RdUserReport *report = rd_diagnosis_get_report (diagnosis);

  if (all_checks_passed (diagnosis))
    {
      if (report != NULL && report->error_code != NULL && causes->len > 0)
        return _("Nothing is wrong from here: every check passed. The error the client showed then comes from the server side; the causes below are the ones inside the server, most likely first.");
      return _("Nothing is wrong from here: every check passed.");
    }
  if (causes->len == 0)
    return _("A check failed, but its evidence matches no known cause. The check results below say what was seen.");
  return NULL;
}

static char *
dup_evidence_json (RdCheckResult *result)
{
  g_autoptr(JsonNode) node = rd_check_result_to_json (result);

  return rd_json_to_string (node, TRUE);
}

/* ---- Markdown ----------------------------------------------------------- */

/**
 * rd_markdown_escape:
 * @text: text for people, possibly from a hostile server
 *
 * Escapes what Markdown (CommonMark, GitHub) would read as markup or raw
 * HTML, and turns line breaks into spaces so that text cannot leave the line,
 * table cell or list item it is written into.
 *
 * Returns: (transfer full): the text, safe inside a Markdown paragraph
 */
char *
rd_markdown_escape (const char *text)
{
  GString *escaped;

  if (text == NULL)
    return g_strdup ("");

  escaped = g_string_sized_new (strlen (text) + 16);
  for (const char *p = text; *p != '\0'; p++)
    {
      switch (*p)
        {
        case '\\': case '`': case '*': case '_': case '[': case ']':
        case '<': case '>': case '|': case '~': case '#': case '!':
        case '&': case '{': case '}': case '(': case ')':
          g_string_append_c (escaped, '\\');
          g_string_append_c (escaped, *p);
          break;

        case '\r': case '\n': case '\t':
          g_string_append_c (escaped, ' ');
          break;

        default:
          /* other C0 controls have no business in a report */
          if ((guchar) *p < 0x20)
            g_string_append (escaped, "\xef\xbf\xbd");
          else
            g_string_append_c (escaped, *p);
        }
    }
  return g_string_free (escaped, FALSE);
}

/* A fence longer than any run of backticks inside @code. */
static void
append_md_code (GString    *md,
                const char *indent,
                const char *language,
                const char *code)
{
  guint longest = 0, run = 0;
  g_autofree char *fence = NULL;
  g_auto(GStrv) lines = NULL;

  for (const char *p = code; *p != '\0'; p++)
    {
      run = *p == '`' ? run + 1 : 0;
      longest = MAX (longest, run);
    }
  fence = g_strnfill (MAX (3, longest + 1), '`');

  g_string_append_printf (md, "%s%s%s\n", indent, fence, language != NULL ? language : "");
  lines = g_strsplit (code, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    g_string_append_printf (md, "%s%s\n", indent, lines[i]);
  g_string_append_printf (md, "%s%s\n", indent, fence);
}

static void
append_md_cause (GString     *md,
                 RdDiagnosis *diagnosis,
                 RdCause     *cause,
                 guint        rank)
{
  GPtrArray *reasons = rd_cause_get_reasons (cause);
  GPtrArray *fixes = get_fixes (cause);
  g_autofree char *title = rd_markdown_escape (rd_cause_get_title (cause));
  g_autofree char *confidence = describe_confidence (cause, rank);
  g_autofree char *explanation = rd_markdown_escape (rd_cause_get_explanation (cause));

  g_string_append_printf (md, "## %u. %s\n\n", rank, title);
  g_string_append_printf (md, "*%s* · `%s`\n\n", confidence, rd_cause_get_id (cause));
  g_string_append_printf (md, "%s\n\n", explanation);

  if (reasons != NULL && reasons->len > 0)
    {
      g_string_append_printf (md, "**%s**\n\n", _("What RDP Doctor saw"));
      for (guint i = 0; i < reasons->len; i++)
        {
          g_autofree char *reason = rd_markdown_escape (
            json_object_get_string_member_with_default (g_ptr_array_index (reasons, i), "reason", ""));

          g_string_append_printf (md, "- %s\n", reason);
        }
      g_string_append_c (md, '\n');
    }

  for (guint f = 0; fixes != NULL && f < fixes->len; f++)
    {
      const RdCatalogFix *fix = g_ptr_array_index (fixes, f);
      /* Translators: the heading of a fix in a report: "How to fix it: Turn Remote Desktop on" */
      g_autofree char *heading = g_strdup_printf (_("How to fix it: %s"), fix->title);
      g_autofree char *escaped = rd_markdown_escape (heading);

      g_string_append_printf (md, "**%s**\n\n", escaped);

      for (guint s = 0; s < fix->steps->len; s++)
        {
          const RdCatalogStep *step = g_ptr_array_index (fix->steps, s);
          g_autofree char *text = rd_markdown_escape (step->text);

          g_string_append_printf (md, "%u. %s\n", s + 1, text);
          if (step->command != NULL)
            {
              g_autofree char *command = rd_catalog_command_render (step->command, rd_diagnosis_get_target (diagnosis));

              g_string_append_c (md, '\n');
              append_md_code (md, "   ", step->command->shell, command);
              g_string_append_c (md, '\n');
            }
        }
      g_string_append_c (md, '\n');
    }
}

/**
 * rd_diagnosis_to_markdown:
 *
 * Returns: (transfer full): the whole diagnosis as a Markdown document, in the
 *   user's language: verdict, checks, causes with their fixes, and evidence
 */
char *
rd_diagnosis_to_markdown (RdDiagnosis *diagnosis)
{
  g_autoptr(GString) md = g_string_new (NULL);
  g_autoptr(GHashTable) titles = NULL;
  g_autofree char *title = NULL;
  const RdUserReport *report;
  GPtrArray *results, *causes;
  const char *verdict;

  g_return_val_if_fail (RD_IS_DIAGNOSIS (diagnosis), NULL);

  titles = get_check_titles ();
  results = rd_diagnosis_get_results (diagnosis);
  causes = rd_diagnosis_get_causes (diagnosis);
  report = rd_diagnosis_get_report (diagnosis);

  title = dup_title (diagnosis);
  {
    g_autofree char *escaped = rd_markdown_escape (title);
    g_string_append_printf (md, "# %s\n\n", escaped);
  }
  /* Translators: the report's byline; %s is the version */
  g_string_append_printf (md, _("Made by RDP Doctor %s."), PACKAGE_VERSION);
  g_string_append (md, "\n\n");

  if (report != NULL && report->error_code != NULL)
    {
      g_autofree char *input = rd_markdown_escape (rd_error_code_get_input (report->error_code));
      g_autofree char *meaning = rd_error_code_describe (report->error_code);
      g_auto(GStrv) lines = g_strsplit (meaning, "\n", -1);

      g_string_append_printf (md, "## %s\n\n", _("What the error said"));
      g_string_append_printf (md, "%s\n\n", input);
      for (guint i = 0; lines[i] != NULL; i++)
        {
          g_autofree char *line = rd_markdown_escape (lines[i]);
          g_string_append_printf (md, "- %s\n", line);
        }
      g_string_append_c (md, '\n');
    }

  verdict = verdict_text (diagnosis);
  if (verdict != NULL)
    {
      g_autofree char *escaped = rd_markdown_escape (verdict);
      g_string_append_printf (md, "**%s**\n\n", escaped);
    }

  g_string_append_printf (md, "## %s\n\n", _("What was checked"));
  g_string_append_printf (md, "| %s | %s | %s |\n|---|---|---|\n",
                          _("Result"), _("Check"), _("What was seen"));
  for (guint i = 0; i < results->len; i++)
    {
      RdCheckResult *result = g_ptr_array_index (results, i);
      const char *id = rd_check_result_get_check_id (result);
      const char *check_title = g_hash_table_lookup (titles, id);
      g_autofree char *name = rd_markdown_escape (check_title != NULL ? check_title : id);
      g_autofree char *summary = rd_markdown_escape (rd_check_result_get_summary (result));

      g_string_append_printf (md, "| %s %s | %s | %s |\n",
                              status_mark (rd_check_result_get_status (result)),
                              status_label (rd_check_result_get_status (result)),
                              name, summary);
    }
  g_string_append_c (md, '\n');

  if (causes->len > 0)
    {
      g_string_append_printf (md, "%s\n\n",
                              !all_checks_passed (diagnosis)
                                ? _("The causes, most likely first:")
                                : _("If Remote Desktop still fails, the cause is on the remote computer or in your Remote Desktop app:"));
      for (guint i = 0; i < causes->len; i++)
        append_md_cause (md, diagnosis, g_ptr_array_index (causes, i), i + 1);
    }

  g_string_append_printf (md, "## %s\n\n", _("Evidence"));
  for (guint i = 0; i < results->len; i++)
    {
      RdCheckResult *result = g_ptr_array_index (results, i);
      g_autofree char *json = dup_evidence_json (result);
      g_autofree char *id = rd_markdown_escape (rd_check_result_get_check_id (result));

      g_string_append_printf (md, "### %s\n\n", id);
      append_md_code (md, "", "json", json);
      g_string_append_c (md, '\n');
    }

  /* one line break at the end, not two */
  while (md->len > 1 && md->str[md->len - 1] == '\n' && md->str[md->len - 2] == '\n')
    g_string_truncate (md, md->len - 1);
  return g_string_free (g_steal_pointer (&md), FALSE);
}

/* ---- HTML --------------------------------------------------------------- */

static const char html_style[] =
  ":root{color-scheme:light dark;--fg:#1e1e1e;--bg:#fafafa;--card:#fff;--dim:#5e5c64;--line:#deddda;"
  "--ok:#26a269;--warn:#9c6e03;--bad:#c01c28;--accent:#1c71d8}"
  "@media (prefers-color-scheme:dark){:root{--fg:#fff;--bg:#242424;--card:#303030;--dim:#c0bfbc;"
  "--line:#4a4a4a;--ok:#8ff0a4;--warn:#f8e45c;--bad:#ff7b63;--accent:#78aeed}}"
  "body{margin:0;background:var(--bg);color:var(--fg);font:16px/1.5 Cantarell,system-ui,sans-serif}"
  "main{max-width:50rem;margin:0 auto;padding:1.5rem}"
  "h1{font-size:1.6rem;margin:0 0 .25rem}h2{font-size:1.25rem;margin-top:2rem}h3{font-size:1rem}"
  ".byline,.confidence{color:var(--dim)}"
  "section.cause,.verdict{background:var(--card);border:1px solid var(--line);border-radius:12px;padding:.5rem 1.25rem;margin:1rem 0}"
  ".verdict.ok{border-color:var(--ok)}.verdict.problems{border-color:var(--warn)}"
  "table{border-collapse:collapse;width:100%}th,td{text-align:start;vertical-align:top;padding:.4rem .6rem;border-bottom:1px solid var(--line)}"
  "td.status{white-space:nowrap}.pass{color:var(--ok)}.warn,.error{color:var(--warn)}.fail{color:var(--bad)}.skipped{color:var(--dim)}"
  "pre{background:var(--card);border:1px solid var(--line);border-radius:6px;padding:.5rem .75rem;overflow-x:auto;white-space:pre-wrap;word-break:break-all}"
  "code,pre{font-family:'DejaVu Sans Mono',monospace;font-size:.9em}"
  "summary{cursor:pointer}";

/* Text for HTML: markup characters and quotes escaped, so it is safe in
 * element content and attribute values alike. */
static void
append_html (GString    *html,
             const char *text)
{
  g_autofree char *escaped = g_markup_escape_text (text != NULL ? text : "", -1);

  g_string_append (html, escaped);
}

static void
append_html_element (GString    *html,
                     const char *element,
                     const char *klass,
                     const char *text)
{
  if (klass != NULL)
    g_string_append_printf (html, "<%s class=\"%s\">", element, klass);
  else
    g_string_append_printf (html, "<%s>", element);
  append_html (html, text);
  g_string_append_printf (html, "</%s>\n", element);
}

static void
append_html_cause (GString     *html,
                   RdDiagnosis *diagnosis,
                   RdCause     *cause,
                   guint        rank)
{
  GPtrArray *reasons = rd_cause_get_reasons (cause);
  GPtrArray *fixes = get_fixes (cause);
  g_autofree char *confidence = describe_confidence (cause, rank);
  g_autofree char *heading = g_strdup_printf ("%u. %s", rank, rd_cause_get_title (cause));

  g_string_append (html, "<section class=\"cause\" id=\"cause-");
  append_html (html, rd_cause_get_id (cause));
  g_string_append (html, "\">\n");
  append_html_element (html, "h2", NULL, heading);
  g_string_append (html, "<p class=\"confidence\">");
  append_html (html, confidence);
  g_string_append (html, " · <code>");
  append_html (html, rd_cause_get_id (cause));
  g_string_append (html, "</code></p>\n");
  append_html_element (html, "p", NULL, rd_cause_get_explanation (cause));

  if (reasons != NULL && reasons->len > 0)
    {
      append_html_element (html, "h3", NULL, _("What RDP Doctor saw"));
      g_string_append (html, "<ul>\n");
      for (guint i = 0; i < reasons->len; i++)
        append_html_element (html, "li", NULL,
                             json_object_get_string_member_with_default (g_ptr_array_index (reasons, i), "reason", ""));
      g_string_append (html, "</ul>\n");
    }

  for (guint f = 0; fixes != NULL && f < fixes->len; f++)
    {
      const RdCatalogFix *fix = g_ptr_array_index (fixes, f);
      g_autofree char *fix_heading = g_strdup_printf (_("How to fix it: %s"), fix->title);

      append_html_element (html, "h3", NULL, fix_heading);
      g_string_append (html, "<ol>\n");
      for (guint s = 0; s < fix->steps->len; s++)
        {
          const RdCatalogStep *step = g_ptr_array_index (fix->steps, s);

          g_string_append (html, "<li>");
          append_html (html, step->text);
          if (step->command != NULL)
            {
              g_autofree char *command = rd_catalog_command_render (step->command, rd_diagnosis_get_target (diagnosis));

              g_string_append (html, "<pre><code class=\"");
              append_html (html, step->command->shell);
              g_string_append (html, "\">");
              append_html (html, command);
              g_string_append (html, "</code></pre>");
            }
          g_string_append (html, "</li>\n");
        }
      g_string_append (html, "</ol>\n");
    }
  g_string_append (html, "</section>\n");
}

/**
 * rd_diagnosis_to_html:
 *
 * Returns: (transfer full): the whole diagnosis as a standalone HTML page
 *   with a small inline style sheet and no scripts, in the user's language
 */
char *
rd_diagnosis_to_html (RdDiagnosis *diagnosis)
{
  g_autoptr(GString) html = g_string_new (NULL);
  g_autoptr(GHashTable) titles = NULL;
  g_autofree char *title = NULL;
  g_autofree char *byline = NULL;
  const RdUserReport *report;
  GPtrArray *results, *causes;
  const char *verdict;
  gboolean problems;

  g_return_val_if_fail (RD_IS_DIAGNOSIS (diagnosis), NULL);

  titles = get_check_titles ();
  results = rd_diagnosis_get_results (diagnosis);
  causes = rd_diagnosis_get_causes (diagnosis);
  report = rd_diagnosis_get_report (diagnosis);
  problems = !all_checks_passed (diagnosis);
  title = dup_title (diagnosis);

  g_string_append (html, "<!DOCTYPE html>\n<html lang=\"");
  /* Translators: the language of your translation as an HTML language tag, such as "de" or "pt-BR" */
  append_html (html, C_("html lang", "en"));
  g_string_append (html, "\" dir=\"");
  /* Translators: "rtl" if your language is written right to left, else "ltr" */
  append_html (html, g_str_equal (C_("html dir", "ltr"), "rtl") ? "rtl" : "ltr");
  g_string_append (html, "\">\n<head>\n<meta charset=\"utf-8\">\n"
                         "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
                         "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">\n");
  g_string_append_printf (html, "<meta name=\"generator\" content=\"RDP Doctor %s\">\n", PACKAGE_VERSION);
  append_html_element (html, "title", NULL, title);
  g_string_append_printf (html, "<style>%s</style>\n</head>\n<body>\n<main>\n", html_style);

  append_html_element (html, "h1", NULL, title);
  byline = g_strdup_printf (_("Made by RDP Doctor %s."), PACKAGE_VERSION);
  append_html_element (html, "p", "byline", byline);

  if (report != NULL && report->error_code != NULL)
    {
      g_autofree char *meaning = rd_error_code_describe (report->error_code);
      g_auto(GStrv) lines = g_strsplit (meaning, "\n", -1);

      g_string_append (html, "<section class=\"error-code\">\n");
      append_html_element (html, "h2", NULL, _("What the error said"));
      g_string_append (html, "<p><code>");
      append_html (html, rd_error_code_get_input (report->error_code));
      g_string_append (html, "</code></p>\n<ul>\n");
      for (guint i = 0; lines[i] != NULL; i++)
        append_html_element (html, "li", NULL, lines[i]);
      g_string_append (html, "</ul>\n</section>\n");
    }

  verdict = verdict_text (diagnosis);
  if (verdict != NULL)
    {
      g_string_append_printf (html, "<section class=\"verdict %s\">\n", problems ? "problems" : "ok");
      append_html_element (html, "p", NULL, verdict);
      g_string_append (html, "</section>\n");
    }

  g_string_append (html, "<section class=\"checks\">\n");
  append_html_element (html, "h2", NULL, _("What was checked"));
  g_string_append (html, "<table>\n<thead><tr>");
  append_html_element (html, "th", NULL, _("Result"));
  append_html_element (html, "th", NULL, _("Check"));
  append_html_element (html, "th", NULL, _("What was seen"));
  g_string_append (html, "</tr></thead>\n<tbody>\n");
  for (guint i = 0; i < results->len; i++)
    {
      RdCheckResult *result = g_ptr_array_index (results, i);
      RdCheckStatus status = rd_check_result_get_status (result);
      const char *id = rd_check_result_get_check_id (result);
      const char *check_title = g_hash_table_lookup (titles, id);
      g_autofree char *klass = g_strdup_printf ("status %s", rd_check_status_to_string (status));
      g_autofree char *label = g_strdup_printf ("%s %s", status_mark (status), status_label (status));

      g_string_append (html, "<tr>");
      append_html_element (html, "td", klass, label);
      append_html_element (html, "td", NULL, check_title != NULL ? check_title : id);
      append_html_element (html, "td", NULL, rd_check_result_get_summary (result));
      g_string_append (html, "</tr>\n");
    }
  g_string_append (html, "</tbody>\n</table>\n</section>\n");

  if (causes->len > 0)
    {
      append_html_element (html, "p", NULL,
                           problems ? _("The causes, most likely first:")
                                    : _("If Remote Desktop still fails, the cause is on the remote computer or in your Remote Desktop app:"));
      for (guint i = 0; i < causes->len; i++)
        append_html_cause (html, diagnosis, g_ptr_array_index (causes, i), i + 1);
    }

  g_string_append (html, "<section class=\"evidence\">\n");
  append_html_element (html, "h2", NULL, _("Evidence"));
  for (guint i = 0; i < results->len; i++)
    {
      RdCheckResult *result = g_ptr_array_index (results, i);
      g_autofree char *json = dup_evidence_json (result);

      g_string_append (html, "<details><summary>");
      append_html (html, rd_check_result_get_check_id (result));
      g_string_append (html, "</summary><pre>");
      append_html (html, json);
      g_string_append (html, "</pre></details>\n");
    }
  g_string_append (html, "</section>\n</main>\n</body>\n</html>\n");

  return g_string_free (g_steal_pointer (&html), FALSE);
}
