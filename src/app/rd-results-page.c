/* rd-results-page.c: the last page: the ranked causes and their fixes, or the all-clear
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "rd-results-page"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "rd-cause-row.h"
#include "rd-check-row.h"
#include "rd-results-page.h"

struct _RdResultsPage
{
  AdwBin               parent_instance;

  /* Template widgets */
  GtkButton           *again_button;
  AdwPreferencesGroup *causes_group;
  AdwPreferencesGroup *checks_group;
  AdwStatusPage       *status_page;

  RdDiagnosis         *diagnosis;
  GPtrArray           *cause_rows;   /* RdCauseRow, most likely first */
  GPtrArray           *check_rows;   /* RdCheckRow */
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
  for (guint i = 0; checks != NULL && i < checks->len; i++)
    {
      RdCheck *check = g_ptr_array_index (checks, i);

      if (g_strcmp0 (rd_check_get_id (check), check_id) == 0)
        return rd_check_get_title (check);
    }
  return NULL;
}

static void
show_verdict (RdResultsPage *self)
{
  GPtrArray *causes = rd_diagnosis_get_causes (self->diagnosis);
  g_autofree char *where = rd_target_to_string (rd_diagnosis_get_target (self->diagnosis));
  g_autofree char *where_markup = g_markup_escape_text (where, -1);
  g_autofree char *description = NULL;

  if (rd_diagnosis_found_problems (self->diagnosis))
    {
      adw_status_page_set_icon_name (self->status_page, "dialog-warning-symbolic");
      gtk_widget_remove_css_class (GTK_WIDGET (self->status_page), "verdict-ok");
      gtk_widget_add_css_class (GTK_WIDGET (self->status_page), "verdict-problems");
      adw_status_page_set_title (self->status_page, _("Problems Found"));
      if (causes->len > 0)
        /* Translators: %s is the computer that was checked, in bold */
        description = g_strdup_printf (_("RDP Doctor checked <b>%s</b>. The most likely cause comes first: open it to see how to fix it."),
                                       where_markup);
      else
        /* Translators: %s is the computer that was checked, in bold */
        description = g_strdup_printf (_("RDP Doctor checked <b>%s</b> and some checks failed. Their details are below."),
                                       where_markup);
      adw_preferences_group_set_title (self->causes_group, _("Likely Causes"));
      adw_preferences_group_set_description (self->causes_group, NULL);
    }
  else
    {
      adw_status_page_set_icon_name (self->status_page, "emblem-ok-symbolic");
      gtk_widget_remove_css_class (GTK_WIDGET (self->status_page), "verdict-problems");
      gtk_widget_add_css_class (GTK_WIDGET (self->status_page), "verdict-ok");
      adw_status_page_set_title (self->status_page, _("Nothing is wrong from here"));
      /* Translators: %s is the computer that was checked, in bold */
      description = g_strdup_printf (_("<b>%s</b> answered every check the way a working Remote Desktop computer does."),
                                     where_markup);
      /* Causes that cannot be seen from outside may still be listed: they are
       * what is left when everything visible is fine. */
      adw_preferences_group_set_title (self->causes_group, _("If Remote Desktop Still Fails"));
      adw_preferences_group_set_description (self->causes_group,
                                             _("The cause is then on the remote computer or in your Remote Desktop app."));
    }

  adw_status_page_set_description (self->status_page, description);
  gtk_widget_set_visible (GTK_WIDGET (self->causes_group), causes->len > 0);
}

static void
rd_results_page_finalize (GObject *object)
{
  RdResultsPage *self = RD_RESULTS_PAGE (object);

  g_clear_object (&self->diagnosis);
  g_clear_pointer (&self->cause_rows, g_ptr_array_unref);
  g_clear_pointer (&self->check_rows, g_ptr_array_unref);

  G_OBJECT_CLASS (rd_results_page_parent_class)->finalize (object);
}

static void
rd_results_page_class_init (RdResultsPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->finalize = rd_results_page_finalize;

  g_type_ensure (RD_TYPE_CAUSE_ROW);
  g_type_ensure (RD_TYPE_CHECK_ROW);

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_BASE "/ui/rd-results-page.ui");
  gtk_widget_class_bind_template_child (widget_class, RdResultsPage, again_button);
  gtk_widget_class_bind_template_child (widget_class, RdResultsPage, causes_group);
  gtk_widget_class_bind_template_child (widget_class, RdResultsPage, checks_group);
  gtk_widget_class_bind_template_child (widget_class, RdResultsPage, status_page);
}

static void
rd_results_page_init (RdResultsPage *self)
{
  /* The groups hold the rows; these arrays only find them again. */
  self->cause_rows = g_ptr_array_new ();
  self->check_rows = g_ptr_array_new ();

  gtk_widget_init_template (GTK_WIDGET (self));
}

/**
 * rd_results_page_set_diagnosis:
 * @diagnosis: what the run found
 * @checks: (nullable) (element-type RdCheck): the checks that ran, for their titles
 *
 * Shows @diagnosis: its causes, most likely first (the first one open), and
 * the result of every check.
 */
void
rd_results_page_set_diagnosis (RdResultsPage *self,
                               RdDiagnosis   *diagnosis,
                               GPtrArray     *checks)
{
  GPtrArray *causes;
  GPtrArray *results;
  RdTarget *target;

  g_return_if_fail (RD_IS_RESULTS_PAGE (self));
  g_return_if_fail (RD_IS_DIAGNOSIS (diagnosis));

  g_set_object (&self->diagnosis, diagnosis);
  clear_rows (self->causes_group, self->cause_rows);
  clear_rows (self->checks_group, self->check_rows);

  target = rd_diagnosis_get_target (diagnosis);
  causes = rd_diagnosis_get_causes (diagnosis);
  for (guint i = 0; i < causes->len; i++)
    {
      GtkWidget *row = rd_cause_row_new (g_ptr_array_index (causes, i), i + 1, target);

      /* Open the most likely cause only when something is wrong: the
       * all-clear page lists the others just in case. */
      if (i == 0 && rd_diagnosis_found_problems (diagnosis))
        adw_expander_row_set_expanded (ADW_EXPANDER_ROW (row), TRUE);
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

  show_verdict (self);
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
 * rd_results_page_focus_first:
 *
 * Puts the keyboard focus where a reader starts: the most likely cause, or
 * "Check Again" when there is none.
 */
void
rd_results_page_focus_first (RdResultsPage *self)
{
  g_return_if_fail (RD_IS_RESULTS_PAGE (self));

  if (self->cause_rows->len > 0 && rd_diagnosis_found_problems (self->diagnosis))
    gtk_widget_grab_focus (g_ptr_array_index (self->cause_rows, 0));
  else
    gtk_widget_grab_focus (GTK_WIDGET (self->again_button));
}
