/* rd-window.c: the wizard window: a stack of pages and the wizard.* actions
 * that move between them, run the checks and check again
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "rd-window"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "rd-core.h"
#include "rd-checking-page.h"
#include "rd-evidence-dialog.h"
#include "rd-fix-page.h"
#include "rd-gateway-check.h"
#include "rd-profile.h"
#include "rd-report-page.h"
#include "rd-results-page.h"
#include "rd-server-evidence.h"
#include "rd-start-page.h"
#include "rd-window.h"

/* How many checked computers the start page offers again */
#define MAX_RECENT_HOSTS 10

struct _RdWindow
{
  AdwApplicationWindow  parent_instance;

  /* Template widgets */
  GtkWidget            *back_button;
  GtkWidget            *cancel_button;
  RdCheckingPage       *checking_page;
  RdFixPage            *fix_page;
  GtkButton            *next_button;
  RdReportPage         *report_page;
  RdResultsPage        *results_page;
  GtkStack             *stack;
  RdStartPage          *start_page;
  AdwToastOverlay      *toast_overlay;
  AdwWindowTitle       *window_title;

  GSettings            *settings;      /* NULL without the schema installed */
  RdOrgConfig          *org_config;
  GtkNativeDialog      *chooser;

  /* The run on show; the runner and cancellable exist only while it runs */
  RdRunner             *runner;
  GCancellable         *cancellable;
  RdTarget             *target;
  char                 *gateway;
  RdErrorCode          *error_code;
  gboolean              protocols_known;
  guint32               protocols;
  RdRdpFile            *rdp_file;      /* the .rdp file it was started from, or NULL */

  /* Its diagnosis, and "check again" on the fix page */
  RdDiagnosis          *diagnosis;
  GPtrArray            *checks;        /* RdCheck, for their titles */
  RdRunner             *recheck_runner;
  GCancellable         *recheck_cancellable;
  char                 *report_from;   /* the page "Back" returns to from the report */

  /* A run asked for before the window's first frame waits for it */
  gboolean              drawn;
  gboolean              run_waiting;
  guint                 run_waiting_id;
};

G_DEFINE_FINAL_TYPE (RdWindow, rd_window, ADW_TYPE_APPLICATION_WINDOW)

typedef enum
{
  FORWARD,
  BACKWARD,
} Direction;

static gboolean
is_page (RdWindow   *self,
         const char *name)
{
  return g_strcmp0 (gtk_stack_get_visible_child_name (self->stack), name) == 0;
}

/* The cause after @cause_id in the diagnosis' order, if any */
static RdCause *
find_next_cause (RdWindow   *self,
                 const char *cause_id)
{
  GPtrArray *causes;

  if (self->diagnosis == NULL)
    return NULL;

  causes = rd_diagnosis_get_causes (self->diagnosis);
  for (guint i = 0; i + 1 < causes->len; i++)
    if (g_strcmp0 (rd_cause_get_id (g_ptr_array_index (causes, i)), cause_id) == 0)
      return g_ptr_array_index (causes, i + 1);
  return NULL;
}

static RdCause *
find_cause (RdWindow   *self,
            const char *cause_id)
{
  GPtrArray *causes;

  if (self->diagnosis == NULL)
    return NULL;

  causes = rd_diagnosis_get_causes (self->diagnosis);
  for (guint i = 0; i < causes->len; i++)
    if (g_strcmp0 (rd_cause_get_id (g_ptr_array_index (causes, i)), cause_id) == 0)
      return g_ptr_array_index (causes, i);
  return NULL;
}

static void
update_actions (RdWindow *self)
{
  gboolean on_start = is_page (self, "start");
  gboolean on_checking = is_page (self, "checking");
  gboolean on_results = is_page (self, "results");
  gboolean on_fix = is_page (self, "fix");
  gboolean on_report = is_page (self, "report");
  gboolean can_start = rd_start_page_can_start (self->start_page);
  gboolean rechecking = self->recheck_runner != NULL;
  RdCause *fixing = rd_fix_page_get_cause (self->fix_page);
  RdCause *top = self->diagnosis != NULL && rd_diagnosis_found_problems (self->diagnosis)
                   ? rd_diagnosis_get_top_cause (self->diagnosis) : NULL;
  const char *next_label = NULL;

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "wizard.start", on_start && can_start);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "wizard.cancel", on_checking);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "wizard.back", !on_start);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "wizard.again", on_results && self->target != NULL);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "wizard.show-fix", self->diagnosis != NULL && !on_checking);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "wizard.report", self->diagnosis != NULL && !on_checking);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "wizard.recheck", on_fix && !rechecking && fixing != NULL);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "wizard.next-cause",
                                 on_fix && fixing != NULL && find_next_cause (self, rd_cause_get_id (fixing)) != NULL);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "wizard.open-rdp", !on_checking);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "wizard.import-evidence",
                                 self->diagnosis != NULL && (on_results || on_fix || on_report));

  if (on_start)
    next_label = _("Check");
  else if (on_results)
    next_label = top != NULL ? _("Fix") : _("Report");
  else if (on_fix)
    next_label = _("Report");

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "wizard.next",
                                 (on_start && can_start) || on_results || on_fix);
  gtk_widget_set_visible (GTK_WIDGET (self->next_button), next_label != NULL);
  if (next_label != NULL)
    gtk_button_set_label (self->next_button, next_label);

  gtk_widget_set_visible (self->cancel_button, on_checking);
  gtk_widget_set_visible (self->back_button, on_results || on_fix || on_report);
}

