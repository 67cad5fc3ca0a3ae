/* test-templates.c: every page and widget of the wizard built from its
 * template, and the window driven through its actions against a loopback
 * listener
 *
 * Building a template is the only offline check that a libadwaita .ui file is
 * valid on Debian 12's GTK 4.8 and libadwaita 1.2: a class or property they do
 * not know is a Gtk-CRITICAL, which G_DEBUG=fatal-warnings turns into a failure.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <locale.h>
#include <string.h>
#include <adwaita.h>

#include "rd-core.h"
#include "rd-action-button.h"
#include "rd-cause-row.h"
#include "rd-check-row.h"
#include "rd-checking-page.h"
#include "rd-evidence-dialog.h"
#include "rd-fix-page.h"
#include "rd-fix-step.h"
#include "rd-report-page.h"
#include "rd-results-page.h"
#include "rd-server-evidence.h"
#include "rd-server-script.h"
#include "rd-start-page.h"
#include "rd-window.h"
#include "rd-test-util.h"

/* Long enough for every check's deadline on a slow machine. */
#define RUN_TIMEOUT_MS 60000

/* ---- helpers ------------------------------------------------------------ */

static gboolean
quit_loop (gpointer user_data)
{
  g_main_loop_quit (user_data);
  return G_SOURCE_REMOVE;
}

static void
spin (guint ms)
{
  g_autoptr(GMainLoop) loop = g_main_loop_new (NULL, FALSE);

  g_timeout_add (ms, quit_loop, loop);
  g_main_loop_run (loop);
}

static gboolean
timed_out (gpointer user_data)
{
  *(gboolean *) user_data = TRUE;
  return G_SOURCE_REMOVE;
}

/* Runs the main loop until @page is on show, or fails after @timeout_ms. */
static void
wait_for_page (RdWindow   *window,
               const char *page,
               guint       timeout_ms)
{
  gboolean expired = FALSE;
  guint source = g_timeout_add (timeout_ms, timed_out, &expired);

  while (!expired && g_strcmp0 (rd_window_get_visible_page (window), page) != 0)
    g_main_context_iteration (NULL, TRUE);

  if (expired)
    g_error ("page “%s” not shown after %u ms (on show: “%s”)",
             page, timeout_ms, rd_window_get_visible_page (window));
  g_source_remove (source);
}

typedef gboolean (*WidgetMatch) (GtkWidget *widget, gconstpointer data);

static void
collect_widgets (GtkWidget     *widget,
                 GType          type,
                 WidgetMatch    match,
                 gconstpointer  data,
                 GPtrArray     *found)
{
  if (G_TYPE_CHECK_INSTANCE_TYPE (widget, type) && (match == NULL || match (widget, data)))
    g_ptr_array_add (found, widget);

  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    collect_widgets (child, type, match, data, found);
}

static GPtrArray *
find_all (GtkWidget *root,
          GType      type)
{
  GPtrArray *found = g_ptr_array_new ();

  collect_widgets (root, type, NULL, NULL, found);
  return found;
}

static gpointer
find_one (GtkWidget     *root,
          GType          type,
          WidgetMatch    match,
          gconstpointer  data)
{
  g_autoptr(GPtrArray) found = g_ptr_array_new ();

  collect_widgets (root, type, match, data, found);
  g_assert_cmpuint (found->len, >=, 1);
  return g_ptr_array_index (found, 0);
}

static gboolean
has_action_name (GtkWidget     *widget,
                 gconstpointer  data)
{
  return g_strcmp0 (gtk_actionable_get_action_name (GTK_ACTIONABLE (widget)), data) == 0;
}

static RdWindow *
make_window (void)
{
  RdWindow *window = g_object_new (RD_TYPE_WINDOW, NULL);

  gtk_window_present (GTK_WINDOW (window));
  gtk_test_widget_wait_for_draw (GTK_WIDGET (window));
  return window;
}

static RdStartPage *
get_start_page (RdWindow *window)
{
  return find_one (GTK_WIDGET (window), RD_TYPE_START_PAGE, NULL, NULL);
}

static RdCheckingPage *
get_checking_page (RdWindow *window)
{
  return find_one (GTK_WIDGET (window), RD_TYPE_CHECKING_PAGE, NULL, NULL);
}

static RdResultsPage *
get_results_page (RdWindow *window)
{
  return find_one (GTK_WIDGET (window), RD_TYPE_RESULTS_PAGE, NULL, NULL);
}

static GtkWidget *
get_start_button (RdWindow *window)
{
  return find_one (GTK_WIDGET (get_start_page (window)), GTK_TYPE_BUTTON,
                   has_action_name, "wizard.start");
}

/* A TCP listener on 127.0.0.1 that takes connections and closes them. */
typedef struct
{
  GSocketService *service;
  guint16         port;
  char           *address;    /* "127.0.0.1:PORT" */
} Listener;

static gboolean
on_incoming_cb (GSocketService    *service,
                GSocketConnection *connection,
                GObject           *source_object,
                gpointer           user_data)
{
  g_io_stream_close (G_IO_STREAM (connection), NULL, NULL);
  return TRUE;
}

static void
listener_start (Listener *listener)
{
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) wanted = g_inet_socket_address_new (loopback, 0);
  g_autoptr(GSocketAddress) effective = NULL;
  g_autoptr(GError) error = NULL;

  listener->service = g_socket_service_new ();
  g_socket_listener_add_address (G_SOCKET_LISTENER (listener->service), wanted,
                                 G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP,
                                 NULL, &effective, &error);
  g_assert_no_error (error);
  g_signal_connect (listener->service, "incoming", G_CALLBACK (on_incoming_cb), NULL);
  g_socket_service_start (listener->service);

  listener->port = g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (effective));
  listener->address = g_strdup_printf ("127.0.0.1:%u", listener->port);
}

