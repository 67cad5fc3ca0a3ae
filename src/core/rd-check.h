/* rd-check.h: one diagnostic check, run by RdRunner on a worker thread
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "rd-types.h"
#include "rd-check-result.h"
#include "rd-check-context.h"

G_BEGIN_DECLS

#define RD_TYPE_CHECK (rd_check_get_type ())
G_DECLARE_DERIVABLE_TYPE (RdCheck, rd_check, RD, CHECK, GObject)

struct _RdCheckClass
{
  GObjectClass parent_class;

  /* Runs on a worker thread with blocking I/O. It must give its verdict before
   * rd_check_context_get_deadline() and return soon after @cancellable fires.
   * It never returns NULL: failures are results too. */
  RdCheckResult *(*run) (RdCheck        *self,
                         RdCheckContext *context,
                         GCancellable   *cancellable);

  gpointer padding[8];
};

const char          *rd_check_get_id           (RdCheck        *self);
const char          *rd_check_get_title        (RdCheck        *self);
const char * const  *rd_check_get_dependencies (RdCheck        *self);
RdCheckResult       *rd_check_run              (RdCheck        *self,
                                                RdCheckContext *context,
                                                GCancellable   *cancellable);

G_END_DECLS