static void
show_page (RdWindow   *self,
           const char *name,
           Direction   direction)
{
  g_autofree char *where = NULL;

  gtk_stack_set_visible_child_full (self->stack, name,
                                    direction == FORWARD ? GTK_STACK_TRANSITION_TYPE_SLIDE_LEFT
                                                         : GTK_STACK_TRANSITION_TYPE_SLIDE_RIGHT);

  if (!g_str_equal (name, "start") && self->target != NULL)
    where = rd_target_to_string (self->target);
  adw_window_title_set_subtitle (self->window_title, where);

  update_actions (self);

  /* Keyboard users land where the page starts, and focus never stays on a
   * page that slid away. */
  if (g_str_equal (name, "start"))
    rd_start_page_focus_entry (self->start_page);
  else if (g_str_equal (name, "checking"))
    gtk_widget_grab_focus (self->cancel_button);
  else if (g_str_equal (name, "results"))
    rd_results_page_focus_first (self->results_page);
  else if (g_str_equal (name, "fix"))
    rd_fix_page_focus_first (self->fix_page);
  else if (g_str_equal (name, "report"))
    rd_report_page_focus_first (self->report_page);

  /* For tests that watch the app from outside (G_MESSAGES_DEBUG=rd-window). */
  g_debug ("page: %s", name);
}

static void
toast (RdWindow   *self,
       const char *text)
{
  AdwToast *t = adw_toast_new (text);

  adw_toast_set_timeout (t, 3);
  adw_toast_overlay_add_toast (self->toast_overlay, t);
  g_debug ("toast: %s", text);
}

static void
cancel_recheck (RdWindow *self)
{
  if (self->recheck_cancellable != NULL)
    g_cancellable_cancel (self->recheck_cancellable);
  g_clear_object (&self->recheck_cancellable);
  g_clear_object (&self->recheck_runner);
  if (self->fix_page != NULL)
    rd_fix_page_set_rechecking (self->fix_page, FALSE);
}

/* Forgets the run in progress, if any. Its callback still comes, sees the
 * cancellation, and leaves the widgets alone. */
static void
cancel_run (RdWindow *self)
{
  self->run_waiting = FALSE;
  g_clear_handle_id (&self->run_waiting_id, g_source_remove);
  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->runner);
  cancel_recheck (self);
  /* dispose may run twice, the second time without template children */
  if (self->checking_page != NULL)
    rd_checking_page_stop (self->checking_page);
}

static RdRunner *
make_runner (RdWindow *self)
{
  RdRunner *runner = rd_checks_new_runner ();

  if (self->gateway != NULL)
    rd_runner_set_option (runner, RD_OPTION_GATEWAY, g_variant_new_string (self->gateway));
  return runner;
}

static RdDiagnosis *
diagnose (RdWindow  *self,
          GPtrArray *results)
{
  RdUserReport report = { self->protocols_known, self->protocols, self->error_code };
  RdDiagnosis *diagnosis;

  diagnosis = rd_diagnosis_new_with_report (self->target, results, rd_catalog_get_default (), &report);
  /* The report borrows the code: it lives as long as the diagnosis. */
  if (self->error_code != NULL)
    g_object_set_data_full (G_OBJECT (diagnosis), "rd-error-code",
                            rd_error_code_ref (self->error_code),
                            (GDestroyNotify) rd_error_code_unref);
  return diagnosis;
}

static void
set_diagnosis (RdWindow    *self,
               RdDiagnosis *diagnosis)
{
  g_set_object (&self->diagnosis, diagnosis);
  rd_results_page_set_diagnosis (self->results_page, diagnosis, self->checks, self->error_code);
  rd_report_page_set_diagnosis (self->report_page, diagnosis);
}

