/* rd-fleet.c: one diagnosis per line of a list of targets, a bounded number
 * at a time
 *
 * The list is read a buffer at a time, and a line only when a diagnosis may
 * start: however long the list, memory holds one read buffer, the running
 * diagnoses and a few counters. Each finished diagnosis is handed out through
 * ::target-finished and dropped. Lines are split here rather than by
 * GDataInputStream, whose read_line() grows its buffer until the newline
 * comes: a line longer than RD_FLEET_MAX_LINE is skipped as it streams past,
 * never held whole.
 *
 * A pollable stream (a pipe, a terminal, standard input) is read
 * asynchronously, so that a slow writer never blocks the main loop; any other
 * (a regular file) synchronously, because GIO would otherwise read it on the
 * thread pool the checks share, behind them.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "rd-fleet"

#include "config.h"

#include <string.h>
#include <glib/gi18n-lib.h>

#include "rd-catalog.h"
#include "rd-cause.h"
#include "rd-checks.h"
#include "rd-fleet.h"
#include "rd-runner.h"
#include "rd-target.h"

/* Room for the longest line and its newline, and as much again, so that
 * most reads bring in many lines. */
#define BUFFER_SIZE (2 * (RD_FLEET_MAX_LINE + 1))

/* Lines handled in one go before the main loop gets a turn: a list of
 * nothing but comments or bad lines must not hold off Ctrl-C. */
#define LINES_PER_TURN 256

/* UTF-8's byte order mark, which Windows editors put at the start of a file */
#define UTF8_BOM "\xef\xbb\xbf"

typedef struct
{
  RdFleet  *fleet;       /* borrowed: the run waits for every job */
  guint     line;
  RdTarget *target;
  RdRunner *runner;
} Job;

typedef enum
{
  TAKE_LINE,
  TAKE_NEED_MORE,
  TAKE_END,
} TakeStatus;

struct _RdFleet
{
  GObject            parent_instance;

  guint              jobs;
  guint              deadline_ms;
  GHashTable        *options;         /* name → GVariant, given to every runner */
  RdUserReport       report;          /* report.error_code is ours */
  RdFleetRunnerFunc  runner_func;
  gpointer           runner_data;
  GDestroyNotify     runner_destroy;

  /* the run in progress (task != NULL) */
  GTask             *task;
  GInputStream      *input;
  gboolean           pollable;
  guint8            *buffer;          /* BUFFER_SIZE bytes; [start, end) not yet taken */
  gsize              start;
  gsize              end;
  gboolean           at_eof;          /* the stream has no more bytes */
  gboolean           skipping;        /* inside an over-long line, dropping its bytes */
  gboolean           reading;         /* an asynchronous read is under way */
  gboolean           pumping;
  GSource           *next_turn;
  GCancellable      *cancellable;     /* ours: cancels the reading and every diagnosis */
  GSource           *cancel_source;   /* watches the caller's cancellable */
  gboolean           cancelled;
  GError            *error;           /* the first error that ends the run */

  /* what the run (or the last one) counted */
  RdFleetCounts      counts;
  GHashTable        *tallies;         /* cause id, "" for none → RdFleetTally */
};

G_DEFINE_FINAL_TYPE (RdFleet, rd_fleet, G_TYPE_OBJECT)
G_DEFINE_QUARK (rd-fleet-error-quark, rd_fleet_error)

enum {
  TARGET_STARTED,
  TARGET_FINISHED,
  LINE_REJECTED,
  N_SIGNALS
};

static guint signals [N_SIGNALS];

static void pump (RdFleet *self);

static void
tally_free (RdFleetTally *tally)
{
  g_free (tally->cause_id);
  g_free (tally->title);
  g_free (tally);
}

static void
job_free (Job *job)
{
  g_clear_pointer (&job->target, rd_target_unref);
  g_clear_object (&job->runner);
  g_free (job);
}

static gboolean
is_stopping (RdFleet *self)
{
  return self->counts.end_of_input || self->cancelled || self->error != NULL;
}

