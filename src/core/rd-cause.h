/* rd-cause.h: one diagnosed cause: which, how sure, and why
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <json-glib/json-glib.h>

#include "rd-types.h"
#include "rd-catalog.h"

G_BEGIN_DECLS

#define RD_TYPE_CAUSE (rd_cause_get_type ())
G_DECLARE_FINAL_TYPE (RdCause, rd_cause, RD, CAUSE, GObject)

RdCause              *rd_cause_new             (const RdCatalogCause *info,
                                                double                confidence);
void                  rd_cause_add_reason      (RdCause              *self,
                                                const char           *check_id,
                                                const char           *reason);
void                  rd_cause_raise_confidence (RdCause          *self,
                                                 double            confidence);
const char           *rd_cause_get_id          (RdCause              *self);
const char           *rd_cause_get_title       (RdCause              *self);
const char           *rd_cause_get_explanation (RdCause              *self);
double                rd_cause_get_confidence  (RdCause              *self);
const RdCatalogCause *rd_cause_get_info        (RdCause              *self);
GPtrArray            *rd_cause_get_reasons     (RdCause              *self);
void                  rd_cause_add_conditional_fixes (RdCause            *self,
                                                      const char * const *conditions);
GPtrArray            *rd_cause_get_fixes       (RdCause              *self);
const char * const   *rd_cause_get_recheck     (RdCause              *self);
JsonNode             *rd_cause_to_json         (RdCause              *self,
                                                RdTarget             *target);

G_END_DECLS