static void
run_finished_cb (GObject      *source_object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(RdWindow) self = user_data;
  RdRunner *runner = RD_RUNNER (source_object);
  g_autoptr(GPtrArray) results = NULL;
  g_autoptr(RdDiagnosis) diagnosis = NULL;
  g_autoptr(GError) error = NULL;

  results = rd_runner_run_finish (runner, result, &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  /* A run the user already left behind (cancelled, or replaced by a new one). */
  if (runner != self->runner)
    return;

  rd_checking_page_stop (self->checking_page);
  g_clear_object (&self->cancellable);

  if (results == NULL)
    {
      g_autofree char *message = NULL;

      g_warning ("The checks could not run: %s", error->message);
      /* Translators: %s is an internal error message */
      message = g_strdup_printf (_("The checks could not run: %s"), error->message);
      toast (self, message);
      g_clear_object (&self->runner);
      show_page (self, "start", BACKWARD);
      return;
    }

  g_clear_pointer (&self->checks, g_ptr_array_unref);
  self->checks = g_ptr_array_ref (rd_runner_get_checks (runner));

  diagnosis = diagnose (self, results);
  g_debug ("diagnosis: %u results, %u causes, problems found: %s, top: %s",
           results->len,
           rd_diagnosis_get_causes (diagnosis)->len,
           rd_diagnosis_found_problems (diagnosis) ? "yes" : "no",
           rd_diagnosis_get_top_cause (diagnosis) != NULL
             ? rd_cause_get_id (rd_diagnosis_get_top_cause (diagnosis)) : "none");

  set_diagnosis (self, diagnosis);
  g_clear_object (&self->runner);
  show_page (self, "results", FORWARD);
}

static void
remember (RdWindow *self)
{
  g_auto(GStrv) old = NULL;
  g_autoptr(GStrvBuilder) builder = NULL;
  g_auto(GStrv) hosts = NULL;
  const char *typed = rd_start_page_get_text (self->start_page);
  g_autofree char *host = g_strstrip (g_strdup (typed));
  guint n = 1;

  if (self->settings == NULL)
    return;

  builder = g_strv_builder_new ();
  g_strv_builder_add (builder, host);
  old = g_settings_get_strv (self->settings, "recent-hosts");
  for (guint i = 0; old[i] != NULL && n < MAX_RECENT_HOSTS; i++)
    if (g_ascii_strcasecmp (old[i], host) != 0)
      {
        g_strv_builder_add (builder, old[i]);
        n++;
      }
  hosts = g_strv_builder_end (builder);

  g_settings_set_strv (self->settings, "recent-hosts", (const char * const *) hosts);
  /* The port field's, not one typed with the name: that one is in the recent host. */
  {
    const char *port_text = rd_start_page_get_field (self->start_page, RD_START_PAGE_FIELD_PORT);
    guint16 port = 0;

    if (*port_text == '\0' || !rd_target_parse_port (port_text, &port, NULL))
      port = rd_org_config_get_default_port (self->org_config);
    if (port == 0)
      port = RD_DEFAULT_RDP_PORT;
    g_settings_set_value (self->settings, "last-port", g_variant_new_uint16 (port));
  }
  g_settings_set_string (self->settings, "last-gateway", self->gateway != NULL ? self->gateway : "");
  rd_start_page_set_recent_hosts (self->start_page, (const char * const *) hosts);
}

static void
launch_run (RdWindow *self)
{
  self->run_waiting = FALSE;
  g_clear_handle_id (&self->run_waiting_id, g_source_remove);
  rd_runner_run_async (self->runner, self->target, NULL, self->cancellable,
                       run_finished_cb, g_object_ref (self));
}

static gboolean
run_waited_cb (gpointer user_data)
{
  RdWindow *self = user_data;

  self->run_waiting_id = 0;
  if (self->run_waiting)
    launch_run (self);
  return G_SOURCE_REMOVE;
}

/* `rdp-doctor HOST` asks for a run before the window has drawn anything.
 * On a small machine the checks' threads then slow the start-up itself
 * (by about 100 ms on two cores), while the run gains little from starting
 * first: it waits for the first frame, or half a second for a window that
 * is not shown. */
static void
wait_for_first_frame (RdWindow *self)
{
  self->run_waiting = TRUE;
  if (self->run_waiting_id == 0)
    self->run_waiting_id = g_timeout_add (500, run_waited_cb, self);
}

static void
on_after_paint_cb (RdWindow      *self,
                   GdkFrameClock *clock)
{
  g_assert (RD_IS_WINDOW (self));

  g_signal_handlers_disconnect_by_func (clock, on_after_paint_cb, self);
  self->drawn = TRUE;
  if (self->run_waiting)
    launch_run (self);
}

static void
on_realize_cb (RdWindow  *self,
               GtkWidget *widget)
{
  g_assert (RD_IS_WINDOW (self));

  if (!self->drawn)
    g_signal_connect_object (gtk_widget_get_frame_clock (widget), "after-paint",
                             G_CALLBACK (on_after_paint_cb), self, G_CONNECT_SWAPPED);
}

static void
start_run (RdWindow *self,
           RdTarget *target)
{
  guint32 protocols = 0;
  RdErrorCode *code;

  g_assert (RD_IS_WINDOW (self));
  g_assert (target != NULL);

  cancel_run (self);

  /* A runner per run: a cancelled run may still be winding down on its
   * worker threads when the next one starts. */
  if (self->target != target)
    {
      g_clear_pointer (&self->target, rd_target_unref);
      self->target = rd_target_ref (target);
    }

  /* What the user told, as it was when the run started */
  g_free (self->gateway);
  self->gateway = g_strdup (rd_start_page_get_gateway (self->start_page));
  code = rd_start_page_get_error_code (self->start_page);
  g_clear_pointer (&self->error_code, rd_error_code_unref);
  self->error_code = code != NULL ? rd_error_code_ref (code) : NULL;
  self->protocols_known = rd_start_page_get_client_protocols (self->start_page, &protocols);
  self->protocols = protocols;
  g_clear_pointer (&self->rdp_file, rd_rdp_file_unref);
  if (rd_start_page_get_rdp_file (self->start_page) != NULL)
    self->rdp_file = rd_rdp_file_ref (rd_start_page_get_rdp_file (self->start_page));

  self->cancellable = g_cancellable_new ();
  self->runner = make_runner (self);

  rd_checking_page_start (self->checking_page, self->runner, self->target);
  show_page (self, "checking", FORWARD);

  if (self->drawn)
    launch_run (self);
  else
    wait_for_first_frame (self);
}

static void
show_fix (RdWindow *self,
          RdCause  *cause)
{
  const char *note = NULL;

  if (self->org_config != NULL)
    note = rd_org_config_get_cause_note (self->org_config, rd_cause_get_id (cause));

  cancel_recheck (self);
  rd_fix_page_set_diagnosis (self->fix_page, self->diagnosis);
  rd_fix_page_set_rdp_file (self->fix_page, self->rdp_file);
  rd_fix_page_set_cause (self->fix_page, cause, self->target, note);
  show_page (self, "fix", FORWARD);
}

/* "Check again" results replace the old ones of the same checks. */
static GPtrArray *
merge_results (GPtrArray *old,
               GPtrArray *fresh)
{
  GPtrArray *merged = g_ptr_array_new_with_free_func (g_object_unref);

  for (guint i = 0; i < old->len; i++)
    {
      RdCheckResult *result = g_ptr_array_index (old, i);
      RdCheckResult *replacement = NULL;

      for (guint j = 0; j < fresh->len && replacement == NULL; j++)
        if (g_strcmp0 (rd_check_result_get_check_id (g_ptr_array_index (fresh, j)),
                       rd_check_result_get_check_id (result)) == 0)
          replacement = g_ptr_array_index (fresh, j);

      g_ptr_array_add (merged, g_object_ref (replacement != NULL ? replacement : result));
    }
  return merged;
}

static void
recheck_finished_cb (GObject      *source_object,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  g_autoptr(RdWindow) self = user_data;
  RdRunner *runner = RD_RUNNER (source_object);
  g_autoptr(GPtrArray) results = NULL;
  g_autoptr(GPtrArray) merged = NULL;
  g_autoptr(RdDiagnosis) diagnosis = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *cause_id = NULL;
  RdCause *cause;

  results = rd_runner_run_finish (runner, result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) || runner != self->recheck_runner)
    return;

  g_clear_object (&self->recheck_runner);
  g_clear_object (&self->recheck_cancellable);
  rd_fix_page_set_rechecking (self->fix_page, FALSE);

  cause = rd_fix_page_get_cause (self->fix_page);
  if (results == NULL || cause == NULL)
    {
      rd_fix_page_set_verdict (self->fix_page, RD_FIX_VERDICT_ERROR, error != NULL ? error->message : NULL);
      update_actions (self);
      return;
    }

  cause_id = g_strdup (rd_cause_get_id (cause));
  merged = merge_results (rd_diagnosis_get_results (self->diagnosis), results);
  diagnosis = diagnose (self, merged);
  set_diagnosis (self, diagnosis);

  g_debug ("recheck of %s: %u causes, top: %s", cause_id,
           rd_diagnosis_get_causes (diagnosis)->len,
           rd_diagnosis_get_top_cause (diagnosis) != NULL
             ? rd_cause_get_id (rd_diagnosis_get_top_cause (diagnosis)) : "none");

  /* The actions first: the verdict offers "next cause" only when there is one. */
  update_actions (self);
  if (find_cause (self, cause_id) == NULL)
    rd_fix_page_set_verdict (self->fix_page, RD_FIX_VERDICT_FIXED, NULL);
  else
    rd_fix_page_set_verdict (self->fix_page, RD_FIX_VERDICT_STILL_FAILING, NULL);
  rd_fix_page_focus_verdict (self->fix_page);
}