static void
listener_stop (Listener *listener)
{
  g_socket_service_stop (listener->service);
  g_socket_listener_close (G_SOCKET_LISTENER (listener->service));
  g_clear_object (&listener->service);
  g_clear_pointer (&listener->address, g_free);
}

static GPtrArray *
make_results (RdCheckStatus status)
{
  g_autoptr(RdRunner) runner = rd_checks_new_runner ();
  GPtrArray *checks = rd_runner_get_checks (runner);
  GPtrArray *results = g_ptr_array_new_with_free_func (g_object_unref);

  for (guint i = 0; i < checks->len; i++)
    {
      RdCheck *check = g_ptr_array_index (checks, i);

      g_ptr_array_add (results, rd_check_result_new (rd_check_get_id (check), status,
                                                     "A summary from the test"));
    }
  return results;
}

/* ---- tests -------------------------------------------------------------- */

static void
test_templates_build (void)
{
  const GType types[] = {
    RD_TYPE_START_PAGE,
    RD_TYPE_CHECKING_PAGE,
    RD_TYPE_RESULTS_PAGE,
    RD_TYPE_CHECK_ROW,
    RD_TYPE_FIX_PAGE,
    RD_TYPE_REPORT_PAGE,
    RD_TYPE_CAUSE_ROW,
    RD_TYPE_FIX_STEP,
    RD_TYPE_ACTION_BUTTON,
  };
  g_autoptr(GtkBuilder) builder = NULL;
  RdWindow *window;

  for (guint i = 0; i < G_N_ELEMENTS (types); i++)
    {
      GtkWidget *widget = g_object_ref_sink (g_object_new (types[i], NULL));

      g_test_message ("built %s", g_type_name (types[i]));
      g_assert_finalize_object (widget);
    }

  window = make_window ();
  g_assert_cmpstr (rd_window_get_visible_page (window), ==, "start");
  {
    RdEvidenceDialog *dialog = rd_evidence_dialog_new (GTK_WINDOW (window));

    gtk_window_present (GTK_WINDOW (dialog));
    g_assert_null (rd_evidence_dialog_get_error (dialog));
    gtk_window_destroy (GTK_WINDOW (dialog));
  }
  gtk_window_destroy (GTK_WINDOW (window));

  builder = gtk_builder_new_from_resource (RESOURCE_BASE "/gtk/help-overlay.ui");
  g_assert_true (GTK_IS_SHORTCUTS_WINDOW (gtk_builder_get_object (builder, "help_overlay")));
  gtk_window_destroy (GTK_WINDOW (gtk_builder_get_object (builder, "help_overlay")));
}

/* Every cause in the catalog as a row, and its fix page with every step. */
static void
test_templates_cause_rows (void)
{
  GPtrArray *infos = rd_catalog_get_causes (rd_catalog_get_default ());
  g_autoptr(RdTarget) target = rd_target_parse ("pc42.example.com:3390", RD_DEFAULT_RDP_PORT, NULL);
  RdFixPage *page = g_object_ref_sink (g_object_new (RD_TYPE_FIX_PAGE, NULL));

  g_assert_cmpuint (infos->len, >, 0);

  for (guint i = 0; i < infos->len; i++)
    {
      const RdCatalogCause *info = g_ptr_array_index (infos, i);
      g_autoptr(RdCause) cause = rd_cause_new (info, 0.8);
      GPtrArray *fixes = rd_cause_get_fixes (cause);
      GtkWidget *row;
      g_autoptr(GPtrArray) steps = NULL;
      guint n_steps = 0;

      rd_cause_add_reason (cause, "tcp", "A reason from the test");
      row = g_object_ref_sink (rd_cause_row_new (cause, i + 1, target));
      rd_cause_row_set_note (RD_CAUSE_ROW (row), "A note from the organisation");
      g_assert_true (rd_cause_row_get_cause (RD_CAUSE_ROW (row)) == cause);
      g_assert_finalize_object (row);

      rd_fix_page_set_cause (page, cause, target, i % 2 ? "A note" : NULL);
      for (guint j = 0; j < fixes->len; j++)
        n_steps += ((RdCatalogFix *) g_ptr_array_index (fixes, j))->steps->len;
      g_assert_cmpuint (rd_fix_page_get_n_steps (page), ==, n_steps);
      g_assert_cmpint (rd_fix_page_get_verdict (page), ==, RD_FIX_VERDICT_NONE);

      /* Commands get the target filled in, never a raw placeholder. */
      steps = find_all (GTK_WIDGET (page), RD_TYPE_FIX_STEP);
      g_assert_cmpuint (steps->len, ==, n_steps);
      for (guint j = 0; j < steps->len; j++)
        {
          const char *command = rd_fix_step_get_command (g_ptr_array_index (steps, j));

          g_assert_true (command == NULL || strstr (command, "{host}") == NULL);
          g_assert_true (command == NULL || strstr (command, "{port}") == NULL);
        }
    }

  rd_fix_page_set_verdict (page, RD_FIX_VERDICT_FIXED, NULL);
  rd_fix_page_set_verdict (page, RD_FIX_VERDICT_STILL_FAILING, NULL);
  rd_fix_page_set_verdict (page, RD_FIX_VERDICT_ERROR, "An error from the test");
  g_assert_cmpint (rd_fix_page_get_verdict (page), ==, RD_FIX_VERDICT_ERROR);
  g_assert_finalize_object (page);
}

