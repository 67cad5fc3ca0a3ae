/* rd-fix-page-actions.c: the guided actions of the fix page, behind the
 * buttons of its steps (rd-action-button.c)
 *
 * Whatever runs or changes something on this computer asks first, showing
 * exactly what: the client's command line, the cached certificate's file or
 * line, the DNS cache. Files are written and read off the main loop, and a
 * callback that sees the page's cancellable cancelled leaves the widgets alone.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "rd-fix-page"

#include "config.h"

#include <string.h>
#include <glib/gi18n-lib.h>

#include "rd-action-button.h"
#include "rd-cert-cache.h"
#include "rd-client-launcher.h"
#include "rd-dns-cache.h"
#include "rd-fix-page-private.h"
#include "rd-server-evidence.h"
#include "rd-server-script.h"

/* What a callback needs after the file chooser or the launch */
typedef struct
{
  RdFixPage *self;
  char      *text;
} Pending;

static Pending *
pending_new (RdFixPage  *self,
             const char *text)
{
  Pending *pending = g_new0 (Pending, 1);

  pending->self = g_object_ref (self);
  pending->text = g_strdup (text);
  return pending;
}

static void
pending_free (Pending *pending)
{
  g_object_unref (pending->self);
  g_free (pending->text);
  g_free (pending);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Pending, pending_free)

static void
toast (RdFixPage  *self,
       const char *text)
{
  gtk_widget_activate_action (GTK_WIDGET (self), "wizard.toast", "s", text);
}

static GtkWindow *
get_window (RdFixPage *self)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));

  return GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL;
}

static RdCheckResult *
find_result (RdFixPage  *self,
             const char *check_id)
{
  GPtrArray *results = self->diagnosis != NULL ? rd_diagnosis_get_results (self->diagnosis) : NULL;

  for (guint i = 0; results != NULL && i < results->len; i++)
    if (g_strcmp0 (rd_check_result_get_check_id (g_ptr_array_index (results, i)), check_id) == 0)
      return g_ptr_array_index (results, i);
  return NULL;
}

static JsonNode *
get_member (RdCheckResult *result,
            const char    *name)
{
  JsonObject *evidence = result != NULL ? rd_check_result_get_evidence (result) : NULL;

  return evidence != NULL ? json_object_get_member (evidence, name) : NULL;
}

/* "host:port" as .rdp files write it: an IPv6 address in brackets */
static char *
format_address (const char *host,
                guint16     port)
{
  if (strchr (host, ':') != NULL)
    return g_strdup_printf ("[%s]:%u", host, port);
  return g_strdup_printf ("%s:%u", host, port);
}

