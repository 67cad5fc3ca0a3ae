/* rd-cause-row.c: one diagnosed cause: its title, how likely, why, and how to fix it
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "rd-cause-row"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "rd-cause-row.h"

struct _RdCauseRow
{
  AdwExpanderRow  parent_instance;

  /* Template widgets */
  GtkBox         *content_box;
  GtkLabel       *explanation_label;
  GtkButton      *fix_button;
  GtkLabel       *note_label;
  GtkLabel       *rank_label;
  GtkBox         *reasons_box;

  RdCause        *cause;
};

G_DEFINE_FINAL_TYPE (RdCauseRow, rd_cause_row, ADW_TYPE_EXPANDER_ROW)

/* Words, not percentages: the numbers are a ranking aid, not a measurement,
 * and "63 %" promises a precision the evidence does not have. */
static const char *
describe_confidence (double confidence,
                     guint  rank)
{
  if (rank == 1 && confidence >= 0.5)
    return _("Most likely");
  if (confidence >= 0.7)
    return _("Likely");
  if (confidence >= 0.4)
    return _("Possible");
  return _("Less likely");
}

/* What the checks saw that points at this cause, one line each. */
static void
add_reasons (RdCauseRow *self)
{
  GPtrArray *reasons = rd_cause_get_reasons (self->cause);

  for (guint i = 0; reasons != NULL && i < reasons->len; i++)
    {
      JsonObject *reason = g_ptr_array_index (reasons, i);
      const char *text = json_object_get_string_member_with_default (reason, "reason", NULL);
      GtkWidget *label;
      g_autofree char *line = NULL;

      if (text == NULL || *text == '\0')
        continue;

      /* Translators: one observation in a bulleted list */
      line = g_strdup_printf (_("• %s"), text);
      label = gtk_label_new (line);
      gtk_label_set_wrap (GTK_LABEL (label), TRUE);
      gtk_label_set_wrap_mode (GTK_LABEL (label), PANGO_WRAP_WORD_CHAR);
      gtk_label_set_xalign (GTK_LABEL (label), 0);
      gtk_widget_add_css_class (label, "dim-label");
      gtk_box_append (self->reasons_box, label);
      gtk_widget_set_visible (GTK_WIDGET (self->reasons_box), TRUE);
    }
}

static void
rd_cause_row_finalize (GObject *object)
{
  RdCauseRow *self = RD_CAUSE_ROW (object);

  g_clear_object (&self->cause);

  G_OBJECT_CLASS (rd_cause_row_parent_class)->finalize (object);
}

static void
rd_cause_row_class_init (RdCauseRowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->finalize = rd_cause_row_finalize;

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_BASE "/ui/rd-cause-row.ui");
  gtk_widget_class_bind_template_child (widget_class, RdCauseRow, content_box);
  gtk_widget_class_bind_template_child (widget_class, RdCauseRow, explanation_label);
  gtk_widget_class_bind_template_child (widget_class, RdCauseRow, fix_button);
  gtk_widget_class_bind_template_child (widget_class, RdCauseRow, note_label);
  gtk_widget_class_bind_template_child (widget_class, RdCauseRow, rank_label);
  gtk_widget_class_bind_template_child (widget_class, RdCauseRow, reasons_box);
}

static void
rd_cause_row_init (RdCauseRow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

/**
 * rd_cause_row_new:
 * @cause: the cause to show
 * @rank: its place in the ranking, counted from 1
 * @target: (nullable): what was checked
 *
 * Returns: (transfer floating): a new #RdCauseRow
 */
GtkWidget *
rd_cause_row_new (RdCause  *cause,
                  guint     rank,
                  RdTarget *target)
{
  RdCauseRow *self;
  g_autofree char *rank_text = NULL;
  g_autofree char *rank_name = NULL;

  g_return_val_if_fail (RD_IS_CAUSE (cause), NULL);

  self = g_object_new (RD_TYPE_CAUSE_ROW,
                       "title", rd_cause_get_title (cause),
                       "subtitle", describe_confidence (rd_cause_get_confidence (cause), rank),
                       NULL);
  self->cause = g_object_ref (cause);

  rank_text = g_strdup_printf ("%u", rank);
  gtk_label_set_text (self->rank_label, rank_text);
  if (rank == 1)
    gtk_widget_add_css_class (GTK_WIDGET (self->rank_label), "first");
  /* Translators: how a screen reader names the badge with a cause's rank */
  rank_name = g_strdup_printf (_("Cause %u"), rank);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->rank_label),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, rank_name,
                                  -1);

  gtk_label_set_text (self->explanation_label, rd_cause_get_explanation (cause));
  add_reasons (self);
  gtk_actionable_set_action_target (GTK_ACTIONABLE (self->fix_button), "s", rd_cause_get_id (cause));
  /* Several rows have this button: say which cause each one fixes. */
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->fix_button),
                                  GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, rd_cause_get_title (cause),
                                  -1);

  return GTK_WIDGET (self);
}

RdCause *
rd_cause_row_get_cause (RdCauseRow *self)
{
  g_return_val_if_fail (RD_IS_CAUSE_ROW (self), NULL);

  return self->cause;
}

/**
 * rd_cause_row_set_note:
 * @note: (nullable): the organisation's note on this cause
 */
void
rd_cause_row_set_note (RdCauseRow *self,
                       const char *note)
{
  g_return_if_fail (RD_IS_CAUSE_ROW (self));

  gtk_label_set_text (self->note_label, note != NULL ? note : "");
  gtk_widget_set_visible (GTK_WIDGET (self->note_label), note != NULL && *note != '\0');
}
