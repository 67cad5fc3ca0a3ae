/* rd-evidence-dialog.c: brings the server's evidence back: pasted, or read
 * from the file the evidence script saved
 *
 * The dialog stays open until the evidence is taken: what is wrong with it
 * (rd_server_evidence_import()'s message names the problem and the field)
 * shows below the text, where the user can correct it. Taken evidence goes
 * out with the "imported" signal; the window adds it to the diagnosis.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "rd-evidence-dialog"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "rd-evidence-dialog.h"
#include "rd-server-evidence.h"

struct _RdEvidenceDialog
{
  AdwWindow        parent_instance;

  /* Template widgets */
  GtkLabel        *error_label;
  GtkButton       *file_button;
  GtkButton       *import_button;
  GtkTextView     *text_view;

  GtkNativeDialog *chooser;
  GCancellable    *cancellable;
};

G_DEFINE_FINAL_TYPE (RdEvidenceDialog, rd_evidence_dialog, ADW_TYPE_WINDOW)

enum {
  IMPORTED,
  N_SIGNALS
};

static guint signals [N_SIGNALS];

static char *
dup_text (RdEvidenceDialog *self)
{
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (self->text_view);
  GtkTextIter start, end;

  gtk_text_buffer_get_bounds (buffer, &start, &end);
  return gtk_text_buffer_get_text (buffer, &start, &end, FALSE);
}

static void
show_error (RdEvidenceDialog *self,
            const char       *message)
{
  gtk_label_set_text (self->error_label, message != NULL ? message : "");
  gtk_widget_set_visible (GTK_WIDGET (self->error_label), message != NULL);
  if (message != NULL)
    gtk_accessible_update_state (GTK_ACCESSIBLE (self->text_view),
                                 GTK_ACCESSIBLE_STATE_INVALID, GTK_ACCESSIBLE_INVALID_TRUE,
                                 -1);
  else
    gtk_accessible_reset_state (GTK_ACCESSIBLE (self->text_view), GTK_ACCESSIBLE_STATE_INVALID);

  /* For tests that watch the app from outside (G_MESSAGES_DEBUG=rd-evidence-dialog). */
  if (message != NULL)
    g_debug ("refused: %s", message);
}

static void
take (RdEvidenceDialog *self,
      RdCheckResult    *result)
{
  g_debug ("imported: %s", rd_check_result_get_summary (result));
  g_signal_emit (self, signals[IMPORTED], 0, result);
  gtk_window_destroy (GTK_WINDOW (self));
}

static void
import_text (RdEvidenceDialog *self)
{
  g_autofree char *text = dup_text (self);
  g_autoptr(RdCheckResult) result = NULL;
  g_autoptr(GError) error = NULL;

  /* A few hundred kilobytes at most: parsing them is quick. */
  result = rd_server_evidence_import (text, -1, &error);
  if (result == NULL)
    {
      show_error (self, error->message);
      gtk_widget_grab_focus (GTK_WIDGET (self->text_view));
      return;
    }
  take (self, result);
}

static void
file_loaded_cb (GObject      *source_object,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(RdEvidenceDialog) self = user_data;
  GFile *file = G_FILE (source_object);
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(RdCheckResult) imported = NULL;

  bytes = g_file_load_bytes_finish (file, result, NULL, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  gtk_widget_set_sensitive (GTK_WIDGET (self->file_button), TRUE);
  if (bytes != NULL)
    imported = rd_server_evidence_import_bytes (bytes, &error);

  if (imported == NULL)
    {
      g_autofree char *name = g_file_get_basename (file);
      g_autofree char *shown = g_filename_display_name (name);
      g_autofree char *message = NULL;

      /* Translators: a file name, then why its evidence was refused */
      message = g_strdup_printf (_("“%s”: %s"), shown, error->message);
      show_error (self, message);
      gtk_widget_grab_focus (GTK_WIDGET (self->file_button));
      return;
    }
  take (self, imported);
}

static void
on_chooser_response_cb (RdEvidenceDialog     *self,
                        int                   response,
                        GtkFileChooserNative *chooser)
{
  g_autoptr(GFile) file = NULL;

  g_assert (RD_IS_EVIDENCE_DIALOG (self));

  if (response == GTK_RESPONSE_ACCEPT)
    file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));
  g_clear_object (&self->chooser);

  if (file != NULL)
    rd_evidence_dialog_import_file (self, file);
}

static void
on_file_button_clicked_cb (RdEvidenceDialog *self,
                           GtkButton        *button)
{
  GtkFileChooserNative *chooser;
  g_autoptr(GtkFileFilter) json_filter = gtk_file_filter_new ();
  g_autoptr(GtkFileFilter) all_filter = gtk_file_filter_new ();

  g_assert (RD_IS_EVIDENCE_DIALOG (self));

  chooser = gtk_file_chooser_native_new (_("Open Server Evidence"), GTK_WINDOW (self),
                                         GTK_FILE_CHOOSER_ACTION_OPEN,
                                         _("_Open"), _("_Cancel"));
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (chooser), TRUE);
  gtk_file_filter_set_name (json_filter, _("Server Evidence (JSON)"));
  gtk_file_filter_add_pattern (json_filter, "*.json");
  gtk_file_filter_add_pattern (json_filter, "*.txt");
  gtk_file_filter_add_mime_type (json_filter, "application/json");
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (chooser), json_filter);
  gtk_file_filter_set_name (all_filter, _("All Files"));
  gtk_file_filter_add_pattern (all_filter, "*");
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (chooser), all_filter);

  g_signal_connect_object (chooser, "response", G_CALLBACK (on_chooser_response_cb), self, G_CONNECT_SWAPPED);
  if (self->chooser != NULL)
    gtk_native_dialog_destroy (self->chooser);
  g_clear_object (&self->chooser);
  self->chooser = GTK_NATIVE_DIALOG (chooser);
  gtk_native_dialog_show (self->chooser);
  g_debug ("open dialog");
}

