/* test-report-language.c: the Markdown and HTML reports are in the user's
 * language (LANGUAGE), while the JSON report keeps English keys and ids
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <libintl.h>
#include <locale.h>
#include <string.h>

#include "rd-core.h"
#include "rd-report-format.h"

#define PORT_CLOSED_TITLE "Nothing is accepting Remote Desktop connections on this port"

static RdDiagnosis *
closed_port_diagnosis (void)
{
  const char *checks =
    "[{\"id\":\"dns\",\"status\":\"pass\",\"summary\":\"ok\",\"evidence\":{\"addresses\":[{\"address\":\"192.0.2.10\",\"family\":\"ipv4\",\"reverse\":null}]}},"
    " {\"id\":\"tcp\",\"status\":\"fail\",\"summary\":\"refused\",\"evidence\":{\"port\":3389,\"state\":\"refused\"}}]";
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GPtrArray) results = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(RdTarget) target = rd_target_parse ("server.example", 3389, NULL);
  JsonArray *array;

  g_assert_true (json_parser_load_from_data (parser, checks, -1, NULL));
  array = json_node_get_array (json_parser_get_root (parser));
  for (guint i = 0; i < json_array_get_length (array); i++)
    g_ptr_array_add (results, rd_check_result_new_from_json (json_array_get_object_element (array, i), NULL));
  return rd_diagnosis_new (target, results, rd_catalog_get_default ());
}

static void
test_reports (void)
{
  g_autoptr(RdDiagnosis) diagnosis = closed_port_diagnosis ();
  const char *title = g_dgettext (GETTEXT_PACKAGE, PORT_CLOSED_TITLE);
  g_autofree char *markdown = rd_diagnosis_to_markdown (diagnosis);
  g_autofree char *html = rd_diagnosis_to_html (diagnosis);
  g_autofree char *escaped = g_markup_escape_text (title, -1);
  g_autoptr(JsonNode) json = rd_diagnosis_to_json (diagnosis);
  JsonObject *cause = json_array_get_object_element (
    json_object_get_array_member (json_node_get_object (json), "causes"), 0);

  /* the catalog for LANGUAGE was found: the title is translated */
  g_assert_cmpstr (title, !=, PORT_CLOSED_TITLE);
  g_assert_nonnull (strstr (markdown, title));
  g_assert_nonnull (strstr (html, escaped));
  g_assert_null (strstr (markdown, PORT_CLOSED_TITLE));

  g_assert_cmpstr (json_object_get_string_member (cause, "id"), ==, "port-closed");
  g_assert_cmpstr (json_object_get_string_member (cause, "title"), ==, title);
  g_assert_true (json_object_has_member (json_node_get_object (json), "checks"));
}

int
main (int   argc,
      char *argv[])
{
  const char *localedir = g_getenv ("RD_LOCALEDIR");

  setlocale (LC_ALL, "C.UTF-8");
  g_assert_nonnull (localedir);
  bindtextdomain (GETTEXT_PACKAGE, localedir);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/Rd/L10n/reports", test_reports);
  return g_test_run ();
}
