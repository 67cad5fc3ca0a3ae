/* rd-report-page.c: the diagnosis as a report: saved, copied, or sent to the
 * help desk
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "rd-report-page"

#include "config.h"

#include <glib/gi18n-lib.h>

#include <string.h>

#include "rd-report-page.h"

/* The preview shows the start of the report; the file has all of it. */
#define PREVIEW_MAX_CHARS 4000

struct _RdReportPage
{
  AdwBin          parent_instance;

  /* Template widgets */
  GtkButton      *copy_button;
  GtkCheckButton *html_check;
  GtkCheckButton *json_check;
  GtkCheckButton *markdown_check;
  GtkCheckButton *text_check;
  GtkExpander    *preview_expander;
  GtkLabel       *preview_label;
  AdwActionRow   *redact_row;
  GtkSwitch      *redact_switch;
  GtkButton      *save_button;
  GtkButton      *send_button;
  AdwPreferencesGroup *send_group;
  GtkProgressBar *send_progress;
  GtkLabel       *send_status_label;

  RdDiagnosis    *diagnosis;
  RdOrgConfig    *org_config;
  RdReportSender *sender;
  GCancellable   *cancellable;
  GtkNativeDialog *chooser;
};

G_DEFINE_FINAL_TYPE (RdReportPage, rd_report_page, ADW_TYPE_BIN)

typedef struct
{
  const char *extension;
  const char *mime_type;
  const char *filter_name;   /* N_() */
} FormatInfo;

static const FormatInfo formats[] = {
  [RD_REPORT_FORMAT_HTML]     = { "html", "text/html", N_("Web Pages (HTML)") },
  [RD_REPORT_FORMAT_MARKDOWN] = { "md", "text/markdown", N_("Markdown") },
  [RD_REPORT_FORMAT_TEXT]     = { "txt", "text/plain", N_("Plain Text") },
  [RD_REPORT_FORMAT_JSON]     = { "json", "application/json", N_("JSON") },
};

static void
toast (RdReportPage *self,
       const char   *text)
{
  gtk_widget_activate_action (GTK_WIDGET (self), "wizard.toast", "s", text);
}

static void
update_preview (RdReportPage *self)
{
  g_autofree char *text = NULL;

  if (self->diagnosis == NULL)
    {
      gtk_label_set_text (self->preview_label, "");
      return;
    }

  text = rd_report_page_render (self, rd_report_page_get_format (self));
  if (g_utf8_strlen (text, -1) > PREVIEW_MAX_CHARS)
    {
      char *end = g_utf8_offset_to_pointer (text, PREVIEW_MAX_CHARS);

      /* the rest is in the file */
      strcpy (end, "…");
    }
  gtk_label_set_text (self->preview_label, text);
}

static GtkCheckButton *
get_check (RdReportPage   *self,
           RdReportFormat  format)
{
  GtkCheckButton *checks[] = {
    [RD_REPORT_FORMAT_HTML] = self->html_check,
    [RD_REPORT_FORMAT_MARKDOWN] = self->markdown_check,
    [RD_REPORT_FORMAT_TEXT] = self->text_check,
    [RD_REPORT_FORMAT_JSON] = self->json_check,
  };

  return checks[format];
}

static void
on_format_toggled_cb (RdReportPage   *self,
                      GtkCheckButton *check)
{
  g_assert (RD_IS_REPORT_PAGE (self));

  /* Once for the format left, once for the one chosen */
  if (gtk_check_button_get_active (check))
    update_preview (self);
}