/* Ends the run once nothing is under way any more. */
static void
complete_if_done (RdFleet *self)
{
  g_autoptr(GTask) task = NULL;

  if (self->task == NULL || self->reading || self->counts.running > 0 || !is_stopping (self))
    return;

  task = g_steal_pointer (&self->task);
  if (self->next_turn != NULL)
    {
      g_source_destroy (self->next_turn);
      g_clear_pointer (&self->next_turn, g_source_unref);
    }
  if (self->cancel_source != NULL)
    {
      g_source_destroy (self->cancel_source);
      g_clear_pointer (&self->cancel_source, g_source_unref);
    }
  g_clear_object (&self->input);
  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->buffer, g_free);

  if (self->cancelled)
    {
      g_clear_error (&self->error);
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_CANCELLED,
                               "%s", _("The diagnoses were cancelled"));
    }
  else if (self->error != NULL)
    g_task_return_error (task, g_steal_pointer (&self->error));
  else
    g_task_return_boolean (task, TRUE);
}

/* No more lines are read; the diagnoses running finish and are reported. */
static void
stop_with_error (RdFleet *self,
                 GError  *error)
{
  if (self->error == NULL)
    self->error = error;
  else
    g_error_free (error);
}

static void
reject (RdFleet    *self,
        guint       line,
        const char *text,
        GError     *error)
{
  self->counts.rejected++;
  g_debug ("line %u rejected: %s", line, error->message);
  g_signal_emit (self, signals [LINE_REJECTED], 0, line, text, error);
}

static void
count_diagnosis (RdFleet     *self,
                 RdDiagnosis *diagnosis)
{
  RdCause *top = rd_diagnosis_get_top_cause (diagnosis);
  const char *key = top != NULL ? rd_cause_get_id (top) : "";
  RdFleetTally *tally;

  self->counts.finished++;
  if (!rd_diagnosis_found_problems (diagnosis))
    return;
  self->counts.problems++;

  tally = g_hash_table_lookup (self->tallies, key);
  if (tally == NULL)
    {
      tally = g_new0 (RdFleetTally, 1);
      tally->cause_id = top != NULL ? g_strdup (rd_cause_get_id (top)) : NULL;
      tally->title = top != NULL ? g_strdup (rd_cause_get_title (top)) : NULL;
      g_hash_table_insert (self->tallies, g_strdup (key), tally);
    }
  tally->hosts++;
}

static void
job_done_cb (GObject      *source_object,
             GAsyncResult *result,
             gpointer      user_data)
{
  Job *job = user_data;
  RdFleet *self = job->fleet;
  g_autoptr(GError) error = NULL;
  GPtrArray *results = rd_runner_run_finish (RD_RUNNER (source_object), result, &error);

  g_assert (self->counts.running > 0);
  self->counts.running--;

  if (results != NULL)
    {
      g_autoptr(RdDiagnosis) diagnosis = rd_diagnosis_new_with_report (job->target, results,
                                                                      rd_catalog_get_default (),
                                                                      &self->report);

      g_ptr_array_unref (results);
      count_diagnosis (self, diagnosis);
      g_signal_emit (self, signals [TARGET_FINISHED], 0, job->line, diagnosis);
    }
  else if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      g_debug ("line %u: %s", job->line, error->message);
      stop_with_error (self, g_steal_pointer (&error));
    }

  job_free (job);
  pump (self);
}

static void
start_job (RdFleet  *self,
           guint     line,
           RdTarget *target)
{
  Job *job = g_new0 (Job, 1);
  GHashTableIter iter;
  gpointer name, value;

  job->fleet = self;
  job->line = line;
  job->target = target;
  job->runner = self->runner_func != NULL ? self->runner_func (self->runner_data) : rd_checks_new_runner ();
  rd_runner_set_deadline_ms (job->runner, self->deadline_ms);
  g_hash_table_iter_init (&iter, self->options);
  while (g_hash_table_iter_next (&iter, &name, &value))
    rd_runner_set_option (job->runner, name, value);

  self->counts.targets++;
  self->counts.running++;
  g_signal_emit (self, signals [TARGET_STARTED], 0, line, target);
  rd_runner_run_async (job->runner, target, NULL, self->cancellable, job_done_cb, job);
}

/* One line as it was read, without its newline; @data is NULL when the
 * line was too long. */
