/* test-cancel.c: the standard runner against the scripted server, cancelled
 * at random points; nothing may crash, hang or be left behind
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <locale.h>
#include <string.h>

#include "rd-core.h"

#define N_CANCELS          100
/* The contract: the run's callback within this of g_cancellable_cancel(). */
#define CANCEL_LATENCY_US  (200 * G_TIME_SPAN_MILLISECOND)
/* Short deadlines keep a hundred runs short; the behaviours that never answer
 * still spend the whole of it in the negotiation. */
#define DEADLINE_MS        500
/* How long abandoned and cancelled check threads get to return. */
#define DRAIN_US           (6 * G_USEC_PER_SEC)

static const char * const behaviours[] = { "windows", "silent", "slow-drip" };

typedef struct
{
  GSubprocess *process;
  RdTarget    *target;
  guint        run_ms;     /* a whole run, not cancelled */
} Server;

typedef struct
{
  GPtrArray *results;
  GError    *error;
  gboolean   done;
  gint64     done_us;
  gint64     cancelled_us;  /* 0 until the cancel was made */
  GCancellable *cancellable;
} Run;

static void
server_start (Server     *server,
              const char *behaviour)
{
  const char *path = g_getenv ("RD_TEST_SERVER");
  g_autoptr(GDataInputStream) out = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *line = NULL;
  g_autofree char *where = NULL;
  g_auto(GStrv) words = NULL;

  g_assert_nonnull (path);
  server->process = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_SILENCE,
                                      &error, path, "--listen", "127.0.0.1", "--port", "0",
                                      "--behaviour", behaviour, NULL);
  g_assert_no_error (error);
  out = g_data_input_stream_new (g_subprocess_get_stdout_pipe (server->process));
  line = g_data_input_stream_read_line (out, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (line);
  words = g_strsplit (line, " ", -1);
  g_assert_cmpuint (g_strv_length (words), ==, 3);
  g_assert_cmpstr (words[0], ==, "LISTENING");
  where = g_strdup_printf ("%s:%s", words[1], words[2]);
  server->target = rd_target_parse (where, 3389, &error);
  g_assert_no_error (error);
}

static void
server_stop (Server *server)
{
  g_subprocess_send_signal (server->process, SIGTERM);
  g_subprocess_wait (server->process, NULL, NULL);
  g_clear_object (&server->process);
  g_clear_pointer (&server->target, rd_target_unref);
}

static guint
count_entries (const char *path,
               guint      *n_sockets)
{
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;
  guint n = 0;

  g_assert_nonnull (dir);
  if (n_sockets != NULL)
    *n_sockets = 0;
  while ((name = g_dir_read_name (dir)) != NULL)
    {
      n++;
      if (n_sockets != NULL)
        {
          g_autofree char *entry = g_build_filename (path, name, NULL);
          g_autofree char *link = g_file_read_link (entry, NULL);

          if (link != NULL && g_str_has_prefix (link, "socket:"))
            (*n_sockets)++;
        }
    }
  return n;
}

typedef struct
{
  guint fds;
  guint sockets;
  guint threads;
} Census;

static void
census_take (Census *census)
{
  census->fds = count_entries ("/proc/self/fd", &census->sockets);
  census->threads = count_entries ("/proc/self/task", NULL);
}

/* Iterates the main context until the census is down to @baseline (or
 * @timeout_us passed); the last census goes to @now. */
static void
drain_until (const Census *baseline,
             gint64        timeout_us,
             Census       *now)
{
  gint64 end = g_get_monotonic_time () + timeout_us;

  for (;;)
    {
      while (g_main_context_iteration (NULL, FALSE))
        ;
      census_take (now);
      if (baseline != NULL && now->fds <= baseline->fds && now->sockets <= baseline->sockets &&
          now->threads <= baseline->threads)
        return;
      if (g_get_monotonic_time () >= end)
        return;
      g_usleep (20 * 1000);
    }
}

static void
run_done_cb (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  Run *run = user_data;

  run->results = rd_runner_run_finish (RD_RUNNER (source), result, &run->error);
  run->done_us = g_get_monotonic_time ();
  run->done = TRUE;
}

static gboolean
cancel_cb (gpointer user_data)
{
  Run *run = user_data;

  run->cancelled_us = g_get_monotonic_time ();
  g_cancellable_cancel (run->cancellable);
  return G_SOURCE_REMOVE;
}

/* One run, cancelled after @cancel_after_ms unless 0 or done before. */
static void
run_once (RdRunner *runner,
          RdTarget *target,
          guint     cancel_after_ms,
          Run      *run)
{
  guint cancel_id = 0;

  memset (run, 0, sizeof *run);
  run->cancellable = g_cancellable_new ();
  if (cancel_after_ms > 0)
    cancel_id = g_timeout_add (cancel_after_ms, cancel_cb, run);
  rd_runner_run_async (runner, target, NULL, run->cancellable, run_done_cb, run);
  while (!run->done)
    g_main_context_iteration (NULL, TRUE);
  if (run->cancelled_us == 0 && cancel_id != 0)
    g_source_remove (cancel_id);
}

static void
run_clear (Run *run)
{
  g_clear_pointer (&run->results, g_ptr_array_unref);
  g_clear_error (&run->error);
  g_clear_object (&run->cancellable);
}