static void
wizard_start_action (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *parameter)
{
  RdWindow *self = RD_WINDOW (widget);
  RdTarget *target = rd_start_page_get_target (self->start_page);

  if (target == NULL || !rd_start_page_can_start (self->start_page))
    {
      rd_start_page_show_error (self->start_page);
      return;
    }

  start_run (self, target);
  remember (self);
}

static void
wizard_cancel_action (GtkWidget  *widget,
                      const char *action_name,
                      GVariant   *parameter)
{
  RdWindow *self = RD_WINDOW (widget);

  cancel_run (self);
  show_page (self, "start", BACKWARD);
}

static void
wizard_back_action (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *parameter)
{
  RdWindow *self = RD_WINDOW (widget);

  if (is_page (self, "fix"))
    {
      cancel_recheck (self);
      show_page (self, "results", BACKWARD);
    }
  else if (is_page (self, "report"))
    {
      show_page (self, self->report_from != NULL ? self->report_from : "results", BACKWARD);
    }
  else
    {
      cancel_run (self);
      show_page (self, "start", BACKWARD);
    }
}

static void
wizard_escape_action (GtkWidget  *widget,
                      const char *action_name,
                      GVariant   *parameter)
{
  RdWindow *self = RD_WINDOW (widget);

  /* Escape stops what runs, or steps back from a page opened from the diagnosis. */
  if (is_page (self, "checking") || is_page (self, "fix") || is_page (self, "report"))
    gtk_widget_activate_action (widget, "wizard.back", NULL);
}

