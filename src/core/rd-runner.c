/* rd-runner.c: runs checks as a dependency graph on worker threads
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "rd-runner"

#include "config.h"

#include <glib/gi18n-lib.h>

#include <openssl/ssl.h>

#include "rd-check-context.h"
#include "rd-runner.h"
#include "rd-target.h"
#include "rd-worker.h"

/* A check gets its deadline to give a verdict. If it has not returned GRACE
 * later, its cancellable is cancelled; if it still has not returned ABANDON
 * after that, the run goes on without it: one stuck check never holds up the
 * diagnosis, and its thread's late answer is dropped. */
#define GRACE_MS   250
#define ABANDON_MS 250

typedef enum
{
  NODE_WAITING,
  NODE_RUNNING,
  NODE_DONE,
} NodeState;

typedef struct _Run Run;

typedef struct
{
  Run            *run;            /* borrowed: the run owns its nodes */
  RdCheck        *check;
  NodeState       state;
  RdCheckResult  *result;
  GCancellable   *cancellable;
  GSource        *timer;
  gint64          started_us;
  gboolean        deadline_cancelled;
} Node;

/* One call of rd_runner_run_async(). Reference-counted because check threads
 * that were cancelled or abandoned may answer after the run has returned. */
struct _Run
{
  grefcount     ref_count;
  RdRunner     *runner;
  GTask        *task;             /* NULL once the run has returned */
  GMainContext *context;
  RdTarget     *target;
  GHashTable   *options;
  RdArtifacts  *artifacts;
  guint         deadline_ms;
  GPtrArray    *nodes;            /* Node, in the order the checks were added */
  GSource      *cancel_source;
  guint         running;
};

struct _RdRunner
{
  GObject     parent_instance;

  GPtrArray  *checks;             /* RdCheck */
  GHashTable *options;            /* name → GVariant; copied on write while a run holds it */
  guint       deadline_ms;
  Run        *run;                /* the run in progress, or NULL */
};

G_DEFINE_FINAL_TYPE (RdRunner, rd_runner, G_TYPE_OBJECT)

enum {
  CHECK_STARTED,
  CHECK_FINISHED,
  N_SIGNALS
};

static guint signals [N_SIGNALS];

static void schedule (Run *run);

/* A cancelled or abandoned check may still be inside OpenSSL when the program
 * exits (Ctrl-C in the CLI, closing the wizard). OpenSSL's own exit handler
 * would free its tables under that thread and crash the exit; without it, the
 * exit frees them all the same. It only takes effect before OpenSSL's first
 * use, which a check makes. */
static void
init_openssl_once (void)
{
  static gsize done = 0;

  if (g_once_init_enter (&done))
    {
      if (OPENSSL_init_ssl (OPENSSL_INIT_NO_ATEXIT | OPENSSL_INIT_LOAD_SSL_STRINGS, NULL) != 1)
        g_debug ("OpenSSL did not initialise; the checks will say so");
      g_once_init_leave (&done, 1);
    }
}

static void
node_free (Node *node)
{
  if (node->timer != NULL)
    {
      g_source_destroy (node->timer);
      g_clear_pointer (&node->timer, g_source_unref);
    }
  g_clear_object (&node->check);
  g_clear_object (&node->result);
  g_clear_object (&node->cancellable);
  g_free (node);
}

static Run *
run_ref (Run *run)
{
  g_ref_count_inc (&run->ref_count);
  return run;
}

static void
run_unref (Run *run)
{
  if (!g_ref_count_dec (&run->ref_count))
    return;

  g_assert (run->task == NULL);
  g_clear_pointer (&run->nodes, g_ptr_array_unref);
  g_clear_pointer (&run->target, rd_target_unref);
  g_clear_pointer (&run->options, g_hash_table_unref);
  g_clear_pointer (&run->artifacts, rd_artifacts_unref);
  g_clear_pointer (&run->context, g_main_context_unref);
  g_clear_object (&run->runner);
  g_free (run);
}

static Node *
run_find_node (Run        *run,
               const char *check_id)
{
  for (guint i = 0; i < run->nodes->len; i++)
    {
      Node *node = g_ptr_array_index (run->nodes, i);

      if (g_strcmp0 (rd_check_get_id (node->check), check_id) == 0)
        return node;
    }
  return NULL;
}

static void
node_stop_timer (Node *node)
{
  if (node->timer != NULL)
    {
      g_source_destroy (node->timer);
      g_clear_pointer (&node->timer, g_source_unref);
    }
}