static void
test_templates_check_row (void)
{
  GtkWidget *row = g_object_ref_sink (rd_check_row_new ("tcp", "Connection"));
  const RdCheckStatus statuses[] = {
    RD_CHECK_STATUS_PASS, RD_CHECK_STATUS_WARN, RD_CHECK_STATUS_FAIL,
    RD_CHECK_STATUS_SKIPPED, RD_CHECK_STATUS_ERROR,
  };

  g_assert_cmpint (rd_check_row_get_state (RD_CHECK_ROW (row)), ==, RD_CHECK_ROW_STATE_WAITING);
  rd_check_row_set_running (RD_CHECK_ROW (row));
  g_assert_cmpint (rd_check_row_get_state (RD_CHECK_ROW (row)), ==, RD_CHECK_ROW_STATE_RUNNING);

  for (guint i = 0; i < G_N_ELEMENTS (statuses); i++)
    {
      /* Markup characters in a summary are shown as they are. */
      g_autoptr(RdCheckResult) result = rd_check_result_new ("tcp", statuses[i], "<b>1 & 2</b>");

      rd_check_row_set_result (RD_CHECK_ROW (row), result);
      g_assert_cmpint (rd_check_row_get_state (RD_CHECK_ROW (row)), ==, RD_CHECK_ROW_STATE_DONE);
      g_assert_cmpstr (adw_action_row_get_subtitle (ADW_ACTION_ROW (row)), ==, "<b>1 & 2</b>");
    }

  g_assert_finalize_object (row);
}

static void
test_start_page_validation (void)
{
  RdWindow *window = make_window ();
  RdStartPage *page = get_start_page (window);
  GtkWidget *start_button = get_start_button (window);

  /* Empty: no target, no scolding, no start. */
  g_assert_null (rd_start_page_get_target (page));
  g_assert_false (gtk_widget_get_sensitive (start_button));

  rd_start_page_set_text (page, "bad host");
  g_assert_null (rd_start_page_get_target (page));
  g_assert_nonnull (rd_start_page_get_error_message (page));
  g_assert_false (gtk_widget_get_sensitive (start_button));
  gtk_widget_activate_action (GTK_WIDGET (window), "wizard.start", NULL);
  g_assert_cmpstr (rd_window_get_visible_page (window), ==, "start");

  rd_start_page_set_text (page, "pc42.example.com:99999");
  g_assert_null (rd_start_page_get_target (page));
  g_assert_false (gtk_widget_get_sensitive (start_button));

  rd_start_page_set_text (page, "[::1]:3390");
  g_assert_nonnull (rd_start_page_get_target (page));
  g_assert_null (rd_start_page_get_error_message (page));
  g_assert_cmpuint (rd_target_get_port (rd_start_page_get_target (page)), ==, 3390);
  g_assert_true (gtk_widget_get_sensitive (start_button));

  rd_start_page_set_text (page, "pc42.example.com");
  g_assert_cmpuint (rd_target_get_port (rd_start_page_get_target (page)), ==, RD_DEFAULT_RDP_PORT);
  g_assert_true (gtk_widget_get_sensitive (start_button));

  gtk_window_destroy (GTK_WINDOW (window));
}

/* The other fields: gateway, error code, and an .rdp file that fills them */
static void
test_start_page_fields (void)
{
  RdWindow *window = make_window ();
  RdStartPage *page = get_start_page (window);
  g_autofree char *path = g_build_filename (RD_TEST_DATA_DIR, "rdp", "mstsc-utf16le.rdp", NULL);
  g_autofree char *hostile = g_build_filename (RD_TEST_DATA_DIR, "rdp", "hostile-host.rdp", NULL);
  g_autoptr(GFile) file = NULL;
  g_autoptr(GFile) bad_file = NULL;
  guint32 protocols = 0;
  gboolean expired = FALSE;
  guint source;

  rd_start_page_set_text (page, "pc42.example.com");
  g_assert_true (rd_start_page_can_start (page));

  /* A gateway that is not a name stops the start; a good one is normalised. */
  rd_start_page_set_field (page, RD_START_PAGE_FIELD_GATEWAY, "gw example.com");
  g_assert_false (rd_start_page_can_start (page));
  g_assert_false (gtk_widget_get_sensitive (get_start_button (window)));
  rd_start_page_set_field (page, RD_START_PAGE_FIELD_GATEWAY, "gw.example.com");
  g_assert_true (rd_start_page_can_start (page));
  g_assert_cmpstr (rd_start_page_get_gateway (page), ==, "gw.example.com:443");
  rd_start_page_set_field (page, RD_START_PAGE_FIELD_GATEWAY, "");
  g_assert_null (rd_start_page_get_gateway (page));

  /* The port field: the host's own port must agree with it. */
  rd_start_page_set_field (page, RD_START_PAGE_FIELD_PORT, "3390");
  g_assert_cmpuint (rd_target_get_port (rd_start_page_get_target (page)), ==, 3390);
  rd_start_page_set_text (page, "pc42.example.com:3391");
  g_assert_null (rd_start_page_get_target (page));
  rd_start_page_set_field (page, RD_START_PAGE_FIELD_PORT, "");
  g_assert_cmpuint (rd_target_get_port (rd_start_page_get_target (page)), ==, 3391);

  /* The error code is understood at once, and never blocks. */
  rd_start_page_set_field (page, RD_START_PAGE_FIELD_ERROR_CODE, "0x904 / 0x7");
  g_assert_nonnull (rd_start_page_get_error_code (page));
  g_assert_cmpuint (rd_error_code_get_n_codes (rd_start_page_get_error_code (page)), ==, 2);
  rd_start_page_set_field (page, RD_START_PAGE_FIELD_ERROR_CODE, "it just failed");
  g_assert_null (rd_start_page_get_error_code (page));
  g_assert_true (rd_start_page_can_start (page));

  /* An .rdp file fills host, port, gateway and user name. */
  file = g_file_new_for_path (path);
  rd_start_page_open_file (page, file, FALSE);
  source = g_timeout_add (10000, timed_out, &expired);
  while (!expired && g_strcmp0 (rd_start_page_get_text (page), "pc42.example.com") != 0)
    g_main_context_iteration (NULL, TRUE);
  g_assert_false (expired);
  g_source_remove (source);
  g_assert_cmpuint (rd_target_get_port (rd_start_page_get_target (page)), ==, 3390);
  g_assert_cmpstr (rd_start_page_get_field (page, RD_START_PAGE_FIELD_PORT), ==, "3390");
  g_assert_cmpstr (rd_start_page_get_gateway (page), ==, "rdgw.example.com:443");
  g_assert_cmpstr (rd_start_page_get_user_name (page), ==, "EXAMPLE\\jürgen.ødegård");
  g_assert_true (rd_start_page_get_client_protocols (page, &protocols));
  g_assert_cmpstr (rd_window_get_visible_page (window), ==, "start");

  /* A hostile address lands in the field, refused with its message. */
  bad_file = g_file_new_for_path (hostile);
  rd_start_page_open_file (page, bad_file, TRUE);
  expired = FALSE;
  source = g_timeout_add (10000, timed_out, &expired);
  while (!expired && rd_start_page_get_target (page) != NULL)
    g_main_context_iteration (NULL, TRUE);
  g_assert_false (expired);
  g_source_remove (source);
  g_assert_nonnull (rd_start_page_get_error_message (page));
  g_assert_cmpstr (rd_window_get_visible_page (window), ==, "start");

  gtk_window_destroy (GTK_WINDOW (window));
}

