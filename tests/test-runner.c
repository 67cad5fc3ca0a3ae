/* test-runner.c: the dependency graph, concurrency, deadlines and cancellation
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <locale.h>
#include <string.h>

#include "rd-core.h"

/* A check that waits, honouring cancellation or not, then answers as told. */
#define TEST_TYPE_CHECK (test_check_get_type ())
G_DECLARE_FINAL_TYPE (TestCheck, test_check, TEST, CHECK, RdCheck)

struct _TestCheck
{
  RdCheck        parent_instance;
  guint          wait_ms;
  gboolean       ignore_cancel;
  RdCheckStatus  status;
  gint64         started_us;
  gint64         ended_us;
  GThread       *thread;
};

G_DEFINE_FINAL_TYPE (TestCheck, test_check, RD_TYPE_CHECK)

static RdCheckResult *
test_check_run (RdCheck        *check,
                RdCheckContext *context,
                GCancellable   *cancellable)
{
  TestCheck *self = TEST_CHECK (check);
  GPollFD fd = { 0, };

  self->started_us = g_get_monotonic_time ();
  self->thread = g_thread_self ();
  if (self->ignore_cancel)
    {
      g_usleep (self->wait_ms * 1000);
    }
  else if (g_cancellable_make_pollfd (cancellable, &fd))
    {
      g_poll (&fd, 1, (int) self->wait_ms);
      g_cancellable_release_fd (cancellable);
    }
  self->ended_us = g_get_monotonic_time ();

  if (g_cancellable_is_cancelled (cancellable))
    return rd_check_result_new (rd_check_get_id (check), RD_CHECK_STATUS_ERROR, "cancelled");
  return rd_check_result_new (rd_check_get_id (check), self->status, "done");
}

static void
test_check_class_init (TestCheckClass *klass)
{
  RD_CHECK_CLASS (klass)->run = test_check_run;
}

static void
test_check_init (TestCheck *self)
{
}

static TestCheck *
test_check_new (const char    *id,
                const char    *dependency,
                guint          wait_ms,
                RdCheckStatus  status)
{
  const char *deps[] = { dependency, NULL };
  TestCheck *self = g_object_new (TEST_TYPE_CHECK,
                                  "id", id,
                                  "title", id,
                                  "dependencies", dependency != NULL ? deps : NULL,
                                  NULL);
  self->wait_ms = wait_ms;
  self->status = status;
  return self;
}

typedef struct
{
  GPtrArray *results;
  GError    *error;
  gboolean   done;
  gint64     done_us;
  GPtrArray *started;
  GPtrArray *finished;
  GThread   *main_thread;
  gboolean   signals_on_main_thread;
} Outcome;

static void
started_cb (RdRunner *runner,
            RdCheck  *check,
            Outcome  *outcome)
{
  g_ptr_array_add (outcome->started, g_strdup (rd_check_get_id (check)));
  outcome->signals_on_main_thread &= g_thread_self () == outcome->main_thread;
}

static void
finished_cb (RdRunner      *runner,
             RdCheck       *check,
             RdCheckResult *result,
             Outcome       *outcome)
{
  g_ptr_array_add (outcome->finished, g_strdup (rd_check_get_id (check)));
  outcome->signals_on_main_thread &= g_thread_self () == outcome->main_thread;
}

static void
done_cb (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  Outcome *outcome = user_data;

  outcome->results = rd_runner_run_finish (RD_RUNNER (source), result, &outcome->error);
  outcome->done = TRUE;
  outcome->done_us = g_get_monotonic_time ();
}

static void
outcome_init (Outcome  *outcome,
              RdRunner *runner)
{
  memset (outcome, 0, sizeof *outcome);
  outcome->started = g_ptr_array_new_with_free_func (g_free);
  outcome->finished = g_ptr_array_new_with_free_func (g_free);
  outcome->main_thread = g_thread_self ();
  outcome->signals_on_main_thread = TRUE;
  g_signal_connect (runner, "check-started", G_CALLBACK (started_cb), outcome);
  g_signal_connect (runner, "check-finished", G_CALLBACK (finished_cb), outcome);
}

static void
outcome_clear (Outcome *outcome)
{
  g_clear_pointer (&outcome->results, g_ptr_array_unref);
  g_clear_pointer (&outcome->started, g_ptr_array_unref);
  g_clear_pointer (&outcome->finished, g_ptr_array_unref);
  g_clear_error (&outcome->error);
}

