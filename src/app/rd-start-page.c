/* rd-start-page.c: the first page: what to check, validated as it is typed,
 * typed or read from an .rdp file
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "rd-start-page"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "rd-gateway-check.h"
#include "rd-start-page.h"

struct _RdStartPage
{
  AdwBin          parent_instance;

  /* Template widgets */
  GtkLabel       *code_label;
  AdwEntryRow    *code_row;
  GtkLabel       *file_label;
  AdwEntryRow    *gateway_row;
  AdwEntryRow    *host_row;
  GtkLabel       *message_label;
  GtkLabel       *options_label;
  AdwExpanderRow *options_row;
  AdwEntryRow    *port_row;
  GtkMenuButton  *recent_button;
  AdwEntryRow    *user_row;

  RdTarget       *target;          /* NULL while host and port are not a valid target */
  GError         *error;           /* why they are not */
  gboolean        error_shown;     /* the message replaced the example */
  char           *gateway;         /* the valid gateway as "host[:port]", or NULL */
  GError         *gateway_error;
  RdErrorCode    *error_code;      /* the parsed code, or NULL */
  gboolean        can_start;
  guint16         default_port;

  /* What the last .rdp file said about the client's security settings */
  gboolean        protocols_known;
  guint32         protocols;
  RdRdpFile      *rdp_file;        /* the last file read, for a corrected copy */

  GCancellable   *load_cancellable;
};

G_DEFINE_FINAL_TYPE (RdStartPage, rd_start_page, ADW_TYPE_BIN)

enum {
  PROP_0,
  PROP_TARGET,
  PROP_CAN_START,
  N_PROPS
};

static GParamSpec *properties [N_PROPS];

static const char *
get_row_text (AdwEntryRow *row)
{
  return gtk_editable_get_text (GTK_EDITABLE (row));
}

static void
set_invalid (GtkWidget *row,
             gboolean   invalid)
{
  if (invalid)
    {
      gtk_widget_add_css_class (row, "error");
      gtk_accessible_update_state (GTK_ACCESSIBLE (row),
                                   GTK_ACCESSIBLE_STATE_INVALID, GTK_ACCESSIBLE_INVALID_TRUE,
                                   -1);
    }
  else
    {
      gtk_widget_remove_css_class (row, "error");
      gtk_accessible_reset_state (GTK_ACCESSIBLE (row), GTK_ACCESSIBLE_STATE_INVALID);
    }
}

static gboolean
is_port_error (const GError *error)
{
  return error != NULL && error->domain == RD_TARGET_ERROR &&
         (error->code == RD_TARGET_ERROR_PORT_MISSING ||
          error->code == RD_TARGET_ERROR_PORT_NOT_A_NUMBER ||
          error->code == RD_TARGET_ERROR_PORT_OUT_OF_RANGE);
}

static void
update_message (RdStartPage *self)
{
  GtkWidget *label = GTK_WIDGET (self->message_label);
  gboolean port_typed = *get_row_text (self->port_row) != '\0';

  if (self->error_shown && self->error != NULL)
    {
      gtk_label_set_text (self->message_label, self->error->message);
      gtk_widget_remove_css_class (label, "dim-label");
      gtk_widget_add_css_class (label, "error");
      /* A port error belongs to the port field when one was typed there. */
      set_invalid (GTK_WIDGET (self->host_row), !(port_typed && is_port_error (self->error)));
      set_invalid (GTK_WIDGET (self->port_row), port_typed && is_port_error (self->error));
      if (port_typed && is_port_error (self->error))
        adw_expander_row_set_expanded (self->options_row, TRUE);
    }
  else
    {
      gtk_label_set_text (self->message_label,
                          _("For example pc42.example.com, 10.0.0.5:3390 or [2001:db8::5]:3389"));
      gtk_widget_remove_css_class (label, "error");
      gtk_widget_add_css_class (label, "dim-label");
      set_invalid (GTK_WIDGET (self->host_row), FALSE);
      set_invalid (GTK_WIDGET (self->port_row), FALSE);
    }

  gtk_widget_set_visible (GTK_WIDGET (self->options_label), self->gateway_error != NULL);
  if (self->gateway_error != NULL)
    {
      g_autofree char *text = NULL;

      /* Translators: %s says what is wrong with the gateway's name */
      text = g_strdup_printf (_("Remote Desktop Gateway: %s"), self->gateway_error->message);
      gtk_label_set_text (self->options_label, text);
      adw_expander_row_set_expanded (self->options_row, TRUE);
    }
  set_invalid (GTK_WIDGET (self->gateway_row), self->gateway_error != NULL);
}

