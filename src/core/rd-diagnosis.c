/* rd-diagnosis.c: from all evidence to a ranked list of causes
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "rd-diagnosis"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "rd-catalog.h"
#include "rd-cause.h"
#include "rd-check-result.h"
#include "rd-diagnosis.h"
#include "rd-target.h"

/* The diagnosis is a pure function of the evidence: no I/O, no clock, so that
 * it can be tested without a network and rerun on a saved report. */
struct _RdDiagnosis
{
  GObject     parent_instance;

  RdTarget   *target;
  GPtrArray  *results;   /* RdCheckResult */
  RdCatalog  *catalog;
  GPtrArray  *causes;    /* RdCause, most likely first */
};

G_DEFINE_FINAL_TYPE (RdDiagnosis, rd_diagnosis, G_TYPE_OBJECT)

static RdCheckResult *
find_result (RdDiagnosis *self,
             const char  *check_id)
{
  for (guint i = 0; i < self->results->len; i++)
    {
      RdCheckResult *result = g_ptr_array_index (self->results, i);

      if (g_strcmp0 (rd_check_result_get_check_id (result), check_id) == 0)
        return result;
    }
  return NULL;
}

static const char *
evidence_string (RdCheckResult *result,
                 const char    *member)
{
  if (result == NULL)
    return NULL;
  return json_object_get_string_member_with_default (rd_check_result_get_evidence (result),
                                                     member, NULL);
}

/* Adds @cause_id with @confidence, or raises an existing one's confidence,
 * and records why. */
static RdCause *
suggest (RdDiagnosis   *self,
         const char    *cause_id,
         double         confidence,
         RdCheckResult *because,
         const char    *reason)
{
  const RdCatalogCause *info = rd_catalog_lookup (self->catalog, cause_id);
  RdCause *cause = NULL;

  if (info == NULL)
    {
      g_critical ("cause “%s” is not in the catalog", cause_id);
      return NULL;
    }

  for (guint i = 0; i < self->causes->len; i++)
    if (g_strcmp0 (rd_cause_get_id (g_ptr_array_index (self->causes, i)), cause_id) == 0)
      cause = g_ptr_array_index (self->causes, i);

  if (cause == NULL)
    {
      cause = rd_cause_new (info, confidence);
      g_ptr_array_add (self->causes, cause);
    }
  else
    {
      rd_cause_raise_confidence (cause, confidence);
    }

  rd_cause_add_reason (cause,
                       because != NULL ? rd_check_result_get_check_id (because) : NULL,
                       reason != NULL ? reason : rd_check_result_get_summary (because));
  return cause;
}

static void
diagnose_name (RdDiagnosis *self)
{
  RdCheckResult *dns = find_result (self, "dns");

  if (dns != NULL && rd_check_result_get_status (dns) == RD_CHECK_STATUS_FAIL)
    suggest (self, "dns-unresolved", 0.95, dns, NULL);
}

static void
diagnose_port (RdDiagnosis *self)
{
  RdCheckResult *tcp = find_result (self, "tcp");
  const char *state = evidence_string (tcp, "state");

  if (tcp == NULL || state == NULL)
    return;

  if (g_str_equal (state, "refused"))
    {
      suggest (self, "port-closed", 0.9, tcp, NULL);
    }
  else if (g_str_equal (state, "timeout"))
    {
      suggest (self, "port-filtered", 0.85, tcp, NULL);
    }
  else if (g_str_equal (state, "unreachable"))
    {
      /* ICMP "prohibited" is a firewall rejecting; "no route" may be the network */
      suggest (self, "port-filtered", 0.6, tcp, NULL);
    }
  else if (g_str_equal (state, "open"))
    {
      JsonObject *evidence = rd_check_result_get_evidence (tcp);
      JsonObject *handshakes = json_object_get_member (evidence, "handshakes") != NULL
                                 ? json_object_get_object_member (evidence, "handshakes")
                                 : NULL;
      gint64 failed = handshakes != NULL ? json_object_get_int_member_with_default (handshakes, "failed", 0) : 0;

      if (failed > 0)
        suggest (self, "network-unstable", 0.7, tcp, NULL);
      else if (json_object_get_boolean_member_with_default (evidence, "unsteady", FALSE))
        suggest (self, "network-unstable", 0.5, tcp, NULL);
    }
}

static int
compare_causes (gconstpointer a,
                gconstpointer b)
{
  RdCause *x = *(RdCause **) a;
  RdCause *y = *(RdCause **) b;
  double cx = rd_cause_get_confidence (x), cy = rd_cause_get_confidence (y);

  if (cx != cy)
    return cx > cy ? -1 : 1;
  /* equal confidence: a stable order, for reproducible reports */
  return g_strcmp0 (rd_cause_get_id (x), rd_cause_get_id (y));
}