/* A file name from the host: no colons (IPv6) or slashes */
static char *
dup_file_name (RdFixPage  *self,
               const char *prefix,
               const char *suffix)
{
  g_autofree char *host = g_strdup (self->target != NULL ? rd_target_get_host (self->target) : "host");

  g_strcanon (host, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-", '-');
  return g_strconcat (prefix, host, suffix, NULL);
}

/* Keeps the page's pointer to the dialog on show, and drops it with it */
static void
set_dialog (RdFixPage *self,
            GtkWindow *dialog)
{
  if (self->dialog != NULL)
    {
      g_object_remove_weak_pointer (G_OBJECT (self->dialog), (gpointer *) &self->dialog);
      gtk_window_destroy (self->dialog);
    }
  self->dialog = dialog;
  if (dialog != NULL)
    g_object_add_weak_pointer (G_OBJECT (dialog), (gpointer *) &self->dialog);
}

/* A confirmation in libadwaita 1.2's message dialog: Cancel, and @confirm */
static AdwMessageDialog *
make_confirmation (RdFixPage  *self,
                   const char *heading,
                   const char *body,
                   const char *confirm,
                   gboolean    destructive,
                   const char *shown)
{
  AdwMessageDialog *dialog = ADW_MESSAGE_DIALOG (adw_message_dialog_new (get_window (self), heading, body));

  adw_message_dialog_add_responses (dialog,
                                    "cancel", _("_Cancel"),
                                    "confirm", confirm,
                                    NULL);
  adw_message_dialog_set_response_appearance (dialog, "confirm",
                                              destructive ? ADW_RESPONSE_DESTRUCTIVE : ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_close_response (dialog, "cancel");
  /* Enter alone must not change anything for someone who did not read. */
  adw_message_dialog_set_default_response (dialog, destructive ? "cancel" : "confirm");

  if (shown != NULL)
    {
      GtkWidget *label = g_object_new (GTK_TYPE_LABEL,
                                        "label", shown,
                                        "wrap", TRUE,
                                        "wrap-mode", PANGO_WRAP_CHAR,
                                        "xalign", 0.0f,
                                        "selectable", TRUE,
                                        NULL);
      PangoAttrList *attrs = pango_attr_list_new ();

      pango_attr_list_insert (attrs, pango_attr_insert_hyphens_new (FALSE));
      gtk_label_set_attributes (GTK_LABEL (label), attrs);
      pango_attr_list_unref (attrs);
      /* Selectable with the mouse; the keyboard starts at the buttons, as
       * focus on the text would select all of it */
      gtk_widget_set_focusable (label, FALSE);
      gtk_widget_add_css_class (label, "monospace");
      gtk_widget_add_css_class (label, "command");
      /* What the user reads is what a screen reader reads. */
      gtk_accessible_update_property (GTK_ACCESSIBLE (label),
                                      GTK_ACCESSIBLE_PROPERTY_LABEL, shown,
                                      -1);
      adw_message_dialog_set_extra_child (dialog, label);
    }

  set_dialog (self, GTK_WINDOW (dialog));
  return dialog;
}

static void
present_confirmation (AdwMessageDialog *dialog)
{
  gtk_window_present (GTK_WINDOW (dialog));
}

/* ---- saving files ----------------------------------------------------------- */

static void
rdp_opened_cb (GObject      *source_object,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(Pending) pending = user_data;
  RdFixPage *self = pending->self;
  const char *shown = pending->text;
  g_autoptr(GError) error = NULL;
  g_autofree char *message = NULL;

  if (!g_app_info_launch_default_for_uri_finish (result, &error) &&
      g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  if (error == NULL)
    {
      /* Translators: %s is the file the corrected .rdp file was saved to */
      message = g_strdup_printf (_("Saved as %s, and opened in your Remote Desktop app"), shown);
      g_debug ("opened: %s", shown);
    }
  else
    {
      /* Translators: %s is the file the corrected .rdp file was saved to */
      message = g_strdup_printf (_("Saved as %s. Open it in your Remote Desktop app: none is set to open .rdp files here."), shown);
      g_debug ("not opened: %s", error->message);
    }
  toast (self, message);
}

static void
open_rdp_file (RdFixPage  *self,
               GFile      *file,
               const char *shown)
{
  g_autoptr(GdkAppLaunchContext) context = NULL;
  g_autofree char *uri = g_file_get_uri (file);

  context = gdk_display_get_app_launch_context (gtk_widget_get_display (GTK_WIDGET (self)));
  g_app_info_launch_default_for_uri_async (uri, G_APP_LAUNCH_CONTEXT (context), self->cancellable,
                                           rdp_opened_cb, pending_new (self, shown));
}

static void
saved_cb (GObject      *source_object,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr(Pending) pending = user_data;
  RdFixPage *self = pending->self;
  const char *kind = pending->text;
  GFile *file = G_FILE (source_object);
  g_autoptr(GError) error = NULL;
  g_autofree char *shown = NULL;
  g_autofree char *message = NULL;

  if (!g_file_replace_contents_finish (file, result, NULL, &error))
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;
      /* Translators: %s says why a file could not be saved */
      message = g_strdup_printf (_("The file could not be saved: %s"), error->message);
      toast (self, message);
      g_debug ("save failed: %s", error->message);
      return;
    }

  shown = g_file_get_parse_name (file);
  /* For tests that watch the app from outside (G_MESSAGES_DEBUG=rd-fix-page). */
  g_debug ("saved: %s", shown);

  if (g_str_equal (kind, "write-rdp"))
    {
      open_rdp_file (self, file, shown);
      return;
    }
  if (g_str_equal (kind, "evidence-script"))
    /* Translators: %s is the file the evidence script was saved to */
    message = g_strdup_printf (_("Saved as %s. Run it on the remote computer, then import what it prints."), shown);
  else
    /* Translators: %s is the file the server script was saved to */
    message = g_strdup_printf (_("Saved as %s. Run it as administrator; add -DryRun to see what it would do."), shown);
  toast (self, message);
}

static void
on_chooser_response_cb (RdFixPage            *self,
                        int                   response,
                        GtkFileChooserNative *chooser)
{
  g_autoptr(GFile) file = NULL;
  g_autoptr(GBytes) bytes = g_steal_pointer (&self->to_save);
  g_autofree char *kind = g_steal_pointer (&self->save_kind);

  g_assert (RD_IS_FIX_PAGE (self));

  if (response == GTK_RESPONSE_ACCEPT)
    file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));
  g_clear_object (&self->chooser);

  if (file == NULL || bytes == NULL)
    return;

  g_file_replace_contents_bytes_async (file, bytes, NULL, FALSE, G_FILE_CREATE_REPLACE_DESTINATION,
                                       self->cancellable, saved_cb, pending_new (self, kind));
}