static void
node_arm_timer (Node        *node,
                guint        delay_ms,
                GSourceFunc  func)
{
  node_stop_timer (node);
  node->timer = g_timeout_source_new (delay_ms);
  g_source_set_callback (node->timer, func, node, NULL);
  g_source_set_static_name (node->timer, "[rd-runner] check deadline");
  g_source_attach (node->timer, node->run->context);
}

/* Ends the run: returns its result once, then forgets it. */
static void
run_complete (Run    *run,
              GError *error)
{
  g_autoptr(GTask) task = g_steal_pointer (&run->task);

  if (task == NULL)
    return;

  if (run->cancel_source != NULL)
    {
      g_source_destroy (run->cancel_source);
      g_clear_pointer (&run->cancel_source, g_source_unref);
    }
  for (guint i = 0; i < run->nodes->len; i++)
    {
      Node *node = g_ptr_array_index (run->nodes, i);

      node_stop_timer (node);
      if (node->state == NODE_RUNNING)
        g_cancellable_cancel (node->cancellable);
    }
  if (run->runner->run == run)
    run->runner->run = NULL;

  if (error != NULL)
    {
      g_task_return_error (task, error);
    }
  else
    {
      GPtrArray *results = g_ptr_array_new_with_free_func (g_object_unref);

      for (guint i = 0; i < run->nodes->len; i++)
        {
          Node *node = g_ptr_array_index (run->nodes, i);
          g_ptr_array_add (results, g_object_ref (node->result));
        }
      g_task_return_pointer (task, results, (GDestroyNotify) g_ptr_array_unref);
    }

  /* the run's own reference, taken in rd_runner_run_async() */
  run_unref (run);
}

static void
node_finish (Node          *node,
             RdCheckResult *result)
{
  Run *run = node->run;

  g_assert (node->state != NODE_DONE);

  if (node->state == NODE_RUNNING)
    {
      run->running--;
      rd_check_result_set_duration_ms (result,
                                       (guint) ((g_get_monotonic_time () - node->started_us) / 1000));
    }
  node->state = NODE_DONE;
  node->result = result;
  node_stop_timer (node);

  g_debug ("%s: %s: %s", rd_check_get_id (node->check),
           rd_check_status_to_string (rd_check_result_get_status (result)),
           rd_check_result_get_summary (result));
  g_signal_emit (run->runner, signals [CHECK_FINISHED], 0, node->check, result);
}

static RdCheckResult *
make_timeout_result (Node          *node,
                     RdCheckResult *partial)
{
  guint seconds = (node->run->deadline_ms + 999) / 1000;
  char *summary = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                                "Did not finish within %u second",
                                                "Did not finish within %u seconds",
                                                seconds),
                                   seconds);
  JsonObject *evidence = json_object_new ();

  json_object_set_boolean_member (evidence, "deadline_exceeded", TRUE);
  json_object_set_int_member (evidence, "deadline_ms", node->run->deadline_ms);
  if (partial != NULL)
    json_object_set_object_member (evidence, "partial",
                                   json_object_ref (rd_check_result_get_evidence (partial)));

  return rd_check_result_new_take (rd_check_get_id (node->check), RD_CHECK_STATUS_ERROR,
                                   summary, evidence);
}

static gboolean
node_abandon_cb (gpointer user_data)
{
  Node *node = user_data;
  Run *run = node->run;

  g_clear_pointer (&node->timer, g_source_unref);
  g_warning ("check “%s” ignored its cancellation; going on without it",
             rd_check_get_id (node->check));
  node_finish (node, make_timeout_result (node, NULL));
  schedule (run);
  return G_SOURCE_REMOVE;
}

static gboolean
node_deadline_cb (gpointer user_data)
{
  Node *node = user_data;

  g_clear_pointer (&node->timer, g_source_unref);
  node->deadline_cancelled = TRUE;
  g_cancellable_cancel (node->cancellable);
  node_arm_timer (node, ABANDON_MS, node_abandon_cb);
  return G_SOURCE_REMOVE;
}

/* Each check runs on a thread of its own (rd-worker) rather than in GTask's
 * shared pool: that pool holds about ten threads, so many runs at once (fleet
 * mode) or a few checks waiting out their deadlines would queue the others
 * behind them, and a check's deadline counts from its start. */
static void
check_thread (gpointer data,
              gpointer unused)
{
  g_autoptr(GTask) task = data;
  Node *node = g_task_get_task_data (task);
  RdCheckContext *context = g_object_get_data (G_OBJECT (task), "rd-context");

  g_task_return_pointer (task, rd_check_run (node->check, context, node->cancellable),
                         g_object_unref);
}