static void
wizard_home_action (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *parameter)
{
  RdWindow *self = RD_WINDOW (widget);

  cancel_run (self);
  show_page (self, "start", BACKWARD);
}

static void
wizard_show_fix_action (GtkWidget  *widget,
                        const char *action_name,
                        GVariant   *parameter)
{
  RdWindow *self = RD_WINDOW (widget);
  RdCause *cause = find_cause (self, g_variant_get_string (parameter, NULL));

  if (cause != NULL)
    show_fix (self, cause);
}

static void
wizard_next_cause_action (GtkWidget  *widget,
                          const char *action_name,
                          GVariant   *parameter)
{
  RdWindow *self = RD_WINDOW (widget);
  RdCause *current = rd_fix_page_get_cause (self->fix_page);
  RdCause *next = current != NULL ? find_next_cause (self, rd_cause_get_id (current)) : NULL;

  if (next != NULL)
    show_fix (self, next);
}

static void
wizard_report_action (GtkWidget  *widget,
                      const char *action_name,
                      GVariant   *parameter)
{
  RdWindow *self = RD_WINDOW (widget);

  if (self->diagnosis == NULL)
    return;

  g_free (self->report_from);
  self->report_from = g_strdup (is_page (self, "fix") ? "fix" : "results");
  show_page (self, "report", FORWARD);
}

static void
wizard_next_action (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *parameter)
{
  RdWindow *self = RD_WINDOW (widget);

  if (is_page (self, "start"))
    {
      gtk_widget_activate_action (widget, "wizard.start", NULL);
    }
  else if (is_page (self, "results"))
    {
      RdCause *top = rd_diagnosis_found_problems (self->diagnosis)
                       ? rd_diagnosis_get_top_cause (self->diagnosis) : NULL;

      if (top != NULL)
        show_fix (self, top);
      else
        gtk_widget_activate_action (widget, "wizard.report", NULL);
    }
  else if (is_page (self, "fix"))
    {
      gtk_widget_activate_action (widget, "wizard.report", NULL);
    }
}

static void
wizard_again_action (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *parameter)
{
  RdWindow *self = RD_WINDOW (widget);

  if (self->target != NULL)
    start_run (self, self->target);
}

/* Ctrl+R: check again, as much as the page on show means */
static void
wizard_refresh_action (GtkWidget  *widget,
                       const char *action_name,
                       GVariant   *parameter)
{
  RdWindow *self = RD_WINDOW (widget);

  if (is_page (self, "fix"))
    gtk_widget_activate_action (widget, "wizard.recheck", NULL);
  else if (is_page (self, "results"))
    gtk_widget_activate_action (widget, "wizard.again", NULL);
}

static void
wizard_recheck_action (GtkWidget  *widget,
                       const char *action_name,
                       GVariant   *parameter)
{
  RdWindow *self = RD_WINDOW (widget);
  RdCause *cause = rd_fix_page_get_cause (self->fix_page);
  const char * const *checks;

  if (cause == NULL || self->target == NULL || self->diagnosis == NULL)
    return;

  cancel_recheck (self);
  checks = rd_cause_get_recheck (cause);
  self->recheck_cancellable = g_cancellable_new ();
  self->recheck_runner = make_runner (self);
  rd_fix_page_set_rechecking (self->fix_page, TRUE);
  update_actions (self);

  g_debug ("recheck of %s: %u checks", rd_cause_get_id (cause), checks != NULL ? g_strv_length ((GStrv) checks) : 0);
  /* No checks named: all of them, rather than none */
  rd_runner_run_async (self->recheck_runner, self->target,
                       checks != NULL && checks[0] != NULL ? checks : NULL,
                       self->recheck_cancellable, recheck_finished_cb, g_object_ref (self));
}

/* The server's own evidence joins the run's results (replacing any imported
 * before), and the diagnosis is made again from all of them. */
static void
on_evidence_imported_cb (RdWindow         *self,
                         RdCheckResult    *server,
                         RdEvidenceDialog *dialog)
{
  g_autoptr(GPtrArray) results = NULL;
  g_autoptr(RdDiagnosis) diagnosis = NULL;
  GPtrArray *old;
  RdCause *top;
  g_autofree char *message = NULL;

  g_assert (RD_IS_WINDOW (self));

  if (self->diagnosis == NULL || self->target == NULL)
    return;

  cancel_recheck (self);
  old = rd_diagnosis_get_results (self->diagnosis);
  results = g_ptr_array_new_with_free_func (g_object_unref);
  for (guint i = 0; i < old->len; i++)
    if (g_strcmp0 (rd_check_result_get_check_id (g_ptr_array_index (old, i)), RD_SERVER_EVIDENCE_CHECK_ID) != 0)
      g_ptr_array_add (results, g_object_ref (g_ptr_array_index (old, i)));
  g_ptr_array_add (results, g_object_ref (server));

  diagnosis = diagnose (self, results);
  set_diagnosis (self, diagnosis);
  top = rd_diagnosis_found_problems (diagnosis) ? rd_diagnosis_get_top_cause (diagnosis) : NULL;
  g_debug ("evidence imported: %u causes, top: %s",
           rd_diagnosis_get_causes (diagnosis)->len, top != NULL ? rd_cause_get_id (top) : "none");

  /* Its causes may have changed: the diagnosis is where to look now. */
  show_page (self, "results", BACKWARD);
  if (top != NULL)
    /* Translators: %s is the most likely cause's title */
    message = g_strdup_printf (_("The server’s evidence was added. Most likely now: %s"), rd_cause_get_title (top));
  else
    message = g_strdup (_("The server’s evidence was added to the diagnosis"));
  toast (self, message);
}