/* Asks where to save @bytes (GtkFileChooserNative: the portal in a Flatpak) */
static void
save_bytes (RdFixPage  *self,
            const char *kind,
            const char *title,
            const char *file_name,
            const char *filter_name,
            const char *pattern,
            GBytes     *bytes)
{
  GtkFileChooserNative *chooser;
  g_autoptr(GtkFileFilter) filter = gtk_file_filter_new ();
  g_autoptr(GtkFileFilter) all_filter = gtk_file_filter_new ();

  chooser = gtk_file_chooser_native_new (title, get_window (self), GTK_FILE_CHOOSER_ACTION_SAVE,
                                         _("_Save"), _("_Cancel"));
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (chooser), TRUE);
  gtk_file_filter_set_name (filter, filter_name);
  gtk_file_filter_add_pattern (filter, pattern);
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (chooser), filter);
  gtk_file_filter_set_name (all_filter, _("All Files"));
  gtk_file_filter_add_pattern (all_filter, "*");
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (chooser), all_filter);
  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (chooser), file_name);

  g_clear_pointer (&self->to_save, g_bytes_unref);
  g_free (self->save_kind);
  self->to_save = g_bytes_ref (bytes);
  self->save_kind = g_strdup (kind);

  g_signal_connect_object (chooser, "response", G_CALLBACK (on_chooser_response_cb), self, G_CONNECT_SWAPPED);
  if (self->chooser != NULL)
    gtk_native_dialog_destroy (self->chooser);
  g_clear_object (&self->chooser);
  self->chooser = GTK_NATIVE_DIALOG (chooser);
  gtk_native_dialog_show (self->chooser);
  g_debug ("save dialog: %s", file_name);
}

static void
fix_save_server_script_action (GtkWidget  *widget,
                               const char *action_name,
                               GVariant   *parameter)
{
  RdFixPage *self = RD_FIX_PAGE (widget);
  const char *fix_id = g_variant_get_string (parameter, NULL);
  g_autoptr(RdServerScript) script = NULL;
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *name = NULL;

  if (self->cause == NULL || self->diagnosis == NULL)
    return;

  script = rd_server_script_new (self->diagnosis);
  if (!rd_server_script_add_fix (script, rd_cause_get_id (self->cause), fix_id, &error))
    {
      /* The diagnosis no longer offers it (the page shows an older one) */
      g_debug ("no server script for %s: %s", fix_id, error->message);
      toast (self, _("This fix is no longer part of the diagnosis: check again first"));
      return;
    }
  bytes = rd_server_script_to_bytes (script);
  name = dup_file_name (self, "rdp-doctor-fix-", ".ps1");
  save_bytes (self, RD_ACTION_SERVER_SCRIPT, _("Save Server Script"), name,
              _("PowerShell Scripts"), "*.ps1", bytes);
}