static void
rd_diagnosis_finalize (GObject *object)
{
  RdDiagnosis *self = (RdDiagnosis *)object;

  g_clear_pointer (&self->causes, g_ptr_array_unref);
  g_clear_pointer (&self->results, g_ptr_array_unref);
  g_clear_pointer (&self->target, rd_target_unref);
  g_clear_object (&self->catalog);

  G_OBJECT_CLASS (rd_diagnosis_parent_class)->finalize (object);
}

static void
rd_diagnosis_class_init (RdDiagnosisClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = rd_diagnosis_finalize;
}

static void
rd_diagnosis_init (RdDiagnosis *self)
{
  self->causes = g_ptr_array_new_with_free_func (g_object_unref);
}

/**
 * rd_diagnosis_new:
 * @target: what was checked
 * @results: (element-type RdCheckResult): every check's result
 * @catalog: where the causes' texts and fixes come from
 *
 * Returns: (transfer full): the diagnosis, its causes ranked
 */
RdDiagnosis *
rd_diagnosis_new (RdTarget  *target,
                  GPtrArray *results,
                  RdCatalog *catalog)
{
  RdDiagnosis *self;

  g_return_val_if_fail (target != NULL, NULL);
  g_return_val_if_fail (results != NULL, NULL);
  g_return_val_if_fail (RD_IS_CATALOG (catalog), NULL);

  self = g_object_new (RD_TYPE_DIAGNOSIS, NULL);
  self->target = rd_target_ref (target);
  self->results = g_ptr_array_ref (results);
  self->catalog = g_object_ref (catalog);

  diagnose_name (self);
  diagnose_port (self);

  g_ptr_array_sort (self->causes, compare_causes);
  return self;
}

RdTarget *
rd_diagnosis_get_target (RdDiagnosis *self)
{
  g_return_val_if_fail (RD_IS_DIAGNOSIS (self), NULL);
  return self->target;
}

/**
 * rd_diagnosis_get_results:
 *
 * Returns: (transfer none) (element-type RdCheckResult): the checks' results
 */
GPtrArray *
rd_diagnosis_get_results (RdDiagnosis *self)
{
  g_return_val_if_fail (RD_IS_DIAGNOSIS (self), NULL);
  return self->results;
}

/**
 * rd_diagnosis_get_causes:
 *
 * Returns: (transfer none) (element-type RdCause): the causes, most likely first;
 *   empty when nothing is wrong from here
 */
GPtrArray *
rd_diagnosis_get_causes (RdDiagnosis *self)
{
  g_return_val_if_fail (RD_IS_DIAGNOSIS (self), NULL);
  return self->causes;
}

/**
 * rd_diagnosis_get_top_cause:
 *
 * Returns: (transfer none) (nullable): the most likely cause
 */
RdCause *
rd_diagnosis_get_top_cause (RdDiagnosis *self)
{
  g_return_val_if_fail (RD_IS_DIAGNOSIS (self), NULL);
  return self->causes->len > 0 ? g_ptr_array_index (self->causes, 0) : NULL;
}

/**
 * rd_diagnosis_found_problems:
 *
 * Returns: whether a cause was found or a check failed
 */
gboolean
rd_diagnosis_found_problems (RdDiagnosis *self)
{
  g_return_val_if_fail (RD_IS_DIAGNOSIS (self), FALSE);

  if (self->causes->len > 0)
    return TRUE;
  for (guint i = 0; i < self->results->len; i++)
    if (rd_check_result_get_status (g_ptr_array_index (self->results, i)) == RD_CHECK_STATUS_FAIL)
      return TRUE;
  return FALSE;
}

/**
 * rd_diagnosis_to_json:
 *
 * Returns: (transfer full): the report (schema %RD_REPORT_SCHEMA_VERSION):
 *   English keys, texts in the user's language
 */