static char *
dup_file_name (RdReportPage   *self,
               RdReportFormat  format)
{
  RdTarget *target = rd_diagnosis_get_target (self->diagnosis);
  g_autofree char *host = g_strdup (rd_target_get_host (target));

  /* A file name from the host: no colons (IPv6) or dots at the start. */
  g_strcanon (host, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-", '-');
  return g_strdup_printf ("rdp-doctor-%s.%s", host, formats[format].extension);
}

static void
saved_cb (GObject      *source_object,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr(RdReportPage) self = user_data;
  GFile *file = G_FILE (source_object);
  g_autoptr(GError) error = NULL;
  g_autofree char *name = NULL;
  g_autofree char *message = NULL;

  if (!g_file_replace_contents_finish (file, result, NULL, &error))
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;
      /* Translators: %s says why a report could not be saved */
      message = g_strdup_printf (_("The report could not be saved: %s"), error->message);
      toast (self, message);
      g_debug ("save failed: %s", error->message);
      return;
    }

  name = g_file_get_parse_name (file);
  /* Translators: %s is the file the report was saved to */
  message = g_strdup_printf (_("Saved as %s"), name);
  toast (self, message);
  /* For tests that watch the app from outside (G_MESSAGES_DEBUG=rd-report-page). */
  g_debug ("saved: %s", name);
}

static RdReportFormat
format_from_file (GFile          *file,
                  RdReportFormat  fallback)
{
  g_autofree char *name = g_file_get_basename (file);

  for (guint i = 0; i < G_N_ELEMENTS (formats); i++)
    {
      g_autofree char *suffix = g_strconcat (".", formats[i].extension, NULL);

      if (name != NULL && g_str_has_suffix (name, suffix))
        return i;
    }
  return fallback;
}

static void
on_chooser_response_cb (RdReportPage         *self,
                        int                   response,
                        GtkFileChooserNative *chooser)
{
  g_autoptr(GFile) file = NULL;
  g_autoptr(GBytes) bytes = NULL;
  RdReportFormat format = rd_report_page_get_format (self);
  GtkFileFilter *filter;
  char *text;

  g_assert (RD_IS_REPORT_PAGE (self));

  if (response == GTK_RESPONSE_ACCEPT)
    file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));

  /* The filter the user picked says the format, unless the name does. */
  filter = gtk_file_chooser_get_filter (GTK_FILE_CHOOSER (chooser));
  if (filter != NULL)
    format = GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (filter), "rd-format"));
  g_clear_object (&self->chooser);

  if (file == NULL || self->diagnosis == NULL)
    return;

  format = format_from_file (file, format);
  text = rd_report_page_render (self, format);
  bytes = g_bytes_new_take (text, strlen (text));
  g_file_replace_contents_bytes_async (file, bytes, NULL, FALSE, G_FILE_CREATE_REPLACE_DESTINATION,
                                       self->cancellable, saved_cb, g_object_ref (self));
}

static void
on_save_button_clicked_cb (RdReportPage *self,
                           GtkButton    *button)
{
  GtkFileChooserNative *chooser;
  RdReportFormat format = rd_report_page_get_format (self);
  g_autofree char *name = NULL;

  g_assert (RD_IS_REPORT_PAGE (self));

  if (self->diagnosis == NULL)
    return;

  chooser = gtk_file_chooser_native_new (_("Save Report"),
                                         GTK_WINDOW (gtk_widget_get_root (GTK_WIDGET (self))),
                                         GTK_FILE_CHOOSER_ACTION_SAVE,
                                         _("_Save"), _("_Cancel"));
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (chooser), TRUE);

  for (guint i = 0; i < G_N_ELEMENTS (formats); i++)
    {
      g_autoptr(GtkFileFilter) filter = gtk_file_filter_new ();
      g_autofree char *pattern = g_strdup_printf ("*.%s", formats[i].extension);

      gtk_file_filter_set_name (filter, _(formats[i].filter_name));
      gtk_file_filter_add_mime_type (filter, formats[i].mime_type);
      gtk_file_filter_add_pattern (filter, pattern);
      g_object_set_data (G_OBJECT (filter), "rd-format", GUINT_TO_POINTER (i));
      gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (chooser), filter);
      if (i == format)
        gtk_file_chooser_set_filter (GTK_FILE_CHOOSER (chooser), filter);
    }

  name = dup_file_name (self, format);
  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (chooser), name);

  g_signal_connect_object (chooser, "response", G_CALLBACK (on_chooser_response_cb), self, G_CONNECT_SWAPPED);
  g_clear_object (&self->chooser);
  self->chooser = GTK_NATIVE_DIALOG (chooser);
  gtk_native_dialog_show (self->chooser);
  g_debug ("save dialog: %s", name);
}