static void
fix_save_evidence_script_action (GtkWidget  *widget,
                                 const char *action_name,
                                 GVariant   *parameter)
{
  RdFixPage *self = RD_FIX_PAGE (widget);
  g_autoptr(GBytes) bytes = rd_server_evidence_get_script ();
  g_autofree char *name = dup_file_name (self, "rdp-doctor-evidence-", ".ps1");

  save_bytes (self, "evidence-script", _("Save Evidence Script"), name,
              _("PowerShell Scripts"), "*.ps1", bytes);
}

/* The address the name led to, for {address}; with the port unless it is
 * the usual one. */
static char *
dup_resolved_address (RdFixPage *self)
{
  JsonNode *node = get_member (find_result (self, "dns"), "addresses");
  JsonArray *addresses = node != NULL && JSON_NODE_HOLDS_ARRAY (node) ? json_node_get_array (node) : NULL;
  JsonObject *first;
  const char *address;
  guint16 port = self->target != NULL ? rd_target_get_port (self->target) : RD_DEFAULT_RDP_PORT;

  if (addresses == NULL || json_array_get_length (addresses) == 0)
    return NULL;
  first = json_array_get_object_element (addresses, 0);
  address = first != NULL ? json_object_get_string_member_with_default (first, "address", NULL) : NULL;
  if (address == NULL)
    return NULL;
  if (port == RD_DEFAULT_RDP_PORT)
    return strchr (address, ':') != NULL ? g_strdup_printf ("[%s]", address) : g_strdup (address);
  return format_address (address, port);
}

static void
fix_write_rdp_action (GtkWidget  *widget,
                      const char *action_name,
                      GVariant   *parameter)
{
  RdFixPage *self = RD_FIX_PAGE (widget);
  const char *settings = g_variant_get_string (parameter, NULL);
  g_autoptr(RdRdpFile) rdp = NULL;
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *address = NULL;
  g_autofree char *name = NULL;
  RdRdpFileEncoding encoding = RD_RDP_FILE_ENCODING_UTF16LE;

  if (self->target == NULL)
    return;

  /* The file the user opened, corrected; or one made for the target */
  if (self->rdp_file != NULL)
    {
      g_autoptr(GBytes) original = NULL;

      encoding = rd_rdp_file_get_encoding (self->rdp_file);
      original = rd_rdp_file_to_bytes (self->rdp_file, encoding);
      rdp = rd_rdp_file_parse (original, NULL);
    }
  if (rdp == NULL)
    {
      g_autofree char *full_address = format_address (rd_target_get_host (self->target),
                                                      rd_target_get_port (self->target));

      rdp = rd_rdp_file_new ();
      rd_rdp_file_set_string (rdp, "full address", full_address, NULL);
    }

  address = dup_resolved_address (self);
  if (!rd_rdp_file_apply_settings (rdp, settings, address, &error))
    {
      toast (self, error->message);
      g_debug ("write-rdp refused: %s", error->message);
      return;
    }

  bytes = rd_rdp_file_to_bytes (rdp, encoding);
  name = dup_file_name (self, "", ".rdp");
  save_bytes (self, "write-rdp", _("Save Corrected Remote Desktop File"), name,
              _("Remote Desktop Files"), "*.rdp", bytes);
}

/* ---- launching the client ------------------------------------------------------ */

static void
client_exited_cb (GObject      *source_object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  GSubprocess *client = G_SUBPROCESS (source_object);

  if (g_subprocess_wait_finish (client, result, NULL))
    g_debug ("client exited: %d", g_subprocess_get_status (client));
}

