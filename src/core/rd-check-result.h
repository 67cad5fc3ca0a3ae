/* rd-check-result.h: what one check found
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <json-glib/json-glib.h>

#include "rd-types.h"

G_BEGIN_DECLS

#define RD_TYPE_CHECK_RESULT (rd_check_result_get_type ())
G_DECLARE_FINAL_TYPE (RdCheckResult, rd_check_result, RD, CHECK_RESULT, GObject)

RdCheckResult *rd_check_result_new          (const char    *check_id,
                                             RdCheckStatus  status,
                                             const char    *summary);
RdCheckResult *rd_check_result_new_take     (const char    *check_id,
                                             RdCheckStatus  status,
                                             char          *summary,
                                             JsonObject    *evidence);
const char    *rd_check_result_get_check_id (RdCheckResult *self);
RdCheckStatus  rd_check_result_get_status   (RdCheckResult *self);
const char    *rd_check_result_get_summary  (RdCheckResult *self);
guint          rd_check_result_get_duration_ms (RdCheckResult *self);
void           rd_check_result_set_duration_ms (RdCheckResult *self,
                                                guint          duration_ms);
JsonObject    *rd_check_result_get_evidence (RdCheckResult *self);
gboolean       rd_check_result_is_usable    (RdCheckResult *self);
JsonNode      *rd_check_result_to_json      (RdCheckResult *self);
RdCheckResult *rd_check_result_new_from_json (JsonObject   *object,
                                              GError      **error);

G_END_DECLS
