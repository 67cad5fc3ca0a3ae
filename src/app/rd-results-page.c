/* rd-results-page.c: the diagnosis: the most likely cause, why, and the
 * others in order; or the all-clear and what to try next
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "rd-results-page"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "rd-cause-row.h"
#include "rd-check-row.h"
#include "rd-results-page.h"
#include "rd-server-evidence.h"

struct _RdResultsPage
{
  AdwBin               parent_instance;

  /* Template widgets */
  GtkButton           *again_button;
  AdwPreferencesGroup *causes_group;
  AdwPreferencesGroup *checks_group;
  AdwPreferencesGroup *code_group;
  AdwActionRow        *code_row;
  GtkLabel            *evidence_label;
  GtkExpander         *evidence_expander;
  GtkLabel            *explanation_label;
  GtkButton           *fix_button;
  GtkButton           *helpdesk_button;
  AdwPreferencesGroup *helpdesk_group;
  AdwActionRow        *helpdesk_row;
  GtkLabel            *headline_label;
  GtkLabel            *kicker_label;
  GtkLabel            *note_label;
  GtkBox              *reasons_box;
  GtkScrolledWindow   *scrolled_window;
  GtkLabel            *summary_label;
  GtkImage            *verdict_image;
  GtkBox              *why_box;
  GtkLabel            *why_heading_label;

  RdDiagnosis         *diagnosis;
  RdOrgConfig         *org_config;
  GPtrArray           *cause_rows;   /* RdCauseRow, in the diagnosis' order */
  GPtrArray           *check_rows;   /* RdCheckRow */
  GPtrArray           *reason_labels;
};

G_DEFINE_FINAL_TYPE (RdResultsPage, rd_results_page, ADW_TYPE_BIN)

static void
clear_rows (AdwPreferencesGroup *group,
            GPtrArray           *rows)
{
  for (guint i = 0; i < rows->len; i++)
    adw_preferences_group_remove (group, g_ptr_array_index (rows, i));
  g_ptr_array_set_size (rows, 0);
}

static const char *
find_check_title (GPtrArray  *checks,
                  const char *check_id)
{
  /* Not a check that runs from here: the evidence the server's administrator brought */
  if (g_strcmp0 (check_id, RD_SERVER_EVIDENCE_CHECK_ID) == 0)
    return _("What the server says");

  for (guint i = 0; checks != NULL && i < checks->len; i++)
    {
      RdCheck *check = g_ptr_array_index (checks, i);

      if (g_strcmp0 (rd_check_get_id (check), check_id) == 0)
        return rd_check_get_title (check);
    }
  return NULL;
}

/* How sure, in words: the numbers are a ranking aid, not a measurement. */
static const char *
describe_certainty (double confidence)
{
  if (confidence >= 0.8)
    return _("RDP Doctor is quite sure: the evidence points clearly here.");
  if (confidence >= 0.5)
    return _("This is likely, but other causes are possible.");
  return _("This is only a guess: the evidence is thin.");
}

/* Every check passed or did not apply: whatever causes the diagnosis ranks
 * then lie where the checks cannot see (inside the server, or the client). */
static gboolean
all_checks_passed (RdDiagnosis *diagnosis)
{
  GPtrArray *results = rd_diagnosis_get_results (diagnosis);

  for (guint i = 0; i < results->len; i++)
    {
      RdCheckStatus status = rd_check_result_get_status (g_ptr_array_index (results, i));

      if (status != RD_CHECK_STATUS_PASS && status != RD_CHECK_STATUS_SKIPPED)
        return FALSE;
    }
  return TRUE;
}

static const char *
get_note (RdResultsPage *self,
          RdCause       *cause)
{
  if (self->org_config == NULL)
    return NULL;
  return rd_org_config_get_cause_note (self->org_config, rd_cause_get_id (cause));
}

static void
set_note (RdResultsPage *self,
          const char    *note)
{
  gtk_label_set_text (self->note_label, note != NULL ? note : "");
  gtk_widget_set_visible (GTK_WIDGET (self->note_label), note != NULL && *note != '\0');
}

static void
clear_reasons (RdResultsPage *self)
{
  for (guint i = 0; i < self->reason_labels->len; i++)
    gtk_box_remove (self->reasons_box, g_ptr_array_index (self->reason_labels, i));
  g_ptr_array_set_size (self->reason_labels, 0);
  gtk_widget_set_visible (GTK_WIDGET (self->reasons_box), FALSE);
}