static void
handle_line (RdFleet    *self,
             const char *data,
             gsize       length)
{
  guint line = ++self->counts.lines;
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  RdTarget *target;

  if (data == NULL)
    {
      error = g_error_new (RD_FLEET_ERROR, RD_FLEET_ERROR_LINE_TOO_LONG,
                           _("The line is longer than %u bytes; no computer name or address is that long."),
                           RD_FLEET_MAX_LINE);
      reject (self, line, NULL, error);
      return;
    }
  if (line == 1 && length >= strlen (UTF8_BOM) && memcmp (data, UTF8_BOM, strlen (UTF8_BOM)) == 0)
    {
      data += strlen (UTF8_BOM);
      length -= strlen (UTF8_BOM);
    }
  /* also refuses a NUL byte, which would cut the text short */
  if (!g_utf8_validate_len (data, length, NULL))
    {
      error = g_error_new_literal (RD_FLEET_ERROR, RD_FLEET_ERROR_INVALID_TEXT,
                                   _("The line is not readable text (it is not UTF-8)."));
      reject (self, line, NULL, error);
      return;
    }

  /* A comment starts with a "#" at the start of the line or after a blank. */
  text = g_strndup (data, length);
  for (char *p = text; *p != '\0'; p++)
    if (*p == '#' && (p == text || p[-1] == ' ' || p[-1] == '\t'))
      {
        *p = '\0';
        break;
      }
  g_strstrip (text);
  if (*text == '\0')
    return;

  target = rd_target_parse (text, RD_DEFAULT_RDP_PORT, &error);
  if (target == NULL)
    reject (self, line, text, error);
  else
    start_job (self, line, target);
}

static void
drop (RdFleet *self,
      gsize    n)
{
  g_assert (n <= self->end - self->start);
  self->start += n;
  if (self->start == self->end)
    self->start = self->end = 0;
}

/* The next whole line from the buffer; *data is NULL for a line that was
 * too long. */
static TakeStatus
take_line (RdFleet     *self,
           const char **data,
           gsize       *length)
{
  for (;;)
    {
      const char *begin = (const char *) self->buffer + self->start;
      gsize available = self->end - self->start;
      const char *newline;

      if (self->skipping)
        {
          newline = memchr (begin, '\n', available);
          if (newline == NULL)
            {
              drop (self, available);
              if (!self->at_eof)
                return TAKE_NEED_MORE;
            }
          else
            drop (self, newline - begin + 1);
          self->skipping = FALSE;
          *data = NULL;
          *length = 0;
          return TAKE_LINE;
        }

      newline = memchr (begin, '\n', MIN (available, RD_FLEET_MAX_LINE + 1));
      if (newline != NULL)
        {
          *data = begin;
          *length = newline - begin;
          /* the caller copies what it keeps before the next read */
          self->start += *length + 1;
          return TAKE_LINE;
        }
      if (available > RD_FLEET_MAX_LINE)
        {
          self->skipping = TRUE;
          continue;
        }
      if (!self->at_eof)
        return TAKE_NEED_MORE;
      if (available == 0)
        return TAKE_END;
      /* the last line, without a newline */
      *data = begin;
      *length = available;
      self->start += available;
      return TAKE_LINE;
    }
}

/* Moves what is left to the front, so that a read can fill the rest. */
static void
compact (RdFleet *self)
{
  if (self->start > 0)
    {
      memmove (self->buffer, self->buffer + self->start, self->end - self->start);
      self->end -= self->start;
      self->start = 0;
    }
}

static void
take_read (RdFleet *self,
           gssize   n,
           GError  *error)
{
  if (n < 0)
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_error_free (error);
      else
        stop_with_error (self, error);
    }
  else if (n == 0)
    self->at_eof = TRUE;
  else
    self->end += n;
}

static void
read_done_cb (GObject      *source_object,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(RdFleet) self = user_data;
  GError *error = NULL;
  gssize n = g_input_stream_read_finish (G_INPUT_STREAM (source_object), result, &error);

  self->reading = FALSE;
  take_read (self, n, error);
  pump (self);
}

static gboolean
next_turn_cb (gpointer user_data)
{
  RdFleet *self = user_data;

  g_clear_pointer (&self->next_turn, g_source_unref);
  pump (self);
  return G_SOURCE_REMOVE;
}