/* The report page renders every format of a diagnosis. */
static void
test_report_page (void)
{
  RdReportPage *page = g_object_ref_sink (g_object_new (RD_TYPE_REPORT_PAGE, NULL));
  g_autoptr(RdTarget) target = rd_target_parse ("pc42.example.com", RD_DEFAULT_RDP_PORT, NULL);
  g_autoptr(GPtrArray) failed = make_results (RD_CHECK_STATUS_FAIL);
  g_autoptr(RdDiagnosis) diagnosis = rd_diagnosis_new (target, failed, rd_catalog_get_default ());
  const char *starts[] = { "<!DOCTYPE html>", "# RDP Doctor", "RDP Doctor", "{" };

  rd_report_page_set_diagnosis (page, diagnosis);
  for (guint i = 0; i < G_N_ELEMENTS (starts); i++)
    {
      g_autofree char *text = NULL;

      rd_report_page_set_format (page, i);
      g_assert_cmpint (rd_report_page_get_format (page), ==, i);
      text = rd_report_page_render (page, i);
      g_assert_true (g_str_has_prefix (text, starts[i]));
    }
  g_assert_finalize_object (page);
}

static void
check_results_page (RdWindow *window)
{
  RdResultsPage *results_page = get_results_page (window);
  RdCheckingPage *checking_page = get_checking_page (window);
  RdDiagnosis *diagnosis = rd_results_page_get_diagnosis (results_page);
  g_autoptr(GPtrArray) cause_rows = NULL;
  g_autoptr(GPtrArray) check_rows = NULL;

  g_assert_nonnull (diagnosis);

  /* Every check of the run reached a verdict on the checking page. */
  check_rows = find_all (GTK_WIDGET (checking_page), RD_TYPE_CHECK_ROW);
  g_assert_cmpuint (check_rows->len, >, 0);
  g_assert_cmpuint (rd_checking_page_get_n_finished (checking_page), ==, check_rows->len);
  for (guint i = 0; i < check_rows->len; i++)
    g_assert_cmpint (rd_check_row_get_state (g_ptr_array_index (check_rows, i)), ==,
                     RD_CHECK_ROW_STATE_DONE);

  cause_rows = find_all (GTK_WIDGET (results_page), RD_TYPE_CAUSE_ROW);

  if (rd_diagnosis_get_top_cause (diagnosis) != NULL &&
      g_strcmp0 (rd_results_page_get_headline (results_page), "Nothing is wrong from here") != 0)
    {
      /* The most likely cause is the headline; the others are rows. */
      g_assert_cmpstr (rd_results_page_get_headline (results_page), ==,
                       rd_cause_get_title (rd_diagnosis_get_top_cause (diagnosis)));
      g_assert_cmpuint (cause_rows->len, ==, rd_diagnosis_get_causes (diagnosis)->len - 1);
    }
  else if (g_strcmp0 (rd_results_page_get_headline (results_page), "Nothing is wrong from here") != 0)
    {
      g_assert_cmpstr (rd_results_page_get_headline (results_page), ==, "A Check Failed");
    }
  else
    {
      g_assert_cmpstr (rd_results_page_get_headline (results_page), ==, "Nothing is wrong from here");
      g_assert_cmpuint (cause_rows->len, ==, rd_diagnosis_get_causes (diagnosis)->len);
    }
}