static void
add_reason (RdResultsPage *self,
            const char    *text)
{
  g_autofree char *line = NULL;
  GtkWidget *label;

  /* Translators: one observation in a bulleted list */
  line = g_strdup_printf (_("• %s"), text);
  label = gtk_label_new (line);
  gtk_label_set_wrap (GTK_LABEL (label), TRUE);
  gtk_label_set_wrap_mode (GTK_LABEL (label), PANGO_WRAP_WORD_CHAR);
  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_box_append (self->reasons_box, label);
  g_ptr_array_add (self->reason_labels, label);
  gtk_widget_set_visible (GTK_WIDGET (self->reasons_box), TRUE);
}

/* The raw results of the checks that speak for @cause (all of them
 * without one), for whoever wants to see for themselves. */
static void
show_evidence (RdResultsPage *self,
               RdCause       *cause)
{
  g_autoptr(JsonArray) array = json_array_new ();
  g_autoptr(JsonNode) node = json_node_new (JSON_NODE_ARRAY);
  g_autoptr(GHashTable) wanted = g_hash_table_new (g_str_hash, g_str_equal);
  GPtrArray *results = rd_diagnosis_get_results (self->diagnosis);
  g_autofree char *text = NULL;

  if (cause != NULL)
    {
      GPtrArray *reasons = rd_cause_get_reasons (cause);
      const char * const *recheck = rd_cause_get_recheck (cause);

      for (guint i = 0; reasons != NULL && i < reasons->len; i++)
        {
          const char *check = json_object_get_string_member_with_default (g_ptr_array_index (reasons, i),
                                                                          "check", NULL);
          if (check != NULL)
            g_hash_table_add (wanted, (gpointer) check);
        }
      for (guint i = 0; recheck != NULL && recheck[i] != NULL; i++)
        g_hash_table_add (wanted, (gpointer) recheck[i]);
    }

  for (guint i = 0; i < results->len; i++)
    {
      RdCheckResult *result = g_ptr_array_index (results, i);

      if (g_hash_table_size (wanted) == 0 ||
          g_hash_table_contains (wanted, rd_check_result_get_check_id (result)))
        json_array_add_element (array, rd_check_result_to_json (result));
    }

  json_node_set_array (node, array);
  text = rd_json_to_string (node, TRUE);
  gtk_label_set_text (self->evidence_label, text);
  gtk_expander_set_expanded (self->evidence_expander, FALSE);
}

static void
show_code (RdResultsPage *self,
           RdErrorCode   *code)
{
  g_autofree char *meaning = NULL;

  gtk_widget_set_visible (GTK_WIDGET (self->code_group), code != NULL);
  if (code == NULL)
    return;

  meaning = rd_error_code_describe (code);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->code_row), rd_error_code_get_input (code));
  adw_action_row_set_subtitle (self->code_row, meaning);
}

static void
show_helpdesk (RdResultsPage *self)
{
  const char *name, *contact, *url;

  if (self->org_config == NULL || !rd_org_config_has_helpdesk (self->org_config))
    {
      gtk_widget_set_visible (GTK_WIDGET (self->helpdesk_group), FALSE);
      return;
    }

  name = rd_org_config_get_helpdesk_name (self->org_config);
  contact = rd_org_config_get_helpdesk_contact (self->org_config);
  url = rd_org_config_get_helpdesk_url (self->org_config);

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->helpdesk_row),
                                 name != NULL && *name != '\0' ? name : _("Help Desk"));
  adw_action_row_set_subtitle (self->helpdesk_row, contact != NULL ? contact : "");
  gtk_widget_set_visible (GTK_WIDGET (self->helpdesk_button), url != NULL && *url != '\0');
  gtk_widget_set_visible (GTK_WIDGET (self->helpdesk_group), TRUE);
}