static void
on_launch_response_cb (RdFixPage        *self,
                       const char       *response,
                       AdwMessageDialog *dialog)
{
  RdClientLauncher *launcher = g_object_get_data (G_OBJECT (dialog), "rd-launcher");
  const char * const *argv = g_object_get_data (G_OBJECT (dialog), "rd-argv");
  g_autoptr(GSubprocess) client = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *message = NULL;

  g_assert (RD_IS_FIX_PAGE (self));

  if (!g_str_equal (response, "confirm"))
    {
      g_debug ("cancelled: launch-client");
      return;
    }

  client = rd_client_launcher_spawn (launcher, argv, &error);
  if (client == NULL)
    {
      toast (self, error->message);
      g_debug ("launch failed: %s", error->message);
      return;
    }
  g_subprocess_wait_async (client, NULL, client_exited_cb, NULL);
  /* Translators: %s is the client's program name, such as xfreerdp */
  message = g_strdup_printf (_("Started %s"), rd_client_launcher_get_client_name (launcher));
  toast (self, message);
  g_debug ("launched: %s", argv[0]);
}

/* Looking through $PATH touches the disk: off the main loop. */
static void
find_client_in_thread (GTask        *task,
                       gpointer      source_object,
                       gpointer      task_data,
                       GCancellable *cancellable)
{
  g_task_return_pointer (task, rd_client_launcher_new (), g_object_unref);
}

static void
client_found_cb (GObject      *source_object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  RdFixPage *self = RD_FIX_PAGE (source_object);
  const char *option = g_task_get_task_data (G_TASK (result));
  g_autoptr(RdClientLauncher) launcher = g_task_propagate_pointer (G_TASK (result), NULL);
  g_auto(GStrv) argv = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *command = NULL;
  g_autofree char *body = NULL;
  AdwMessageDialog *dialog;

  if (launcher == NULL || g_cancellable_is_cancelled (self->cancellable) || self->target == NULL)
    return;

  argv = rd_client_launcher_build_argv (launcher, self->target, option, &error);
  if (argv == NULL)
    {
      toast (self, error->message);
      g_debug ("launch refused: %s", error->message);
      return;
    }

  command = rd_client_launcher_format_command_line ((const char * const *) argv);
  /* Translators: %s is the client's program name, such as xfreerdp */
  body = g_strdup_printf (_("To connect with %s, RDP Doctor runs this command on this computer. Nothing runs unless you choose “Run”."),
                          rd_client_launcher_get_client_name (launcher));
  dialog = make_confirmation (self, _("Run This Command?"), body, _("_Run"), FALSE, command);
  g_object_set_data_full (G_OBJECT (dialog), "rd-launcher", g_steal_pointer (&launcher), g_object_unref);
  g_object_set_data_full (G_OBJECT (dialog), "rd-argv", g_steal_pointer (&argv), (GDestroyNotify) g_strfreev);
  g_signal_connect_object (dialog, "response", G_CALLBACK (on_launch_response_cb), self, G_CONNECT_SWAPPED);
  present_confirmation (dialog);
  /* For tests that watch the app from outside (G_MESSAGES_DEBUG=rd-fix-page). */
  g_debug ("confirm: %s", command);
}

static void
fix_launch_client_action (GtkWidget  *widget,
                          const char *action_name,
                          GVariant   *parameter)
{
  RdFixPage *self = RD_FIX_PAGE (widget);
  g_autoptr(GTask) task = NULL;

  if (self->target == NULL)
    return;

  task = g_task_new (self, self->cancellable, client_found_cb, NULL);
  g_task_set_source_tag (task, fix_launch_client_action);
  g_task_set_task_data (task, g_strdup (g_variant_get_string (parameter, NULL)), g_free);
  g_task_run_in_thread (task, find_client_in_thread);
}

/* ---- the DNS cache -------------------------------------------------------------- */

