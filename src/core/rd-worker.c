/* rd-worker.c: short-lived work on reused threads
 *
 * Checks and their probes each block on the network, so each needs a thread
 * of its own: a bounded pool would queue one host's probes behind another
 * host's deadline. But a full diagnosis starts some sixteen of them, and a
 * fleet run hundreds a second; starting and ending that many threads costs
 * more CPU than the probes' own work on loopback. So the threads come from one
 * pool without a limit, and idle ones wait to be reused.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "rd-worker"

#include "config.h"

#include "rd-worker.h"

/* Idle threads kept for reuse: enough for a few diagnoses' worth of probes. */
#define MAX_IDLE_THREADS 64

typedef struct
{
  GFunc        func;
  gpointer     data;
  RdWorkGroup *group;   /* or NULL */
} Work;

struct _RdWorkGroup
{
  GMutex lock;
  GCond  done;
  guint  pending;
};

static void
work_run (gpointer data,
          gpointer user_data)
{
  Work *work = data;
  RdWorkGroup *group = work->group;

  work->func (work->data, NULL);
  g_free (work);

  if (group != NULL)
    {
      g_mutex_lock (&group->lock);
      if (--group->pending == 0)
        g_cond_broadcast (&group->done);
      g_mutex_unlock (&group->lock);
    }
}

static GThreadPool *
get_pool (void)
{
  static GThreadPool *pool;

  if (g_once_init_enter (&pool))
    {
      GThreadPool *created = g_thread_pool_new (work_run, NULL, -1, FALSE, NULL);

      if (g_thread_pool_get_max_unused_threads () >= 0 &&
          g_thread_pool_get_max_unused_threads () < MAX_IDLE_THREADS)
        g_thread_pool_set_max_unused_threads (MAX_IDLE_THREADS);
      g_once_init_leave (&pool, created);
    }
  return pool;
}

static void
push (GFunc        func,
      gpointer     data,
      RdWorkGroup *group)
{
  Work *work = g_new (Work, 1);
  g_autoptr(GError) error = NULL;

  work->func = func;
  work->data = data;
  work->group = group;
  /* without a limit, the pool starts a thread whenever none is idle */
  if (!g_thread_pool_push (get_pool (), work, &error))
    g_error ("Cannot start a thread: %s", error->message);
}

/**
 * rd_worker_run:
 *
 * Runs @func (@data, NULL) on a thread of its own, at once.
 */
void
rd_worker_run (GFunc    func,
               gpointer data)
{
  push (func, data, NULL);
}

/**
 * rd_work_group_new:
 *
 * Returns: (transfer full): a group of work to wait for together
 */
RdWorkGroup *
rd_work_group_new (void)
{
  RdWorkGroup *group = g_new0 (RdWorkGroup, 1);

  g_mutex_init (&group->lock);
  g_cond_init (&group->done);
  return group;
}

/**
 * rd_work_group_run:
 *
 * Runs @func (@data, NULL) on a thread of its own, at once, as part of @group.
 */
void
rd_work_group_run (RdWorkGroup *group,
                   GFunc        func,
                   gpointer     data)
{
  g_mutex_lock (&group->lock);
  group->pending++;
  g_mutex_unlock (&group->lock);
  push (func, data, group);
}

/**
 * rd_work_group_wait:
 *
 * Returns when all the work of @group has returned.
 */
void
rd_work_group_wait (RdWorkGroup *group)
{
  g_mutex_lock (&group->lock);
  while (group->pending > 0)
    g_cond_wait (&group->done, &group->lock);
  g_mutex_unlock (&group->lock);
}

/**
 * rd_work_group_free:
 *
 * Waits for the group's work, then frees it.
 */
void
rd_work_group_free (RdWorkGroup *group)
{
  rd_work_group_wait (group);
  g_mutex_clear (&group->lock);
  g_cond_clear (&group->done);
  g_free (group);
}
