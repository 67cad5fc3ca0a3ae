/* rd-check-row.c: one check of a run: waiting, running, then its verdict
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "rd-check-row"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "rd-check-row.h"

struct _RdCheckRow
{
  AdwActionRow     parent_instance;

  /* Template widgets */
  GtkLabel        *duration_label;
  GtkSpinner      *spinner;
  GtkStack        *state_stack;
  GtkImage        *status_image;

  char            *check_id;
  RdCheckResult   *result;
  RdCheckRowState  state;
};

G_DEFINE_FINAL_TYPE (RdCheckRow, rd_check_row, ADW_TYPE_ACTION_ROW)

typedef struct
{
  const char *icon_name;
  const char *style_class;
  const char *label;       /* N_() */
} StatusLook;

static const StatusLook *
look_up_status (RdCheckStatus status)
{
  static const StatusLook looks[] = {
    [RD_CHECK_STATUS_PASS]    = { "emblem-ok-symbolic", "success", N_("Passed") },
    [RD_CHECK_STATUS_WARN]    = { "dialog-warning-symbolic", "warning", N_("Warning") },
    [RD_CHECK_STATUS_FAIL]    = { "dialog-error-symbolic", "error", N_("Failed") },
    [RD_CHECK_STATUS_SKIPPED] = { "media-skip-forward-symbolic", "dim-label", N_("Skipped") },
    [RD_CHECK_STATUS_ERROR]   = { "dialog-question-symbolic", "warning", N_("Could not finish") },
  };

  if ((guint) status >= G_N_ELEMENTS (looks))
    status = RD_CHECK_STATUS_ERROR;
  return &looks[status];
}

static char *
format_duration (guint duration_ms)
{
  if (duration_ms < 1000)
    /* Translators: a duration in milliseconds, as in "120 ms" */
    return g_strdup_printf (_("%u ms"), duration_ms);
  /* Translators: a duration in seconds, as in "2.5 s" */
  return g_strdup_printf (_("%.1f s"), duration_ms / 1000.0);
}

static void
set_state (RdCheckRow      *self,
           RdCheckRowState  state)
{
  static const char * const names[] = { "waiting", "running", "done" };

  self->state = state;
  gtk_stack_set_visible_child_name (self->state_stack, names[state]);
  /* A spinner that nobody sees still costs frames. */
  gtk_spinner_set_spinning (self->spinner, state == RD_CHECK_ROW_STATE_RUNNING);
}

static void
rd_check_row_finalize (GObject *object)
{
  RdCheckRow *self = RD_CHECK_ROW (object);

  g_clear_pointer (&self->check_id, g_free);
  g_clear_object (&self->result);

  G_OBJECT_CLASS (rd_check_row_parent_class)->finalize (object);
}

static void
rd_check_row_class_init (RdCheckRowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->finalize = rd_check_row_finalize;

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_BASE "/ui/rd-check-row.ui");
  gtk_widget_class_bind_template_child (widget_class, RdCheckRow, duration_label);
  gtk_widget_class_bind_template_child (widget_class, RdCheckRow, spinner);
  gtk_widget_class_bind_template_child (widget_class, RdCheckRow, state_stack);
  gtk_widget_class_bind_template_child (widget_class, RdCheckRow, status_image);
}

static void
rd_check_row_init (RdCheckRow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  adw_action_row_set_subtitle (ADW_ACTION_ROW (self), _("Waiting"));
  set_state (self, RD_CHECK_ROW_STATE_WAITING);
}

/**
 * rd_check_row_new:
 * @check_id: the check's stable identifier
 * @title: what the check is called, for people
 *
 * Returns: (transfer floating): a new #RdCheckRow, waiting
 */
GtkWidget *
rd_check_row_new (const char *check_id,
                  const char *title)
{
  RdCheckRow *self;

  g_return_val_if_fail (check_id != NULL, NULL);

  self = g_object_new (RD_TYPE_CHECK_ROW,
                       "title", title ? title : check_id,
                       NULL);
  self->check_id = g_strdup (check_id);
  return GTK_WIDGET (self);
}

const char *
rd_check_row_get_check_id (RdCheckRow *self)
{
  g_return_val_if_fail (RD_IS_CHECK_ROW (self), NULL);

  return self->check_id;
}

RdCheckRowState
rd_check_row_get_state (RdCheckRow *self)
{
  g_return_val_if_fail (RD_IS_CHECK_ROW (self), RD_CHECK_ROW_STATE_WAITING);

  return self->state;
}

RdCheckResult *
rd_check_row_get_result (RdCheckRow *self)
{
  g_return_val_if_fail (RD_IS_CHECK_ROW (self), NULL);

  return self->result;
}

void
rd_check_row_set_running (RdCheckRow *self)
{
  g_return_if_fail (RD_IS_CHECK_ROW (self));

  /* The runner may report a start after a verdict it already gave (it never
   * should); the verdict wins. */
  if (self->state == RD_CHECK_ROW_STATE_DONE)
    return;

  adw_action_row_set_subtitle (ADW_ACTION_ROW (self), _("Checking…"));
  set_state (self, RD_CHECK_ROW_STATE_RUNNING);
}

void
rd_check_row_set_result (RdCheckRow    *self,
                         RdCheckResult *result)
{
  const StatusLook *look;
  const char *summary;
  const char * const classes[] = { "success", "warning", "error", "dim-label" };

  g_return_if_fail (RD_IS_CHECK_ROW (self));
  g_return_if_fail (RD_IS_CHECK_RESULT (result));

  g_set_object (&self->result, result);

  look = look_up_status (rd_check_result_get_status (result));
  summary = rd_check_result_get_summary (result);

  for (guint i = 0; i < G_N_ELEMENTS (classes); i++)
    gtk_widget_remove_css_class (GTK_WIDGET (self->status_image), classes[i]);
  gtk_widget_add_css_class (GTK_WIDGET (self->status_image), look->style_class);
  gtk_image_set_from_icon_name (self->status_image, look->icon_name);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->status_image),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _(look->label),
                                  -1);

  adw_action_row_set_subtitle (ADW_ACTION_ROW (self),
                               summary && *summary ? summary : _(look->label));

  if (rd_check_result_get_status (result) != RD_CHECK_STATUS_SKIPPED)
    {
      g_autofree char *duration = format_duration (rd_check_result_get_duration_ms (result));

      gtk_label_set_text (self->duration_label, duration);
      gtk_widget_set_visible (GTK_WIDGET (self->duration_label), TRUE);
    }
  else
    {
      gtk_widget_set_visible (GTK_WIDGET (self->duration_label), FALSE);
    }

  set_state (self, RD_CHECK_ROW_STATE_DONE);
}