static void
test_window_run (void)
{
  Listener listener = { 0 };
  RdWindow *window;

  listener_start (&listener);
  window = make_window ();

  rd_start_page_set_text (get_start_page (window), listener.address);
  g_assert_true (gtk_widget_get_sensitive (get_start_button (window)));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "wizard.start", NULL));
  g_assert_cmpstr (rd_window_get_visible_page (window), ==, "checking");

  wait_for_page (window, "results", RUN_TIMEOUT_MS);
  check_results_page (window);

  /* Check again: the same target, a fresh run. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "wizard.again", NULL));
  g_assert_cmpstr (rd_window_get_visible_page (window), ==, "checking");
  wait_for_page (window, "results", RUN_TIMEOUT_MS);
  check_results_page (window);

  /* Back to start keeps what was typed. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "wizard.back", NULL));
  g_assert_cmpstr (rd_window_get_visible_page (window), ==, "start");
  g_assert_cmpstr (rd_start_page_get_text (get_start_page (window)), ==, listener.address);

  gtk_window_destroy (GTK_WINDOW (window));
  listener_stop (&listener);
}

static void
test_window_cancel (void)
{
  Listener listener = { 0 };
  RdWindow *window;

  listener_start (&listener);
  window = make_window ();

  rd_start_page_set_text (get_start_page (window), listener.address);
  gtk_widget_activate_action (GTK_WIDGET (window), "wizard.start", NULL);
  g_assert_cmpstr (rd_window_get_visible_page (window), ==, "checking");

  /* Cancel goes back at once, and the run's late callback changes nothing. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "wizard.cancel", NULL));
  g_assert_cmpstr (rd_window_get_visible_page (window), ==, "start");
  spin (1500);
  g_assert_cmpstr (rd_window_get_visible_page (window), ==, "start");
  g_assert_null (rd_results_page_get_diagnosis (get_results_page (window)));

  /* Back from the checking page cancels too. */
  gtk_widget_activate_action (GTK_WIDGET (window), "wizard.start", NULL);
  g_assert_cmpstr (rd_window_get_visible_page (window), ==, "checking");
  gtk_widget_activate_action (GTK_WIDGET (window), "wizard.back", NULL);
  g_assert_cmpstr (rd_window_get_visible_page (window), ==, "start");
  spin (1500);
  g_assert_cmpstr (rd_window_get_visible_page (window), ==, "start");

  /* Closing the window mid-run is safe. */
  gtk_widget_activate_action (GTK_WIDGET (window), "wizard.start", NULL);
  gtk_window_destroy (GTK_WINDOW (window));
  spin (1500);

  listener_stop (&listener);
}

/* What `rdp-doctor HOST` does: check a valid target at once, or show the
 * start page with what is wrong. */
static void
test_window_diagnose (void)
{
  Listener listener = { 0 };
  RdWindow *window;
  RdStartPage *page;

  listener_start (&listener);
  window = make_window ();
  page = get_start_page (window);

  rd_window_diagnose (window, "pc42 .example.com");
  g_assert_cmpstr (rd_window_get_visible_page (window), ==, "start");
  g_assert_cmpstr (rd_start_page_get_text (page), ==, "pc42 .example.com");
  g_assert_nonnull (rd_start_page_get_error_message (page));
  g_assert_false (gtk_widget_get_sensitive (get_start_button (window)));

  rd_window_diagnose (window, listener.address);
  g_assert_cmpstr (rd_window_get_visible_page (window), ==, "checking");
  wait_for_page (window, "results", RUN_TIMEOUT_MS);
  check_results_page (window);

  gtk_window_destroy (GTK_WINDOW (window));
  listener_stop (&listener);
}

static void
test_results_verdicts (void)
{
  RdResultsPage *page = g_object_ref_sink (g_object_new (RD_TYPE_RESULTS_PAGE, NULL));
  g_autoptr(RdTarget) target = rd_target_parse ("pc42.example.com", RD_DEFAULT_RDP_PORT, NULL);
  g_autoptr(RdRunner) runner = rd_checks_new_runner ();
  g_autoptr(GPtrArray) passed = make_results (RD_CHECK_STATUS_PASS);
  g_autoptr(GPtrArray) failed = make_results (RD_CHECK_STATUS_FAIL);
  g_autoptr(RdDiagnosis) fine = rd_diagnosis_new (target, passed, rd_catalog_get_default ());
  g_autoptr(RdDiagnosis) broken = rd_diagnosis_new (target, failed, rd_catalog_get_default ());
  g_autoptr(GPtrArray) rows = NULL;

  g_assert_false (rd_diagnosis_found_problems (fine));
  rd_results_page_set_diagnosis (page, fine, rd_runner_get_checks (runner), NULL);
  g_assert_cmpstr (rd_results_page_get_headline (page), ==, "Nothing is wrong from here");
  rows = find_all (GTK_WIDGET (page), RD_TYPE_CHECK_ROW);
  g_assert_cmpuint (rows->len, ==, passed->len);
  /* Rows carry the checks' titles, not their ids. */
  g_assert_cmpstr (adw_preferences_row_get_title (g_ptr_array_index (rows, 0)), ==,
                   rd_check_get_title (g_ptr_array_index (rd_runner_get_checks (runner), 0)));
  g_clear_pointer (&rows, g_ptr_array_unref);

  g_assert_true (rd_diagnosis_found_problems (broken));
  rd_results_page_set_diagnosis (page, broken, rd_runner_get_checks (runner), NULL);
  g_assert_cmpstr (rd_results_page_get_headline (page), !=, "Nothing is wrong from here");
  rows = find_all (GTK_WIDGET (page), RD_TYPE_CHECK_ROW);
  g_assert_cmpuint (rows->len, ==, failed->len);

  g_clear_pointer (&rows, g_ptr_array_unref);
  g_assert_finalize_object (page);
}

/* ---- guided actions ----------------------------------------------------- */

