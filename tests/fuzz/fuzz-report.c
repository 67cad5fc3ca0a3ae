/* fuzz-report.c: a saved JSON report, as a help desk gets it from a user
 * (json-glib's parser, then rd_check_result_new_from_json for the report's
 * "checks" and for a lone check result; rd_json_to_string on the way back)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <math.h>
#include <string.h>

#include "rd-check-result.h"
#include "rd-json.h"
#include "rd-fuzz.h"

static gboolean
same_text (const char *original,
           const char *written)
{
  g_autofree char *valid = g_utf8_make_valid (original, -1);

  return strcmp (valid, written) == 0;
}

/* Whether @written (what rd_json_to_string() made of @original, read back)
 * says the same. JSON has no NaN or infinity: those are written as null; and
 * it is UTF-8: bytes that are not become U+FFFD (two keys can then merge). */
static gboolean
same_json (JsonNode *original,
           JsonNode *written)
{
  if (JSON_NODE_HOLDS_VALUE (original) &&
      json_node_get_value_type (original) == G_TYPE_DOUBLE &&
      !isfinite (json_node_get_double (original)))
    return JSON_NODE_HOLDS_NULL (written);

  if (JSON_NODE_TYPE (original) != JSON_NODE_TYPE (written))
    return FALSE;

  switch (JSON_NODE_TYPE (original))
    {
    case JSON_NODE_OBJECT:
      {
        JsonObject *a = json_node_get_object (original);
        JsonObject *b = json_node_get_object (written);
        g_autoptr(GList) members = json_object_get_members (a);

        if (json_object_get_size (a) < json_object_get_size (b))
          return FALSE;
        for (GList *l = members; l != NULL; l = l->next)
          {
            g_autofree char *key = g_utf8_make_valid (l->data, -1);
            JsonNode *other = json_object_get_member (b, key);

            if (other != NULL && strcmp (key, l->data) != 0)
              continue;  /* keys may have merged: either value can have won */

            if (other == NULL || !same_json (json_object_get_member (a, l->data), other))
              return FALSE;
          }
        return TRUE;
      }
    case JSON_NODE_ARRAY:
      {
        JsonArray *a = json_node_get_array (original);
        JsonArray *b = json_node_get_array (written);

        if (json_array_get_length (a) != json_array_get_length (b))
          return FALSE;
        for (guint i = 0; i < json_array_get_length (a); i++)
          if (!same_json (json_array_get_element (a, i), json_array_get_element (b, i)))
            return FALSE;
        return TRUE;
      }
    case JSON_NODE_NULL:
      return TRUE;
    case JSON_NODE_VALUE:
    default:
      if (json_node_get_value_type (original) != json_node_get_value_type (written))
        return FALSE;
      switch (json_node_get_value_type (original))
        {
        case G_TYPE_INT64:
          return json_node_get_int (original) == json_node_get_int (written);
        case G_TYPE_DOUBLE:
          return json_node_get_double (original) == json_node_get_double (written);
        case G_TYPE_BOOLEAN:
          return json_node_get_boolean (original) == json_node_get_boolean (written);
        case G_TYPE_STRING:
          return same_text (json_node_get_string (original), json_node_get_string (written));
        default:
          return FALSE;
        }
    }
}

static JsonNode *
write_and_read (JsonNode *node,
                gboolean  pretty)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *text = rd_json_to_string (node, pretty);

  /* What we write is JSON that any parser, ours included, reads. */
  json_parser_load_from_data (parser, text, -1, &error);
  g_assert_no_error (error);
  return json_node_copy (json_parser_get_root (parser));
}

static void
check_result (JsonObject *object)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(RdCheckResult) result = rd_check_result_new_from_json (object, &error);
  g_autoptr(RdCheckResult) again = NULL;
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(JsonNode) written = NULL;
  RdCheckStatus status;

  if (result == NULL)
    {
      g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA);
      return;
    }
  g_assert_no_error (error);
  g_assert_nonnull (rd_check_result_get_check_id (result));
  g_assert_nonnull (rd_check_result_get_summary (result));
  g_assert_nonnull (rd_check_result_get_evidence (result));
  g_assert_true (rd_check_status_from_string (rd_check_status_to_string (rd_check_result_get_status (result)),
                                              &status));

  /* written as a report and read back, it is the same result */
  node = rd_check_result_to_json (result);
  written = write_and_read (node, FALSE);
  g_assert_true (same_json (node, written));
  g_clear_pointer (&written, json_node_unref);
  written = write_and_read (node, TRUE);
  g_assert_true (same_json (node, written));

  g_assert_true (JSON_NODE_HOLDS_OBJECT (written));
  again = rd_check_result_new_from_json (json_node_get_object (written), &error);
  g_assert_no_error (error);
  g_assert_true (same_text (rd_check_result_get_check_id (result), rd_check_result_get_check_id (again)));
  g_assert_cmpint (rd_check_result_get_status (again), ==, rd_check_result_get_status (result));
  g_assert_true (same_text (rd_check_result_get_summary (result), rd_check_result_get_summary (again)));
  g_assert_cmpuint (rd_check_result_get_duration_ms (again), ==, rd_check_result_get_duration_ms (result));
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autoptr(JsonParser) parser = json_parser_new_immutable ();
  JsonNode *root;
  JsonObject *report;
  JsonNode *checks;

  if (size > G_MAXSSIZE || !json_parser_load_from_data (parser, (const char *) data, (gssize) size, NULL))
    return 0;

  root = json_parser_get_root (parser);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    return 0;

  /* a whole report ({"schema": 1, "checks": [...], ...}) or one check result */
  report = json_node_get_object (root);
  checks = json_object_get_member (report, "checks");
  if (checks != NULL && JSON_NODE_HOLDS_ARRAY (checks))
    {
      JsonArray *array = json_node_get_array (checks);

      for (guint i = 0; i < json_array_get_length (array); i++)
        {
          JsonNode *element = json_array_get_element (array, i);

          if (JSON_NODE_HOLDS_OBJECT (element))
            check_result (json_node_get_object (element));
        }
    }
  check_result (report);
  return 0;
}