static void
show_verdict (RdResultsPage *self,
              RdErrorCode   *code)
{
  RdCause *top = rd_diagnosis_get_top_cause (self->diagnosis);
  GPtrArray *causes = rd_diagnosis_get_causes (self->diagnosis);
  g_autofree char *where = rd_target_to_string (rd_diagnosis_get_target (self->diagnosis));
  g_autofree char *where_markup = g_markup_escape_text (where, -1);
  g_autofree char *summary = NULL;
  GtkWidget *image = GTK_WIDGET (self->verdict_image);
  gboolean problems = !all_checks_passed (self->diagnosis);

  clear_reasons (self);
  set_note (self, NULL);
  gtk_widget_remove_css_class (image, "verdict-ok");
  gtk_widget_remove_css_class (image, "verdict-problems");

  if (problems && top != NULL)
    {
      GPtrArray *reasons = rd_cause_get_reasons (top);

      gtk_image_set_from_icon_name (self->verdict_image, "dialog-warning-symbolic");
      gtk_widget_add_css_class (image, "verdict-problems");
      gtk_label_set_text (self->kicker_label, _("Most Likely Cause"));
      gtk_widget_set_visible (GTK_WIDGET (self->kicker_label), TRUE);
      gtk_label_set_text (self->headline_label, rd_cause_get_title (top));
      /* Translators: how sure the diagnosis is, then "RDP Doctor checked <b>pc42:3389</b>." */
      summary = g_strdup_printf (_("%s RDP Doctor checked <b>%s</b>."),
                                 describe_certainty (rd_cause_get_confidence (top)), where_markup);

      gtk_label_set_text (self->why_heading_label, _("Why RDP Doctor Thinks So"));
      gtk_label_set_text (self->explanation_label, rd_cause_get_explanation (top));
      for (guint i = 0; reasons != NULL && i < reasons->len; i++)
        {
          const char *text = json_object_get_string_member_with_default (g_ptr_array_index (reasons, i),
                                                                         "reason", NULL);
          if (text != NULL && *text != '\0')
            add_reason (self, text);
        }
      set_note (self, get_note (self, top));
      gtk_button_set_label (self->fix_button, _("Show How to Fix"));
      gtk_actionable_set_action_target (GTK_ACTIONABLE (self->fix_button), "s", rd_cause_get_id (top));
      gtk_widget_set_visible (GTK_WIDGET (self->fix_button), TRUE);

      adw_preferences_group_set_title (self->causes_group, _("Other Possible Causes"));
      adw_preferences_group_set_description (self->causes_group, NULL);
      show_evidence (self, top);
    }
  else if (problems)
    {
      gtk_image_set_from_icon_name (self->verdict_image, "dialog-warning-symbolic");
      gtk_widget_add_css_class (image, "verdict-problems");
      gtk_widget_set_visible (GTK_WIDGET (self->kicker_label), FALSE);
      gtk_label_set_text (self->headline_label, _("A Check Failed"));
      /* Translators: %s is the computer that was checked, in bold */
      summary = g_strdup_printf (_("RDP Doctor checked <b>%s</b>. What it saw matches no known cause: the details are below, and your help desk can read them in the report."),
                                 where_markup);
      gtk_label_set_text (self->why_heading_label, _("What to Try Next"));
      gtk_label_set_text (self->explanation_label,
                          _("Look at the failed check below, then save or send the report to whoever looks after the remote computer."));
      gtk_widget_set_visible (GTK_WIDGET (self->fix_button), FALSE);
      show_evidence (self, NULL);
    }
  else
    {
      gtk_image_set_from_icon_name (self->verdict_image, "emblem-ok-symbolic");
      gtk_widget_add_css_class (image, "verdict-ok");
      gtk_widget_set_visible (GTK_WIDGET (self->kicker_label), FALSE);
      gtk_label_set_text (self->headline_label, _("Nothing is wrong from here"));
      /* Translators: %s is the computer that was checked, in bold */
      summary = g_strdup_printf (_("<b>%s</b> answered every check the way a working Remote Desktop computer does."),
                                 where_markup);

      gtk_label_set_text (self->why_heading_label, _("What to Try Next"));
      if (code != NULL && top != NULL)
        {
          g_autofree char *text = NULL;

          /* Translators: %s is the error code the user typed, such as "0x904 / 0x7" */
          text = g_strdup_printf (_("Your Remote Desktop app showed %s, yet everything RDP Doctor can see from here works. The cause is on the server side, after the connection is made: ask the remote computer’s administrator to look at the causes below, most likely first."),
                                  rd_error_code_get_input (code));
          gtk_label_set_text (self->explanation_label, text);
          adw_preferences_group_set_title (self->causes_group, _("Causes on the Server Side"));
        }
      else
        {
          gtk_label_set_text (self->explanation_label,
                              _("Try connecting again. If it still fails, the cause is on the remote computer, behind what can be seen from outside (the sign-in, a licence, a stuck session), or in your Remote Desktop app."));
          adw_preferences_group_set_title (self->causes_group, _("If Remote Desktop Still Fails"));
        }

      /* The most likely of the causes nobody can see from here */
      if (top != NULL)
        {
          gtk_button_set_label (self->fix_button, _("Show What to Do First"));
          gtk_actionable_set_action_target (GTK_ACTIONABLE (self->fix_button), "s", rd_cause_get_id (top));
        }
      gtk_widget_set_visible (GTK_WIDGET (self->fix_button), top != NULL);

      adw_preferences_group_set_description (self->causes_group,
                                             _("These causes cannot be seen from outside; they are ranked by what the checks ruled out."));
      show_evidence (self, NULL);
    }

  gtk_label_set_markup (self->summary_label, summary);
  gtk_widget_set_visible (GTK_WIDGET (self->causes_group), self->cause_rows->len > 0);

  /* For tests that watch the app from outside (G_MESSAGES_DEBUG=rd-results-page). */
  g_debug ("headline: %s", gtk_label_get_text (self->headline_label));
  g_debug ("causes: %u", causes->len);
}

