/* rd-runner.h: runs checks as a dependency graph on worker threads
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "rd-types.h"
#include "rd-check.h"

G_BEGIN_DECLS

#define RD_RUNNER_DEFAULT_DEADLINE_MS 5000

#define RD_TYPE_RUNNER (rd_runner_get_type ())
G_DECLARE_FINAL_TYPE (RdRunner, rd_runner, RD, RUNNER, GObject)

RdRunner   *rd_runner_new             (void);
void        rd_runner_add_check       (RdRunner            *self,
                                       RdCheck             *check);
GPtrArray  *rd_runner_get_checks      (RdRunner            *self);
RdCheck    *rd_runner_get_check       (RdRunner            *self,
                                       const char          *check_id);
void        rd_runner_set_deadline_ms (RdRunner            *self,
                                       guint                deadline_ms);
guint       rd_runner_get_deadline_ms (RdRunner            *self);
void        rd_runner_set_option      (RdRunner            *self,
                                       const char          *name,
                                       GVariant            *value);
void        rd_runner_run_async       (RdRunner            *self,
                                       RdTarget            *target,
                                       const char * const  *only_checks,
                                       GCancellable        *cancellable,
                                       GAsyncReadyCallback  callback,
                                       gpointer             user_data);
GPtrArray  *rd_runner_run_finish      (RdRunner            *self,
                                       GAsyncResult        *result,
                                       GError             **error);
gboolean    rd_runner_is_running      (RdRunner            *self);

G_END_DECLS