static void
on_copy_button_clicked_cb (RdReportPage *self,
                           GtkButton    *button)
{
  g_autofree char *text = NULL;

  g_assert (RD_IS_REPORT_PAGE (self));

  if (self->diagnosis == NULL)
    return;

  text = rd_report_page_render (self, rd_report_page_get_format (self));
  gdk_clipboard_set_text (gtk_widget_get_clipboard (GTK_WIDGET (self)), text);
  toast (self, _("Copied"));
  g_debug ("copied report: %zu bytes", strlen (text));
}

static void
set_sending (RdReportPage *self,
             gboolean      sending)
{
  gtk_widget_set_sensitive (GTK_WIDGET (self->send_button), !sending);
  gtk_widget_set_visible (GTK_WIDGET (self->send_progress), sending);
  if (sending)
    gtk_progress_bar_set_fraction (self->send_progress, 0.0);
}

static void
set_send_status (RdReportPage *self,
                 const char   *text,
                 const char   *style)
{
  GtkWidget *label = GTK_WIDGET (self->send_status_label);

  gtk_label_set_text (self->send_status_label, text != NULL ? text : "");
  gtk_widget_set_visible (label, text != NULL);
  gtk_widget_remove_css_class (label, "error");
  gtk_widget_remove_css_class (label, "success");
  gtk_widget_remove_css_class (label, "dim-label");
  if (style != NULL)
    gtk_widget_add_css_class (label, style);
}

static void
on_sender_progress_cb (RdReportPage      *self,
                       RdReportSendStage  stage,
                       double             fraction,
                       RdReportSender    *sender)
{
  /* Stages first, and the bytes that went within "sending" */
  static const double starts[] = { 0.05, 0.15, 0.25, 0.9, 1.0 };
  const char *text;

  g_assert (RD_IS_REPORT_PAGE (self));

  switch (stage)
    {
    case RD_REPORT_SEND_STAGE_SAVED:      text = _("Kept on this computer until it is sent…"); break;
    case RD_REPORT_SEND_STAGE_CONNECTING: text = _("Connecting to the help desk…"); break;
    case RD_REPORT_SEND_STAGE_SENDING:    text = _("Sending…"); break;
    case RD_REPORT_SEND_STAGE_WAITING:    text = _("Waiting for the help desk to answer…"); break;
    case RD_REPORT_SEND_STAGE_DONE:
    default:                              text = _("Sent."); break;
    }

  if ((guint) stage < G_N_ELEMENTS (starts))
    {
      double value = starts[stage];

      if (stage == RD_REPORT_SEND_STAGE_SENDING)
        value += (starts[RD_REPORT_SEND_STAGE_WAITING] - value) * CLAMP (fraction, 0.0, 1.0);
      gtk_progress_bar_set_fraction (self->send_progress, value);
    }
  set_send_status (self, text, "dim-label");
}

static void
sent_cb (GObject      *source_object,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_autoptr(RdReportPage) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *message = NULL;
  const char *name;

  if (rd_report_sender_send_finish (RD_REPORT_SENDER (source_object), result, &error))
    {
      set_sending (self, FALSE);
      name = rd_org_config_get_helpdesk_name (self->org_config);
      if (name != NULL && *name != '\0')
        /* Translators: %s is the help desk's name */
        message = g_strdup_printf (_("Sent to %s."), name);
      else
        message = g_strdup (_("Sent to your help desk."));
      set_send_status (self, message, "success");
      toast (self, message);
      g_debug ("sent");
      return;
    }

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  set_sending (self, FALSE);
  if (error->domain == RD_REPORT_SENDER_ERROR &&
      error->code != RD_REPORT_SENDER_ERROR_NO_ENDPOINT &&
      error->code != RD_REPORT_SENDER_ERROR_INVALID_ENDPOINT &&
      error->code != RD_REPORT_SENDER_ERROR_OUTBOX)
    /* Translators: %s says why the report could not be sent */
    message = g_strdup_printf (_("Not sent: %s The report is kept and will be sent again the next time RDP Doctor starts."),
                               error->message);
  else
    /* Translators: %s says why the report could not be sent */
    message = g_strdup_printf (_("Not sent: %s"), error->message);

  set_send_status (self, message, "error");
  toast (self, _("The report could not be sent"));
  g_debug ("send failed: %s", error->message);
}

