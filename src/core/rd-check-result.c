/* rd-check-result.c: what one check found
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "rd-check-result"

#include "config.h"

#include <gio/gio.h>

#include "rd-check-result.h"

/* Immutable once a check has returned it: the runner hands it from the worker
 * thread to the main loop and to dependent checks on other threads, so nothing
 * may change it after that. The evidence object is sealed for the same reason. */
struct _RdCheckResult
{
  GObject        parent_instance;

  char          *check_id;
  RdCheckStatus  status;
  char          *summary;
  guint          duration_ms;
  JsonObject    *evidence;
};

G_DEFINE_FINAL_TYPE (RdCheckResult, rd_check_result, G_TYPE_OBJECT)

static const char * const status_names[] = {
  [RD_CHECK_STATUS_PASS] = "pass",
  [RD_CHECK_STATUS_WARN] = "warn",
  [RD_CHECK_STATUS_FAIL] = "fail",
  [RD_CHECK_STATUS_SKIPPED] = "skipped",
  [RD_CHECK_STATUS_ERROR] = "error",
};

const char *
rd_check_status_to_string (RdCheckStatus status)
{
  g_return_val_if_fail (status <= RD_CHECK_STATUS_ERROR, "error");
  return status_names[status];
}

gboolean
rd_check_status_from_string (const char    *text,
                             RdCheckStatus *status)
{
  for (guint i = 0; i < G_N_ELEMENTS (status_names); i++)
    {
      if (g_strcmp0 (text, status_names[i]) == 0)
        {
          *status = (RdCheckStatus) i;
          return TRUE;
        }
    }
  return FALSE;
}

static void
rd_check_result_finalize (GObject *object)
{
  RdCheckResult *self = (RdCheckResult *)object;

  g_clear_pointer (&self->check_id, g_free);
  g_clear_pointer (&self->summary, g_free);
  g_clear_pointer (&self->evidence, json_object_unref);

  G_OBJECT_CLASS (rd_check_result_parent_class)->finalize (object);
}

static void
rd_check_result_class_init (RdCheckResultClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = rd_check_result_finalize;
}

static void
rd_check_result_init (RdCheckResult *self)
{
}

/**
 * rd_check_result_new_take:
 * @check_id: the check's stable id ("dns", "tcp", …)
 * @status: the verdict
 * @summary: (transfer full): one line for people, in their language
 * @evidence: (transfer full) (nullable): structured evidence; English keys
 *
 * Returns: (transfer full): the result
 */
RdCheckResult *
rd_check_result_new_take (const char    *check_id,
                          RdCheckStatus  status,
                          char          *summary,
                          JsonObject    *evidence)
{
  RdCheckResult *self;

  g_return_val_if_fail (check_id != NULL, NULL);
  g_return_val_if_fail (summary != NULL, NULL);

  self = g_object_new (RD_TYPE_CHECK_RESULT, NULL);
  self->check_id = g_strdup (check_id);
  self->status = status;
  self->summary = summary;
  self->evidence = evidence != NULL ? evidence : json_object_new ();
  json_object_seal (self->evidence);
  return self;
}

RdCheckResult *
rd_check_result_new (const char    *check_id,
                     RdCheckStatus  status,
                     const char    *summary)
{
  return rd_check_result_new_take (check_id, status, g_strdup (summary), NULL);
}

const char *
rd_check_result_get_check_id (RdCheckResult *self)
{
  g_return_val_if_fail (RD_IS_CHECK_RESULT (self), NULL);
  return self->check_id;
}

RdCheckStatus
rd_check_result_get_status (RdCheckResult *self)
{
  g_return_val_if_fail (RD_IS_CHECK_RESULT (self), RD_CHECK_STATUS_ERROR);
  return self->status;
}

const char *
rd_check_result_get_summary (RdCheckResult *self)
{
  g_return_val_if_fail (RD_IS_CHECK_RESULT (self), NULL);
  return self->summary;
}

guint
rd_check_result_get_duration_ms (RdCheckResult *self)
{
  g_return_val_if_fail (RD_IS_CHECK_RESULT (self), 0);
  return self->duration_ms;
}