static void
check_done_cb (GObject      *source_object,
               GAsyncResult *result,
               gpointer      user_data)
{
  Run *run = user_data;  /* a reference, taken when the thread started */
  Node *node = g_task_get_task_data (G_TASK (result));
  g_autoptr(RdCheckResult) check_result = g_task_propagate_pointer (G_TASK (result), NULL);

  if (run->task != NULL && node->state == NODE_RUNNING)
    {
      if (node->deadline_cancelled)
        node_finish (node, make_timeout_result (node, check_result));
      else
        node_finish (node, g_steal_pointer (&check_result));
      schedule (run);
    }

  run_unref (run);
}

static void
node_start (Node *node)
{
  Run *run = node->run;
  g_autoptr(GTask) task = NULL;
  RdCheckContext *context;
  const char * const *deps = rd_check_get_dependencies (node->check);

  node->started_us = g_get_monotonic_time ();
  context = rd_check_context_new (run->target,
                                  node->started_us + (gint64) run->deadline_ms * 1000,
                                  run->options,
                                  run->artifacts);
  for (guint i = 0; deps[i] != NULL; i++)
    rd_check_context_add_result (context, run_find_node (run, deps[i])->result);

  node->state = NODE_RUNNING;
  node->cancellable = g_cancellable_new ();
  run->running++;
  g_signal_emit (run->runner, signals [CHECK_STARTED], 0, node->check);

  /* The check's own cancellable, not the run's, so that a deadline cancels one
   * check; the run's cancellation reaches it through run_complete(). */
  task = g_task_new (node->check, NULL, check_done_cb, run_ref (run));
  g_task_set_source_tag (task, node_start);
  g_task_set_name (task, rd_check_get_id (node->check));
  g_task_set_task_data (task, node, NULL);
  g_object_set_data_full (G_OBJECT (task), "rd-context", context,
                          (GDestroyNotify) rd_check_context_unref);
  node_arm_timer (node, run->deadline_ms + GRACE_MS, node_deadline_cb);
  rd_worker_run (check_thread, g_steal_pointer (&task));
}

/* Starts every waiting check whose dependencies are done, skips those whose
 * dependencies did not succeed, and completes the run when all are done. */
static void
schedule (Run *run)
{
  gboolean progress = TRUE;

  if (run->task == NULL)
    return;

  while (progress)
    {
      progress = FALSE;

      for (guint i = 0; i < run->nodes->len; i++)
        {
          Node *node = g_ptr_array_index (run->nodes, i);
          const char * const *deps = rd_check_get_dependencies (node->check);
          Node *unusable = NULL;
          gboolean ready = TRUE;

          if (node->state != NODE_WAITING)
            continue;

          for (guint d = 0; deps[d] != NULL; d++)
            {
              Node *dep = run_find_node (run, deps[d]);

              if (dep->state != NODE_DONE)
                ready = FALSE;
              else if (!rd_check_result_is_usable (dep->result) && unusable == NULL)
                unusable = dep;
            }

          if (!ready)
            continue;

          if (unusable != NULL)
            {
              JsonObject *evidence = json_object_new ();

              json_object_set_string_member (evidence, "skipped_because",
                                             rd_check_get_id (unusable->check));
              node_finish (node, rd_check_result_new_take (rd_check_get_id (node->check),
                                                           RD_CHECK_STATUS_SKIPPED,
                                                           g_strdup_printf (_("Not run because “%s” did not succeed"),
                                                                            rd_check_get_title (unusable->check)),
                                                           evidence));
              progress = TRUE;
            }
          else
            {
              node_start (node);
            }

          if (run->task == NULL)
            return;   /* a signal handler cancelled the run */
        }
    }

  for (guint i = 0; i < run->nodes->len; i++)
    {
      Node *node = g_ptr_array_index (run->nodes, i);

      if (node->state != NODE_DONE)
        return;
    }

  run_complete (run, NULL);
}

static gboolean
run_cancelled_cb (GCancellable *cancellable,
                  gpointer      user_data)
{
  Run *run = user_data;

  g_clear_pointer (&run->cancel_source, g_source_unref);
  run_complete (run, g_error_new_literal (G_IO_ERROR, G_IO_ERROR_CANCELLED,
                                          _("The diagnosis was cancelled")));
  return G_SOURCE_REMOVE;
}

