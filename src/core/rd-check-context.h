/* rd-check-context.h: what a running check may read: its target, its deadline,
 * the results of the checks it depends on, and the run's options
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "rd-types.h"

G_BEGIN_DECLS

#define RD_TYPE_CHECK_CONTEXT (rd_check_context_get_type ())

GType           rd_check_context_get_type        (void) G_GNUC_CONST;

/* What checks of one run hand each other that is not evidence: a live
 * connection, a TLS session. Thread-safe; whatever is left when the run ends is
 * dropped with it. */
typedef struct _RdArtifacts RdArtifacts;

RdArtifacts    *rd_artifacts_new                 (void);
RdArtifacts    *rd_artifacts_ref                 (RdArtifacts    *self);
void            rd_artifacts_unref               (RdArtifacts    *self);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (RdArtifacts, rd_artifacts_unref)

RdCheckContext *rd_check_context_new             (RdTarget       *target,
                                                  gint64          deadline_us,
                                                  GHashTable     *options,
                                                  RdArtifacts    *artifacts);
RdCheckContext *rd_check_context_ref             (RdCheckContext *self);
void            rd_check_context_unref           (RdCheckContext *self);
void            rd_check_context_add_result      (RdCheckContext *self,
                                                  RdCheckResult  *result);

RdTarget       *rd_check_context_get_target      (RdCheckContext *self);
gint64          rd_check_context_get_deadline    (RdCheckContext *self);
gint64          rd_check_context_get_remaining_us (RdCheckContext *self);
RdCheckResult  *rd_check_context_get_result      (RdCheckContext *self,
                                                  const char     *check_id);
GVariant       *rd_check_context_get_option      (RdCheckContext *self,
                                                  const char     *name);
gint64          rd_check_context_get_int_option  (RdCheckContext *self,
                                                  const char     *name,
                                                  gint64          default_value);
void            rd_check_context_put_artifact    (RdCheckContext *self,
                                                  const char     *name,
                                                  GObject        *object);
gpointer        rd_check_context_take_artifact   (RdCheckContext *self,
                                                  const char     *name);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (RdCheckContext, rd_check_context_unref)

G_END_DECLS