/* Reads lines and starts diagnoses while there is room for one more. */
static void
pump (RdFleet *self)
{
  guint turn = 0;

  /* a job that completes at once must not start a second pump inside this one */
  if (self->pumping)
    return;
  self->pumping = TRUE;

  while (self->task != NULL && !self->reading && self->next_turn == NULL &&
         !is_stopping (self) && self->counts.running < self->jobs)
    {
      const char *data = NULL;
      gsize length = 0;

      if (turn++ == LINES_PER_TURN)
        {
          self->next_turn = g_idle_source_new ();
          g_source_set_callback (self->next_turn, next_turn_cb, self, NULL);
          g_source_set_static_name (self->next_turn, "[rd-fleet] next lines");
          g_source_attach (self->next_turn, g_task_get_context (self->task));
          break;
        }

      switch (take_line (self, &data, &length))
        {
        case TAKE_LINE:
          handle_line (self, data, length);
          break;

        case TAKE_NEED_MORE:
          compact (self);
          if (self->pollable)
            {
              self->reading = TRUE;
              g_input_stream_read_async (self->input, self->buffer + self->end, BUFFER_SIZE - self->end,
                                         G_PRIORITY_DEFAULT, self->cancellable, read_done_cb,
                                         g_object_ref (self));
            }
          else
            {
              GError *error = NULL;
              gssize n = g_input_stream_read (self->input, self->buffer + self->end, BUFFER_SIZE - self->end,
                                              self->cancellable, &error);
              take_read (self, n, error);
            }
          break;

        case TAKE_END:
        default:
          self->counts.end_of_input = TRUE;
          break;
        }
    }

  self->pumping = FALSE;
  complete_if_done (self);
}

static gboolean
caller_cancelled_cb (GCancellable *cancellable,
                     gpointer      user_data)
{
  RdFleet *self = user_data;

  g_clear_pointer (&self->cancel_source, g_source_unref);
  self->cancelled = TRUE;
  g_cancellable_cancel (self->cancellable);
  /* the runners answer through their own sources, then pump() completes */
  complete_if_done (self);
  return G_SOURCE_REMOVE;
}

static void
rd_fleet_dispose (GObject *object)
{
  RdFleet *self = (RdFleet *)object;

  /* a run holds a reference on its fleet */
  g_assert (self->task == NULL);
  if (self->runner_destroy != NULL)
    g_clear_pointer (&self->runner_data, self->runner_destroy);
  self->runner_func = NULL;
  g_clear_pointer (&self->report.error_code, rd_error_code_unref);

  G_OBJECT_CLASS (rd_fleet_parent_class)->dispose (object);
}

static void
rd_fleet_finalize (GObject *object)
{
  RdFleet *self = (RdFleet *)object;

  g_clear_pointer (&self->options, g_hash_table_unref);
  g_clear_pointer (&self->tallies, g_hash_table_unref);

  G_OBJECT_CLASS (rd_fleet_parent_class)->finalize (object);
}

static void
rd_fleet_class_init (RdFleetClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = rd_fleet_dispose;
  object_class->finalize = rd_fleet_finalize;

  /**
   * RdFleet::target-started:
   * @line: the line's number, from 1
   * @target: what it names
   *
   * A diagnosis started. Emitted on the main context of rd_fleet_run_async().
   */
  signals [TARGET_STARTED] =
    g_signal_new ("target-started", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 2, G_TYPE_UINT, RD_TYPE_TARGET);

  /**
   * RdFleet::target-finished:
   * @line: the line's number, from 1
   * @diagnosis: its diagnosis, dropped when the handlers return
   *
   * A diagnosis finished; they come in the order they finish. A diagnosis
   * that was cancelled is not reported.
   */
  signals [TARGET_FINISHED] =
    g_signal_new ("target-finished", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 2, G_TYPE_UINT, RD_TYPE_DIAGNOSIS);

  /**
   * RdFleet::line-rejected:
   * @line: the line's number, from 1
   * @text: (nullable): the target as read (comment and blanks removed), or
   *   %NULL when the line was too long or not text
   * @error: why: an #RdFleetError or an #RdTargetError, in plain words
   *
   * A line was skipped; the rest of the list runs.
   */
  signals [LINE_REJECTED] =
    g_signal_new ("line-rejected", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 3, G_TYPE_UINT, G_TYPE_STRING, G_TYPE_ERROR);
}

