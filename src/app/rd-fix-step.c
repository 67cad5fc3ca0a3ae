/* rd-fix-step.c: one numbered step of a fix, with its command to copy
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "rd-fix-step"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "rd-action-button.h"
#include "rd-fix-step.h"

/* How long the copy button says "copied" before it turns back. */
#define COPIED_FEEDBACK_MS 1500

struct _RdFixStep
{
  GtkWidget  parent_instance;

  /* Template widgets */
  GtkBox    *actions_box;
  GtkWidget *box;
  GtkWidget *command_box;
  GtkLabel  *command_label;
  GtkButton *copy_button;
  GtkButton *docs_button;
  GtkLabel  *number_label;
  GtkLabel  *shell_label;
  GtkLabel  *text_label;

  char      *command;
  char      *docs_uri;
  guint      copied_source;
};

G_DEFINE_FINAL_TYPE (RdFixStep, rd_fix_step, GTK_TYPE_WIDGET)

/* Where the user types a command, in the words of someone who may not know
 * what PowerShell is. */
static const char *
describe_shell (const char *shell)
{
  if (g_strcmp0 (shell, "powershell") == 0)
    return _("In PowerShell on the Windows computer, as an administrator:");
  if (g_strcmp0 (shell, "cmd") == 0)
    return _("In a Command Prompt on the Windows computer, as an administrator:");
  if (g_strcmp0 (shell, "sh") == 0)
    return _("In a terminal on this computer:");
  return _("Command:");
}

static gboolean
reset_copy_button (gpointer user_data)
{
  RdFixStep *self = user_data;

  g_assert (RD_IS_FIX_STEP (self));

  self->copied_source = 0;
  gtk_button_set_icon_name (self->copy_button, "edit-copy-symbolic");
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->copy_button), _("Copy Command"));
  return G_SOURCE_REMOVE;
}

static void
on_copy_button_clicked_cb (RdFixStep *self,
                           GtkButton *button)
{
  g_assert (RD_IS_FIX_STEP (self));

  if (self->command == NULL)
    return;

  gdk_clipboard_set_text (gtk_widget_get_clipboard (GTK_WIDGET (self)), self->command);
  gtk_widget_activate_action (GTK_WIDGET (self), "wizard.toast", "s", _("Copied"));
  /* For tests that watch the app from outside (G_MESSAGES_DEBUG=rd-fix-step). */
  g_debug ("copied: %s", self->command);

  gtk_button_set_icon_name (self->copy_button, "object-select-symbolic");
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->copy_button), _("Copied"));
  g_clear_handle_id (&self->copied_source, g_source_remove);
  self->copied_source = g_timeout_add (COPIED_FEEDBACK_MS, reset_copy_button, self);
}

static void
on_docs_button_clicked_cb (RdFixStep *self,
                           GtkButton *button)
{
  g_autoptr(GdkAppLaunchContext) context = NULL;

  g_assert (RD_IS_FIX_STEP (self));

  if (self->docs_uri == NULL)
    return;

  context = gdk_display_get_app_launch_context (gtk_widget_get_display (GTK_WIDGET (self)));
  g_app_info_launch_default_for_uri_async (self->docs_uri, G_APP_LAUNCH_CONTEXT (context), NULL, NULL, NULL);
  g_debug ("documentation: %s", self->docs_uri);
}

static void
rd_fix_step_dispose (GObject *object)
{
  RdFixStep *self = RD_FIX_STEP (object);

  g_clear_handle_id (&self->copied_source, g_source_remove);
  gtk_widget_dispose_template (GTK_WIDGET (self), RD_TYPE_FIX_STEP);

  G_OBJECT_CLASS (rd_fix_step_parent_class)->dispose (object);
}

static void
rd_fix_step_finalize (GObject *object)
{
  RdFixStep *self = RD_FIX_STEP (object);

  g_clear_pointer (&self->command, g_free);
  g_clear_pointer (&self->docs_uri, g_free);

  G_OBJECT_CLASS (rd_fix_step_parent_class)->finalize (object);
}