static void
validate_code (RdStartPage *self)
{
  const char *text = get_row_text (self->code_row);
  GtkWidget *label = GTK_WIDGET (self->code_label);
  g_autoptr(GError) error = NULL;
  g_autofree char *meaning = NULL;

  g_clear_pointer (&self->error_code, rd_error_code_unref);

  if (*text == '\0')
    {
      gtk_label_set_text (self->code_label,
                          _("Optional. For example 0x904 / 0x7, or a FreeRDP error such as ERRCONNECT_CONNECT_TRANSPORT_FAILED"));
      gtk_widget_remove_css_class (label, "warning");
      gtk_widget_add_css_class (label, "dim-label");
      return;
    }

  self->error_code = rd_error_code_parse (text, &error);
  if (self->error_code == NULL)
    {
      /* Not a mistake that stops anything: the code only helps the ranking. */
      gtk_label_set_text (self->code_label, error->message);
      gtk_widget_remove_css_class (label, "dim-label");
      gtk_widget_add_css_class (label, "warning");
      g_debug ("error code “%s”: %s", text, error->message);
      return;
    }

  meaning = rd_error_code_describe (self->error_code);
  gtk_label_set_text (self->code_label, meaning);
  gtk_widget_remove_css_class (label, "warning");
  gtk_widget_remove_css_class (label, "dim-label");
  g_debug ("error code “%s”: %s", text, meaning);
}

static void
validate (RdStartPage *self)
{
  const char *text = get_row_text (self->host_row);
  const char *gateway_text = get_row_text (self->gateway_row);
  g_autoptr(RdTarget) target = NULL;
  g_autoptr(RdTarget) gateway = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GError) gateway_error = NULL;
  g_autofree char *stripped_gateway = g_strstrip (g_strdup (gateway_text));
  gboolean had_target = self->target != NULL;
  gboolean could_start = self->can_start;

  target = rd_target_new_from_parts (text, get_row_text (self->port_row), self->default_port, &error);

  g_clear_pointer (&self->target, rd_target_unref);
  g_clear_error (&self->error);
  self->target = g_steal_pointer (&target);
  self->error = g_steal_pointer (&error);

  g_clear_pointer (&self->gateway, g_free);
  g_clear_error (&self->gateway_error);
  if (*stripped_gateway != '\0')
    {
      gateway = rd_target_parse (stripped_gateway, RD_DEFAULT_GATEWAY_PORT, &gateway_error);
      if (gateway != NULL)
        self->gateway = rd_target_to_string (gateway);
      else
        self->gateway_error = g_steal_pointer (&gateway_error);
    }

  /* An empty field is not a mistake yet: nobody wants to be told off before
   * typing. Anything else that does not parse says why at once. */
  self->error_shown = self->error != NULL && *text != '\0';
  update_message (self);

  /* For tests that watch the app from outside (G_MESSAGES_DEBUG=rd-start-page). */
  g_debug ("target “%s”: %s", text, self->error != NULL ? self->error->message : "valid");

  self->can_start = self->target != NULL && self->gateway_error == NULL;

  if (had_target || self->target != NULL)
    g_object_notify_by_pspec (G_OBJECT (self), properties [PROP_TARGET]);
  if (could_start != self->can_start)
    g_object_notify_by_pspec (G_OBJECT (self), properties [PROP_CAN_START]);
}

static void
recent_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  RdStartPage *self = RD_START_PAGE (widget);

  rd_start_page_set_text (self, g_variant_get_string (parameter, NULL));
  rd_start_page_focus_entry (self);
}

static void
on_row_changed_cb (RdStartPage *self,
                   GtkEditable *editable)
{
  g_assert (RD_IS_START_PAGE (self));

  if (editable == GTK_EDITABLE (self->code_row))
    validate_code (self);
  else
    validate (self);
}

static void
on_row_entry_activated_cb (RdStartPage *self,
                           AdwEntryRow *row)
{
  g_assert (RD_IS_START_PAGE (self));

  if (!self->can_start)
    {
      rd_start_page_show_error (self);
      return;
    }

  gtk_widget_activate_action (GTK_WIDGET (self), "wizard.start", NULL);
}

typedef struct
{
  RdStartPage *self;
  GFile       *file;
  gboolean     start_when_loaded;
} LoadData;

static void
load_data_free (LoadData *data)
{
  g_clear_object (&data->self);
  g_clear_object (&data->file);
  g_free (data);
}