JsonNode *
rd_diagnosis_to_json (RdDiagnosis *self)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  g_return_val_if_fail (RD_IS_DIAGNOSIS (self), NULL);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "schema");
  json_builder_add_int_value (builder, RD_REPORT_SCHEMA_VERSION);
  json_builder_set_member_name (builder, "tool");
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "name");
  json_builder_add_string_value (builder, "rdp-doctor");
  json_builder_set_member_name (builder, "version");
  json_builder_add_string_value (builder, PACKAGE_VERSION);
  json_builder_end_object (builder);

  json_builder_set_member_name (builder, "target");
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "host");
  json_builder_add_string_value (builder, rd_target_get_host (self->target));
  json_builder_set_member_name (builder, "port");
  json_builder_add_int_value (builder, rd_target_get_port (self->target));
  if (g_strcmp0 (rd_target_get_host (self->target), rd_target_get_display_host (self->target)) != 0)
    {
      json_builder_set_member_name (builder, "display_host");
      json_builder_add_string_value (builder, rd_target_get_display_host (self->target));
    }
  json_builder_end_object (builder);

  json_builder_set_member_name (builder, "checks");
  json_builder_begin_array (builder);
  for (guint i = 0; i < self->results->len; i++)
    json_builder_add_value (builder, rd_check_result_to_json (g_ptr_array_index (self->results, i)));
  json_builder_end_array (builder);

  json_builder_set_member_name (builder, "causes");
  json_builder_begin_array (builder);
  for (guint i = 0; i < self->causes->len; i++)
    json_builder_add_value (builder, rd_cause_to_json (g_ptr_array_index (self->causes, i), self->target));
  json_builder_end_array (builder);

  json_builder_set_member_name (builder, "problems_found");
  json_builder_add_boolean_value (builder, rd_diagnosis_found_problems (self));
  json_builder_end_object (builder);
  return json_builder_get_root (builder);
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

static void
append_cause (GString  *text,
              RdCause  *cause,
              RdTarget *target,
              gboolean  with_fixes)
{
  GPtrArray *reasons = rd_cause_get_reasons (cause);
  const RdCatalogCause *info = rd_cause_get_info (cause);

  /* Translators: a cause's title followed by how sure the diagnosis is */
  g_string_append_printf (text, _("%s (%.0f%% likely)"), rd_cause_get_title (cause),
                          rd_cause_get_confidence (cause) * 100.0);
  g_string_append_printf (text, "\n  [%s]\n", rd_cause_get_id (cause));
  if (!with_fixes)
    return;

  g_string_append_printf (text, "  %s\n", rd_cause_get_explanation (cause));
  if (reasons->len > 0)
    {
      g_string_append_printf (text, "  %s\n", _("Why:"));
      for (guint i = 0; i < reasons->len; i++)
        g_string_append_printf (text, "    • %s\n",
                                json_object_get_string_member (g_ptr_array_index (reasons, i), "reason"));
    }
  for (guint f = 0; f < info->fixes->len; f++)
    {
      RdCatalogFix *fix = g_ptr_array_index (info->fixes, f);

      g_string_append_printf (text, "  %s %s\n", _("Fix:"), fix->title);
      for (guint s = 0; s < fix->steps->len; s++)
        {
          RdCatalogStep *step = g_ptr_array_index (fix->steps, s);

          g_string_append_printf (text, "    %u. %s\n", s + 1, step->text);
          if (step->command != NULL)
            {
              g_autofree char *command = rd_catalog_command_render (step->command, target);
              g_string_append_printf (text, "         %s\n", command);
            }
        }
    }
}

/**
 * rd_diagnosis_to_text:
 *
 * Returns: (transfer full): the report for people, in their language
 */
char *
rd_diagnosis_to_text (RdDiagnosis *self)
{
  g_autoptr(GString) text = g_string_new (NULL);
  g_autofree char *where = NULL;

  g_return_val_if_fail (RD_IS_DIAGNOSIS (self), NULL);

  where = rd_target_to_string (self->target);
  g_string_append_printf (text, _("RDP Doctor: diagnosis of %s"), where);
  g_string_append (text, "\n\n");

  for (guint i = 0; i < self->results->len; i++)
    {
      RdCheckResult *result = g_ptr_array_index (self->results, i);

      g_string_append_printf (text, "  %s %-8s %s\n",
                              status_mark (rd_check_result_get_status (result)),
                              rd_check_result_get_check_id (result),
                              rd_check_result_get_summary (result));
    }
  g_string_append_c (text, '\n');

  if (self->causes->len == 0)
    {
      g_string_append (text, _("Nothing is wrong from here: every check passed."));
      g_string_append_c (text, '\n');
      return g_string_free (g_steal_pointer (&text), FALSE);
    }

  g_string_append (text, _("Most likely cause:"));
  g_string_append (text, "\n  ");
  append_cause (text, g_ptr_array_index (self->causes, 0), self->target, TRUE);

  if (self->causes->len > 1)
    {
      g_string_append_c (text, '\n');
      g_string_append (text, _("Other possible causes:"));
      g_string_append_c (text, '\n');
      for (guint i = 1; i < self->causes->len; i++)
        {
          g_string_append (text, "  ");
          append_cause (text, g_ptr_array_index (self->causes, i), self->target, FALSE);
        }
    }
  return g_string_free (g_steal_pointer (&text), FALSE);
}