static void
wizard_import_evidence_action (GtkWidget  *widget,
                               const char *action_name,
                               GVariant   *parameter)
{
  RdWindow *self = RD_WINDOW (widget);
  RdEvidenceDialog *dialog;

  if (self->diagnosis == NULL)
    return;

  dialog = rd_evidence_dialog_new (GTK_WINDOW (self));
  g_signal_connect_object (dialog, "imported", G_CALLBACK (on_evidence_imported_cb), self, G_CONNECT_SWAPPED);
  gtk_window_present (GTK_WINDOW (dialog));
  /* For tests that watch the app from outside (G_MESSAGES_DEBUG=rd-window). */
  g_debug ("evidence dialog");
}

static void
wizard_toast_action (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *parameter)
{
  toast (RD_WINDOW (widget), g_variant_get_string (parameter, NULL));
}

static void
open_file (RdWindow *self,
           GFile    *file,
           gboolean  start_when_loaded)
{
  cancel_run (self);
  if (!is_page (self, "start"))
    show_page (self, "start", BACKWARD);
  rd_start_page_open_file (self->start_page, file, start_when_loaded);
}

static void
on_chooser_response_cb (RdWindow             *self,
                        int                   response,
                        GtkFileChooserNative *chooser)
{
  g_autoptr(GFile) file = NULL;

  g_assert (RD_IS_WINDOW (self));

  if (response == GTK_RESPONSE_ACCEPT)
    file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));
  g_clear_object (&self->chooser);

  if (file != NULL)
    open_file (self, file, FALSE);
}

static void
wizard_open_rdp_action (GtkWidget  *widget,
                        const char *action_name,
                        GVariant   *parameter)
{
  RdWindow *self = RD_WINDOW (widget);
  GtkFileChooserNative *chooser;
  g_autoptr(GtkFileFilter) rdp_filter = gtk_file_filter_new ();
  g_autoptr(GtkFileFilter) all_filter = gtk_file_filter_new ();

  chooser = gtk_file_chooser_native_new (_("Open Remote Desktop File"), GTK_WINDOW (self),
                                         GTK_FILE_CHOOSER_ACTION_OPEN,
                                         _("_Open"), _("_Cancel"));
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (chooser), TRUE);

  gtk_file_filter_set_name (rdp_filter, _("Remote Desktop Files"));
  gtk_file_filter_add_pattern (rdp_filter, "*.rdp");
  gtk_file_filter_add_pattern (rdp_filter, "*.RDP");
  gtk_file_filter_add_mime_type (rdp_filter, "application/x-rdp");
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (chooser), rdp_filter);
  gtk_file_filter_set_name (all_filter, _("All Files"));
  gtk_file_filter_add_pattern (all_filter, "*");
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (chooser), all_filter);

  g_signal_connect_object (chooser, "response", G_CALLBACK (on_chooser_response_cb), self, G_CONNECT_SWAPPED);
  if (self->chooser != NULL)
    gtk_native_dialog_destroy (self->chooser);
  g_clear_object (&self->chooser);
  self->chooser = GTK_NATIVE_DIALOG (chooser);
  gtk_native_dialog_show (self->chooser);
}

static gboolean
on_drop_cb (RdWindow      *self,
            const GValue  *value,
            double         x,
            double         y,
            GtkDropTarget *target)
{
  GSList *files;

  g_assert (RD_IS_WINDOW (self));

  if (!G_VALUE_HOLDS (value, GDK_TYPE_FILE_LIST))
    return FALSE;

  files = gdk_file_list_get_files (g_value_get_boxed (value));
  if (files == NULL)
    return FALSE;

  /* One computer at a time: the first file */
  open_file (self, files->data, FALSE);
  g_slist_free (files);
  return TRUE;
}

static void
on_start_page_can_start_changed_cb (RdWindow    *self,
                                    GParamSpec  *pspec,
                                    RdStartPage *page)
{
  g_assert (RD_IS_WINDOW (self));

  update_actions (self);
}

static gboolean
on_close_request_cb (RdWindow  *self,
                     GtkWindow *window)
{
  int width, height;

  g_assert (RD_IS_WINDOW (self));

  if (self->settings != NULL)
    {
      gtk_window_get_default_size (GTK_WINDOW (self), &width, &height);
      g_settings_set_int (self->settings, "window-width", width);
      g_settings_set_int (self->settings, "window-height", height);
      g_settings_set_boolean (self->settings, "window-maximized", gtk_window_is_maximized (GTK_WINDOW (self)));
    }
  return FALSE;
}