static void
run_and_wait (RdRunner           *runner,
              const char * const *only,
              GCancellable       *cancellable,
              Outcome            *outcome)
{
  g_autoptr(RdTarget) target = rd_target_parse ("127.0.0.1", 3389, NULL);

  rd_runner_run_async (runner, target, only, cancellable, done_cb, outcome);
  while (!outcome->done)
    g_main_context_iteration (NULL, TRUE);
}

static RdCheckResult *
result_of (Outcome    *outcome,
           const char *id)
{
  for (guint i = 0; i < outcome->results->len; i++)
    if (g_str_equal (rd_check_result_get_check_id (g_ptr_array_index (outcome->results, i)), id))
      return g_ptr_array_index (outcome->results, i);
  return NULL;
}

/* Lets late worker threads finish and drop their references. */
static void
drain (guint ms)
{
  gint64 end = g_get_monotonic_time () + ms * 1000;

  while (g_get_monotonic_time () < end)
    g_main_context_iteration (NULL, FALSE), g_usleep (1000);
}

static void
test_concurrency (void)
{
  RdRunner *runner = rd_runner_new ();
  TestCheck *a = test_check_new ("a", NULL, 300, RD_CHECK_STATUS_PASS);
  TestCheck *b = test_check_new ("b", NULL, 300, RD_CHECK_STATUS_PASS);
  TestCheck *c = test_check_new ("c", "a", 10, RD_CHECK_STATUS_PASS);
  gint64 started = g_get_monotonic_time ();
  Outcome outcome;

  rd_runner_add_check (runner, RD_CHECK (a));
  rd_runner_add_check (runner, RD_CHECK (b));
  rd_runner_add_check (runner, RD_CHECK (c));
  outcome_init (&outcome, runner);
  run_and_wait (runner, NULL, NULL, &outcome);

  g_assert_no_error (outcome.error);
  g_assert_cmpuint (outcome.results->len, ==, 3);
  /* a and b overlapped; c waited for a */
  g_assert_cmpint (a->started_us, <, b->ended_us);
  g_assert_cmpint (b->started_us, <, a->ended_us);
  g_assert_true (a->thread != b->thread);
  g_assert_cmpint (c->started_us, >=, a->ended_us);
  g_assert_cmpint (outcome.done_us - started, <, 550 * 1000);
  g_assert_true (outcome.signals_on_main_thread);
  g_assert_cmpuint (outcome.started->len, ==, 3);
  g_assert_cmpuint (outcome.finished->len, ==, 3);
  g_assert_cmpuint (rd_check_result_get_status (result_of (&outcome, "c")), ==, RD_CHECK_STATUS_PASS);
  g_assert_cmpuint (rd_check_result_get_duration_ms (result_of (&outcome, "a")), >=, 290);

  outcome_clear (&outcome);
  g_object_unref (a);
  g_object_unref (b);
  g_object_unref (c);
  drain (50);
  g_assert_finalize_object (runner);
}

static void
test_skip_on_failed_dependency (void)
{
  g_autoptr(RdRunner) runner = rd_runner_new ();
  g_autoptr(TestCheck) a = test_check_new ("a", NULL, 0, RD_CHECK_STATUS_FAIL);
  g_autoptr(TestCheck) b = test_check_new ("b", "a", 0, RD_CHECK_STATUS_PASS);
  g_autoptr(TestCheck) c = test_check_new ("c", "b", 0, RD_CHECK_STATUS_PASS);
  g_autoptr(TestCheck) d = test_check_new ("d", NULL, 0, RD_CHECK_STATUS_WARN);
  g_autoptr(TestCheck) e = test_check_new ("e", "d", 0, RD_CHECK_STATUS_PASS);
  RdCheckResult *result;
  Outcome outcome;

  rd_runner_add_check (runner, RD_CHECK (a));
  rd_runner_add_check (runner, RD_CHECK (b));
  rd_runner_add_check (runner, RD_CHECK (c));
  rd_runner_add_check (runner, RD_CHECK (d));
  rd_runner_add_check (runner, RD_CHECK (e));
  outcome_init (&outcome, runner);
  run_and_wait (runner, NULL, NULL, &outcome);

  g_assert_no_error (outcome.error);
  result = result_of (&outcome, "b");
  g_assert_cmpuint (rd_check_result_get_status (result), ==, RD_CHECK_STATUS_SKIPPED);
  g_assert_nonnull (strstr (rd_check_result_get_summary (result), "“a”"));
  g_assert_cmpstr (json_object_get_string_member (rd_check_result_get_evidence (result), "skipped_because"), ==, "a");
  /* skipping cascades; a warning is no reason to skip */
  g_assert_cmpuint (rd_check_result_get_status (result_of (&outcome, "c")), ==, RD_CHECK_STATUS_SKIPPED);
  g_assert_cmpuint (rd_check_result_get_status (result_of (&outcome, "e")), ==, RD_CHECK_STATUS_PASS);
  g_assert_cmpint (b->started_us, ==, 0);
  /* skipped checks finish without starting */
  g_assert_cmpuint (outcome.started->len, ==, 3);
  g_assert_cmpuint (outcome.finished->len, ==, 5);
  outcome_clear (&outcome);
}