static int
compare_strings (gconstpointer a,
                 gconstpointer b)
{
  return g_strcmp0 (*(const char * const *) a, *(const char * const *) b);
}

/* "type argument" of every action button on @page, sorted */
static GStrv
list_action_buttons (GtkWidget *page)
{
  g_autoptr(GPtrArray) buttons = find_all (page, RD_TYPE_ACTION_BUTTON);
  g_autoptr(GPtrArray) list = g_ptr_array_new_with_free_func (g_free);

  for (guint i = 0; i < buttons->len; i++)
    {
      RdActionButton *button = g_ptr_array_index (buttons, i);

      /* Each one has a name for screen readers and an action to run. */
      g_assert_nonnull (rd_action_button_get_label_text (button));
      g_assert_cmpuint (strlen (rd_action_button_get_label_text (button)), >, 0);
      g_assert_nonnull (gtk_actionable_get_action_name (GTK_ACTIONABLE (button)));
      g_ptr_array_add (list, g_strdup_printf ("%s %s", rd_action_button_get_action_type (button),
                                              rd_action_button_get_argument (button) != NULL
                                                ? rd_action_button_get_argument (button) : ""));
    }
  g_ptr_array_sort (list, compare_strings);
  g_ptr_array_add (list, NULL);
  return (GStrv) g_ptr_array_free (g_steal_pointer (&list), FALSE);
}

/* The buttons the fixes of @cause should get, sorted */
static GStrv
expect_action_buttons (RdCause    *cause,
                       GHashTable *seen)
{
  GPtrArray *fixes = rd_cause_get_fixes (cause);
  g_autoptr(GPtrArray) list = g_ptr_array_new_with_free_func (g_free);

  for (guint i = 0; i < fixes->len; i++)
    {
      const RdCatalogFix *fix = g_ptr_array_index (fixes, i);

      for (guint j = 0; j < fix->steps->len; j++)
        {
          const RdCatalogStep *step = g_ptr_array_index (fix->steps, j);

          for (guint k = 0; step->actions != NULL && k < step->actions->len; k++)
            {
              const RdCatalogAction *action = g_ptr_array_index (step->actions, k);

              g_hash_table_add (seen, g_strdup (action->type));
              if (g_str_equal (action->type, "open-documentation"))
                continue;
              g_ptr_array_add (list, g_strdup_printf ("%s %s", action->type,
                                                      action->argument != NULL ? action->argument : ""));
              if (g_str_equal (action->type, "evidence-script"))
                g_ptr_array_add (list, g_strdup (RD_ACTION_IMPORT_EVIDENCE " "));
            }
        }
      if (rd_server_script_fix_has_steps (fix))
        {
          g_hash_table_add (seen, g_strdup (RD_ACTION_SERVER_SCRIPT));
          g_ptr_array_add (list, g_strdup_printf (RD_ACTION_SERVER_SCRIPT " %s", fix->id));
        }
    }
  g_ptr_array_sort (list, compare_strings);
  g_ptr_array_add (list, NULL);
  return (GStrv) g_ptr_array_free (g_steal_pointer (&list), FALSE);
}

/* Every cause's fix page has one button per guided action of the fixes that
 * apply, and one "Save Server Script…" per fix with server steps. */