static void
outbox_flushed_cb (GObject      *source_object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(GError) error = NULL;
  guint n_sent = 0;

  if (!rd_report_sender_flush_outbox_finish (RD_REPORT_SENDER (source_object), result, &n_sent, &error))
    g_debug ("reports kept from before not sent: %s", error->message);
  else if (n_sent > 0)
    g_debug ("%u reports kept from before were sent", n_sent);
}

static void
load_settings (RdWindow *self)
{
  g_auto(GStrv) hosts = NULL;
  g_autofree char *gateway = NULL;
  const char *org_gateway;
  guint16 default_port;
  guint last_port;

  self->org_config = rd_org_config_load_default ();
  self->settings = rd_org_config_lookup_settings ();

  default_port = rd_org_config_get_default_port (self->org_config);
  if (default_port != 0 && default_port != RD_DEFAULT_RDP_PORT)
    rd_start_page_set_default_port (self->start_page, default_port);

  rd_results_page_set_org_config (self->results_page, self->org_config);
  rd_report_page_set_org_config (self->report_page, self->org_config);

  org_gateway = rd_org_config_get_default_gateway (self->org_config);
  if (self->settings != NULL)
    {
      hosts = g_settings_get_strv (self->settings, "recent-hosts");
      rd_start_page_set_recent_hosts (self->start_page, (const char * const *) hosts);

      gateway = g_settings_get_string (self->settings, "last-gateway");
      {
        g_autoptr(GVariant) value = g_settings_get_value (self->settings, "last-port");

        last_port = g_variant_get_uint16 (value);
      }
      if (last_port != 0 && last_port != (default_port != 0 ? default_port : RD_DEFAULT_RDP_PORT))
        {
          g_autofree char *port = g_strdup_printf ("%u", last_port);
          rd_start_page_set_field (self->start_page, RD_START_PAGE_FIELD_PORT, port);
        }

      gtk_window_set_default_size (GTK_WINDOW (self),
                                   g_settings_get_int (self->settings, "window-width"),
                                   g_settings_get_int (self->settings, "window-height"));
      if (g_settings_get_boolean (self->settings, "window-maximized"))
        gtk_window_maximize (GTK_WINDOW (self));
    }

  if (gateway != NULL && *gateway != '\0')
    rd_start_page_set_field (self->start_page, RD_START_PAGE_FIELD_GATEWAY, gateway);
  else if (org_gateway != NULL && *org_gateway != '\0')
    rd_start_page_set_field (self->start_page, RD_START_PAGE_FIELD_GATEWAY, org_gateway);

  /* Reports that could not be sent last time go now, quietly. */
  if (rd_org_config_get_report_endpoint (self->org_config) != NULL &&
      *rd_org_config_get_report_endpoint (self->org_config) != '\0')
    {
      g_autoptr(RdReportSender) sender = rd_report_sender_new (rd_org_config_get_report_endpoint (self->org_config));

      rd_report_sender_flush_outbox_async (sender, NULL, outbox_flushed_cb, NULL);
    }
}

static void
rd_window_dispose (GObject *object)
{
  RdWindow *self = RD_WINDOW (object);

  cancel_run (self);
  if (self->chooser != NULL)
    gtk_native_dialog_destroy (self->chooser);
  g_clear_object (&self->chooser);
  g_clear_object (&self->settings);
  g_clear_object (&self->org_config);

  G_OBJECT_CLASS (rd_window_parent_class)->dispose (object);
}

static void
rd_window_finalize (GObject *object)
{
  RdWindow *self = RD_WINDOW (object);

  g_clear_pointer (&self->target, rd_target_unref);
  g_clear_pointer (&self->gateway, g_free);
  g_clear_pointer (&self->error_code, rd_error_code_unref);
  g_clear_pointer (&self->rdp_file, rd_rdp_file_unref);
  g_clear_pointer (&self->checks, g_ptr_array_unref);
  g_clear_pointer (&self->report_from, g_free);
  g_clear_object (&self->diagnosis);

  G_OBJECT_CLASS (rd_window_parent_class)->finalize (object);
}

