/* rd-check-context.c: what a running check may read
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "rd-check-context"

#include "config.h"

#include "rd-check-context.h"
#include "rd-check-result.h"
#include "rd-target.h"

/* Filled by the runner on the main thread before the check starts, then only
 * read by the check's worker thread: no locking is needed. */
struct _RdArtifacts
{
  grefcount   ref_count;
  GMutex      mutex;
  GHashTable *objects;   /* name → GObject */
};

struct _RdCheckContext
{
  grefcount    ref_count;
  RdArtifacts *artifacts;
  RdTarget   *target;
  gint64      deadline_us;
  GHashTable *results;   /* check id → RdCheckResult */
  GHashTable *options;   /* name → GVariant, shared and never changed while running */
};

G_DEFINE_BOXED_TYPE (RdCheckContext, rd_check_context, rd_check_context_ref, rd_check_context_unref)

RdArtifacts *
rd_artifacts_new (void)
{
  RdArtifacts *self = g_new0 (RdArtifacts, 1);

  g_ref_count_init (&self->ref_count);
  g_mutex_init (&self->mutex);
  self->objects = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_object_unref);
  return self;
}

RdArtifacts *
rd_artifacts_ref (RdArtifacts *self)
{
  g_ref_count_inc (&self->ref_count);
  return self;
}

void
rd_artifacts_unref (RdArtifacts *self)
{
  if (g_ref_count_dec (&self->ref_count))
    {
      g_hash_table_unref (self->objects);
      g_mutex_clear (&self->mutex);
      g_free (self);
    }
}

/**
 * rd_check_context_new:
 * @target: what to check
 * @deadline_us: the g_get_monotonic_time() by which the check must have answered
 * @options: (nullable) (transfer none): name → #GVariant; it is referenced, not copied
 * @artifacts: (nullable): the run's artifact store, shared by its checks
 */
RdCheckContext *
rd_check_context_new (RdTarget    *target,
                      gint64       deadline_us,
                      GHashTable  *options,
                      RdArtifacts *artifacts)
{
  RdCheckContext *self = g_new0 (RdCheckContext, 1);

  g_return_val_if_fail (target != NULL, NULL);

  g_ref_count_init (&self->ref_count);
  self->target = rd_target_ref (target);
  self->deadline_us = deadline_us;
  self->results = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_object_unref);
  self->options = options != NULL ? g_hash_table_ref (options) : NULL;
  self->artifacts = artifacts != NULL ? rd_artifacts_ref (artifacts) : rd_artifacts_new ();
  return self;
}

RdCheckContext *
rd_check_context_ref (RdCheckContext *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  g_ref_count_inc (&self->ref_count);
  return self;
}

void
rd_check_context_unref (RdCheckContext *self)
{
  g_return_if_fail (self != NULL);

  if (g_ref_count_dec (&self->ref_count))
    {
      g_clear_pointer (&self->target, rd_target_unref);
      g_clear_pointer (&self->results, g_hash_table_unref);
      g_clear_pointer (&self->options, g_hash_table_unref);
      g_clear_pointer (&self->artifacts, rd_artifacts_unref);
      g_free (self);
    }
}

/* Only before the check starts. */
void
rd_check_context_add_result (RdCheckContext *self,
                             RdCheckResult  *result)
{
  g_return_if_fail (self != NULL);
  g_return_if_fail (RD_IS_CHECK_RESULT (result));

  g_hash_table_replace (self->results,
                        g_strdup (rd_check_result_get_check_id (result)),
                        g_object_ref (result));
}

RdTarget *
rd_check_context_get_target (RdCheckContext *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return self->target;
}

gint64
rd_check_context_get_deadline (RdCheckContext *self)
{
  g_return_val_if_fail (self != NULL, 0);
  return self->deadline_us;
}

/**
 * rd_check_context_get_remaining_us:
 *
 * Returns: microseconds left before the deadline, never negative
 */
gint64
rd_check_context_get_remaining_us (RdCheckContext *self)
{
  g_return_val_if_fail (self != NULL, 0);
  return MAX (0, self->deadline_us - g_get_monotonic_time ());
}

/**
 * rd_check_context_get_result:
 * @check_id: one of the check's dependencies
 *
 * Returns: (transfer none) (nullable): that check's result
 */
RdCheckResult *
rd_check_context_get_result (RdCheckContext *self,
                             const char     *check_id)
{
  g_return_val_if_fail (self != NULL, NULL);
  return g_hash_table_lookup (self->results, check_id);
}

/**
 * rd_check_context_get_option:
 *
 * Returns: (transfer none) (nullable): the run's option @name
 */
GVariant *
rd_check_context_get_option (RdCheckContext *self,
                             const char     *name)
{
  g_return_val_if_fail (self != NULL, NULL);
  return self->options != NULL ? g_hash_table_lookup (self->options, name) : NULL;
}

gint64
rd_check_context_get_int_option (RdCheckContext *self,
                                 const char     *name,
                                 gint64          default_value)
{
  GVariant *value = rd_check_context_get_option (self, name);

  if (value == NULL)
    return default_value;
  if (g_variant_is_of_type (value, G_VARIANT_TYPE_INT32))
    return g_variant_get_int32 (value);
  if (g_variant_is_of_type (value, G_VARIANT_TYPE_INT64))
    return g_variant_get_int64 (value);
  if (g_variant_is_of_type (value, G_VARIANT_TYPE_UINT32))
    return g_variant_get_uint32 (value);
  g_warning ("option %s has type %s, not an integer", name, g_variant_get_type_string (value));
  return default_value;
}

/**
 * rd_check_context_put_artifact:
 * @object: (transfer full): what to hand to a later check, e.g. a live connection
 *
 * A check that depends on this one can take it with rd_check_context_take_artifact().
 */
void
rd_check_context_put_artifact (RdCheckContext *self,
                               const char     *name,
                               GObject        *object)
{
  g_return_if_fail (self != NULL);
  g_return_if_fail (G_IS_OBJECT (object));

  g_mutex_lock (&self->artifacts->mutex);
  g_hash_table_replace (self->artifacts->objects, g_strdup (name), object);
  g_mutex_unlock (&self->artifacts->mutex);
}

/**
 * rd_check_context_take_artifact:
 *
 * Returns: (transfer full) (nullable): the artifact @name, now the caller's
 */
gpointer
rd_check_context_take_artifact (RdCheckContext *self,
                                const char     *name)
{
  gpointer key = NULL;
  gpointer object = NULL;

  g_return_val_if_fail (self != NULL, NULL);

  g_mutex_lock (&self->artifacts->mutex);
  if (g_hash_table_steal_extended (self->artifacts->objects, name, &key, &object))
    g_free (key);
  g_mutex_unlock (&self->artifacts->mutex);
  return object;
}