static void
on_send_button_clicked_cb (RdReportPage *self,
                           GtkButton    *button)
{
  g_autoptr(JsonNode) report = NULL;
  const char *endpoint;
  gboolean redact;

  g_assert (RD_IS_REPORT_PAGE (self));

  endpoint = self->org_config != NULL ? rd_org_config_get_report_endpoint (self->org_config) : NULL;
  if (self->diagnosis == NULL || endpoint == NULL || *endpoint == '\0')
    return;

  if (self->sender == NULL)
    {
      self->sender = rd_report_sender_new (endpoint);
      g_signal_connect_object (self->sender, "progress", G_CALLBACK (on_sender_progress_cb), self,
                               G_CONNECT_SWAPPED);
    }

  redact = gtk_switch_get_active (self->redact_switch) || rd_org_config_get_redact_reports (self->org_config);
  report = rd_diagnosis_to_json (self->diagnosis);

  set_sending (self, TRUE);
  set_send_status (self, _("Sending…"), "dim-label");
  rd_report_sender_send_async (self->sender, report, redact, self->cancellable,
                               sent_cb, g_object_ref (self));
}

static void
rd_report_page_dispose (GObject *object)
{
  RdReportPage *self = RD_REPORT_PAGE (object);

  g_cancellable_cancel (self->cancellable);
  if (self->chooser != NULL)
    gtk_native_dialog_destroy (self->chooser);
  g_clear_object (&self->chooser);
  g_clear_object (&self->sender);
  g_clear_object (&self->org_config);

  G_OBJECT_CLASS (rd_report_page_parent_class)->dispose (object);
}

static void
rd_report_page_finalize (GObject *object)
{
  RdReportPage *self = RD_REPORT_PAGE (object);

  g_clear_object (&self->diagnosis);
  g_clear_object (&self->cancellable);

  G_OBJECT_CLASS (rd_report_page_parent_class)->finalize (object);
}

static void
rd_report_page_class_init (RdReportPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = rd_report_page_dispose;
  object_class->finalize = rd_report_page_finalize;

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_BASE "/ui/rd-report-page.ui");
  gtk_widget_class_bind_template_child (widget_class, RdReportPage, copy_button);
  gtk_widget_class_bind_template_child (widget_class, RdReportPage, html_check);
  gtk_widget_class_bind_template_child (widget_class, RdReportPage, json_check);
  gtk_widget_class_bind_template_child (widget_class, RdReportPage, markdown_check);
  gtk_widget_class_bind_template_child (widget_class, RdReportPage, text_check);
  gtk_widget_class_bind_template_child (widget_class, RdReportPage, preview_expander);
  gtk_widget_class_bind_template_child (widget_class, RdReportPage, preview_label);
  gtk_widget_class_bind_template_child (widget_class, RdReportPage, redact_row);
  gtk_widget_class_bind_template_child (widget_class, RdReportPage, redact_switch);
  gtk_widget_class_bind_template_child (widget_class, RdReportPage, save_button);
  gtk_widget_class_bind_template_child (widget_class, RdReportPage, send_button);
  gtk_widget_class_bind_template_child (widget_class, RdReportPage, send_group);
  gtk_widget_class_bind_template_child (widget_class, RdReportPage, send_progress);
  gtk_widget_class_bind_template_child (widget_class, RdReportPage, send_status_label);
  gtk_widget_class_bind_template_callback (widget_class, on_copy_button_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_format_toggled_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_save_button_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_send_button_clicked_cb);
}

static void
rd_report_page_init (RdReportPage *self)
{
  self->cancellable = g_cancellable_new ();

  gtk_widget_init_template (GTK_WIDGET (self));
}

/**
 * rd_report_page_set_diagnosis:
 * @diagnosis: (nullable): what to report
 */