static void
test_deadline (void)
{
  g_autoptr(RdRunner) runner = rd_runner_new ();
  g_autoptr(TestCheck) polite = test_check_new ("polite", NULL, 10000, RD_CHECK_STATUS_PASS);
  g_autoptr(TestCheck) stuck = test_check_new ("stuck", NULL, 3000, RD_CHECK_STATUS_PASS);
  g_autoptr(TestCheck) fast = test_check_new ("fast", NULL, 0, RD_CHECK_STATUS_PASS);
  gint64 started = g_get_monotonic_time ();
  RdCheckResult *result;
  Outcome outcome;

  stuck->ignore_cancel = TRUE;
  rd_runner_add_check (runner, RD_CHECK (polite));
  rd_runner_add_check (runner, RD_CHECK (stuck));
  rd_runner_add_check (runner, RD_CHECK (fast));
  rd_runner_set_deadline_ms (runner, 300);
  outcome_init (&outcome, runner);
  g_test_expect_message ("rd-runner", G_LOG_LEVEL_WARNING, "*ignored its cancellation*");
  run_and_wait (runner, NULL, NULL, &outcome);
  g_test_assert_expected_messages ();

  g_assert_no_error (outcome.error);
  /* a check that honours cancellation is stopped soon after its deadline… */
  result = result_of (&outcome, "polite");
  g_assert_cmpuint (rd_check_result_get_status (result), ==, RD_CHECK_STATUS_ERROR);
  g_assert_true (json_object_get_boolean_member (rd_check_result_get_evidence (result), "deadline_exceeded"));
  g_assert_cmpint (polite->ended_us - polite->started_us, <, 300 * 1000 + 400 * 1000);
  /* …and one that ignores it does not hold up the run */
  result = result_of (&outcome, "stuck");
  g_assert_cmpuint (rd_check_result_get_status (result), ==, RD_CHECK_STATUS_ERROR);
  g_assert_cmpint (outcome.done_us - started, <, 1500 * 1000);
  g_assert_cmpuint (rd_check_result_get_status (result_of (&outcome, "fast")), ==, RD_CHECK_STATUS_PASS);
  outcome_clear (&outcome);

  /* the abandoned thread still ends cleanly */
  drain (3000);
}

static gboolean
cancel_cb (gpointer user_data)
{
  g_cancellable_cancel (user_data);
  return G_SOURCE_REMOVE;
}

