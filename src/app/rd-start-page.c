/* rd-start-page.c: the first page: what to check, validated as it is typed
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "rd-start-page"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "rd-start-page.h"

struct _RdStartPage
{
  AdwBin       parent_instance;

  /* Template widgets */
  AdwEntryRow *host_row;
  GtkLabel    *message_label;

  RdTarget    *target;         /* NULL while the text is not a valid target */
  GError      *error;          /* why it is not */
  gboolean     error_shown;    /* the message replaced the example */
};

G_DEFINE_FINAL_TYPE (RdStartPage, rd_start_page, ADW_TYPE_BIN)

enum {
  PROP_0,
  PROP_TARGET,
  N_PROPS
};

static GParamSpec *properties [N_PROPS];

static void
update_message (RdStartPage *self)
{
  GtkWidget *label = GTK_WIDGET (self->message_label);
  GtkWidget *row = GTK_WIDGET (self->host_row);

  if (self->error_shown && self->error != NULL)
    {
      gtk_label_set_text (self->message_label, self->error->message);
      gtk_widget_remove_css_class (label, "dim-label");
      gtk_widget_add_css_class (label, "error");
      gtk_widget_add_css_class (row, "error");
      gtk_accessible_update_state (GTK_ACCESSIBLE (self->host_row),
                                   GTK_ACCESSIBLE_STATE_INVALID, GTK_ACCESSIBLE_INVALID_TRUE,
                                   -1);
    }
  else
    {
      gtk_label_set_text (self->message_label,
                          _("For example pc42.example.com, 10.0.0.5:3390 or [2001:db8::5]:3389"));
      gtk_widget_remove_css_class (label, "error");
      gtk_widget_add_css_class (label, "dim-label");
      gtk_widget_remove_css_class (row, "error");
      gtk_accessible_reset_state (GTK_ACCESSIBLE (self->host_row), GTK_ACCESSIBLE_STATE_INVALID);
    }
}

static void
validate (RdStartPage *self)
{
  const char *text = gtk_editable_get_text (GTK_EDITABLE (self->host_row));
  g_autoptr(RdTarget) target = NULL;
  g_autoptr(GError) error = NULL;
  gboolean had_target = self->target != NULL;

  target = rd_target_parse (text, RD_DEFAULT_RDP_PORT, &error);

  g_clear_pointer (&self->target, rd_target_unref);
  g_clear_error (&self->error);
  self->target = g_steal_pointer (&target);
  self->error = g_steal_pointer (&error);

  /* An empty field is not a mistake yet: nobody wants to be told off before
   * typing. Anything else that does not parse says why at once. */
  self->error_shown = self->error != NULL && *text != '\0';
  update_message (self);

  /* For tests that watch the app from outside (G_MESSAGES_DEBUG=rd-start-page). */
  g_debug ("target “%s”: %s", text, self->error != NULL ? self->error->message : "valid");

  if (had_target || self->target != NULL)
    g_object_notify_by_pspec (G_OBJECT (self), properties [PROP_TARGET]);
}

static void
on_host_row_changed_cb (RdStartPage *self,
                        GtkEditable *editable)
{
  g_assert (RD_IS_START_PAGE (self));

  validate (self);
}

static void
on_host_row_entry_activated_cb (RdStartPage *self,
                                AdwEntryRow *row)
{
  g_assert (RD_IS_START_PAGE (self));

  if (self->target == NULL)
    {
      rd_start_page_show_error (self);
      return;
    }

  gtk_widget_activate_action (GTK_WIDGET (self), "wizard.start", NULL);
}

static void
rd_start_page_get_property (GObject    *object,
                            guint       prop_id,
                            GValue     *value,
                            GParamSpec *pspec)
{
  RdStartPage *self = RD_START_PAGE (object);

  switch (prop_id)
    {
    case PROP_TARGET:
      g_value_set_boxed (value, self->target);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
rd_start_page_finalize (GObject *object)
{
  RdStartPage *self = RD_START_PAGE (object);

  g_clear_pointer (&self->target, rd_target_unref);
  g_clear_error (&self->error);

  G_OBJECT_CLASS (rd_start_page_parent_class)->finalize (object);
}

static void
rd_start_page_class_init (RdStartPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->get_property = rd_start_page_get_property;
  object_class->finalize = rd_start_page_finalize;

  /**
   * RdStartPage:target: (nullable)
   *
   * What the user typed, once it is a valid target.
   */
  properties [PROP_TARGET] =
    g_param_spec_boxed ("target", NULL, NULL,
                        RD_TYPE_TARGET,
                        (G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY));

  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_BASE "/ui/rd-start-page.ui");
  gtk_widget_class_bind_template_child (widget_class, RdStartPage, host_row);
  gtk_widget_class_bind_template_child (widget_class, RdStartPage, message_label);
  gtk_widget_class_bind_template_callback (widget_class, on_host_row_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_host_row_entry_activated_cb);
}

static void
rd_start_page_init (RdStartPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  validate (self);
}

void
rd_start_page_set_text (RdStartPage *self,
                        const char  *text)
{
  g_return_if_fail (RD_IS_START_PAGE (self));

  gtk_editable_set_text (GTK_EDITABLE (self->host_row), text ? text : "");
  /* GtkEditable does not say "changed" when the text stays the same. */
  validate (self);
}

const char *
rd_start_page_get_text (RdStartPage *self)
{
  g_return_val_if_fail (RD_IS_START_PAGE (self), NULL);

  return gtk_editable_get_text (GTK_EDITABLE (self->host_row));
}

/**
 * rd_start_page_get_target:
 *
 * Returns: (transfer none) (nullable): the typed target, or %NULL while the
 *   text is not a valid one
 */
RdTarget *
rd_start_page_get_target (RdStartPage *self)
{
  g_return_val_if_fail (RD_IS_START_PAGE (self), NULL);

  return self->target;
}

/**
 * rd_start_page_get_error_message:
 *
 * Returns: (nullable): why the text is not a valid target, whether or not
 *   the message is on show
 */
const char *
rd_start_page_get_error_message (RdStartPage *self)
{
  g_return_val_if_fail (RD_IS_START_PAGE (self), NULL);

  return self->error != NULL ? self->error->message : NULL;
}

/**
 * rd_start_page_show_error:
 *
 * Shows why the text is not a valid target even when the field is empty,
 * for when the user tried to go on.
 */
void
rd_start_page_show_error (RdStartPage *self)
{
  g_return_if_fail (RD_IS_START_PAGE (self));

  self->error_shown = self->error != NULL;
  update_message (self);
}

void
rd_start_page_focus_entry (RdStartPage *self)
{
  g_return_if_fail (RD_IS_START_PAGE (self));

  gtk_widget_grab_focus (GTK_WIDGET (self->host_row));
}