static void
on_import_button_clicked_cb (RdEvidenceDialog *self,
                             GtkButton        *button)
{
  g_assert (RD_IS_EVIDENCE_DIALOG (self));

  import_text (self);
}

static void
on_buffer_changed_cb (RdEvidenceDialog *self,
                      GtkTextBuffer    *buffer)
{
  g_assert (RD_IS_EVIDENCE_DIALOG (self));

  gtk_widget_set_sensitive (GTK_WIDGET (self->import_button), gtk_text_buffer_get_char_count (buffer) > 0);
  /* The message was about the text before. */
  show_error (self, NULL);
}

static void
evidence_import_action (GtkWidget  *widget,
                        const char *action_name,
                        GVariant   *parameter)
{
  RdEvidenceDialog *self = RD_EVIDENCE_DIALOG (widget);

  if (gtk_widget_get_sensitive (GTK_WIDGET (self->import_button)))
    import_text (self);
}

static void
rd_evidence_dialog_dispose (GObject *object)
{
  RdEvidenceDialog *self = RD_EVIDENCE_DIALOG (object);

  g_cancellable_cancel (self->cancellable);
  if (self->chooser != NULL)
    gtk_native_dialog_destroy (self->chooser);
  g_clear_object (&self->chooser);

  G_OBJECT_CLASS (rd_evidence_dialog_parent_class)->dispose (object);
}

static void
rd_evidence_dialog_finalize (GObject *object)
{
  RdEvidenceDialog *self = RD_EVIDENCE_DIALOG (object);

  g_clear_object (&self->cancellable);

  G_OBJECT_CLASS (rd_evidence_dialog_parent_class)->finalize (object);
}

static void
rd_evidence_dialog_class_init (RdEvidenceDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = rd_evidence_dialog_dispose;
  object_class->finalize = rd_evidence_dialog_finalize;

  /**
   * RdEvidenceDialog::imported:
   * @result: the server's evidence, as the result of the check "server"
   *
   * The evidence was taken; the dialog closes.
   */
  signals [IMPORTED] =
    g_signal_new ("imported",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, RD_TYPE_CHECK_RESULT);

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_BASE "/ui/rd-evidence-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, RdEvidenceDialog, error_label);
  gtk_widget_class_bind_template_child (widget_class, RdEvidenceDialog, file_button);
  gtk_widget_class_bind_template_child (widget_class, RdEvidenceDialog, import_button);
  gtk_widget_class_bind_template_child (widget_class, RdEvidenceDialog, text_view);
  gtk_widget_class_bind_template_callback (widget_class, on_file_button_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_import_button_clicked_cb);

  gtk_widget_class_install_action (widget_class, "evidence.import", NULL, evidence_import_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Return, GDK_CONTROL_MASK, "evidence.import", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_KP_Enter, GDK_CONTROL_MASK, "evidence.import", NULL);
}

static void
rd_evidence_dialog_init (RdEvidenceDialog *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->cancellable = g_cancellable_new ();
  g_signal_connect_object (gtk_text_view_get_buffer (self->text_view), "changed",
                           G_CALLBACK (on_buffer_changed_cb), self, G_CONNECT_SWAPPED);
}

RdEvidenceDialog *
rd_evidence_dialog_new (GtkWindow *parent)
{
  g_return_val_if_fail (parent == NULL || GTK_IS_WINDOW (parent), NULL);

  return g_object_new (RD_TYPE_EVIDENCE_DIALOG,
                       "transient-for", parent,
                       NULL);
}

/**
 * rd_evidence_dialog_import_text:
 * @text: the evidence as pasted
 *
 * Puts @text where the user pastes and imports it, as "Import" does.
 */
void
rd_evidence_dialog_import_text (RdEvidenceDialog *self,
                                const char       *text)
{
  g_return_if_fail (RD_IS_EVIDENCE_DIALOG (self));
  g_return_if_fail (text != NULL);

  gtk_text_buffer_set_text (gtk_text_view_get_buffer (self->text_view), text, -1);
  import_text (self);
}

/**
 * rd_evidence_dialog_import_file:
 * @file: the file the evidence script saved
 *
 * Reads @file without blocking and imports it, as "Choose File…" does.
 */
void
rd_evidence_dialog_import_file (RdEvidenceDialog *self,
                                GFile            *file)
{
  g_return_if_fail (RD_IS_EVIDENCE_DIALOG (self));
  g_return_if_fail (G_IS_FILE (file));

  show_error (self, NULL);
  gtk_widget_set_sensitive (GTK_WIDGET (self->file_button), FALSE);
  g_file_load_bytes_async (file, self->cancellable, file_loaded_cb, g_object_ref (self));
}

/**
 * rd_evidence_dialog_get_error:
 *
 * Returns: (nullable): why the last evidence was refused, or %NULL
 */
const char *
rd_evidence_dialog_get_error (RdEvidenceDialog *self)
{
  g_return_val_if_fail (RD_IS_EVIDENCE_DIALOG (self), NULL);

  if (!gtk_widget_get_visible (GTK_WIDGET (self->error_label)))
    return NULL;
  return gtk_label_get_text (self->error_label);
}