static void
rd_fleet_init (RdFleet *self)
{
  self->jobs = RD_FLEET_DEFAULT_JOBS;
  self->deadline_ms = RD_RUNNER_DEFAULT_DEADLINE_MS;
  self->options = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                         (GDestroyNotify) g_variant_unref);
  self->tallies = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                         (GDestroyNotify) tally_free);
}

RdFleet *
rd_fleet_new (void)
{
  return g_object_new (RD_TYPE_FLEET, NULL);
}

/**
 * rd_fleet_set_jobs:
 * @jobs: from 1 to %RD_FLEET_MAX_JOBS
 *
 * Sets how many diagnoses may run at once (default %RD_FLEET_DEFAULT_JOBS).
 * A run in progress starts no new one until it is below the new bound.
 */
void
rd_fleet_set_jobs (RdFleet *self,
                   guint    jobs)
{
  g_return_if_fail (RD_IS_FLEET (self));
  g_return_if_fail (jobs >= 1 && jobs <= RD_FLEET_MAX_JOBS);

  self->jobs = jobs;
  if (self->task != NULL)
    pump (self);
}

guint
rd_fleet_get_jobs (RdFleet *self)
{
  g_return_val_if_fail (RD_IS_FLEET (self), 0);
  return self->jobs;
}

/**
 * rd_fleet_set_deadline_ms:
 *
 * Sets each check's deadline in every diagnosis started from now on, as
 * rd_runner_set_deadline_ms() does for one (default 5 s).
 */
void
rd_fleet_set_deadline_ms (RdFleet *self,
                          guint    deadline_ms)
{
  g_return_if_fail (RD_IS_FLEET (self));
  g_return_if_fail (deadline_ms > 0);
  self->deadline_ms = deadline_ms;
}

/**
 * rd_fleet_set_option:
 * @value: (nullable): the value, floating references are sunk; %NULL unsets
 *
 * Sets a runner option (such as %RD_OPTION_GATEWAY) for every diagnosis
 * started from now on.
 */
void
rd_fleet_set_option (RdFleet    *self,
                     const char *name,
                     GVariant   *value)
{
  g_return_if_fail (RD_IS_FLEET (self));
  g_return_if_fail (name != NULL);

  if (value != NULL)
    g_hash_table_replace (self->options, g_strdup (name), g_variant_ref_sink (value));
  else
    g_hash_table_remove (self->options, name);
}

/**
 * rd_fleet_set_user_report:
 * @report: (nullable): what the user says about their side (the error code
 *   the client showed, what it offers); the same for every host
 */
void
rd_fleet_set_user_report (RdFleet            *self,
                          const RdUserReport *report)
{
  g_return_if_fail (RD_IS_FLEET (self));

  g_clear_pointer (&self->report.error_code, rd_error_code_unref);
  if (report != NULL)
    {
      self->report = *report;
      if (report->error_code != NULL)
        self->report.error_code = rd_error_code_ref (report->error_code);
    }
  else
    memset (&self->report, 0, sizeof self->report);
}

/**
 * rd_fleet_set_runner_func:
 * @func: (nullable): makes each target's runner; %NULL for rd_checks_new_runner()
 *
 * For tests, and for callers that run fewer checks than the standard set.
 */
void
rd_fleet_set_runner_func (RdFleet           *self,
                          RdFleetRunnerFunc  func,
                          gpointer           user_data,
                          GDestroyNotify     destroy)
{
  g_return_if_fail (RD_IS_FLEET (self));

  if (self->runner_destroy != NULL)
    g_clear_pointer (&self->runner_data, self->runner_destroy);
  self->runner_func = func;
  self->runner_data = user_data;
  self->runner_destroy = destroy;
}

/**
 * rd_fleet_get_counts:
 * @counts: (out caller-allocates): where the run in progress, or the last
 *   one, stands
 */
void
rd_fleet_get_counts (RdFleet       *self,
                     RdFleetCounts *counts)
{
  g_return_if_fail (RD_IS_FLEET (self));
  g_return_if_fail (counts != NULL);
  *counts = self->counts;
}