static void
show_file_message (RdStartPage *self,
                   const char  *text,
                   gboolean     is_error)
{
  GtkWidget *label = GTK_WIDGET (self->file_label);

  gtk_label_set_text (self->file_label, text);
  if (is_error)
    {
      gtk_widget_remove_css_class (label, "dim-label");
      gtk_widget_add_css_class (label, "error");
    }
  else
    {
      gtk_widget_remove_css_class (label, "error");
      gtk_widget_add_css_class (label, "dim-label");
    }
}

static void
rdp_file_loaded_cb (GObject      *source_object,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  LoadData *data = user_data;
  g_autoptr(RdStartPage) self = g_steal_pointer (&data->self);
  g_autoptr(RdRdpFile) rdp = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(RdTarget) target = NULL;
  g_autoptr(GError) target_error = NULL;
  g_autofree char *name = g_file_get_basename (data->file);
  g_autofree char *display_name = g_filename_display_name (name);
  g_autofree char *message = NULL;
  g_autofree char *gateway = NULL;
  gboolean start = data->start_when_loaded;

  rdp = rd_rdp_file_load_finish (result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      load_data_free (data);
      return;
    }
  load_data_free (data);

  if (rdp == NULL)
    {
      /* Translators: %s is a file name, then why it could not be used */
      message = g_strdup_printf (_("“%s” could not be used. %s"), display_name, error->message);
      show_file_message (self, message, TRUE);
      g_debug ("rdp file “%s”: %s", display_name, error->message);
      return;
    }

  target = rd_rdp_file_get_target (rdp, &target_error);
  if (target != NULL)
    {
      g_autofree char *port = NULL;

      gtk_editable_set_text (GTK_EDITABLE (self->host_row), rd_target_get_display_host (target));
      if (rd_target_get_port (target) != self->default_port)
        port = g_strdup_printf ("%u", rd_target_get_port (target));
      gtk_editable_set_text (GTK_EDITABLE (self->port_row), port != NULL ? port : "");
    }
  else
    {
      g_autofree char *host = rd_rdp_file_dup_host (rdp);

      /* The field then says what is wrong with it, as if it was typed. */
      gtk_editable_set_text (GTK_EDITABLE (self->host_row), host != NULL ? host : "");
      gtk_editable_set_text (GTK_EDITABLE (self->port_row), "");
    }

  gateway = rd_rdp_file_dup_gateway (rdp);
  gtk_editable_set_text (GTK_EDITABLE (self->gateway_row), gateway != NULL ? gateway : "");
  gtk_editable_set_text (GTK_EDITABLE (self->user_row),
                         rd_rdp_file_get_username (rdp) != NULL ? rd_rdp_file_get_username (rdp) : "");
  self->protocols_known = rd_rdp_file_get_client_protocols (rdp, &self->protocols);
  g_clear_pointer (&self->rdp_file, rd_rdp_file_unref);
  self->rdp_file = rd_rdp_file_ref (rdp);
  if (gateway != NULL || rd_rdp_file_get_username (rdp) != NULL || *get_row_text (self->port_row) != '\0')
    adw_expander_row_set_expanded (self->options_row, TRUE);

  validate (self);
  if (target == NULL)
    {
      /* Translators: %s is a file name, then why it could not be used */
      message = g_strdup_printf (_("“%s” could not be used. %s"), display_name, target_error->message);
      show_file_message (self, message, TRUE);
      rd_start_page_show_error (self);
      start = FALSE;
    }
  else
    {
      /* Translators: %s is a file name */
      message = g_strdup_printf (_("Filled in from “%s”."), display_name);
      show_file_message (self, message, FALSE);
    }

  g_debug ("rdp file “%s”: host “%s” port “%s” gateway “%s” user “%s” protocols %s",
           display_name, get_row_text (self->host_row), get_row_text (self->port_row),
           get_row_text (self->gateway_row), get_row_text (self->user_row),
           self->protocols_known ? "known" : "unknown");

  if (start && self->can_start)
    gtk_widget_activate_action (GTK_WIDGET (self), "wizard.start", NULL);
  else
    rd_start_page_focus_entry (self);
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

    case PROP_CAN_START:
      g_value_set_boolean (value, self->can_start);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
rd_start_page_dispose (GObject *object)
{
  RdStartPage *self = RD_START_PAGE (object);

  g_cancellable_cancel (self->load_cancellable);

  G_OBJECT_CLASS (rd_start_page_parent_class)->dispose (object);
}

static void
rd_start_page_finalize (GObject *object)
{
  RdStartPage *self = RD_START_PAGE (object);

  g_clear_object (&self->load_cancellable);
  g_clear_pointer (&self->target, rd_target_unref);
  g_clear_error (&self->error);
  g_clear_pointer (&self->gateway, g_free);
  g_clear_error (&self->gateway_error);
  g_clear_pointer (&self->error_code, rd_error_code_unref);
  g_clear_pointer (&self->rdp_file, rd_rdp_file_unref);

  G_OBJECT_CLASS (rd_start_page_parent_class)->finalize (object);
}

static void
rd_start_page_class_init (RdStartPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->get_property = rd_start_page_get_property;
  object_class->dispose = rd_start_page_dispose;
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

  /**
   * RdStartPage:can-start:
   *
   * Whether every field is valid: a target, and a gateway when one is typed.
   */
  properties [PROP_CAN_START] =
    g_param_spec_boolean ("can-start", NULL, NULL,
                          FALSE,
                          (G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY));

  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_BASE "/ui/rd-start-page.ui");
  gtk_widget_class_bind_template_child (widget_class, RdStartPage, code_label);
  gtk_widget_class_bind_template_child (widget_class, RdStartPage, code_row);
  gtk_widget_class_bind_template_child (widget_class, RdStartPage, file_label);
  gtk_widget_class_bind_template_child (widget_class, RdStartPage, gateway_row);
  gtk_widget_class_bind_template_child (widget_class, RdStartPage, host_row);
  gtk_widget_class_bind_template_child (widget_class, RdStartPage, message_label);
  gtk_widget_class_bind_template_child (widget_class, RdStartPage, options_label);
  gtk_widget_class_bind_template_child (widget_class, RdStartPage, options_row);
  gtk_widget_class_bind_template_child (widget_class, RdStartPage, port_row);
  gtk_widget_class_bind_template_child (widget_class, RdStartPage, recent_button);
  gtk_widget_class_bind_template_child (widget_class, RdStartPage, user_row);
  gtk_widget_class_bind_template_callback (widget_class, on_row_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_row_entry_activated_cb);

  gtk_widget_class_install_action (widget_class, "start.recent", "s", recent_action);
}