static void
dns_flushed_cb (GObject      *source_object,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(RdFixPage) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *message = NULL;

  if (rd_dns_cache_flush_finish (RD_DNS_CACHE (source_object), result, &error))
    {
      toast (self, _("DNS cache cleared. Check again to look the name up afresh."));
      g_debug ("dns flush: done");
      return;
    }
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  g_debug ("dns flush: %s", error->message);
  if (g_error_matches (error, RD_DNS_CACHE_ERROR, RD_DNS_CACHE_ERROR_NOT_RUNNING))
    toast (self, _("systemd-resolved is not running: there is no DNS cache here to clear"));
  else if (g_error_matches (error, RD_DNS_CACHE_ERROR, RD_DNS_CACHE_ERROR_NOT_ALLOWED))
    toast (self, _("This computer did not allow clearing its DNS cache"));
  else
    {
      /* Translators: %s says why */
      message = g_strdup_printf (_("The DNS cache could not be cleared: %s"), error->message);
      toast (self, message);
    }
}

static void
on_flush_response_cb (RdFixPage        *self,
                      const char       *response,
                      AdwMessageDialog *dialog)
{
  g_autoptr(RdDnsCache) cache = NULL;

  g_assert (RD_IS_FIX_PAGE (self));

  if (!g_str_equal (response, "confirm"))
    {
      g_debug ("cancelled: flush-dns");
      return;
    }
  cache = rd_dns_cache_new ();
  rd_dns_cache_flush_async (cache, self->cancellable, dns_flushed_cb, g_object_ref (self));
}

static void
fix_flush_dns_action (GtkWidget  *widget,
                      const char *action_name,
                      GVariant   *parameter)
{
  RdFixPage *self = RD_FIX_PAGE (widget);
  AdwMessageDialog *dialog;

  dialog = make_confirmation (self, _("Clear the DNS Cache?"),
                              _("RDP Doctor asks systemd-resolved to forget every name it looked up, as this command does. Your system may ask for your password."),
                              _("_Clear Cache"), FALSE, "resolvectl flush-caches");
  g_signal_connect_object (dialog, "response", G_CALLBACK (on_flush_response_cb), self, G_CONNECT_SWAPPED);
  present_confirmation (dialog);
  g_debug ("confirm: flush-dns");
}

/* ---- the cached certificate -------------------------------------------------------- */

/* The remembered certificates that differ from the one the server shows
 * now: those the diagnosis blamed (rd-diagnosis-paths.c). */
static JsonArray *
collect_stale_certificates (RdFixPage *self)
{
  JsonNode *cached = get_member (find_result (self, "local"), "cached_certificates");
  JsonNode *target_node = get_member (find_result (self, "tls"), "certificate");
  JsonNode *gateway_node = get_member (find_result (self, "gateway"), "certificate");
  JsonArray *stale = json_array_new ();

  if (cached == NULL || !JSON_NODE_HOLDS_ARRAY (cached))
    return stale;

  for (guint i = 0; i < json_array_get_length (json_node_get_array (cached)); i++)
    {
      JsonObject *entry = json_array_get_object_element (json_node_get_array (cached), i);
      const char *role = entry != NULL ? json_object_get_string_member_with_default (entry, "for", NULL) : NULL;
      JsonNode *live_node = g_strcmp0 (role, "target") == 0 ? target_node
                            : g_strcmp0 (role, "gateway") == 0 ? gateway_node : NULL;
      JsonObject *live = live_node != NULL && JSON_NODE_HOLDS_OBJECT (live_node) ? json_node_get_object (live_node) : NULL;
      const char *algorithm;
      const char *old_print, *new_print;

      if (live == NULL || !json_object_get_boolean_member_with_default (entry, "readable", FALSE))
        continue;
      algorithm = json_object_has_member (entry, "sha256") ? "sha256" : "sha1";
      old_print = json_object_get_string_member_with_default (entry, algorithm, NULL);
      new_print = json_object_get_string_member_with_default (live, algorithm, NULL);
      if (old_print != NULL && new_print != NULL && g_ascii_strcasecmp (old_print, new_print) != 0)
        json_array_add_object_element (stale, json_object_ref (entry));
    }
  return stale;
}