static int
compare_tallies (gconstpointer a,
                 gconstpointer b)
{
  const RdFleetTally *x = *(const RdFleetTally * const *) a;
  const RdFleetTally *y = *(const RdFleetTally * const *) b;

  if (x->hosts != y->hosts)
    return x->hosts > y->hosts ? -1 : 1;
  /* the problems no cause explains last */
  if (x->cause_id == NULL || y->cause_id == NULL)
    return (x->cause_id == NULL) - (y->cause_id == NULL);
  return strcmp (x->cause_id, y->cause_id);
}

/**
 * rd_fleet_get_tallies:
 *
 * Returns: (transfer container) (element-type RdFleetTally): how many
 *   diagnoses so far had each cause as their most likely one, most hosts
 *   first; the rows stay the fleet's and are valid until the next run
 */
GPtrArray *
rd_fleet_get_tallies (RdFleet *self)
{
  GPtrArray *tallies;
  GHashTableIter iter;
  gpointer value;

  g_return_val_if_fail (RD_IS_FLEET (self), NULL);

  tallies = g_ptr_array_new ();
  g_hash_table_iter_init (&iter, self->tallies);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    g_ptr_array_add (tallies, value);
  g_ptr_array_sort (tallies, compare_tallies);
  return tallies;
}

/**
 * rd_fleet_run_async:
 * @stream: the list: one target per line, in the syntax of rd_target_parse();
 *   blank lines and "#" comments (a whole line, or after a blank) are skipped
 * @cancellable: (nullable): cancels the reading and every diagnosis
 *
 * Reads @stream to its end, diagnosing each target as soon as fewer than
 * rd_fleet_get_jobs() diagnoses are running. Signals and @callback come on
 * the caller's thread-default main context. One run at a time.
 */
void
rd_fleet_run_async (RdFleet             *self,
                    GInputStream        *stream,
                    GCancellable        *cancellable,
                    GAsyncReadyCallback  callback,
                    gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (RD_IS_FLEET (self));
  g_return_if_fail (G_IS_INPUT_STREAM (stream));
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, rd_fleet_run_async);
  /* the run says itself when it was cancelled, once every job has stopped */
  g_task_set_check_cancellable (task, FALSE);

  if (self->task != NULL)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_BUSY, "a fleet run is already running");
      return;
    }
  if (g_task_return_error_if_cancelled (task))
    return;

  memset (&self->counts, 0, sizeof self->counts);
  g_hash_table_remove_all (self->tallies);
  self->task = g_steal_pointer (&task);
  self->input = g_object_ref (stream);
  self->pollable = G_IS_POLLABLE_INPUT_STREAM (stream) &&
                   g_pollable_input_stream_can_poll (G_POLLABLE_INPUT_STREAM (stream));
  self->buffer = g_malloc (BUFFER_SIZE);
  self->start = self->end = 0;
  self->at_eof = self->skipping = self->reading = self->cancelled = FALSE;
  self->cancellable = g_cancellable_new ();

  if (cancellable != NULL)
    {
      /* A source rather than a ::cancelled handler: cancellation may come
       * from any thread, and the run is only touched on its own context. */
      self->cancel_source = g_cancellable_source_new (cancellable);
      g_source_set_callback (self->cancel_source, G_SOURCE_FUNC (caller_cancelled_cb), self, NULL);
      g_source_set_priority (self->cancel_source, G_PRIORITY_HIGH);
      g_source_attach (self->cancel_source, g_task_get_context (self->task));
    }

  pump (self);
}

/**
 * rd_fleet_run_finish:
 * @counts: (out caller-allocates) (optional): what the run counted, also
 *   when it failed or was cancelled
 *
 * Returns: %TRUE when the whole list was read and every diagnosis finished
 *   (rejected lines included); %FALSE with %G_IO_ERROR_CANCELLED when it
 *   was cancelled, or with the error that stopped the reading
 */
gboolean
rd_fleet_run_finish (RdFleet        *self,
                     GAsyncResult   *result,
                     RdFleetCounts  *counts,
                     GError        **error)
{
  g_return_val_if_fail (RD_IS_FLEET (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  if (counts != NULL)
    *counts = self->counts;
  return g_task_propagate_boolean (G_TASK (result), error);
}

gboolean
rd_fleet_is_running (RdFleet *self)
{
  g_return_val_if_fail (RD_IS_FLEET (self), FALSE);
  return self->task != NULL;
}
