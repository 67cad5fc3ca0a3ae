/* rd-check.c: one diagnostic check, run by RdRunner on a worker thread
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "rd-check"

#include "config.h"

#include "rd-check.h"

typedef struct
{
  char   *id;
  char   *title;
  GStrv   dependencies;
} RdCheckPrivate;

enum {
  PROP_0,
  PROP_ID,
  PROP_TITLE,
  PROP_DEPENDENCIES,
  N_PROPS
};

G_DEFINE_ABSTRACT_TYPE_WITH_PRIVATE (RdCheck, rd_check, G_TYPE_OBJECT)

static GParamSpec *properties [N_PROPS];

static void
rd_check_finalize (GObject *object)
{
  RdCheckPrivate *priv = rd_check_get_instance_private (RD_CHECK (object));

  g_clear_pointer (&priv->id, g_free);
  g_clear_pointer (&priv->title, g_free);
  g_clear_pointer (&priv->dependencies, g_strfreev);

  G_OBJECT_CLASS (rd_check_parent_class)->finalize (object);
}

static void
rd_check_get_property (GObject    *object,
                       guint       prop_id,
                       GValue     *value,
                       GParamSpec *pspec)
{
  RdCheckPrivate *priv = rd_check_get_instance_private (RD_CHECK (object));

  switch (prop_id)
    {
    case PROP_ID:
      g_value_set_string (value, priv->id);
      break;
    case PROP_TITLE:
      g_value_set_string (value, priv->title);
      break;
    case PROP_DEPENDENCIES:
      g_value_set_boxed (value, priv->dependencies);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
rd_check_set_property (GObject      *object,
                       guint         prop_id,
                       const GValue *value,
                       GParamSpec   *pspec)
{
  RdCheckPrivate *priv = rd_check_get_instance_private (RD_CHECK (object));

  switch (prop_id)
    {
    case PROP_ID:
      priv->id = g_value_dup_string (value);
      break;
    case PROP_TITLE:
      priv->title = g_value_dup_string (value);
      break;
    case PROP_DEPENDENCIES:
      g_clear_pointer (&priv->dependencies, g_strfreev);
      priv->dependencies = g_value_dup_boxed (value);
      if (priv->dependencies == NULL)
        priv->dependencies = g_new0 (char *, 1);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
rd_check_class_init (RdCheckClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = rd_check_finalize;
  object_class->get_property = rd_check_get_property;
  object_class->set_property = rd_check_set_property;

  /* The id is a stable English key (reports, dependencies); the title is for people. */
  properties [PROP_ID] =
    g_param_spec_string ("id", NULL, NULL, NULL,
                         (G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS));
  properties [PROP_TITLE] =
    g_param_spec_string ("title", NULL, NULL, NULL,
                         (G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS));
  properties [PROP_DEPENDENCIES] =
    g_param_spec_boxed ("dependencies", NULL, NULL, G_TYPE_STRV,
                        (G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
rd_check_init (RdCheck *self)
{
}

const char *
rd_check_get_id (RdCheck *self)
{
  RdCheckPrivate *priv = rd_check_get_instance_private (self);

  g_return_val_if_fail (RD_IS_CHECK (self), NULL);
  return priv->id;
}

const char *
rd_check_get_title (RdCheck *self)
{
  RdCheckPrivate *priv = rd_check_get_instance_private (self);

  g_return_val_if_fail (RD_IS_CHECK (self), NULL);
  return priv->title != NULL ? priv->title : priv->id;
}

/**
 * rd_check_get_dependencies:
 *
 * Returns: (transfer none): the ids of the checks that must finish, usable,
 *   before this one can run; never %NULL
 */
const char * const *
rd_check_get_dependencies (RdCheck *self)
{
  RdCheckPrivate *priv = rd_check_get_instance_private (self);
  static const char * const none[] = { NULL };

  g_return_val_if_fail (RD_IS_CHECK (self), NULL);
  return priv->dependencies != NULL ? (const char * const *)priv->dependencies : none;
}

/**
 * rd_check_run:
 *
 * Runs the check synchronously. Call it from a worker thread (RdRunner does).
 *
 * Returns: (transfer full): the result; never %NULL
 */
RdCheckResult *
rd_check_run (RdCheck        *self,
              RdCheckContext *context,
              GCancellable   *cancellable)
{
  RdCheckResult *result;

  g_return_val_if_fail (RD_IS_CHECK (self), NULL);
  g_return_val_if_fail (context != NULL, NULL);
  g_return_val_if_fail (RD_CHECK_GET_CLASS (self)->run != NULL, NULL);

  result = RD_CHECK_GET_CLASS (self)->run (self, context, cancellable);
  g_return_val_if_fail (RD_IS_CHECK_RESULT (result), NULL);
  return result;
}