static void
rd_window_class_init (RdWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = rd_window_dispose;
  object_class->finalize = rd_window_finalize;

  g_type_ensure (RD_TYPE_CHECKING_PAGE);
  g_type_ensure (RD_TYPE_FIX_PAGE);
  g_type_ensure (RD_TYPE_REPORT_PAGE);
  g_type_ensure (RD_TYPE_RESULTS_PAGE);
  g_type_ensure (RD_TYPE_START_PAGE);

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_BASE "/ui/rd-window.ui");
  gtk_widget_class_bind_template_child (widget_class, RdWindow, back_button);
  gtk_widget_class_bind_template_child (widget_class, RdWindow, cancel_button);
  gtk_widget_class_bind_template_child (widget_class, RdWindow, checking_page);
  gtk_widget_class_bind_template_child (widget_class, RdWindow, fix_page);
  gtk_widget_class_bind_template_child (widget_class, RdWindow, next_button);
  gtk_widget_class_bind_template_child (widget_class, RdWindow, report_page);
  gtk_widget_class_bind_template_child (widget_class, RdWindow, results_page);
  gtk_widget_class_bind_template_child (widget_class, RdWindow, stack);
  gtk_widget_class_bind_template_child (widget_class, RdWindow, start_page);
  gtk_widget_class_bind_template_child (widget_class, RdWindow, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, RdWindow, window_title);
  gtk_widget_class_bind_template_callback (widget_class, on_close_request_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_start_page_can_start_changed_cb);

  gtk_widget_class_install_action (widget_class, "wizard.start", NULL, wizard_start_action);
  gtk_widget_class_install_action (widget_class, "wizard.cancel", NULL, wizard_cancel_action);
  gtk_widget_class_install_action (widget_class, "wizard.back", NULL, wizard_back_action);
  gtk_widget_class_install_action (widget_class, "wizard.next", NULL, wizard_next_action);
  gtk_widget_class_install_action (widget_class, "wizard.escape", NULL, wizard_escape_action);
  gtk_widget_class_install_action (widget_class, "wizard.home", NULL, wizard_home_action);
  gtk_widget_class_install_action (widget_class, "wizard.again", NULL, wizard_again_action);
  gtk_widget_class_install_action (widget_class, "wizard.show-fix", "s", wizard_show_fix_action);
  gtk_widget_class_install_action (widget_class, "wizard.next-cause", NULL, wizard_next_cause_action);
  gtk_widget_class_install_action (widget_class, "wizard.recheck", NULL, wizard_recheck_action);
  gtk_widget_class_install_action (widget_class, "wizard.refresh", NULL, wizard_refresh_action);
  gtk_widget_class_install_action (widget_class, "wizard.report", NULL, wizard_report_action);
  gtk_widget_class_install_action (widget_class, "wizard.open-rdp", NULL, wizard_open_rdp_action);
  gtk_widget_class_install_action (widget_class, "wizard.import-evidence", NULL, wizard_import_evidence_action);
  gtk_widget_class_install_action (widget_class, "wizard.toast", "s", wizard_toast_action);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "wizard.escape", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Left, GDK_ALT_MASK, "wizard.back", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_KP_Left, GDK_ALT_MASK, "wizard.back", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Back, 0, "wizard.back", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Right, GDK_ALT_MASK, "wizard.next", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_KP_Right, GDK_ALT_MASK, "wizard.next", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Forward, 0, "wizard.next", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_o, GDK_CONTROL_MASK, "wizard.open-rdp", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_n, GDK_CONTROL_MASK, "wizard.home", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_r, GDK_CONTROL_MASK, "wizard.refresh", NULL);
}

static void
rd_window_init (RdWindow *self)
{
  GtkDropTarget *drop;

  gtk_widget_init_template (GTK_WIDGET (self));

  /* A GType in a drop target is no template property. */
  drop = gtk_drop_target_new (GDK_TYPE_FILE_LIST, GDK_ACTION_COPY);
  g_signal_connect_object (drop, "drop", G_CALLBACK (on_drop_cb), self, G_CONNECT_SWAPPED);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (drop));
  g_signal_connect_swapped (self, "realize", G_CALLBACK (on_realize_cb), self);

  load_settings (self);
  update_actions (self);
  rd_start_page_focus_entry (self->start_page);

  rd_profile_watch_window (GTK_WINDOW (self));
  rd_profile_mark ("window");
}

RdWindow *
rd_window_new (GtkApplication *application)
{
  g_return_val_if_fail (GTK_IS_APPLICATION (application), NULL);

  return g_object_new (RD_TYPE_WINDOW,
                       "application", application,
                       NULL);
}

/**
 * rd_window_diagnose:
 * @text: what to check, as the user would type it
 *
 * Checks @text at once when it is a valid target; otherwise shows the start
 * page with @text and what is wrong with it.
 */
void
rd_window_diagnose (RdWindow   *self,
                    const char *text)
{
  RdTarget *target;

  g_return_if_fail (RD_IS_WINDOW (self));

  cancel_run (self);
  rd_start_page_set_field (self->start_page, RD_START_PAGE_FIELD_PORT, NULL);
  rd_start_page_set_text (self->start_page, text);
  target = rd_start_page_get_target (self->start_page);

  if (target != NULL && rd_start_page_can_start (self->start_page))
    {
      start_run (self, target);
      remember (self);
    }
  else
    {
      rd_start_page_show_error (self->start_page);
      show_page (self, "start", BACKWARD);
    }
}

/**
 * rd_window_diagnose_file:
 * @file: an .rdp file
 *
 * Fills the start page from @file and checks what it names at once, or says
 * what is wrong with the file.
 */
void
rd_window_diagnose_file (RdWindow *self,
                         GFile    *file)
{
  g_return_if_fail (RD_IS_WINDOW (self));
  g_return_if_fail (G_IS_FILE (file));

  open_file (self, file, TRUE);
}

/**
 * rd_window_get_visible_page:
 *
 * Returns: "start", "checking", "results", "fix" or "report"
 */
const char *
rd_window_get_visible_page (RdWindow *self)
{
  g_return_val_if_fail (RD_IS_WINDOW (self), NULL);

  return gtk_stack_get_visible_child_name (self->stack);
}