static void
test_fix_page_action_buttons (void)
{
  GPtrArray *infos = rd_catalog_get_causes (rd_catalog_get_default ());
  g_autoptr(RdTarget) target = rd_target_parse ("pc42.example.com", RD_DEFAULT_RDP_PORT, NULL);
  g_autoptr(GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  RdFixPage *page = g_object_ref_sink (g_object_new (RD_TYPE_FIX_PAGE, NULL));
  const char *every_type[] = {
    "write-rdp", "launch-client", "flush-dns", "forget-certificate", "open-documentation",
    "evidence-script", RD_ACTION_SERVER_SCRIPT,
  };

  for (guint i = 0; i < infos->len; i++)
    {
      g_autoptr(RdCause) cause = rd_cause_new (g_ptr_array_index (infos, i), 0.8);
      g_auto(GStrv) expected = expect_action_buttons (cause, seen);
      g_auto(GStrv) shown = NULL;

      rd_fix_page_set_cause (page, cause, target, NULL);
      shown = list_action_buttons (GTK_WIDGET (page));
      g_test_message ("%s: %u buttons", rd_cause_get_id (cause), g_strv_length (shown));
      g_assert_true (g_strv_equal ((const char * const *) shown, (const char * const *) expected));
    }

  /* The catalog has every kind of button somewhere. */
  for (guint i = 0; i < G_N_ELEMENTS (every_type); i++)
    {
      g_test_message ("action type %s", every_type[i]);
      g_assert_true (g_hash_table_contains (seen, every_type[i]));
    }

  /* The labels say what each does. */
  {
    const struct { const char *type, *argument, *label; } looks[] = {
      { "write-rdp", "enablecredsspsupport:i:1", "Save Corrected .rdp File…" },
      { "launch-client", "/sec:rdp", "Open in FreeRDP with /sec:rdp…" },
      { "flush-dns", NULL, "Clear DNS Cache" },
      { "forget-certificate", NULL, "Forget Cached Certificate" },
      { "evidence-script", NULL, "Save Evidence Script…" },
      { RD_ACTION_SERVER_SCRIPT, "grant-key-access", "Save Server Script…" },
      { RD_ACTION_IMPORT_EVIDENCE, NULL, "Import Server Evidence…" },
    };

    for (guint i = 0; i < G_N_ELEMENTS (looks); i++)
      {
        GtkWidget *button = g_object_ref_sink (rd_action_button_new (looks[i].type, looks[i].argument));

        g_assert_cmpstr (rd_action_button_get_label_text (RD_ACTION_BUTTON (button)), ==, looks[i].label);
        g_assert_finalize_object (button);
      }
    /* No button without what it needs, nor for an unknown type */
    g_assert_null (rd_action_button_new ("launch-client", NULL));
    g_assert_null (rd_action_button_new ("open-documentation", "https://example.com"));
    g_assert_null (rd_action_button_new ("format-disk", NULL));
  }

  g_assert_finalize_object (page);
}

#define DNS_OK "{\"id\":\"dns\",\"status\":\"pass\",\"summary\":\"ok\",\"evidence\":{\"addresses\":[{\"address\":\"192.0.2.10\",\"family\":\"ipv4\",\"reverse\":null}]}}"
#define TCP_OPEN "{\"id\":\"tcp\",\"status\":\"pass\",\"summary\":\"s\",\"evidence\":{\"port\":3389,\"state\":\"open\",\"unsteady\":false,\"handshakes\":{\"attempts\":5,\"failed\":0}}}"
#define NEGOTIATION(flags) "{\"id\":\"negotiation\",\"status\":\"pass\",\"summary\":\"s\",\"evidence\":{\"flags\":[" flags "]}}"
#define CREDSSP_FAIL "{\"id\":\"credssp\",\"status\":\"fail\",\"summary\":\"s\",\"evidence\":{}}"

static gboolean
shows_restricted_admin (const char *negotiation)
{
  g_autoptr(RdTarget) target = rd_target_parse ("pc42.example.com", RD_DEFAULT_RDP_PORT, NULL);
  g_autoptr(GPtrArray) results = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(RdDiagnosis) diagnosis = NULL;
  RdFixPage *page = g_object_ref_sink (g_object_new (RD_TYPE_FIX_PAGE, NULL));
  GPtrArray *causes;
  RdCause *oracle = NULL;
  g_auto(GStrv) buttons = NULL;

  g_ptr_array_add (results, rd_test_result_from_json (DNS_OK));
  g_ptr_array_add (results, rd_test_result_from_json (TCP_OPEN));
  g_ptr_array_add (results, rd_test_result_from_json (negotiation));
  g_ptr_array_add (results, rd_test_result_from_json (CREDSSP_FAIL));
  diagnosis = rd_diagnosis_new (target, results, rd_catalog_get_default ());
  causes = rd_diagnosis_get_causes (diagnosis);
  for (guint i = 0; i < causes->len; i++)
    if (g_str_equal (rd_cause_get_id (g_ptr_array_index (causes, i)), "credssp-oracle"))
      oracle = g_ptr_array_index (causes, i);
  g_assert_nonnull (oracle);

  rd_fix_page_set_diagnosis (page, diagnosis);
  rd_fix_page_set_cause (page, oracle, target, NULL);
  buttons = list_action_buttons (GTK_WIDGET (page));
  g_assert_finalize_object (page);
  return g_strv_contains ((const char * const *) buttons, "launch-client /restricted-admin");
}

/* Restricted admin mode is offered only where the server advertises it. */
static void
test_fix_page_restricted_admin (void)
{
  g_assert_false (shows_restricted_admin (NEGOTIATION ("\"EXTENDED_CLIENT_DATA_SUPPORTED\"")));
  g_assert_false (shows_restricted_admin (NEGOTIATION ("")));
  g_assert_true (shows_restricted_admin (NEGOTIATION ("\"EXTENDED_CLIENT_DATA_SUPPORTED\",\"RESTRICTED_ADMIN_MODE_SUPPORTED\"")));
}

static RdEvidenceDialog *
find_evidence_dialog (void)
{
  GListModel *toplevels = gtk_window_get_toplevels ();

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GObject) window = g_list_model_get_item (toplevels, i);

      if (RD_IS_EVIDENCE_DIALOG (window))
        return RD_EVIDENCE_DIALOG (window);
    }
  return NULL;
}

static RdCause *
find_cause_in (RdDiagnosis *diagnosis,
               const char  *id)
{
  GPtrArray *causes = rd_diagnosis_get_causes (diagnosis);

  for (guint i = 0; i < causes->len; i++)
    if (g_str_equal (rd_cause_get_id (g_ptr_array_index (causes, i)), id))
      return g_ptr_array_index (causes, i);
  return NULL;
}

static gboolean
has_title (GtkWidget     *widget,
           gconstpointer  data)
{
  return g_strcmp0 (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (widget)), data) == 0;
}

/* The server's evidence, imported into a run's diagnosis, changes its causes
 * as rd-diagnosis-server.c says: the unreadable certificate key is
 * confirmed. Refused evidence leaves the dialog open with the reason. */
