/* rd-test-util.c: fixtures shared by the engine and UI tests
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <json-glib/json-glib.h>

#include "rd-test-util.h"

/**
 * rd_test_result_from_json:
 * @text: one check result as the JSON report writes it
 *
 * Returns: (transfer full): the result; the test fails if @text is not one
 */
RdCheckResult *
rd_test_result_from_json (const char *text)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  RdCheckResult *result;

  json_parser_load_from_data (parser, text, -1, &error);
  g_assert_no_error (error);
  result = rd_check_result_new_from_json (json_node_get_object (json_parser_get_root (parser)), &error);
  g_assert_no_error (error);
  return result;
}