static void
test_cancel (void)
{
  RdRunner *runner = rd_runner_new ();
  TestCheck *a = test_check_new ("a", NULL, 10000, RD_CHECK_STATUS_PASS);
  TestCheck *b = test_check_new ("b", NULL, 10000, RD_CHECK_STATUS_PASS);
  TestCheck *c = test_check_new ("c", "a", 0, RD_CHECK_STATUS_PASS);
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  gint64 cancelled_at;
  Outcome outcome;

  rd_runner_add_check (runner, RD_CHECK (a));
  rd_runner_add_check (runner, RD_CHECK (b));
  rd_runner_add_check (runner, RD_CHECK (c));
  rd_runner_set_deadline_ms (runner, 20000);
  outcome_init (&outcome, runner);
  g_timeout_add (100, cancel_cb, cancellable);
  cancelled_at = g_get_monotonic_time () + 100 * 1000;
  run_and_wait (runner, NULL, cancellable, &outcome);

  g_assert_error (outcome.error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_null (outcome.results);
  g_assert_cmpint (outcome.done_us - cancelled_at, <, 200 * 1000);
  g_assert_false (rd_runner_is_running (runner));
  outcome_clear (&outcome);

  /* the threads end and release everything: nothing leaked */
  g_object_unref (a);
  g_object_unref (b);
  g_object_unref (c);
  drain (300);
  g_assert_finalize_object (runner);
}

static void
test_cancel_then_run_again (void)
{
  g_autoptr(RdRunner) runner = rd_runner_new ();
  g_autoptr(TestCheck) a = test_check_new ("a", NULL, 5000, RD_CHECK_STATUS_PASS);
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  Outcome outcome;

  rd_runner_add_check (runner, RD_CHECK (a));
  outcome_init (&outcome, runner);
  g_timeout_add (50, cancel_cb, cancellable);
  run_and_wait (runner, NULL, cancellable, &outcome);
  g_assert_error (outcome.error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_signal_handlers_disconnect_by_data (runner, &outcome);
  outcome_clear (&outcome);

  a->wait_ms = 0;
  outcome_init (&outcome, runner);
  run_and_wait (runner, NULL, NULL, &outcome);
  g_assert_no_error (outcome.error);
  g_assert_cmpuint (rd_check_result_get_status (result_of (&outcome, "a")), ==, RD_CHECK_STATUS_PASS);
  g_signal_handlers_disconnect_by_data (runner, &outcome);
  outcome_clear (&outcome);
  drain (50);
}

static void
test_only_checks (void)
{
  g_autoptr(RdRunner) runner = rd_runner_new ();
  g_autoptr(TestCheck) a = test_check_new ("a", NULL, 0, RD_CHECK_STATUS_PASS);
  g_autoptr(TestCheck) b = test_check_new ("b", "a", 0, RD_CHECK_STATUS_PASS);
  g_autoptr(TestCheck) other = test_check_new ("other", NULL, 0, RD_CHECK_STATUS_PASS);
  const char *only[] = { "b", NULL };
  Outcome outcome;

  rd_runner_add_check (runner, RD_CHECK (a));
  rd_runner_add_check (runner, RD_CHECK (b));
  rd_runner_add_check (runner, RD_CHECK (other));
  outcome_init (&outcome, runner);
  run_and_wait (runner, only, NULL, &outcome);

  g_assert_no_error (outcome.error);
  g_assert_cmpuint (outcome.results->len, ==, 2);
  g_assert_nonnull (result_of (&outcome, "a"));
  g_assert_nonnull (result_of (&outcome, "b"));
  g_assert_null (result_of (&outcome, "other"));
  outcome_clear (&outcome);
}

static void
test_busy (void)
{
  g_autoptr(RdRunner) runner = rd_runner_new ();
  g_autoptr(TestCheck) a = test_check_new ("a", NULL, 100, RD_CHECK_STATUS_PASS);
  g_autoptr(RdTarget) target = rd_target_parse ("127.0.0.1", 3389, NULL);
  Outcome first, second;

  rd_runner_add_check (runner, RD_CHECK (a));
  outcome_init (&first, runner);
  memset (&second, 0, sizeof second);
  rd_runner_run_async (runner, target, NULL, NULL, done_cb, &first);
  rd_runner_run_async (runner, target, NULL, NULL, done_cb, &second);
  while (!first.done || !second.done)
    g_main_context_iteration (NULL, TRUE);

  g_assert_no_error (first.error);
  g_assert_error (second.error, G_IO_ERROR, G_IO_ERROR_BUSY);
  g_clear_error (&second.error);
  outcome_clear (&first);
}

int
main (int   argc,
      char *argv[])
{
  setlocale (LC_ALL, "C.UTF-8");
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/Rd/Runner/concurrency", test_concurrency);
  g_test_add_func ("/Rd/Runner/skip-on-failed-dependency", test_skip_on_failed_dependency);
  g_test_add_func ("/Rd/Runner/deadline", test_deadline);
  g_test_add_func ("/Rd/Runner/cancel", test_cancel);
  g_test_add_func ("/Rd/Runner/cancel-then-run-again", test_cancel_then_run_again);
  g_test_add_func ("/Rd/Runner/only-checks", test_only_checks);
  g_test_add_func ("/Rd/Runner/busy", test_busy);

  return g_test_run ();
}