static void
rd_fix_step_class_init (RdFixStepClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = rd_fix_step_dispose;
  object_class->finalize = rd_fix_step_finalize;

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "fixstep");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_GROUP);
  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_BASE "/ui/rd-fix-step.ui");
  gtk_widget_class_bind_template_child (widget_class, RdFixStep, actions_box);
  gtk_widget_class_bind_template_child (widget_class, RdFixStep, box);
  gtk_widget_class_bind_template_child (widget_class, RdFixStep, command_box);
  gtk_widget_class_bind_template_child (widget_class, RdFixStep, command_label);
  gtk_widget_class_bind_template_child (widget_class, RdFixStep, copy_button);
  gtk_widget_class_bind_template_child (widget_class, RdFixStep, docs_button);
  gtk_widget_class_bind_template_child (widget_class, RdFixStep, number_label);
  gtk_widget_class_bind_template_child (widget_class, RdFixStep, shell_label);
  gtk_widget_class_bind_template_child (widget_class, RdFixStep, text_label);
  gtk_widget_class_bind_template_callback (widget_class, on_copy_button_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_docs_button_clicked_cb);
}

static void
rd_fix_step_init (RdFixStep *self)
{
  PangoAttrList *attrs = pango_attr_list_new ();

  gtk_widget_init_template (GTK_WIDGET (self));

  /* A wrapped command must not grow hyphens that look like part of it. */
  pango_attr_list_insert (attrs, pango_attr_insert_hyphens_new (FALSE));
  gtk_label_set_attributes (self->command_label, attrs);
  pango_attr_list_unref (attrs);
}

/**
 * rd_fix_step_new:
 * @number: the step's number, counted from 1
 * @step: the step as the catalog has it
 * @target: (nullable): fills the command's placeholders
 *
 * Returns: (transfer floating): a new #RdFixStep
 */
GtkWidget *
rd_fix_step_new (guint                number,
                 const RdCatalogStep *step,
                 RdTarget            *target)
{
  RdFixStep *self;
  g_autofree char *number_text = NULL;

  g_return_val_if_fail (step != NULL, NULL);

  self = g_object_new (RD_TYPE_FIX_STEP, NULL);

  number_text = g_strdup_printf ("%u", number);
  gtk_label_set_text (self->number_label, number_text);
  gtk_label_set_text (self->text_label, step->text ? step->text : "");

  if (step->command != NULL && step->command->text != NULL)
    {
      self->command = rd_catalog_command_render (step->command, target);
      gtk_label_set_text (self->shell_label, describe_shell (step->command->shell));
      gtk_label_set_text (self->command_label, self->command);
      gtk_widget_set_visible (self->command_box, TRUE);
      /* Several steps have a copy button: say which command each one copies. */
      gtk_accessible_update_property (GTK_ACCESSIBLE (self->copy_button),
                                      GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, self->command,
                                      -1);
    }

  for (guint i = 0; step->actions != NULL && i < step->actions->len; i++)
    {
      const RdCatalogAction *action = g_ptr_array_index (step->actions, i);

      /* Only web addresses: the catalog is data, and data must not open files. */
      if (g_strcmp0 (action->type, "open-documentation") == 0 && action->argument != NULL &&
          g_str_has_prefix (action->argument, "https://") && self->docs_uri == NULL)
        {
          self->docs_uri = g_strdup (action->argument);
          gtk_widget_set_tooltip_text (GTK_WIDGET (self->docs_button), self->docs_uri);
          gtk_widget_set_visible (GTK_WIDGET (self->docs_button), TRUE);
          gtk_widget_set_visible (GTK_WIDGET (self->actions_box), TRUE);
        }
      else if (rd_action_button_type_is_supported (action->type))
        {
          GtkWidget *button = rd_action_button_new (action->type, action->argument);

          if (button == NULL)
            continue;
          gtk_box_append (self->actions_box, button);
          gtk_widget_set_visible (GTK_WIDGET (self->actions_box), TRUE);
          /* What the evidence script collects comes back here */
          if (g_str_equal (action->type, "evidence-script"))
            gtk_box_append (self->actions_box, rd_action_button_new (RD_ACTION_IMPORT_EVIDENCE, NULL));
        }
    }

  return GTK_WIDGET (self);
}

/**
 * rd_fix_step_focus_copy:
 *
 * Returns: whether the step has a command, and its copy button took the focus
 */
gboolean
rd_fix_step_focus_copy (RdFixStep *self)
{
  g_return_val_if_fail (RD_IS_FIX_STEP (self), FALSE);

  if (self->command == NULL || !gtk_widget_grab_focus (GTK_WIDGET (self->copy_button)))
    return FALSE;
  /* The text may have had the focus on the way, which selects all of it. */
  gtk_label_select_region (self->command_label, 0, 0);
  return TRUE;
}

const char *
rd_fix_step_get_command (RdFixStep *self)
{
  g_return_val_if_fail (RD_IS_FIX_STEP (self), NULL);

  return self->command;
}
