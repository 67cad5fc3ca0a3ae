/* rd-cause.c: one diagnosed cause: which, how sure, and why
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "rd-cause"

#include "config.h"

#include <math.h>

#include "rd-json.h"
#include "rd-cause.h"

struct _RdCause
{
  GObject               parent_instance;

  const RdCatalogCause *info;        /* owned by the catalog, which outlives causes */
  double                confidence;
  GPtrArray            *reasons;     /* JsonObject { "check", "reason" } */
  GPtrArray            *fixes;       /* RdCatalogFix that apply, borrowed from the catalog */
};

G_DEFINE_FINAL_TYPE (RdCause, rd_cause, G_TYPE_OBJECT)

static void
rd_cause_finalize (GObject *object)
{
  RdCause *self = (RdCause *)object;

  g_clear_pointer (&self->reasons, g_ptr_array_unref);
  g_clear_pointer (&self->fixes, g_ptr_array_unref);

  G_OBJECT_CLASS (rd_cause_parent_class)->finalize (object);
}

static void
rd_cause_class_init (RdCauseClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = rd_cause_finalize;
}

static void
rd_cause_init (RdCause *self)
{
  self->reasons = g_ptr_array_new_with_free_func ((GDestroyNotify) json_object_unref);
}

/**
 * rd_cause_new:
 * @info: the catalog entry; its catalog must outlive the cause
 * @confidence: from 0 to 1
 */
RdCause *
rd_cause_new (const RdCatalogCause *info,
              double                confidence)
{
  RdCause *self;

  g_return_val_if_fail (info != NULL, NULL);

  self = g_object_new (RD_TYPE_CAUSE, NULL);
  self->info = info;
  self->confidence = CLAMP (confidence, 0.0, 1.0);
  self->fixes = g_ptr_array_new ();
  for (guint i = 0; i < info->fixes->len; i++)
    if (((RdCatalogFix *) g_ptr_array_index (info->fixes, i))->requires == NULL)
      g_ptr_array_add (self->fixes, g_ptr_array_index (info->fixes, i));
  return self;
}

/**
 * rd_cause_add_reason:
 * @check_id: (nullable): the check whose evidence supports the cause
 * @reason: why, in the user's language
 */
void
rd_cause_add_reason (RdCause    *self,
                     const char *check_id,
                     const char *reason)
{
  JsonObject *object = json_object_new ();

  g_return_if_fail (RD_IS_CAUSE (self));

  rd_json_set_string_or_null (object, "check", check_id);
  json_object_set_string_member (object, "reason", reason);
  g_ptr_array_add (self->reasons, object);
}

/**
 * rd_cause_raise_confidence:
 *
 * Takes @confidence if it is higher: several pieces of evidence for one cause.
 */
void
rd_cause_raise_confidence (RdCause *self,
                           double   confidence)
{
  g_return_if_fail (RD_IS_CAUSE (self));
  self->confidence = MAX (self->confidence, CLAMP (confidence, 0.0, 1.0));
}

const char *
rd_cause_get_id (RdCause *self)
{
  g_return_val_if_fail (RD_IS_CAUSE (self), NULL);
  return self->info->id;
}

const char *
rd_cause_get_title (RdCause *self)
{
  g_return_val_if_fail (RD_IS_CAUSE (self), NULL);
  return self->info->title;
}

const char *
rd_cause_get_explanation (RdCause *self)
{
  g_return_val_if_fail (RD_IS_CAUSE (self), NULL);
  return self->info->explanation;
}

double
rd_cause_get_confidence (RdCause *self)
{
  g_return_val_if_fail (RD_IS_CAUSE (self), 0);
  return self->confidence;
}

const RdCatalogCause *
rd_cause_get_info (RdCause *self)
{
  g_return_val_if_fail (RD_IS_CAUSE (self), NULL);
  return self->info;
}

/**
 * rd_cause_get_reasons:
 *
 * Returns: (transfer none) (element-type JsonObject): `{ "check", "reason" }` each
 */
GPtrArray *
rd_cause_get_reasons (RdCause *self)
{
  g_return_val_if_fail (RD_IS_CAUSE (self), NULL);
  return self->reasons;
}

/**
 * rd_cause_add_conditional_fixes:
 * @conditions: the conditions the evidence meets ("restricted-admin", …)
 *
 * Adds the fixes that need one of @conditions: a fix is only offered where it
 * can work (restricted admin mode only where the server advertises it).
 */
void
rd_cause_add_conditional_fixes (RdCause            *self,
                                const char * const *conditions)
{
  g_return_if_fail (RD_IS_CAUSE (self));

  for (guint i = 0; i < self->info->fixes->len; i++)
    {
      RdCatalogFix *fix = g_ptr_array_index (self->info->fixes, i);

      if (fix->requires != NULL && conditions != NULL &&
          g_strv_contains (conditions, fix->requires) &&
          !g_ptr_array_find (self->fixes, fix, NULL))
        g_ptr_array_add (self->fixes, fix);
    }
}