static void
test_window_import_evidence (void)
{
  Listener listener = { 0 };
  RdWindow *window;
  RdResultsPage *results_page;
  RdEvidenceDialog *dialog;
  RdDiagnosis *before, *after;
  RdCause *cause;
  g_autofree char *good = g_build_filename (RD_TEST_DATA_DIR, "server-evidence-cert-key.json", NULL);
  g_autofree char *broken = g_build_filename (RD_TEST_DATA_DIR, "server-evidence-broken-schema.json", NULL);
  g_autoptr(GFile) good_file = g_file_new_for_path (good);
  g_autoptr(GFile) broken_file = g_file_new_for_path (broken);
  gboolean expired = FALSE;
  guint source;

  listener_start (&listener);
  window = make_window ();
  results_page = get_results_page (window);

  /* Nothing to import the server's evidence into yet */
  gtk_widget_activate_action (GTK_WIDGET (window), "wizard.import-evidence", NULL);
  g_assert_null (find_evidence_dialog ());

  rd_start_page_set_text (get_start_page (window), listener.address);
  gtk_widget_activate_action (GTK_WIDGET (window), "wizard.start", NULL);
  wait_for_page (window, "results", RUN_TIMEOUT_MS);
  before = g_object_ref (rd_results_page_get_diagnosis (results_page));
  g_assert_null (find_cause_in (before, "cert-key-inaccessible"));

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "wizard.import-evidence", NULL));
  dialog = find_evidence_dialog ();
  g_assert_nonnull (dialog);

  /* Pasted text that is no evidence: the reason, and the dialog stays */
  rd_evidence_dialog_import_text (dialog, "{\"schema\": \"something-else/1\"}");
  g_assert_nonnull (rd_evidence_dialog_get_error (dialog));
  g_test_message ("refused: %s", rd_evidence_dialog_get_error (dialog));
  g_assert_true (find_evidence_dialog () == dialog);

  /* A file that is no evidence: its name and the reason */
  rd_evidence_dialog_import_file (dialog, broken_file);
  source = g_timeout_add (10000, timed_out, &expired);
  while (!expired && rd_evidence_dialog_get_error (dialog) == NULL)
    g_main_context_iteration (NULL, TRUE);
  g_assert_false (expired);
  g_source_remove (source);
  g_assert_true (g_str_has_prefix (rd_evidence_dialog_get_error (dialog), "“server-evidence-broken-schema.json”: "));
  g_assert_true (rd_results_page_get_diagnosis (results_page) == before);

  /* The real thing: read off the main loop, then a new diagnosis */
  rd_evidence_dialog_import_file (dialog, good_file);
  expired = FALSE;
  source = g_timeout_add (10000, timed_out, &expired);
  while (!expired && rd_results_page_get_diagnosis (results_page) == before)
    g_main_context_iteration (NULL, TRUE);
  g_assert_false (expired);
  g_source_remove (source);
  g_assert_null (find_evidence_dialog ());

  after = rd_results_page_get_diagnosis (results_page);
  cause = find_cause_in (after, "cert-key-inaccessible");
  g_assert_nonnull (cause);
  g_assert_cmpfloat_with_epsilon (rd_cause_get_confidence (cause), 0.95, 1e-9);
  g_assert_cmpuint (rd_diagnosis_get_results (after)->len, ==, rd_diagnosis_get_results (before)->len + 1);
  g_assert_cmpstr (rd_window_get_visible_page (window), ==, "results");
  /* The check rows name it for people */
  g_assert_nonnull (find_one (GTK_WIDGET (results_page), RD_TYPE_CHECK_ROW, has_title, "What the server says"));
  g_test_message ("before: %s; after: %s",
                  rd_diagnosis_get_top_cause (before) != NULL ? rd_cause_get_id (rd_diagnosis_get_top_cause (before)) : "none",
                  rd_cause_get_id (rd_diagnosis_get_top_cause (after)));
  g_assert_cmpstr (rd_cause_get_id (rd_diagnosis_get_top_cause (after)), ==, "cert-key-inaccessible");

  /* A second import replaces the first rather than adding to it */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "wizard.import-evidence", NULL));
  dialog = find_evidence_dialog ();
  rd_evidence_dialog_import_file (dialog, good_file);
  expired = FALSE;
  source = g_timeout_add (10000, timed_out, &expired);
  while (!expired && rd_results_page_get_diagnosis (results_page) == after)
    g_main_context_iteration (NULL, TRUE);
  g_assert_false (expired);
  g_source_remove (source);
  g_assert_cmpuint (rd_diagnosis_get_results (rd_results_page_get_diagnosis (results_page))->len, ==,
                    rd_diagnosis_get_results (before)->len + 1);

  g_object_unref (before);
  gtk_window_destroy (GTK_WINDOW (window));
  listener_stop (&listener);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  /* Assertions compare untranslated strings. */
  gtk_disable_setlocale ();
  setlocale (LC_ALL, "C.UTF-8");

  /* Without a session bus GIO would autolaunch one that outlives the test. */
  if (g_getenv ("DBUS_SESSION_BUS_ADDRESS") == NULL)
    g_setenv ("DBUS_SESSION_BUS_ADDRESS", "disabled:", TRUE);

  if (!gtk_init_check ())
    {
      g_printerr ("no display: skipping the UI tests\n");
      return 77;
    }
  adw_init ();

  g_test_add_func ("/Rd/Ui/templates/build", test_templates_build);
  g_test_add_func ("/Rd/Ui/templates/cause-rows", test_templates_cause_rows);
  g_test_add_func ("/Rd/Ui/templates/check-row", test_templates_check_row);
  g_test_add_func ("/Rd/Ui/start-page/validation", test_start_page_validation);
  g_test_add_func ("/Rd/Ui/start-page/fields", test_start_page_fields);
  g_test_add_func ("/Rd/Ui/report-page/formats", test_report_page);
  g_test_add_func ("/Rd/Ui/window/run", test_window_run);
  g_test_add_func ("/Rd/Ui/window/cancel", test_window_cancel);
  g_test_add_func ("/Rd/Ui/window/diagnose", test_window_diagnose);
  g_test_add_func ("/Rd/Ui/results/verdicts", test_results_verdicts);
  g_test_add_func ("/Rd/Ui/fix-page/action-buttons", test_fix_page_action_buttons);
  g_test_add_func ("/Rd/Ui/fix-page/restricted-admin", test_fix_page_restricted_admin);
  g_test_add_func ("/Rd/Ui/window/import-evidence", test_window_import_evidence);

  return g_test_run ();
}