static void
rd_start_page_init (RdStartPage *self)
{
  self->default_port = RD_DEFAULT_RDP_PORT;
  self->load_cancellable = g_cancellable_new ();

  gtk_widget_init_template (GTK_WIDGET (self));

  validate (self);
  validate_code (self);
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

  return get_row_text (self->host_row);
}

/**
 * rd_start_page_set_field:
 * @field: which field
 * @text: (nullable): its new text
 *
 * Fills a field as if it had been typed.
 */
void
rd_start_page_set_field (RdStartPage      *self,
                         RdStartPageField  field,
                         const char       *text)
{
  AdwEntryRow *rows[] = {
    [RD_START_PAGE_FIELD_HOST] = self->host_row,
    [RD_START_PAGE_FIELD_PORT] = self->port_row,
    [RD_START_PAGE_FIELD_GATEWAY] = self->gateway_row,
    [RD_START_PAGE_FIELD_USER] = self->user_row,
    [RD_START_PAGE_FIELD_ERROR_CODE] = self->code_row,
  };

  g_return_if_fail (RD_IS_START_PAGE (self));
  g_return_if_fail ((guint) field < G_N_ELEMENTS (rows));

  gtk_editable_set_text (GTK_EDITABLE (rows[field]), text ? text : "");
  validate (self);
  validate_code (self);
}

/**
 * rd_start_page_get_field:
 *
 * Returns: a field's text, as typed
 */