static void
on_helpdesk_button_clicked_cb (RdResultsPage *self,
                               GtkButton     *button)
{
  g_autoptr(GdkAppLaunchContext) context = NULL;
  const char *url;

  g_assert (RD_IS_RESULTS_PAGE (self));

  url = self->org_config != NULL ? rd_org_config_get_helpdesk_url (self->org_config) : NULL;
  if (url == NULL || *url == '\0')
    return;

  context = gdk_display_get_app_launch_context (gtk_widget_get_display (GTK_WIDGET (self)));
  g_app_info_launch_default_for_uri_async (url, G_APP_LAUNCH_CONTEXT (context), NULL, NULL, NULL);
}

static void
rd_results_page_dispose (GObject *object)
{
  RdResultsPage *self = RD_RESULTS_PAGE (object);

  g_clear_object (&self->org_config);

  G_OBJECT_CLASS (rd_results_page_parent_class)->dispose (object);
}

static void
rd_results_page_finalize (GObject *object)
{
  RdResultsPage *self = RD_RESULTS_PAGE (object);

  g_clear_object (&self->diagnosis);
  g_clear_pointer (&self->cause_rows, g_ptr_array_unref);
  g_clear_pointer (&self->check_rows, g_ptr_array_unref);
  g_clear_pointer (&self->reason_labels, g_ptr_array_unref);

  G_OBJECT_CLASS (rd_results_page_parent_class)->finalize (object);
}

static void
rd_results_page_class_init (RdResultsPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = rd_results_page_dispose;
  object_class->finalize = rd_results_page_finalize;

  g_type_ensure (RD_TYPE_CAUSE_ROW);
  g_type_ensure (RD_TYPE_CHECK_ROW);

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_BASE "/ui/rd-results-page.ui");
  gtk_widget_class_bind_template_child (widget_class, RdResultsPage, again_button);
  gtk_widget_class_bind_template_child (widget_class, RdResultsPage, causes_group);
  gtk_widget_class_bind_template_child (widget_class, RdResultsPage, checks_group);
  gtk_widget_class_bind_template_child (widget_class, RdResultsPage, code_group);
  gtk_widget_class_bind_template_child (widget_class, RdResultsPage, code_row);
  gtk_widget_class_bind_template_child (widget_class, RdResultsPage, evidence_expander);
  gtk_widget_class_bind_template_child (widget_class, RdResultsPage, evidence_label);
  gtk_widget_class_bind_template_child (widget_class, RdResultsPage, explanation_label);
  gtk_widget_class_bind_template_child (widget_class, RdResultsPage, fix_button);
  gtk_widget_class_bind_template_child (widget_class, RdResultsPage, headline_label);
  gtk_widget_class_bind_template_child (widget_class, RdResultsPage, helpdesk_button);
  gtk_widget_class_bind_template_child (widget_class, RdResultsPage, helpdesk_group);
  gtk_widget_class_bind_template_child (widget_class, RdResultsPage, helpdesk_row);
  gtk_widget_class_bind_template_child (widget_class, RdResultsPage, kicker_label);
  gtk_widget_class_bind_template_child (widget_class, RdResultsPage, note_label);
  gtk_widget_class_bind_template_child (widget_class, RdResultsPage, reasons_box);
  gtk_widget_class_bind_template_child (widget_class, RdResultsPage, scrolled_window);
  gtk_widget_class_bind_template_child (widget_class, RdResultsPage, summary_label);
  gtk_widget_class_bind_template_child (widget_class, RdResultsPage, verdict_image);
  gtk_widget_class_bind_template_child (widget_class, RdResultsPage, why_box);
  gtk_widget_class_bind_template_child (widget_class, RdResultsPage, why_heading_label);
  gtk_widget_class_bind_template_callback (widget_class, on_helpdesk_button_clicked_cb);
}

