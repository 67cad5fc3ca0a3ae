/* rd-window.c: the wizard window: a stack of pages and the wizard.* actions
 * that move between them
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "rd-window"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "rd-core.h"
#include "rd-checking-page.h"
#include "rd-results-page.h"
#include "rd-start-page.h"
#include "rd-window.h"

struct _RdWindow
{
  AdwApplicationWindow  parent_instance;

  /* Template widgets */
  GtkWidget            *back_button;
  GtkWidget            *cancel_button;
  RdCheckingPage       *checking_page;
  RdResultsPage        *results_page;
  GtkStack             *stack;
  RdStartPage          *start_page;
  AdwToastOverlay      *toast_overlay;
  AdwWindowTitle       *window_title;

  /* The run on show; the runner and cancellable exist only while it runs */
  RdRunner             *runner;
  GCancellable         *cancellable;
  RdTarget             *target;
};

G_DEFINE_FINAL_TYPE (RdWindow, rd_window, ADW_TYPE_APPLICATION_WINDOW)

typedef enum
{
  FORWARD,
  BACKWARD,
} Direction;

static void
update_actions (RdWindow *self)
{
  const char *page = gtk_stack_get_visible_child_name (self->stack);
  gboolean on_start = g_strcmp0 (page, "start") == 0;
  gboolean on_checking = g_strcmp0 (page, "checking") == 0;
  gboolean on_results = g_strcmp0 (page, "results") == 0;

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "wizard.start",
                                 on_start && rd_start_page_get_target (self->start_page) != NULL);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "wizard.cancel", on_checking);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "wizard.back", on_checking || on_results);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "wizard.again", on_results && self->target != NULL);

  gtk_widget_set_visible (self->cancel_button, on_checking);
  gtk_widget_set_visible (self->back_button, on_results);
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

  /* For tests that watch the app from outside (G_MESSAGES_DEBUG=rd-window). */
  g_debug ("page: %s", name);
}

/* Forgets the run in progress, if any. Its callback still comes, sees the
 * cancellation, and leaves the widgets alone. */
static void
cancel_run (RdWindow *self)
{
  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->runner);
  /* dispose may run twice, the second time without template children */
  if (self->checking_page != NULL)
    rd_checking_page_stop (self->checking_page);
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
      adw_toast_overlay_add_toast (self->toast_overlay, adw_toast_new (message));
      g_clear_object (&self->runner);
      show_page (self, "start", BACKWARD);
      return;
    }

  diagnosis = rd_diagnosis_new (self->target, results, rd_catalog_get_default ());
  g_debug ("diagnosis: %u results, %u causes, problems found: %s",
           results->len,
           rd_diagnosis_get_causes (diagnosis)->len,
           rd_diagnosis_found_problems (diagnosis) ? "yes" : "no");

  rd_results_page_set_diagnosis (self->results_page, diagnosis, rd_runner_get_checks (runner));
  g_clear_object (&self->runner);
  show_page (self, "results", FORWARD);
}

static void
start_run (RdWindow *self,
           RdTarget *target)
{
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
  self->cancellable = g_cancellable_new ();
  self->runner = rd_checks_new_runner ();

  rd_checking_page_start (self->checking_page, self->runner, self->target);
  show_page (self, "checking", FORWARD);

  rd_runner_run_async (self->runner, self->target, NULL, self->cancellable,
                       run_finished_cb, g_object_ref (self));
}

static void
wizard_start_action (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *parameter)
{
  RdWindow *self = RD_WINDOW (widget);
  RdTarget *target = rd_start_page_get_target (self->start_page);

  if (target == NULL)
    {
      rd_start_page_show_error (self->start_page);
      return;
    }

  start_run (self, target);
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

  cancel_run (self);
  show_page (self, "start", BACKWARD);
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

static void
on_start_page_target_changed_cb (RdWindow    *self,
                                 GParamSpec  *pspec,
                                 RdStartPage *page)
{
  g_assert (RD_IS_WINDOW (self));

  update_actions (self);
}

static void
rd_window_dispose (GObject *object)
{
  RdWindow *self = RD_WINDOW (object);

  cancel_run (self);

  G_OBJECT_CLASS (rd_window_parent_class)->dispose (object);
}

static void
rd_window_finalize (GObject *object)
{
  RdWindow *self = RD_WINDOW (object);

  g_clear_pointer (&self->target, rd_target_unref);

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
  g_type_ensure (RD_TYPE_RESULTS_PAGE);
  g_type_ensure (RD_TYPE_START_PAGE);

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_BASE "/ui/rd-window.ui");
  gtk_widget_class_bind_template_child (widget_class, RdWindow, back_button);
  gtk_widget_class_bind_template_child (widget_class, RdWindow, cancel_button);
  gtk_widget_class_bind_template_child (widget_class, RdWindow, checking_page);
  gtk_widget_class_bind_template_child (widget_class, RdWindow, results_page);
  gtk_widget_class_bind_template_child (widget_class, RdWindow, stack);
  gtk_widget_class_bind_template_child (widget_class, RdWindow, start_page);
  gtk_widget_class_bind_template_child (widget_class, RdWindow, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, RdWindow, window_title);
  gtk_widget_class_bind_template_callback (widget_class, on_start_page_target_changed_cb);

  gtk_widget_class_install_action (widget_class, "wizard.start", NULL, wizard_start_action);
  gtk_widget_class_install_action (widget_class, "wizard.cancel", NULL, wizard_cancel_action);
  gtk_widget_class_install_action (widget_class, "wizard.back", NULL, wizard_back_action);
  gtk_widget_class_install_action (widget_class, "wizard.again", NULL, wizard_again_action);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "wizard.cancel", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Left, GDK_ALT_MASK, "wizard.back", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_KP_Left, GDK_ALT_MASK, "wizard.back", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Back, 0, "wizard.back", NULL);
}

static void
rd_window_init (RdWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  update_actions (self);
  rd_start_page_focus_entry (self->start_page);
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
  rd_start_page_set_text (self->start_page, text);
  target = rd_start_page_get_target (self->start_page);

  if (target != NULL)
    {
      start_run (self, target);
    }
  else
    {
      rd_start_page_show_error (self->start_page);
      show_page (self, "start", BACKWARD);
    }
}

/**
 * rd_window_get_visible_page:
 *
 * Returns: "start", "checking" or "results"
 */
const char *
rd_window_get_visible_page (RdWindow *self)
{
  g_return_val_if_fail (RD_IS_WINDOW (self), NULL);

  return gtk_stack_get_visible_child_name (self->stack);
}
