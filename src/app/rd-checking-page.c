/* rd-checking-page.c: the second page: every check of a run, as it happens
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "rd-checking-page"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "rd-checking-page.h"
#include "rd-profile.h"

struct _RdCheckingPage
{
  AdwBin               parent_instance;

  /* Template widgets */
  AdwPreferencesGroup *checks_group;
  GtkProgressBar      *progress_bar;
  GtkLabel            *progress_label;
  GtkSpinner          *spinner;
  GtkLabel            *title_label;

  /* Borrowed from the window while a run is on show */
  RdRunner            *runner;
  gulong               started_handler;
  gulong               finished_handler;

  GPtrArray           *rows;          /* RdCheckRow, in the runner's order */
  guint                n_finished;
};

G_DEFINE_FINAL_TYPE (RdCheckingPage, rd_checking_page, ADW_TYPE_BIN)

static void
update_progress (RdCheckingPage *self)
{
  g_autofree char *text = NULL;

  /* Translators: progress while checking, as in "2 of 7 checks done" */
  text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                       "%u of %u check done",
                                       "%u of %u checks done",
                                       self->rows->len),
                          self->n_finished, self->rows->len);
  gtk_label_set_text (self->progress_label, text);
  gtk_progress_bar_set_fraction (self->progress_bar,
                                 self->rows->len > 0 ? (double) self->n_finished / self->rows->len : 0.0);
}

static void
remove_rows (RdCheckingPage *self)
{
  for (guint i = 0; i < self->rows->len; i++)
    adw_preferences_group_remove (self->checks_group, g_ptr_array_index (self->rows, i));
  g_ptr_array_set_size (self->rows, 0);
  self->n_finished = 0;
}

static void
disconnect_runner (RdCheckingPage *self)
{
  if (self->runner == NULL)
    return;

  g_clear_signal_handler (&self->started_handler, self->runner);
  g_clear_signal_handler (&self->finished_handler, self->runner);
  g_clear_object (&self->runner);
}

static void
on_check_started_cb (RdCheckingPage *self,
                     RdCheck        *check,
                     RdRunner       *runner)
{
  RdCheckRow *row;

  g_assert (RD_IS_CHECKING_PAGE (self));
  g_assert (RD_IS_CHECK (check));

  g_debug ("check %s: running", rd_check_get_id (check));

  row = rd_checking_page_get_row (self, rd_check_get_id (check));
  if (row != NULL)
    rd_check_row_set_running (row);
}

static void
on_check_finished_cb (RdCheckingPage *self,
                      RdCheck        *check,
                      RdCheckResult  *result,
                      RdRunner       *runner)
{
  RdCheckRow *row;

  g_assert (RD_IS_CHECKING_PAGE (self));
  g_assert (RD_IS_CHECK (check));
  g_assert (RD_IS_CHECK_RESULT (result));

  g_debug ("check %s: %s: %s",
           rd_check_get_id (check),
           rd_check_status_to_string (rd_check_result_get_status (result)),
           rd_check_result_get_summary (result));

  row = rd_checking_page_get_row (self, rd_check_get_id (check));
  if (row == NULL)
    return;

  if (rd_check_row_get_state (row) != RD_CHECK_ROW_STATE_DONE)
    self->n_finished++;
  rd_check_row_set_result (row, result);
  update_progress (self);
}

static void
rd_checking_page_dispose (GObject *object)
{
  RdCheckingPage *self = RD_CHECKING_PAGE (object);

  disconnect_runner (self);

  G_OBJECT_CLASS (rd_checking_page_parent_class)->dispose (object);
}

static void
rd_checking_page_finalize (GObject *object)
{
  RdCheckingPage *self = RD_CHECKING_PAGE (object);

  g_clear_pointer (&self->rows, g_ptr_array_unref);

  G_OBJECT_CLASS (rd_checking_page_parent_class)->finalize (object);
}