/* Only the runner sets the duration, before it publishes the result. */
void
rd_check_result_set_duration_ms (RdCheckResult *self,
                                 guint          duration_ms)
{
  g_return_if_fail (RD_IS_CHECK_RESULT (self));
  self->duration_ms = duration_ms;
}

/**
 * rd_check_result_get_evidence:
 *
 * Returns: (transfer none): the sealed evidence object; never %NULL
 */
JsonObject *
rd_check_result_get_evidence (RdCheckResult *self)
{
  g_return_val_if_fail (RD_IS_CHECK_RESULT (self), NULL);
  return self->evidence;
}

/**
 * rd_check_result_is_usable:
 *
 * Returns: whether checks that depend on this one can build on it
 */
gboolean
rd_check_result_is_usable (RdCheckResult *self)
{
  g_return_val_if_fail (RD_IS_CHECK_RESULT (self), FALSE);
  return self->status == RD_CHECK_STATUS_PASS || self->status == RD_CHECK_STATUS_WARN;
}

/**
 * rd_check_result_to_json:
 *
 * Returns: (transfer full): `{ "id", "status", "summary", "duration_ms", "evidence" }`
 */
JsonNode *
rd_check_result_to_json (RdCheckResult *self)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  g_return_val_if_fail (RD_IS_CHECK_RESULT (self), NULL);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "id");
  json_builder_add_string_value (builder, self->check_id);
  json_builder_set_member_name (builder, "status");
  json_builder_add_string_value (builder, rd_check_status_to_string (self->status));
  json_builder_set_member_name (builder, "summary");
  json_builder_add_string_value (builder, self->summary);
  json_builder_set_member_name (builder, "duration_ms");
  json_builder_add_int_value (builder, self->duration_ms);
  json_builder_set_member_name (builder, "evidence");
  {
    JsonNode *evidence = json_node_alloc ();
    json_node_init_object (evidence, self->evidence);
    json_builder_add_value (builder, evidence);
  }
  json_builder_end_object (builder);
  return json_builder_get_root (builder);
}

/**
 * rd_check_result_new_from_json:
 * @object: one element of a report's "checks" array
 *
 * Reads back what rd_check_result_to_json() wrote, so that a saved report can be
 * diagnosed again (help desks, tests).
 *
 * Returns: (transfer full): the result, or %NULL with @error set
 */
/* A report is outside input: a member of another type than expected is
 * treated as missing (json-glib's getters are critical about it). */
static JsonNode *
get_value_member (JsonObject *object,
                  const char *name,
                  GType       type)
{
  JsonNode *node = json_object_get_member (object, name);

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != type)
    return NULL;
  return node;
}

static const char *
get_string_member (JsonObject *object,
                   const char *name)
{
  JsonNode *node = get_value_member (object, name, G_TYPE_STRING);

  return node != NULL ? json_node_get_string (node) : NULL;
}

RdCheckResult *
rd_check_result_new_from_json (JsonObject  *object,
                               GError     **error)
{
  const char *id = get_string_member (object, "id");
  const char *status_text = get_string_member (object, "status");
  const char *summary = get_string_member (object, "summary");
  JsonNode *duration = get_value_member (object, "duration_ms", G_TYPE_INT64);
  RdCheckStatus status;
  JsonNode *evidence = json_object_get_member (object, "evidence");
  RdCheckResult *self;

  if (id == NULL || !rd_check_status_from_string (status_text, &status))
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                           "a check result needs an \"id\" and a known \"status\"");
      return NULL;
    }

  self = rd_check_result_new_take (id, status, g_strdup (summary != NULL ? summary : ""),
                                   evidence != NULL && JSON_NODE_HOLDS_OBJECT (evidence)
                                     ? json_object_ref (json_node_get_object (evidence))
                                     : NULL);
  if (duration != NULL)
    self->duration_ms = (guint) CLAMP (json_node_get_int (duration), 0, G_MAXUINT);
  return self;
}
