/* rd-fleet.h: one diagnosis per line of a list of targets, a bounded number
 * at a time
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "rd-types.h"
#include "rd-diagnosis.h"

G_BEGIN_DECLS

/* 32 diagnoses at once. Measured against healthy hosts on loopback, 32 hold
 * about 230 threads and as many open files at their peak (a thread per
 * check, each with its own main context, and the connections): well under
 * the usual soft limit of 1024. More bring nothing on a few cores, where the
 * TLS handshakes make healthy hosts CPU-bound, and they make the timing
 * evidence noisier (connect times measured under load). Hosts that drop
 * packets cost waiting, not CPU, and 32 at once still check them 32 times as
 * fast as one by one. */
#define RD_FLEET_DEFAULT_JOBS 32
#define RD_FLEET_MAX_JOBS     1024

/* A host name is at most 253 characters, an IPv6 address with a port 47;
 * a comment after them has no reason to be longer than this. */
#define RD_FLEET_MAX_LINE     4096

#define RD_FLEET_ERROR (rd_fleet_error_quark ())

/**
 * RdFleetError:
 * @RD_FLEET_ERROR_LINE_TOO_LONG: a line is longer than %RD_FLEET_MAX_LINE bytes
 * @RD_FLEET_ERROR_INVALID_TEXT: a line is not UTF-8 text (or holds a NUL byte)
 *
 * Why a line was rejected before it reached rd_target_parse(), whose own
 * #RdTargetError codes say why it rejected the rest.
 */
typedef enum
{
  RD_FLEET_ERROR_LINE_TOO_LONG,
  RD_FLEET_ERROR_INVALID_TEXT,
} RdFleetError;

/**
 * RdFleetCounts:
 * @lines: lines read so far (blank lines and comments included)
 * @targets: lines that held a valid target
 * @running: diagnoses in progress
 * @finished: diagnoses done
 * @problems: of those, how many found a problem
 * @rejected: lines rejected
 * @end_of_input: whether the whole list has been read
 *
 * Where a run stands. With @end_of_input %FALSE, more targets may follow
 * than @targets says.
 */
typedef struct
{
  guint    lines;
  guint    targets;
  guint    running;
  guint    finished;
  guint    problems;
  guint    rejected;
  gboolean end_of_input;
} RdFleetCounts;

/**
 * RdFleetTally:
 * @cause_id: (nullable): the top cause's id; %NULL for the hosts with a
 *   problem (a failed or unfinished check) that no cause explains
 * @title: (nullable): the cause's title, in the user's language
 * @hosts: how many diagnoses had it as their most likely cause
 *
 * One row of a run's summary.
 */
typedef struct
{
  char  *cause_id;
  char  *title;
  guint  hosts;
} RdFleetTally;

/**
 * RdFleetRunnerFunc:
 *
 * Makes the runner for one target. Returns: (transfer full): a new runner
 */
typedef RdRunner *(*RdFleetRunnerFunc) (gpointer user_data);

#define RD_TYPE_FLEET (rd_fleet_get_type ())
G_DECLARE_FINAL_TYPE (RdFleet, rd_fleet, RD, FLEET, GObject)

GQuark     rd_fleet_error_quark      (void);

RdFleet   *rd_fleet_new              (void);
void       rd_fleet_set_jobs         (RdFleet             *self,
                                      guint                jobs);
guint      rd_fleet_get_jobs         (RdFleet             *self);
void       rd_fleet_set_deadline_ms  (RdFleet             *self,
                                      guint                deadline_ms);
void       rd_fleet_set_option       (RdFleet             *self,
                                      const char          *name,
                                      GVariant            *value);
void       rd_fleet_set_user_report  (RdFleet             *self,
                                      const RdUserReport  *report);
void       rd_fleet_set_runner_func  (RdFleet             *self,
                                      RdFleetRunnerFunc    func,
                                      gpointer             user_data,
                                      GDestroyNotify       destroy);
void       rd_fleet_get_counts       (RdFleet             *self,
                                      RdFleetCounts       *counts);
GPtrArray *rd_fleet_get_tallies      (RdFleet             *self);
void       rd_fleet_run_async        (RdFleet             *self,
                                      GInputStream        *stream,
                                      GCancellable        *cancellable,
                                      GAsyncReadyCallback  callback,
                                      gpointer             user_data);
gboolean   rd_fleet_run_finish       (RdFleet             *self,
                                      GAsyncResult        *result,
                                      RdFleetCounts       *counts,
                                      GError             **error);
gboolean   rd_fleet_is_running       (RdFleet             *self);

G_END_DECLS
