/* test-fleet.c: lists of targets: line syntax, bad lines and their numbers,
 * bounded concurrency, reading only as far as needed, cancellation
 *
 * The diagnoses here run a fake check that only waits, so that nothing goes
 * on the network and the tests measure the fleet, not the checks.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <fcntl.h>
#include <locale.h>
#include <string.h>
#include <unistd.h>

#include <glib/gstdio.h>
#include <glib-unix.h>
#include <gio/gunixinputstream.h>

#include "rd-core.h"

#define UTF8_BOM_FOR_TEST "\xef\xbb\xbf"

/* How long a fake check waits; an odd port fails, an even one passes. */
static guint check_wait_ms = 20;
/* Fake checks running at this moment, on any thread, and the most seen */
static gint checks_running;
static gint checks_running_max;

#define TEST_TYPE_CHECK (test_check_get_type ())
G_DECLARE_FINAL_TYPE (TestCheck, test_check, TEST, CHECK, RdCheck)

struct _TestCheck
{
  RdCheck parent_instance;
};

G_DEFINE_FINAL_TYPE (TestCheck, test_check, RD_TYPE_CHECK)

static RdCheckResult *
test_check_run (RdCheck        *check,
                RdCheckContext *context,
                GCancellable   *cancellable)
{
  RdTarget *target = rd_check_context_get_target (context);
  gint now = g_atomic_int_add (&checks_running, 1) + 1;
  gint max = g_atomic_int_get (&checks_running_max);
  GPollFD fd = { 0, };

  while (now > max && !g_atomic_int_compare_and_exchange (&checks_running_max, max, now))
    max = g_atomic_int_get (&checks_running_max);

  if (g_cancellable_make_pollfd (cancellable, &fd))
    {
      g_poll (&fd, 1, (int) check_wait_ms);
      g_cancellable_release_fd (cancellable);
    }
  g_atomic_int_add (&checks_running, -1);

  if (g_cancellable_is_cancelled (cancellable))
    return rd_check_result_new ("fake", RD_CHECK_STATUS_ERROR, "cancelled");
  return rd_check_result_new ("fake",
                              rd_target_get_port (target) % 2 != 0 ? RD_CHECK_STATUS_FAIL : RD_CHECK_STATUS_PASS,
                              "done");
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

static RdRunner *
new_fake_runner (gpointer user_data)
{
  RdRunner *runner = rd_runner_new ();
  g_autoptr(RdCheck) check = g_object_new (TEST_TYPE_CHECK, "id", "fake", "title", "Fake", NULL);

  rd_runner_add_check (runner, check);
  return runner;
}

typedef struct
{
  gboolean       done;
  gboolean       ok;
  GError        *error;
  RdFleetCounts  counts;
  gint64         done_us;
  GArray        *finished;        /* guint line numbers, in finishing order */
  GArray        *rejected;        /* guint line numbers */
  GPtrArray     *rejected_texts;  /* char *, "" for none */
  GPtrArray     *rejected_errors; /* GError */
  guint          running;         /* started, not finished, as the signals tell */
  guint          running_max;
  guint          lines_at_first_finish;
  GCancellable  *cancel_at;       /* cancelled once this many targets started … */
  guint          cancel_after;
} Outcome;

static void
started_cb (RdFleet  *fleet,
            guint     line,
            RdTarget *target,
            Outcome  *outcome)
{
  RdFleetCounts counts;

  outcome->running++;
  outcome->running_max = MAX (outcome->running_max, outcome->running);
  rd_fleet_get_counts (fleet, &counts);
  g_assert_cmpuint (counts.running, ==, outcome->running);
  g_assert_cmpuint (counts.running, <=, rd_fleet_get_jobs (fleet));

  if (outcome->cancel_at != NULL && counts.targets == outcome->cancel_after)
    g_cancellable_cancel (outcome->cancel_at);
}

static void
finished_cb (RdFleet     *fleet,
             guint        line,
             RdDiagnosis *diagnosis,
             Outcome     *outcome)
{
  RdFleetCounts counts;

  g_assert_true (RD_IS_DIAGNOSIS (diagnosis));
  g_assert_cmpuint (outcome->running, >, 0);
  outcome->running--;
  if (outcome->finished->len == 0)
    {
      rd_fleet_get_counts (fleet, &counts);
      outcome->lines_at_first_finish = counts.lines;
    }
  g_array_append_val (outcome->finished, line);
}

static void
rejected_cb (RdFleet      *fleet,
             guint         line,
             const char   *text,
             const GError *error,
             Outcome      *outcome)
{
  g_assert_nonnull (error);
  g_assert_nonnull (error->message);
  g_array_append_val (outcome->rejected, line);
  g_ptr_array_add (outcome->rejected_texts, g_strdup (text != NULL ? text : ""));
  g_ptr_array_add (outcome->rejected_errors, g_error_copy (error));
}

static void
done_cb (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  Outcome *outcome = user_data;

  outcome->ok = rd_fleet_run_finish (RD_FLEET (source), result, &outcome->counts, &outcome->error);
  outcome->done = TRUE;
  outcome->done_us = g_get_monotonic_time ();
}

static RdFleet *
fake_fleet (guint    jobs,
            Outcome *outcome)
{
  RdFleet *fleet = rd_fleet_new ();

  rd_fleet_set_jobs (fleet, jobs);
  rd_fleet_set_runner_func (fleet, new_fake_runner, NULL, NULL);
  memset (outcome, 0, sizeof *outcome);
  outcome->finished = g_array_new (FALSE, FALSE, sizeof (guint));
  outcome->rejected = g_array_new (FALSE, FALSE, sizeof (guint));
  outcome->rejected_texts = g_ptr_array_new_with_free_func (g_free);
  outcome->rejected_errors = g_ptr_array_new_with_free_func ((GDestroyNotify) g_error_free);
  g_signal_connect (fleet, "target-started", G_CALLBACK (started_cb), outcome);
  g_signal_connect (fleet, "target-finished", G_CALLBACK (finished_cb), outcome);
  g_signal_connect (fleet, "line-rejected", G_CALLBACK (rejected_cb), outcome);
  g_atomic_int_set (&checks_running, 0);
  g_atomic_int_set (&checks_running_max, 0);
  return fleet;
}

static void
outcome_clear (Outcome *outcome)
{
  g_clear_pointer (&outcome->finished, g_array_unref);
  g_clear_pointer (&outcome->rejected, g_array_unref);
  g_clear_pointer (&outcome->rejected_texts, g_ptr_array_unref);
  g_clear_pointer (&outcome->rejected_errors, g_ptr_array_unref);
  g_clear_error (&outcome->error);
}

static void
run_and_wait (RdFleet      *fleet,
              GInputStream *stream,
              GCancellable *cancellable,
              Outcome      *outcome)
{
  rd_fleet_run_async (fleet, stream, cancellable, done_cb, outcome);
  while (!outcome->done)
    g_main_context_iteration (NULL, TRUE);
}

static GInputStream *
stream_for (const char *text,
            gssize      length)
{
  if (length < 0)
    length = strlen (text);
  return g_memory_input_stream_new_from_data (g_memdup2 (text, length), length, g_free);
}

static gboolean
has_line (GArray *lines,
          guint   line)
{
  for (guint i = 0; i < lines->len; i++)
    if (g_array_index (lines, guint, i) == line)
      return TRUE;
  return FALSE;
}

static GError *
rejected_error (Outcome *outcome,
                guint    i)
{
  return g_ptr_array_index (outcome->rejected_errors, i);
}

/* Lets abandoned check threads finish and drop their references. */
static void
drain (guint ms)
{
  gint64 end = g_get_monotonic_time () + ms * 1000;

  while (g_get_monotonic_time () < end)
    g_main_context_iteration (NULL, FALSE), g_usleep (1000);
}

static void
test_lines (void)
{
  static const char list[] =
    UTF8_BOM_FOR_TEST "# the lab\r\n"              /* 1: a comment, after a byte order mark */
    "\n"                                            /* 2 */
    "   \t \n"                                      /* 3 */
    "127.0.0.1:3389   # the demo\n"                 /* 4: odd port: a problem */
    "  # indented comment\n"                        /* 5 */
    "serv er\n"                                     /* 6: rejected: a space */
    "[2001:db8::1]:3390\r\n"                        /* 7: even port, CRLF */
    "2001:db8::2\n"                                 /* 8: bare IPv6, port 3389 */
    "host#not-a-comment\n"                          /* 9: rejected: "#" without a blank */
    "bad\xff" "byte\n"                              /* 10: rejected: not UTF-8 */
    "nul\0byte\n"                                   /* 11: rejected: a NUL */
    "server.example.com:0\n"                        /* 12: rejected: port 0 */
    "server.example.com:3390";                      /* 13: last line, no newline */
  g_autoptr(RdFleet) fleet = NULL;
  g_autoptr(GInputStream) stream = stream_for (list, sizeof list - 1);
  g_autoptr(GPtrArray) tallies = NULL;
  Outcome outcome;

  fleet = fake_fleet (3, &outcome);
  run_and_wait (fleet, stream, NULL, &outcome);

  g_assert_no_error (outcome.error);
  g_assert_true (outcome.ok);
  g_assert_cmpuint (outcome.counts.lines, ==, 13);
  g_assert_cmpuint (outcome.counts.targets, ==, 4);
  g_assert_cmpuint (outcome.counts.finished, ==, 4);
  g_assert_cmpuint (outcome.counts.running, ==, 0);
  g_assert_cmpuint (outcome.counts.rejected, ==, 5);
  g_assert_true (outcome.counts.end_of_input);
  /* ports 3389 (twice) fail, 3390 (twice) pass */
  g_assert_cmpuint (outcome.counts.problems, ==, 2);

  g_assert_cmpuint (outcome.finished->len, ==, 4);
  g_assert_true (has_line (outcome.finished, 4));
  g_assert_true (has_line (outcome.finished, 7));
  g_assert_true (has_line (outcome.finished, 8));
  g_assert_true (has_line (outcome.finished, 13));

  g_assert_cmpuint (outcome.rejected->len, ==, 5);
  g_assert_cmpuint (g_array_index (outcome.rejected, guint, 0), ==, 6);
  g_assert_cmpstr (g_ptr_array_index (outcome.rejected_texts, 0), ==, "serv er");
  g_assert_error (rejected_error (&outcome, 0), RD_TARGET_ERROR, RD_TARGET_ERROR_WHITESPACE);
  g_assert_cmpuint (g_array_index (outcome.rejected, guint, 1), ==, 9);
  g_assert_cmpstr (g_ptr_array_index (outcome.rejected_texts, 1), ==, "host#not-a-comment");
  g_assert_error (rejected_error (&outcome, 1), RD_TARGET_ERROR, RD_TARGET_ERROR_SHELL_CHARACTER);
  g_assert_cmpuint (g_array_index (outcome.rejected, guint, 2), ==, 10);
  g_assert_cmpstr (g_ptr_array_index (outcome.rejected_texts, 2), ==, "");
  g_assert_error (rejected_error (&outcome, 2), RD_FLEET_ERROR, RD_FLEET_ERROR_INVALID_TEXT);
  g_assert_cmpuint (g_array_index (outcome.rejected, guint, 3), ==, 11);
  g_assert_error (rejected_error (&outcome, 3), RD_FLEET_ERROR, RD_FLEET_ERROR_INVALID_TEXT);
  g_assert_cmpuint (g_array_index (outcome.rejected, guint, 4), ==, 12);
  g_assert_error (rejected_error (&outcome, 4), RD_TARGET_ERROR, RD_TARGET_ERROR_PORT_OUT_OF_RANGE);

  /* the fake check fails without a cause: one row without a cause id */
  tallies = rd_fleet_get_tallies (fleet);
  g_assert_cmpuint (tallies->len, ==, 1);
  g_assert_null (((RdFleetTally *) g_ptr_array_index (tallies, 0))->cause_id);
  g_assert_cmpuint (((RdFleetTally *) g_ptr_array_index (tallies, 0))->hosts, ==, 2);

  outcome_clear (&outcome);
}

static void
test_empty (void)
{
  const char * const lists[] = { "", "\n\n", "# nothing\n   # at all" };

  for (guint i = 0; i < G_N_ELEMENTS (lists); i++)
    {
      g_autoptr(RdFleet) fleet = NULL;
      g_autoptr(GInputStream) stream = stream_for (lists[i], -1);
      Outcome outcome;

      fleet = fake_fleet (4, &outcome);
      run_and_wait (fleet, stream, NULL, &outcome);
      g_assert_no_error (outcome.error);
      g_assert_true (outcome.ok);
      g_assert_cmpuint (outcome.counts.targets, ==, 0);
      g_assert_cmpuint (outcome.counts.rejected, ==, 0);
      g_assert_true (outcome.counts.end_of_input);
      outcome_clear (&outcome);
    }
}

/* Over-long lines are rejected as they stream past; the line numbers after
 * them stay right. */
static void
test_long_lines (void)
{
  g_autoptr(GString) list = g_string_new (NULL);
  g_autoptr(RdFleet) fleet = NULL;
  g_autoptr(GInputStream) stream = NULL;
  Outcome outcome;

  g_string_append (list, "127.0.0.1:2\n");                    /* 1 */
  for (guint i = 0; i < RD_FLEET_MAX_LINE; i++)               /* 2: the longest line: the parser refuses it */
    g_string_append_c (list, 'a');
  g_string_append_c (list, '\n');
  for (guint i = 0; i < RD_FLEET_MAX_LINE + 1; i++)           /* 3: one byte too long */
    g_string_append_c (list, 'b');
  g_string_append_c (list, '\n');
  g_string_append (list, "127.0.0.1:4\n");                    /* 4 */
  for (guint i = 0; i < 1000000; i++)                         /* 5: a megabyte */
    g_string_append_c (list, i % 64 == 63 ? ' ' : 'c');
  g_string_append_c (list, '\n');
  g_string_append (list, "127.0.0.1:6\n");                    /* 6 */
  for (guint i = 0; i < 3 * RD_FLEET_MAX_LINE; i++)           /* 7: long, and the last, without a newline */
    g_string_append_c (list, 'd');

  stream = stream_for (list->str, list->len);
  fleet = fake_fleet (2, &outcome);
  run_and_wait (fleet, stream, NULL, &outcome);

  g_assert_true (outcome.ok);
  g_assert_cmpuint (outcome.counts.lines, ==, 7);
  g_assert_cmpuint (outcome.counts.finished, ==, 3);
  g_assert_true (has_line (outcome.finished, 1));
  g_assert_true (has_line (outcome.finished, 4));
  g_assert_true (has_line (outcome.finished, 6));
  g_assert_cmpuint (outcome.rejected->len, ==, 4);
  g_assert_cmpuint (g_array_index (outcome.rejected, guint, 0), ==, 2);
  g_assert_true (rejected_error (&outcome, 0)->domain == RD_TARGET_ERROR);
  g_assert_cmpuint (g_array_index (outcome.rejected, guint, 1), ==, 3);
  g_assert_error (rejected_error (&outcome, 1), RD_FLEET_ERROR, RD_FLEET_ERROR_LINE_TOO_LONG);
  g_assert_cmpstr (g_ptr_array_index (outcome.rejected_texts, 1), ==, "");
  g_assert_cmpuint (g_array_index (outcome.rejected, guint, 2), ==, 5);
  g_assert_error (rejected_error (&outcome, 2), RD_FLEET_ERROR, RD_FLEET_ERROR_LINE_TOO_LONG);
  g_assert_cmpuint (g_array_index (outcome.rejected, guint, 3), ==, 7);
  g_assert_error (rejected_error (&outcome, 3), RD_FLEET_ERROR, RD_FLEET_ERROR_LINE_TOO_LONG);
  outcome_clear (&outcome);
}

static GString *
many_targets (guint n)
{
  GString *list = g_string_new (NULL);

  for (guint i = 0; i < n; i++)
    g_string_append_printf (list, "127.0.%u.%u:%u\n", i / 250, i % 250 + 1, 3389 + i % 2);
  return list;
}

/* Never more than --jobs at once, by the fleet's signals and by the checks
 * themselves; and the bound is used, not just respected. */
static void
test_bounded (void)
{
  const guint jobs[] = { 1, 3, 8 };

  for (guint j = 0; j < G_N_ELEMENTS (jobs); j++)
    {
      g_autoptr(GString) list = many_targets (40);
      g_autoptr(GInputStream) stream = stream_for (list->str, list->len);
      g_autoptr(RdFleet) fleet = NULL;
      Outcome outcome;

      fleet = fake_fleet (jobs[j], &outcome);
      run_and_wait (fleet, stream, NULL, &outcome);

      g_assert_true (outcome.ok);
      g_assert_cmpuint (outcome.counts.finished, ==, 40);
      g_assert_cmpuint (outcome.finished->len, ==, 40);
      for (guint line = 1; line <= 40; line++)
        g_assert_true (has_line (outcome.finished, line));
      g_assert_cmpuint (outcome.counts.problems, ==, 20);
      g_assert_cmpuint (outcome.running_max, ==, jobs[j]);
      g_assert_cmpint (g_atomic_int_get (&checks_running_max), <=, (gint) jobs[j]);
      g_assert_cmpint (g_atomic_int_get (&checks_running_max), >=, 1);
      g_test_message ("--jobs %u: at most %u running by the signals, %d checks at once on threads",
                      jobs[j], outcome.running_max, g_atomic_int_get (&checks_running_max));
      outcome_clear (&outcome);
    }
}

/* A line is taken only when a diagnosis can start: the list is not read
 * ahead of the jobs. */
static void
test_reads_only_what_it_needs (void)
{
  g_autoptr(GString) list = many_targets (200);
  g_autoptr(GInputStream) stream = stream_for (list->str, list->len);
  g_autoptr(RdFleet) fleet = NULL;
  Outcome outcome;

  fleet = fake_fleet (4, &outcome);
  run_and_wait (fleet, stream, NULL, &outcome);
  g_assert_true (outcome.ok);
  g_assert_cmpuint (outcome.lines_at_first_finish, ==, 4);
  g_assert_cmpuint (outcome.counts.finished, ==, 200);
  outcome_clear (&outcome);
}

typedef struct
{
  int         fd;
  const char *text;
  gsize       chunk;
} Writer;

static gpointer
write_slowly (gpointer data)
{
  Writer *writer = data;
  gsize length = strlen (writer->text);

  for (gsize done = 0; done < length; done += writer->chunk)
    {
      gsize n = MIN (writer->chunk, length - done);

      g_assert_cmpint (write (writer->fd, writer->text + done, n), ==, (gssize) n);
      g_usleep (2000);
    }
  close (writer->fd);
  return NULL;
}

/* A pipe (the CLI's "-") delivers lines in pieces and late; the fleet reads
 * it without blocking, and cuts lines where the newlines are. */
static void
test_pipe (void)
{
  static const char list[] =
    "127.0.0.1:1\n"
    "# a comment that spans several writes\n"
    "[::1]:2 # and one after a target\n"
    "bad host\n"
    "127.0.0.1:5";
  g_autoptr(GInputStream) stream = NULL;
  g_autoptr(RdFleet) fleet = NULL;
  g_autoptr(GThread) thread = NULL;
  Writer writer = { -1, list, 7 };
  Outcome outcome;
  int fds[2];

  g_assert_true (g_unix_open_pipe (fds, FD_CLOEXEC, NULL));
  stream = g_unix_input_stream_new (fds[0], TRUE);
  g_assert_true (g_pollable_input_stream_can_poll (G_POLLABLE_INPUT_STREAM (stream)));
  writer.fd = fds[1];
  thread = g_thread_new ("writer", write_slowly, &writer);

  fleet = fake_fleet (2, &outcome);
  run_and_wait (fleet, stream, NULL, &outcome);
  g_thread_join (g_steal_pointer (&thread));

  g_assert_true (outcome.ok);
  g_assert_cmpuint (outcome.counts.lines, ==, 5);
  g_assert_cmpuint (outcome.counts.finished, ==, 3);
  g_assert_true (has_line (outcome.finished, 1));
  g_assert_true (has_line (outcome.finished, 3));
  g_assert_true (has_line (outcome.finished, 5));
  g_assert_cmpuint (outcome.rejected->len, ==, 1);
  g_assert_cmpuint (g_array_index (outcome.rejected, guint, 0), ==, 4);
  g_assert_cmpstr (g_ptr_array_index (outcome.rejected_texts, 0), ==, "bad host");
  outcome_clear (&outcome);
}

/* A regular file is read synchronously (no GIO thread); same result. */
static void
test_file (void)
{
  g_autoptr(GString) list = many_targets (300);
  g_autofree char *path = NULL;
  g_autoptr(GFile) file = NULL;
  g_autoptr(GInputStream) stream = NULL;
  g_autoptr(RdFleet) fleet = NULL;
  g_autoptr(GError) error = NULL;
  Outcome outcome;
  int fd;

  fd = g_file_open_tmp ("test-fleet-XXXXXX", &path, &error);
  g_assert_no_error (error);
  close (fd);
  g_assert_true (g_file_set_contents (path, list->str, list->len, &error));
  file = g_file_new_for_path (path);
  stream = G_INPUT_STREAM (g_file_read (file, NULL, &error));
  g_assert_no_error (error);

  fleet = fake_fleet (16, &outcome);
  run_and_wait (fleet, stream, NULL, &outcome);
  g_assert_true (outcome.ok);
  g_assert_cmpuint (outcome.counts.finished, ==, 300);
  g_assert_cmpuint (outcome.running_max, ==, 16);
  outcome_clear (&outcome);
  g_unlink (path);
}

/* Cancelling stops every running diagnosis and the reading at once; nothing
 * cancelled is reported as finished. */
static void
test_cancel (void)
{
  g_autoptr(GString) list = many_targets (100);
  g_autoptr(GInputStream) stream = stream_for (list->str, list->len);
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(RdFleet) fleet = NULL;
  guint saved_wait = check_wait_ms;
  gint64 started_us;
  Outcome outcome;

  check_wait_ms = 30 * 1000;
  fleet = fake_fleet (8, &outcome);
  outcome.cancel_at = cancellable;
  outcome.cancel_after = 8;
  started_us = g_get_monotonic_time ();
  run_and_wait (fleet, stream, cancellable, &outcome);

  g_assert_false (outcome.ok);
  g_assert_error (outcome.error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_cmpuint (outcome.counts.targets, ==, 8);
  g_assert_cmpuint (outcome.counts.running, ==, 0);
  g_assert_cmpuint (outcome.counts.finished, ==, 0);
  g_assert_cmpuint (outcome.finished->len, ==, 0);
  /* the checks wait 30 s unless cancelled: this is the cancellation, not a deadline */
  g_assert_cmpint (outcome.done_us - started_us, <, 10 * G_USEC_PER_SEC);
  g_assert_false (rd_fleet_is_running (fleet));
  outcome_clear (&outcome);
  check_wait_ms = saved_wait;
  drain (200);
}

/* Cancelled while waiting for a pipe that never says more */
static void
test_cancel_while_reading (void)
{
  g_autoptr(GInputStream) stream = NULL;
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(RdFleet) fleet = NULL;
  Outcome outcome;
  int fds[2];

  g_assert_true (g_unix_open_pipe (fds, FD_CLOEXEC, NULL));
  g_assert_cmpint (write (fds[1], "127.0.0.1:2\n127.0.0", 20), ==, 20);
  stream = g_unix_input_stream_new (fds[0], TRUE);

  fleet = fake_fleet (4, &outcome);
  rd_fleet_run_async (fleet, stream, cancellable, done_cb, &outcome);
  while (outcome.finished->len < 1)
    g_main_context_iteration (NULL, TRUE);
  g_assert_false (outcome.done);
  g_cancellable_cancel (cancellable);
  while (!outcome.done)
    g_main_context_iteration (NULL, TRUE);

  g_assert_error (outcome.error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_cmpuint (outcome.counts.finished, ==, 1);
  g_assert_false (outcome.counts.end_of_input);
  close (fds[1]);
  outcome_clear (&outcome);
}

/* A run can follow another; counts and tallies start again. */
static void
test_run_again (void)
{
  g_autoptr(RdFleet) fleet = NULL;
  Outcome outcome;

  fleet = fake_fleet (2, &outcome);
  for (guint i = 0; i < 2; i++)
    {
      g_autoptr(GInputStream) stream = stream_for ("127.0.0.1:1\n127.0.0.1:3\n", -1);
      g_autoptr(GPtrArray) tallies = NULL;

      outcome.done = FALSE;
      run_and_wait (fleet, stream, NULL, &outcome);
      g_assert_true (outcome.ok);
      g_assert_cmpuint (outcome.counts.finished, ==, 2);
      tallies = rd_fleet_get_tallies (fleet);
      g_assert_cmpuint (tallies->len, ==, 1);
      g_assert_cmpuint (((RdFleetTally *) g_ptr_array_index (tallies, 0))->hosts, ==, 2);
    }
  outcome_clear (&outcome);
}

/* The standard checks against a port on loopback that nothing listens on:
 * the real runner, with the same per-check deadline and the error code the
 * user gave applying to every host. */
static void
test_real_runner (void)
{
  g_autoptr(RdFleet) fleet = rd_fleet_new ();
  g_autoptr(GInputStream) stream = stream_for ("127.0.0.1:1\n127.0.0.1:1\n", -1);
  g_autoptr(GPtrArray) tallies = NULL;
  g_autoptr(RdErrorCode) code = rd_error_code_parse ("0x904:0x7", NULL);
  RdUserReport report = { FALSE, 0, code };
  RdFleetTally *tally;
  Outcome outcome;

  g_assert_nonnull (code);
  memset (&outcome, 0, sizeof outcome);
  rd_fleet_set_deadline_ms (fleet, 2000);
  rd_fleet_set_user_report (fleet, &report);
  run_and_wait (fleet, stream, NULL, &outcome);

  g_assert_no_error (outcome.error);
  g_assert_cmpuint (outcome.counts.finished, ==, 2);
  g_assert_cmpuint (outcome.counts.problems, ==, 2);
  tallies = rd_fleet_get_tallies (fleet);
  g_assert_cmpuint (tallies->len, ==, 1);
  tally = g_ptr_array_index (tallies, 0);
  g_assert_cmpstr (tally->cause_id, ==, "port-closed");
  g_assert_nonnull (tally->title);
  g_assert_cmpuint (tally->hosts, ==, 2);
  drain (100);
}

int
main (int   argc,
      char *argv[])
{
  setlocale (LC_ALL, "C.UTF-8");
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/Rd/Engine/Fleet/lines", test_lines);
  g_test_add_func ("/Rd/Engine/Fleet/empty", test_empty);
  g_test_add_func ("/Rd/Engine/Fleet/long-lines", test_long_lines);
  g_test_add_func ("/Rd/Engine/Fleet/bounded", test_bounded);
  g_test_add_func ("/Rd/Engine/Fleet/reads-only-what-it-needs", test_reads_only_what_it_needs);
  g_test_add_func ("/Rd/Engine/Fleet/pipe", test_pipe);
  g_test_add_func ("/Rd/Engine/Fleet/file", test_file);
  g_test_add_func ("/Rd/Engine/Fleet/cancel", test_cancel);
  g_test_add_func ("/Rd/Engine/Fleet/cancel-while-reading", test_cancel_while_reading);
  g_test_add_func ("/Rd/Engine/Fleet/run-again", test_run_again);
  g_test_add_func ("/Rd/Engine/Fleet/real-runner", test_real_runner);

  return g_test_run ();
}
