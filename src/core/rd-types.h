/* rd-types.h: forward declarations and the enums shared by the engine
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

typedef struct _RdCatalog       RdCatalog;
typedef struct _RdCause         RdCause;
typedef struct _RdCheck         RdCheck;
typedef struct _RdCheckContext  RdCheckContext;
typedef struct _RdCheckResult   RdCheckResult;
typedef struct _RdDiagnosis     RdDiagnosis;
typedef struct _RdRunner        RdRunner;
typedef struct _RdTarget        RdTarget;

/**
 * RdCheckStatus:
 * @RD_CHECK_STATUS_PASS: the check found nothing wrong
 * @RD_CHECK_STATUS_WARN: it found something worth knowing that does not stop a connection
 * @RD_CHECK_STATUS_FAIL: it found what stops a connection
 * @RD_CHECK_STATUS_SKIPPED: it did not run (a dependency failed, or it does not apply)
 * @RD_CHECK_STATUS_ERROR: it could not finish (deadline, internal error)
 *
 * The string forms ("pass", "warn", …) are part of the JSON report and never change.
 */
typedef enum
{
  RD_CHECK_STATUS_PASS,
  RD_CHECK_STATUS_WARN,
  RD_CHECK_STATUS_FAIL,
  RD_CHECK_STATUS_SKIPPED,
  RD_CHECK_STATUS_ERROR,
} RdCheckStatus;

const char    *rd_check_status_to_string   (RdCheckStatus  status);
gboolean       rd_check_status_from_string (const char    *text,
                                            RdCheckStatus *status);

G_END_DECLS