static RdCheckResult *
result_of (GPtrArray  *results,
           const char *id)
{
  for (guint i = 0; i < results->len; i++)
    if (g_str_equal (rd_check_result_get_check_id (g_ptr_array_index (results, i)), id))
      return g_ptr_array_index (results, i);
  return NULL;
}

static void
test_cancel_at_random_points (void)
{
  Server servers[G_N_ELEMENTS (behaviours)] = { { 0, } };
  g_autoptr(RdRunner) runner = rd_checks_new_runner ();
  Census before, after;
  guint n_cancelled = 0, n_finished_first = 0;
  gint64 worst_latency_us = 0, total_latency_us = 0;
  Run run;

  if (g_getenv ("RD_TEST_SERVER") == NULL)
    {
      g_test_skip ("RD_TEST_SERVER is not set");
      return;
    }
  rd_runner_set_deadline_ms (runner, DEADLINE_MS);

  /* Warm up: one whole run per behaviour makes the process-wide things
   * (GTask's pool, the system bus connection, OpenSSL's tables) exist before
   * the census, and measures how long a run lasts. */
  for (guint b = 0; b < G_N_ELEMENTS (behaviours); b++)
    {
      gint64 started;

      server_start (&servers[b], behaviours[b]);
      started = g_get_monotonic_time ();
      run_once (runner, servers[b].target, 0, &run);
      g_assert_no_error (run.error);
      servers[b].run_ms = (guint) ((run.done_us - started) / 1000);
      g_test_message ("%s: a whole run takes %u ms", behaviours[b], servers[b].run_ms);
      run_clear (&run);
    }
  /* Idle pool threads leave at once (after GLib's half-second wait) rather
   * than lingering as "unused": otherwise the count would depend on timing.
   * After the warm-up, because the engine's worker pool asks GLib to keep
   * idle threads for reuse when it starts. */
  g_thread_pool_set_max_unused_threads (0);
  g_thread_pool_stop_unused_threads ();
  drain_until (NULL, G_USEC_PER_SEC, &before);
  g_test_message ("before: %u fds (%u sockets), %u threads", before.fds, before.sockets, before.threads);

  for (guint i = 0; i < N_CANCELS; i++)
    {
      Server *server = &servers[i % G_N_ELEMENTS (behaviours)];
      /* anywhere from the start to the end of a whole run */
      guint at_ms = (guint) g_test_rand_int_range (1, (gint32) MAX (server->run_ms, 2));
      gint64 latency_us;

      run_once (runner, server->target, at_ms, &run);
      if (run.cancelled_us == 0)
        {
          /* the run was quicker this time than the warm-up's */
          g_assert_no_error (run.error);
          g_assert_nonnull (run.results);
          n_finished_first++;
          run_clear (&run);
          continue;
        }

      g_assert_error (run.error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
      g_assert_null (run.results);
      latency_us = run.done_us - run.cancelled_us;
      if (latency_us > CANCEL_LATENCY_US)
        g_test_message ("%s cancelled at %u ms: answered after %" G_GINT64_FORMAT " µs",
                        behaviours[i % G_N_ELEMENTS (behaviours)], at_ms, latency_us);
      g_assert_cmpint (latency_us, <=, CANCEL_LATENCY_US);
      g_assert_false (rd_runner_is_running (runner));
      worst_latency_us = MAX (worst_latency_us, latency_us);
      total_latency_us += latency_us;
      n_cancelled++;
      run_clear (&run);
    }

  g_thread_pool_stop_unused_threads ();
  drain_until (&before, DRAIN_US, &after);
  g_test_message ("%u runs cancelled (%u finished before their cancel); cancel to callback: "
                  "worst %" G_GINT64_FORMAT " µs, mean %" G_GINT64_FORMAT " µs",
                  n_cancelled, n_finished_first, worst_latency_us,
                  n_cancelled > 0 ? total_latency_us / n_cancelled : 0);
  g_test_message ("after: %u fds (%u sockets), %u threads", after.fds, after.sockets, after.threads);
  g_assert_cmpuint (n_cancelled, >=, N_CANCELS / 2);
  g_assert_cmpuint (after.sockets, <=, before.sockets);
  g_assert_cmpuint (after.fds, <=, before.fds);
  g_assert_cmpuint (after.threads, <=, before.threads);

  /* and the runner works as before */
  run_once (runner, servers[0].target, 0, &run);
  g_assert_no_error (run.error);
  g_assert_nonnull (run.results);
  g_assert_cmpuint (rd_check_result_get_status (result_of (run.results, "negotiation")), ==, RD_CHECK_STATUS_PASS);
  g_assert_cmpuint (rd_check_result_get_status (result_of (run.results, "tls")), ==, RD_CHECK_STATUS_PASS);
  g_assert_cmpuint (rd_check_result_get_status (result_of (run.results, "credssp")), ==, RD_CHECK_STATUS_PASS);
  {
    g_autoptr(RdDiagnosis) diagnosis = rd_diagnosis_new (servers[0].target, run.results, rd_catalog_get_default ());

    g_assert_false (rd_diagnosis_found_problems (diagnosis));
  }
  run_clear (&run);

  for (guint b = 0; b < G_N_ELEMENTS (behaviours); b++)
    server_stop (&servers[b]);
}

int
main (int   argc,
      char *argv[])
{
  setlocale (LC_ALL, "");
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/RdpDoctor/Engine/Cancel/random-points", test_cancel_at_random_points);
  return g_test_run ();
}