void
rd_report_page_set_diagnosis (RdReportPage *self,
                              RdDiagnosis  *diagnosis)
{
  g_return_if_fail (RD_IS_REPORT_PAGE (self));
  g_return_if_fail (diagnosis == NULL || RD_IS_DIAGNOSIS (diagnosis));

  g_set_object (&self->diagnosis, diagnosis);
  set_send_status (self, NULL, NULL);
  set_sending (self, FALSE);
  gtk_expander_set_expanded (self->preview_expander, FALSE);
  update_preview (self);
}

/**
 * rd_report_page_set_org_config:
 * @config: (nullable): where reports go, and whether names must be left out
 */
void
rd_report_page_set_org_config (RdReportPage *self,
                               RdOrgConfig  *config)
{
  const char *endpoint = NULL;
  const char *name = NULL;
  gboolean forced;

  g_return_if_fail (RD_IS_REPORT_PAGE (self));
  g_return_if_fail (config == NULL || RD_IS_ORG_CONFIG (config));

  g_set_object (&self->org_config, config);
  g_clear_object (&self->sender);

  if (config != NULL)
    {
      endpoint = rd_org_config_get_report_endpoint (config);
      name = rd_org_config_get_helpdesk_name (config);
    }
  gtk_widget_set_visible (GTK_WIDGET (self->send_group), endpoint != NULL && *endpoint != '\0');

  if (name != NULL && *name != '\0')
    {
      g_autofree char *title = NULL;
      g_autofree char *button = NULL;

      /* Translators: %s is the help desk's name, such as "IT Service Desk" */
      title = g_strdup_printf (_("Send to %s"), name);
      adw_preferences_group_set_title (self->send_group, title);
      button = g_strdup_printf (_("Send to %s"), name);
      gtk_button_set_label (self->send_button, button);
    }

  /* The organisation may require it: then it is on and stays on. */
  forced = config != NULL && rd_org_config_get_redact_reports (config);
  if (forced)
    gtk_switch_set_active (self->redact_switch, TRUE);
  gtk_widget_set_sensitive (GTK_WIDGET (self->redact_row), !forced);
}

RdReportFormat
rd_report_page_get_format (RdReportPage *self)
{
  g_return_val_if_fail (RD_IS_REPORT_PAGE (self), RD_REPORT_FORMAT_HTML);

  for (guint i = 0; i < G_N_ELEMENTS (formats); i++)
    if (gtk_check_button_get_active (get_check (self, i)))
      return i;
  return RD_REPORT_FORMAT_HTML;
}

void
rd_report_page_set_format (RdReportPage   *self,
                           RdReportFormat  format)
{
  g_return_if_fail (RD_IS_REPORT_PAGE (self));
  g_return_if_fail ((guint) format < G_N_ELEMENTS (formats));

  gtk_check_button_set_active (get_check (self, format), TRUE);
}

/**
 * rd_report_page_render:
 *
 * Returns: (transfer full): the diagnosis on show in @format
 */
char *
rd_report_page_render (RdReportPage   *self,
                       RdReportFormat  format)
{
  g_autoptr(JsonNode) json = NULL;

  g_return_val_if_fail (RD_IS_REPORT_PAGE (self), NULL);
  g_return_val_if_fail (self->diagnosis != NULL, NULL);

  switch (format)
    {
    case RD_REPORT_FORMAT_MARKDOWN:
      return rd_diagnosis_to_markdown (self->diagnosis);
    case RD_REPORT_FORMAT_TEXT:
      return rd_diagnosis_to_text (self->diagnosis);
    case RD_REPORT_FORMAT_JSON:
      json = rd_diagnosis_to_json (self->diagnosis);
      return rd_json_to_string (json, TRUE);
    case RD_REPORT_FORMAT_HTML:
    default:
      return rd_diagnosis_to_html (self->diagnosis);
    }
}

void
rd_report_page_focus_first (RdReportPage *self)
{
  g_return_if_fail (RD_IS_REPORT_PAGE (self));

  gtk_widget_grab_focus (GTK_WIDGET (self->save_button));
}