/**
 * rd_cause_get_fixes:
 *
 * Returns: (transfer none) (element-type RdCatalogFix): the fixes that apply here
 */
GPtrArray *
rd_cause_get_fixes (RdCause *self)
{
  g_return_val_if_fail (RD_IS_CAUSE (self), NULL);
  return self->fixes;
}

/**
 * rd_cause_get_recheck:
 *
 * Returns: (transfer none): the checks to run again to see whether it is fixed
 */
const char * const *
rd_cause_get_recheck (RdCause *self)
{
  g_return_val_if_fail (RD_IS_CAUSE (self), NULL);
  return (const char * const *) self->info->recheck;
}

static JsonNode *
fix_to_json (const RdCatalogFix *fix,
             RdTarget           *target)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "id");
  json_builder_add_string_value (builder, fix->id);
  json_builder_set_member_name (builder, "title");
  json_builder_add_string_value (builder, fix->title);
  json_builder_set_member_name (builder, "steps");
  json_builder_begin_array (builder);
  for (guint i = 0; i < fix->steps->len; i++)
    json_builder_add_string_value (builder, ((RdCatalogStep *) g_ptr_array_index (fix->steps, i))->text);
  json_builder_end_array (builder);

  /* Commands stay apart from the translated step texts so tools can use them. */
  json_builder_set_member_name (builder, "commands");
  json_builder_begin_array (builder);
  for (guint i = 0; i < fix->steps->len; i++)
    {
      RdCatalogStep *step = g_ptr_array_index (fix->steps, i);
      g_autofree char *rendered = NULL;

      if (step->command == NULL)
        continue;
      rendered = rd_catalog_command_render (step->command, target);
      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "step");
      json_builder_add_int_value (builder, i + 1);
      json_builder_set_member_name (builder, "shell");
      json_builder_add_string_value (builder, step->command->shell);
      json_builder_set_member_name (builder, "command");
      json_builder_add_string_value (builder, rendered);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);

  json_builder_set_member_name (builder, "actions");
  json_builder_begin_array (builder);
  for (guint i = 0; i < fix->steps->len; i++)
    {
      RdCatalogStep *step = g_ptr_array_index (fix->steps, i);

      for (guint a = 0; a < step->actions->len; a++)
        {
          RdCatalogAction *action = g_ptr_array_index (step->actions, a);

          json_builder_begin_object (builder);
          json_builder_set_member_name (builder, "step");
          json_builder_add_int_value (builder, i + 1);
          json_builder_set_member_name (builder, "type");
          json_builder_add_string_value (builder, action->type);
          if (action->argument != NULL)
            {
              json_builder_set_member_name (builder, "argument");
              json_builder_add_string_value (builder, action->argument);
            }
          json_builder_end_object (builder);
        }
    }
  json_builder_end_array (builder);
  json_builder_end_object (builder);
  return json_builder_get_root (builder);
}

/**
 * rd_cause_to_json:
 * @target: (nullable): fills the commands' placeholders
 *
 * Returns: (transfer full): the cause as the report's schema has it
 */
JsonNode *
rd_cause_to_json (RdCause  *self,
                  RdTarget *target)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  g_return_val_if_fail (RD_IS_CAUSE (self), NULL);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "id");
  json_builder_add_string_value (builder, self->info->id);
  /* two decimals: enough to rank, and stable to compare */
  json_builder_set_member_name (builder, "confidence");
  json_builder_add_double_value (builder, round (self->confidence * 100.0) / 100.0);
  json_builder_set_member_name (builder, "title");
  json_builder_add_string_value (builder, self->info->title);
  json_builder_set_member_name (builder, "explanation");
  json_builder_add_string_value (builder, self->info->explanation);
  json_builder_set_member_name (builder, "evidence");
  json_builder_begin_array (builder);
  for (guint i = 0; i < self->reasons->len; i++)
    {
      JsonNode *node = json_node_alloc ();
      json_node_init_object (node, g_ptr_array_index (self->reasons, i));
      json_builder_add_value (builder, node);
    }
  json_builder_end_array (builder);
  json_builder_set_member_name (builder, "recheck");
  json_builder_begin_array (builder);
  for (guint i = 0; self->info->recheck[i] != NULL; i++)
    if (*self->info->recheck[i] != '\0')
      json_builder_add_string_value (builder, self->info->recheck[i]);
  json_builder_end_array (builder);
  json_builder_set_member_name (builder, "fixes");
  json_builder_begin_array (builder);
  for (guint i = 0; i < self->fixes->len; i++)
    json_builder_add_value (builder, fix_to_json (g_ptr_array_index (self->fixes, i), target));
  json_builder_end_array (builder);
  json_builder_end_object (builder);
  return json_builder_get_root (builder);
}