static void
rd_results_page_init (RdResultsPage *self)
{
  /* The groups hold the rows; these arrays only find them again. */
  self->cause_rows = g_ptr_array_new ();
  self->check_rows = g_ptr_array_new ();
  self->reason_labels = g_ptr_array_new ();

  gtk_widget_init_template (GTK_WIDGET (self));
}

/**
 * rd_results_page_set_org_config:
 * @config: (nullable): the organisation's notes and help desk
 */
void
rd_results_page_set_org_config (RdResultsPage *self,
                                RdOrgConfig   *config)
{
  g_return_if_fail (RD_IS_RESULTS_PAGE (self));
  g_return_if_fail (config == NULL || RD_IS_ORG_CONFIG (config));

  g_set_object (&self->org_config, config);
  show_helpdesk (self);
}

/**
 * rd_results_page_set_diagnosis:
 * @diagnosis: what the run found
 * @checks: (nullable) (element-type RdCheck): the checks that ran, for their titles
 * @code: (nullable): the error code the user typed
 *
 * Shows @diagnosis: the most likely cause as the headline, why, and the
 * other causes in order; or the all-clear with what to try next.
 */
void
rd_results_page_set_diagnosis (RdResultsPage *self,
                               RdDiagnosis   *diagnosis,
                               GPtrArray     *checks,
                               RdErrorCode   *code)
{
  GPtrArray *causes;
  GPtrArray *results;
  RdTarget *target;
  guint first;

  g_return_if_fail (RD_IS_RESULTS_PAGE (self));
  g_return_if_fail (RD_IS_DIAGNOSIS (diagnosis));

  g_set_object (&self->diagnosis, diagnosis);
  clear_rows (self->causes_group, self->cause_rows);
  clear_rows (self->checks_group, self->check_rows);

  target = rd_diagnosis_get_target (diagnosis);
  causes = rd_diagnosis_get_causes (diagnosis);
  /* The most likely cause is the headline when a check saw it. */
  first = !all_checks_passed (diagnosis) ? 1 : 0;
  for (guint i = first; i < causes->len; i++)
    {
      RdCause *cause = g_ptr_array_index (causes, i);
      GtkWidget *row = rd_cause_row_new (cause, i + 1, target);

      rd_cause_row_set_note (RD_CAUSE_ROW (row), get_note (self, cause));
      adw_preferences_group_add (self->causes_group, row);
      g_ptr_array_add (self->cause_rows, row);
    }

  results = rd_diagnosis_get_results (diagnosis);
  for (guint i = 0; i < results->len; i++)
    {
      RdCheckResult *result = g_ptr_array_index (results, i);
      const char *check_id = rd_check_result_get_check_id (result);
      GtkWidget *row = rd_check_row_new (check_id, find_check_title (checks, check_id));

      rd_check_row_set_result (RD_CHECK_ROW (row), result);
      adw_preferences_group_add (self->checks_group, row);
      g_ptr_array_add (self->check_rows, row);
    }

  show_code (self, code);
  show_verdict (self, code);
  show_helpdesk (self);

  /* A new diagnosis starts at its top. */
  gtk_adjustment_set_value (gtk_scrolled_window_get_vadjustment (self->scrolled_window), 0);
}

/**
 * rd_results_page_get_diagnosis:
 *
 * Returns: (transfer none) (nullable): the diagnosis on show
 */
RdDiagnosis *
rd_results_page_get_diagnosis (RdResultsPage *self)
{
  g_return_val_if_fail (RD_IS_RESULTS_PAGE (self), NULL);

  return self->diagnosis;
}

/**
 * rd_results_page_get_headline:
 *
 * Returns: what the page says first: the most likely cause's title, or the all-clear
 */
const char *
rd_results_page_get_headline (RdResultsPage *self)
{
  g_return_val_if_fail (RD_IS_RESULTS_PAGE (self), NULL);

  return gtk_label_get_text (self->headline_label);
}

/**
 * rd_results_page_focus_first:
 *
 * Puts the keyboard focus where a reader goes next: the fix of the most
 * likely cause, or "Check Again" when there is none.
 */
void
rd_results_page_focus_first (RdResultsPage *self)
{
  g_return_if_fail (RD_IS_RESULTS_PAGE (self));

  if (gtk_widget_get_visible (GTK_WIDGET (self->fix_button)))
    gtk_widget_grab_focus (GTK_WIDGET (self->fix_button));
  else
    gtk_widget_grab_focus (GTK_WIDGET (self->again_button));
}