static void
rd_runner_dispose (GObject *object)
{
  RdRunner *self = (RdRunner *)object;

  /* A run holds a reference on its runner, so no run is in progress here. */
  g_assert (self->run == NULL);
  g_clear_pointer (&self->checks, g_ptr_array_unref);
  g_clear_pointer (&self->options, g_hash_table_unref);

  G_OBJECT_CLASS (rd_runner_parent_class)->dispose (object);
}

static void
rd_runner_class_init (RdRunnerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = rd_runner_dispose;

  /**
   * RdRunner::check-started:
   * @check: the check that started
   *
   * Emitted on the thread that called rd_runner_run_async().
   */
  signals [CHECK_STARTED] =
    g_signal_new ("check-started", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, RD_TYPE_CHECK);

  /**
   * RdRunner::check-finished:
   * @check: the check
   * @result: its result (skipped checks are finished without being started)
   *
   * Emitted on the thread that called rd_runner_run_async().
   */
  signals [CHECK_FINISHED] =
    g_signal_new ("check-finished", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 2, RD_TYPE_CHECK, RD_TYPE_CHECK_RESULT);
}

static void
rd_runner_init (RdRunner *self)
{
  self->checks = g_ptr_array_new_with_free_func (g_object_unref);
  self->options = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                         (GDestroyNotify) g_variant_unref);
  self->deadline_ms = RD_RUNNER_DEFAULT_DEADLINE_MS;
}

RdRunner *
rd_runner_new (void)
{
  return g_object_new (RD_TYPE_RUNNER, NULL);
}

/**
 * rd_runner_add_check:
 * @check: a check whose dependencies have all been added already
 *
 * Adding in dependency order keeps the graph acyclic by construction.
 */
void
rd_runner_add_check (RdRunner *self,
                     RdCheck  *check)
{
  const char * const *deps;

  g_return_if_fail (RD_IS_RUNNER (self));
  g_return_if_fail (RD_IS_CHECK (check));
  g_return_if_fail (self->run == NULL);
  g_return_if_fail (rd_runner_get_check (self, rd_check_get_id (check)) == NULL);

  deps = rd_check_get_dependencies (check);
  for (guint i = 0; deps[i] != NULL; i++)
    g_return_if_fail (rd_runner_get_check (self, deps[i]) != NULL);

  g_ptr_array_add (self->checks, g_object_ref (check));
}

/**
 * rd_runner_get_checks:
 *
 * Returns: (transfer none) (element-type RdCheck): the checks, in the order added
 */
GPtrArray *
rd_runner_get_checks (RdRunner *self)
{
  g_return_val_if_fail (RD_IS_RUNNER (self), NULL);
  return self->checks;
}

/**
 * rd_runner_get_check:
 *
 * Returns: (transfer none) (nullable): the check with @check_id
 */
RdCheck *
rd_runner_get_check (RdRunner   *self,
                     const char *check_id)
{
  g_return_val_if_fail (RD_IS_RUNNER (self), NULL);

  for (guint i = 0; i < self->checks->len; i++)
    {
      RdCheck *check = g_ptr_array_index (self->checks, i);

      if (g_strcmp0 (rd_check_get_id (check), check_id) == 0)
        return check;
    }
  return NULL;
}

/**
 * rd_runner_set_deadline_ms:
 *
 * Sets each check's deadline for the next run (default 5 s).
 */
void
rd_runner_set_deadline_ms (RdRunner *self,
                           guint     deadline_ms)
{
  g_return_if_fail (RD_IS_RUNNER (self));
  g_return_if_fail (deadline_ms > 0);
  self->deadline_ms = deadline_ms;
}

guint
rd_runner_get_deadline_ms (RdRunner *self)
{
  g_return_val_if_fail (RD_IS_RUNNER (self), 0);
  return self->deadline_ms;
}

/**
 * rd_runner_set_option:
 * @value: (nullable): the value, floating references are sunk; %NULL unsets
 *
 * Options reach checks through rd_check_context_get_option() from the next run on.
 */
void
rd_runner_set_option (RdRunner   *self,
                      const char *name,
                      GVariant   *value)
{
  g_return_if_fail (RD_IS_RUNNER (self));
  g_return_if_fail (name != NULL);

  /* A run in progress shares the table with its threads: give it a new one. */
  if (self->run != NULL)
    {
      GHashTable *copy = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                                (GDestroyNotify) g_variant_unref);
      GHashTableIter iter;
      gpointer key, val;

      g_hash_table_iter_init (&iter, self->options);
      while (g_hash_table_iter_next (&iter, &key, &val))
        g_hash_table_insert (copy, g_strdup (key), g_variant_ref (val));
      g_hash_table_unref (self->options);
      self->options = copy;
    }

  if (value != NULL)
    g_hash_table_replace (self->options, g_strdup (name), g_variant_ref_sink (value));
  else
    g_hash_table_remove (self->options, name);
}