const char *
rd_start_page_get_field (RdStartPage      *self,
                         RdStartPageField  field)
{
  AdwEntryRow *rows[] = {
    [RD_START_PAGE_FIELD_HOST] = self->host_row,
    [RD_START_PAGE_FIELD_PORT] = self->port_row,
    [RD_START_PAGE_FIELD_GATEWAY] = self->gateway_row,
    [RD_START_PAGE_FIELD_USER] = self->user_row,
    [RD_START_PAGE_FIELD_ERROR_CODE] = self->code_row,
  };

  g_return_val_if_fail (RD_IS_START_PAGE (self), NULL);
  g_return_val_if_fail ((guint) field < G_N_ELEMENTS (rows), NULL);

  return get_row_text (rows[field]);
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

gboolean
rd_start_page_can_start (RdStartPage *self)
{
  g_return_val_if_fail (RD_IS_START_PAGE (self), FALSE);

  return self->can_start;
}

/**
 * rd_start_page_get_gateway:
 *
 * Returns: (nullable): the RD Gateway as "host[:port]", or %NULL for none
 */
const char *
rd_start_page_get_gateway (RdStartPage *self)
{
  g_return_val_if_fail (RD_IS_START_PAGE (self), NULL);

  return self->gateway;
}

/**
 * rd_start_page_get_error_code:
 *
 * Returns: (transfer none) (nullable): the code the user typed, when it is one
 */
RdErrorCode *
rd_start_page_get_error_code (RdStartPage *self)
{
  g_return_val_if_fail (RD_IS_START_PAGE (self), NULL);

  return self->error_code;
}

/**
 * rd_start_page_get_user_name:
 *
 * Returns: (nullable): the user name, as typed or read from an .rdp file
 */
const char *
rd_start_page_get_user_name (RdStartPage *self)
{
  const char *text;

  g_return_val_if_fail (RD_IS_START_PAGE (self), NULL);

  text = get_row_text (self->user_row);
  return *text != '\0' ? text : NULL;
}

/**
 * rd_start_page_get_client_protocols:
 * @protocols: (out): what the client offers, RD_PROTOCOL_*
 *
 * Returns: whether an .rdp file said what the client offers
 */
gboolean
rd_start_page_get_client_protocols (RdStartPage *self,
                                    guint32     *protocols)
{
  g_return_val_if_fail (RD_IS_START_PAGE (self), FALSE);

  if (protocols != NULL)
    *protocols = self->protocols;
  return self->protocols_known;
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

/**
 * rd_start_page_set_default_port:
 *
 * The port checked when none is typed: the organisation's, or 3389.
 */
void
rd_start_page_set_default_port (RdStartPage *self,
                                guint16      port)
{
  g_autofree char *title = NULL;

  g_return_if_fail (RD_IS_START_PAGE (self));
  g_return_if_fail (port > 0);

  self->default_port = port;
  /* Translators: the port field's title; %u is the port used when it is empty */
  title = g_strdup_printf (_("Port (empty for %u)"), port);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->port_row), title);
  validate (self);
}

/**
 * rd_start_page_set_recent_hosts:
 * @hosts: (nullable): what was checked before, most recent first
 *
 * Offers @hosts in a menu next to the host field.
 */
void
rd_start_page_set_recent_hosts (RdStartPage        *self,
                                const char * const *hosts)
{
  g_autoptr(GMenu) menu = g_menu_new ();

  g_return_if_fail (RD_IS_START_PAGE (self));

  for (guint i = 0; hosts != NULL && hosts[i] != NULL; i++)
    {
      g_autoptr(GMenuItem) item = g_menu_item_new (hosts[i], NULL);

      g_menu_item_set_action_and_target_value (item, "start.recent", g_variant_new_string (hosts[i]));
      g_menu_append_item (menu, item);
    }

  gtk_menu_button_set_menu_model (self->recent_button, G_MENU_MODEL (menu));
  gtk_widget_set_visible (GTK_WIDGET (self->recent_button), hosts != NULL && hosts[0] != NULL);
}

/**
 * rd_start_page_open_file:
 * @file: an .rdp file
 * @start_when_loaded: whether to start checking when the file names a valid target
 *
 * Reads @file on a worker thread and fills host, port, gateway and user name
 * from it; says what is wrong with it otherwise.
 */
void
rd_start_page_open_file (RdStartPage *self,
                         GFile       *file,
                         gboolean     start_when_loaded)
{
  LoadData *data;

  g_return_if_fail (RD_IS_START_PAGE (self));
  g_return_if_fail (G_IS_FILE (file));

  /* Only the last file dropped or opened counts. */
  g_cancellable_cancel (self->load_cancellable);
  g_clear_object (&self->load_cancellable);
  self->load_cancellable = g_cancellable_new ();

  data = g_new0 (LoadData, 1);
  data->self = g_object_ref (self);
  data->file = g_object_ref (file);
  data->start_when_loaded = start_when_loaded;
  rd_rdp_file_load_async (file, self->load_cancellable, rdp_file_loaded_cb, data);
}

/**
 * rd_start_page_get_rdp_file:
 *
 * Returns: (transfer none) (nullable): the last .rdp file read, when it
 *   names the target the fields now hold
 */
RdRdpFile *
rd_start_page_get_rdp_file (RdStartPage *self)
{
  g_autoptr(RdTarget) named = NULL;

  g_return_val_if_fail (RD_IS_START_PAGE (self), NULL);

  if (self->rdp_file == NULL || self->target == NULL)
    return NULL;
  /* Typed over since: the file is about another computer */
  named = rd_rdp_file_get_target (self->rdp_file, NULL);
  if (named == NULL ||
      g_ascii_strcasecmp (rd_target_get_host (named), rd_target_get_host (self->target)) != 0 ||
      rd_target_get_port (named) != rd_target_get_port (self->target))
    return NULL;
  return self->rdp_file;
}
