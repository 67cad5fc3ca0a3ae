/* rd-action-button.c: the button of one guided action of a fix step
 *
 * The button only names its action ("fix.write-rdp" with the catalog's
 * argument, …); the fix page that holds the diagnosis does the work, after
 * the user confirmed whatever runs on this computer.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "rd-action-button"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "rd-action-button.h"

struct _RdActionButton
{
  GtkButton  parent_instance;

  /* Template widgets */
  GtkImage  *image;
  GtkLabel  *label;

  char      *type;
  char      *argument;
};

G_DEFINE_FINAL_TYPE (RdActionButton, rd_action_button, GTK_TYPE_BUTTON)

typedef struct
{
  const char *type;
  const char *action_name;
  const char *icon_name;
} ActionLook;

static const ActionLook looks[] = {
  { "write-rdp", "fix.write-rdp", "document-save-symbolic" },
  { "launch-client", "fix.launch-client", "utilities-terminal-symbolic" },
  { "flush-dns", "fix.flush-dns", "edit-clear-all-symbolic" },
  { "forget-certificate", "fix.forget-certificate", "user-trash-symbolic" },
  { "evidence-script", "fix.save-evidence-script", "document-save-symbolic" },
  { RD_ACTION_SERVER_SCRIPT, "fix.save-server-script", "document-save-symbolic" },
  { RD_ACTION_IMPORT_EVIDENCE, "wizard.import-evidence", "document-open-symbolic" },
};

static const ActionLook *
look_up (const char *type)
{
  for (guint i = 0; i < G_N_ELEMENTS (looks); i++)
    if (g_strcmp0 (looks[i].type, type) == 0)
      return &looks[i];
  return NULL;
}

/* What the button says, and what its tooltip adds */
static char *
describe (const char  *type,
          const char  *argument,
          char       **tooltip)
{
  *tooltip = NULL;

  if (g_str_equal (type, "write-rdp"))
    {
      /* Translators: %s is the settings written, as "key:type:value;…" */
      *tooltip = g_strdup_printf (_("Writes these settings: %s"), argument);
      return g_strdup (_("Save Corrected .rdp File…"));
    }
  if (g_str_equal (type, "launch-client"))
    {
      *tooltip = g_strdup (_("Shows the exact command first, and runs it only when you confirm"));
      /* Translators: %s is a FreeRDP option, such as /sec:rdp */
      return g_strdup_printf (_("Open in FreeRDP with %s…"), argument);
    }
  if (g_str_equal (type, "flush-dns"))
    {
      *tooltip = g_strdup (_("Asks systemd-resolved to forget the names it looked up"));
      return g_strdup (_("Clear DNS Cache"));
    }
  if (g_str_equal (type, "forget-certificate"))
    {
      *tooltip = g_strdup (_("Shows which file or line it removes first, and removes it only when you confirm"));
      return g_strdup (_("Forget Cached Certificate"));
    }
  if (g_str_equal (type, "evidence-script"))
    {
      *tooltip = g_strdup (_("A read-only PowerShell script that collects what the server says about Remote Desktop"));
      return g_strdup (_("Save Evidence Script…"));
    }
  if (g_str_equal (type, RD_ACTION_SERVER_SCRIPT))
    {
      *tooltip = g_strdup (_("One PowerShell script with this fix’s steps for the remote computer"));
      return g_strdup (_("Save Server Script…"));
    }
  *tooltip = g_strdup (_("Paste or open what the evidence script printed, to add it to the diagnosis"));
  return g_strdup (_("Import Server Evidence…"));
}

static void
on_focus_enter_cb (RdActionButton          *self,
                   GtkEventControllerFocus *controller)
{
  g_assert (RD_IS_ACTION_BUTTON (self));

  /* For tests that drive the app with the keyboard (G_MESSAGES_DEBUG=rd-action-button). */
  g_debug ("focus: %s", gtk_label_get_text (self->label));
}

static void
rd_action_button_finalize (GObject *object)
{
  RdActionButton *self = RD_ACTION_BUTTON (object);

  g_clear_pointer (&self->type, g_free);
  g_clear_pointer (&self->argument, g_free);

  G_OBJECT_CLASS (rd_action_button_parent_class)->finalize (object);
}

static void
rd_action_button_class_init (RdActionButtonClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->finalize = rd_action_button_finalize;

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_BASE "/ui/rd-action-button.ui");
  gtk_widget_class_bind_template_child (widget_class, RdActionButton, image);
  gtk_widget_class_bind_template_child (widget_class, RdActionButton, label);
}

static void
rd_action_button_init (RdActionButton *self)
{
  GtkEventController *focus = gtk_event_controller_focus_new ();

  gtk_widget_init_template (GTK_WIDGET (self));

  g_signal_connect_object (focus, "enter", G_CALLBACK (on_focus_enter_cb), self, G_CONNECT_SWAPPED);
  gtk_widget_add_controller (GTK_WIDGET (self), focus);
}

/**
 * rd_action_button_type_is_supported:
 *
 * Returns: whether @type gets a button (open-documentation has its own)
 */
gboolean
rd_action_button_type_is_supported (const char *type)
{
  return look_up (type) != NULL;
}

/**
 * rd_action_button_new:
 * @type: a catalog action type, %RD_ACTION_SERVER_SCRIPT or %RD_ACTION_IMPORT_EVIDENCE
 * @argument: (nullable): the action's argument
 *
 * Returns: (transfer floating) (nullable): the button, or %NULL for a type
 *   without one
 */
GtkWidget *
rd_action_button_new (const char *type,
                      const char *argument)
{
  const ActionLook *look = look_up (type);
  RdActionButton *self;
  g_autofree char *text = NULL;
  g_autofree char *tooltip = NULL;

  if (look == NULL)
    return NULL;
  /* Options come from the catalog; a launch without one would be no fix. */
  if ((g_str_equal (type, "launch-client") || g_str_equal (type, "write-rdp") ||
       g_str_equal (type, RD_ACTION_SERVER_SCRIPT)) &&
      (argument == NULL || *argument == '\0'))
    return NULL;

  self = g_object_new (RD_TYPE_ACTION_BUTTON, NULL);
  self->type = g_strdup (type);
  self->argument = g_strdup (argument);

  text = describe (type, argument, &tooltip);
  gtk_label_set_text (self->label, text);
  gtk_image_set_from_icon_name (self->image, look->icon_name);
  gtk_widget_set_tooltip_text (GTK_WIDGET (self), tooltip);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, text,
                                  GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, tooltip,
                                  -1);

  if (g_str_has_prefix (look->action_name, "fix."))
    gtk_actionable_set_action_target (GTK_ACTIONABLE (self), "s", argument != NULL ? argument : "");
  gtk_actionable_set_action_name (GTK_ACTIONABLE (self), look->action_name);

  return GTK_WIDGET (self);
}

const char *
rd_action_button_get_action_type (RdActionButton *self)
{
  g_return_val_if_fail (RD_IS_ACTION_BUTTON (self), NULL);

  return self->type;
}

const char *
rd_action_button_get_argument (RdActionButton *self)
{
  g_return_val_if_fail (RD_IS_ACTION_BUTTON (self), NULL);

  return self->argument;
}

const char *
rd_action_button_get_label_text (RdActionButton *self)
{
  g_return_val_if_fail (RD_IS_ACTION_BUTTON (self), NULL);

  return gtk_label_get_text (self->label);
}