static void
add_with_dependencies (RdRunner   *self,
                       GHashTable *wanted,
                       const char *check_id)
{
  RdCheck *check = rd_runner_get_check (self, check_id);
  const char * const *deps;

  if (check == NULL || g_hash_table_contains (wanted, check_id))
    return;

  g_hash_table_add (wanted, (gpointer) rd_check_get_id (check));
  deps = rd_check_get_dependencies (check);
  for (guint i = 0; deps[i] != NULL; i++)
    add_with_dependencies (self, wanted, deps[i]);
}

/**
 * rd_runner_run_async:
 * @target: what to check
 * @only_checks: (nullable) (array zero-terminated=1): run only these checks and
 *   what they depend on ("check again"); %NULL for all
 * @cancellable: (nullable): cancels the whole run
 *
 * Runs the checks. Signals and @callback come on the thread-default main
 * context of the caller. One run at a time.
 */
void
rd_runner_run_async (RdRunner            *self,
                     RdTarget            *target,
                     const char * const  *only_checks,
                     GCancellable        *cancellable,
                     GAsyncReadyCallback  callback,
                     gpointer             user_data)
{
  g_autoptr(GHashTable) wanted = NULL;
  GTask *task;
  Run *run;

  g_return_if_fail (RD_IS_RUNNER (self));
  g_return_if_fail (target != NULL);
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  init_openssl_once ();
  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, rd_runner_run_async);

  if (self->run != NULL)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_BUSY,
                               "a diagnosis is already running");
      g_object_unref (task);
      return;
    }

  if (only_checks != NULL)
    {
      wanted = g_hash_table_new (g_str_hash, g_str_equal);
      for (guint i = 0; only_checks[i] != NULL; i++)
        add_with_dependencies (self, wanted, only_checks[i]);
    }

  run = g_new0 (Run, 1);
  g_ref_count_init (&run->ref_count);
  run->runner = g_object_ref (self);
  run->task = task;
  run->context = g_main_context_ref_thread_default ();
  run->target = rd_target_ref (target);
  run->options = g_hash_table_ref (self->options);
  run->artifacts = rd_artifacts_new ();
  run->deadline_ms = self->deadline_ms;
  run->nodes = g_ptr_array_new_with_free_func ((GDestroyNotify) node_free);

  for (guint i = 0; i < self->checks->len; i++)
    {
      RdCheck *check = g_ptr_array_index (self->checks, i);
      Node *node;

      if (wanted != NULL && !g_hash_table_contains (wanted, rd_check_get_id (check)))
        continue;

      node = g_new0 (Node, 1);
      node->run = run;
      node->check = g_object_ref (check);
      g_ptr_array_add (run->nodes, node);
    }

  self->run = run;

  if (cancellable != NULL)
    {
      if (g_cancellable_is_cancelled (cancellable))
        {
          run_complete (run, g_error_new_literal (G_IO_ERROR, G_IO_ERROR_CANCELLED,
                                                  _("The diagnosis was cancelled")));
          return;
        }
      /* A source rather than a ::cancelled handler: cancellation may come from
       * any thread, and the run must only be touched on its own context. */
      run->cancel_source = g_cancellable_source_new (cancellable);
      g_source_set_callback (run->cancel_source, G_SOURCE_FUNC (run_cancelled_cb), run, NULL);
      g_source_set_priority (run->cancel_source, G_PRIORITY_HIGH);
      g_source_attach (run->cancel_source, run->context);
    }

  schedule (run);
}

/**
 * rd_runner_run_finish:
 *
 * Returns: (transfer container) (element-type RdCheckResult): one result per
 *   check run, in the order the checks were added; %NULL with
 *   %G_IO_ERROR_CANCELLED if the run was cancelled
 */
GPtrArray *
rd_runner_run_finish (RdRunner      *self,
                      GAsyncResult  *result,
                      GError       **error)
{
  g_return_val_if_fail (RD_IS_RUNNER (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

gboolean
rd_runner_is_running (RdRunner *self)
{
  g_return_val_if_fail (RD_IS_RUNNER (self), FALSE);
  return self->run != NULL;
}