static void
rd_checking_page_class_init (RdCheckingPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = rd_checking_page_dispose;
  object_class->finalize = rd_checking_page_finalize;

  g_type_ensure (RD_TYPE_CHECK_ROW);

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_BASE "/ui/rd-checking-page.ui");
  gtk_widget_class_bind_template_child (widget_class, RdCheckingPage, checks_group);
  gtk_widget_class_bind_template_child (widget_class, RdCheckingPage, progress_bar);
  gtk_widget_class_bind_template_child (widget_class, RdCheckingPage, progress_label);
  gtk_widget_class_bind_template_child (widget_class, RdCheckingPage, spinner);
  gtk_widget_class_bind_template_child (widget_class, RdCheckingPage, title_label);
}

static void
rd_checking_page_init (RdCheckingPage *self)
{
  /* The group holds the rows; this array only finds them again. */
  self->rows = g_ptr_array_new ();

  gtk_widget_init_template (GTK_WIDGET (self));
}

/**
 * rd_checking_page_start:
 * @runner: the runner about to run; the page follows its signals
 * @target: what it checks
 *
 * Shows one waiting row for each of @runner's checks, which then follow the
 * run until rd_checking_page_stop().
 */
void
rd_checking_page_start (RdCheckingPage *self,
                        RdRunner       *runner,
                        RdTarget       *target)
{
  GPtrArray *checks;
  g_autofree char *where = NULL;
  g_autofree char *title = NULL;

  g_return_if_fail (RD_IS_CHECKING_PAGE (self));
  g_return_if_fail (RD_IS_RUNNER (runner));
  g_return_if_fail (target != NULL);

  disconnect_runner (self);
  remove_rows (self);

  where = rd_target_to_string (target);
  /* Translators: the checking page's title, as in "Checking pc42.example.com:3389" */
  title = g_strdup_printf (_("Checking %s"), where);
  gtk_label_set_text (self->title_label, title);

  checks = rd_runner_get_checks (runner);
  for (guint i = 0; checks != NULL && i < checks->len; i++)
    {
      RdCheck *check = g_ptr_array_index (checks, i);
      GtkWidget *row = rd_check_row_new (rd_check_get_id (check), rd_check_get_title (check));

      adw_preferences_group_add (self->checks_group, row);
      g_ptr_array_add (self->rows, row);
    }
  update_progress (self);
  gtk_spinner_set_spinning (self->spinner, TRUE);

  self->runner = g_object_ref (runner);
  self->started_handler =
    g_signal_connect_object (runner, "check-started",
                             G_CALLBACK (on_check_started_cb), self,
                             G_CONNECT_SWAPPED);
  self->finished_handler =
    g_signal_connect_object (runner, "check-finished",
                             G_CALLBACK (on_check_finished_cb), self,
                             G_CONNECT_SWAPPED);

  rd_profile_busy_begin ();
  g_debug ("run started: %u checks", self->rows->len);
}

/**
 * rd_checking_page_stop:
 *
 * Stops following the runner; the rows keep what they show.
 */
void
rd_checking_page_stop (RdCheckingPage *self)
{
  g_return_if_fail (RD_IS_CHECKING_PAGE (self));

  disconnect_runner (self);
  gtk_spinner_set_spinning (self->spinner, FALSE);
  rd_profile_busy_end ();
}

/**
 * rd_checking_page_get_row:
 *
 * Returns: (transfer none) (nullable): the row of the check @check_id
 */
RdCheckRow *
rd_checking_page_get_row (RdCheckingPage *self,
                          const char     *check_id)
{
  g_return_val_if_fail (RD_IS_CHECKING_PAGE (self), NULL);

  for (guint i = 0; i < self->rows->len; i++)
    {
      RdCheckRow *row = g_ptr_array_index (self->rows, i);

      if (g_strcmp0 (rd_check_row_get_check_id (row), check_id) == 0)
        return row;
    }
  return NULL;
}

guint
rd_checking_page_get_n_finished (RdCheckingPage *self)
{
  g_return_val_if_fail (RD_IS_CHECKING_PAGE (self), 0);

  return self->n_finished;
}