static void
certificates_forgotten_cb (GObject      *source_object,
                           GAsyncResult *result,
                           gpointer      user_data)
{
  g_autoptr(RdFixPage) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!rd_cert_cache_forget_finish (result, &error))
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;
      toast (self, error->message);
      g_debug ("forget failed: %s", error->message);
      return;
    }
  toast (self, _("The remembered certificate is forgotten. Your client asks about the new one at the next connection."));
  g_debug ("forgotten");
}

static void
on_forget_response_cb (RdFixPage        *self,
                       const char       *response,
                       AdwMessageDialog *dialog)
{
  JsonArray *entries = g_object_get_data (G_OBJECT (dialog), "rd-entries");

  g_assert (RD_IS_FIX_PAGE (self));

  if (!g_str_equal (response, "confirm"))
    {
      g_debug ("cancelled: forget-certificate");
      return;
    }
  rd_cert_cache_forget_async (entries, self->cancellable, certificates_forgotten_cb, g_object_ref (self));
}

static void
fix_forget_certificate_action (GtkWidget  *widget,
                               const char *action_name,
                               GVariant   *parameter)
{
  RdFixPage *self = RD_FIX_PAGE (widget);
  g_autoptr(JsonArray) entries = collect_stale_certificates (self);
  g_autoptr(GString) shown = g_string_new (NULL);
  AdwMessageDialog *dialog;

  if (json_array_get_length (entries) == 0)
    {
      toast (self, _("RDP Doctor found no remembered certificate that differs from the server’s"));
      return;
    }

  for (guint i = 0; i < json_array_get_length (entries); i++)
    {
      JsonObject *entry = json_array_get_object_element (entries, i);
      const char *path = json_object_get_string_member_with_default (entry, "path", "?");

      if (shown->len > 0)
        g_string_append_c (shown, '\n');
      if (json_object_has_member (entry, "line"))
        /* Translators: a file, and the number of the line in it */
        g_string_append_printf (shown, _("%s, line %lld"),
                                path, (long long) json_object_get_int_member (entry, "line"));
      else
        g_string_append (shown, path);
    }

  dialog = make_confirmation (self, _("Forget the Remembered Certificate?"),
                              _("Your Remote Desktop client then asks you to accept the server’s certificate again. Make sure it is really your server before you do. RDP Doctor removes only this:"),
                              _("_Forget"), TRUE, shown->str);
  g_object_set_data_full (G_OBJECT (dialog), "rd-entries", json_array_ref (entries), (GDestroyNotify) json_array_unref);
  g_signal_connect_object (dialog, "response", G_CALLBACK (on_forget_response_cb), self, G_CONNECT_SWAPPED);
  present_confirmation (dialog);
  g_debug ("confirm: %s", shown->str);
}

/* ---- ------------------------------------------------------------------------------ */

void
_rd_fix_page_actions_dispose (RdFixPage *self)
{
  g_cancellable_cancel (self->cancellable);
  if (self->chooser != NULL)
    gtk_native_dialog_destroy (self->chooser);
  g_clear_object (&self->chooser);
  set_dialog (self, NULL);
  g_clear_pointer (&self->to_save, g_bytes_unref);
  g_clear_pointer (&self->save_kind, g_free);
}

void
_rd_fix_page_class_actions_init (GtkWidgetClass *widget_class)
{
  gtk_widget_class_install_action (widget_class, "fix.write-rdp", "s", fix_write_rdp_action);
  gtk_widget_class_install_action (widget_class, "fix.launch-client", "s", fix_launch_client_action);
  gtk_widget_class_install_action (widget_class, "fix.flush-dns", "s", fix_flush_dns_action);
  gtk_widget_class_install_action (widget_class, "fix.forget-certificate", "s", fix_forget_certificate_action);
  gtk_widget_class_install_action (widget_class, "fix.save-evidence-script", "s", fix_save_evidence_script_action);
  gtk_widget_class_install_action (widget_class, "fix.save-server-script", "s", fix_save_server_script_action);
}
