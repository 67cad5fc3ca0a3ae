/* rd-diagnosis.h: from all evidence to a ranked list of causes
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <json-glib/json-glib.h>

#include "rd-types.h"
#include "rd-error-code.h"

G_BEGIN_DECLS

#define RD_REPORT_SCHEMA_VERSION 1

/* What the user tells about their side; the engine cannot see it. */
typedef struct
{
  gboolean     client_protocols_known;
  guint32      client_protocols;   /* RD_PROTOCOL_* the user's client offers */
  RdErrorCode *error_code;         /* (nullable) the code the client showed; the diagnosis keeps a reference */
} RdUserReport;

#define RD_TYPE_DIAGNOSIS (rd_diagnosis_get_type ())
G_DECLARE_FINAL_TYPE (RdDiagnosis, rd_diagnosis, RD, DIAGNOSIS, GObject)

RdDiagnosis *rd_diagnosis_new            (RdTarget    *target,
                                          GPtrArray   *results,
                                          RdCatalog   *catalog);
RdDiagnosis *rd_diagnosis_new_with_report (RdTarget           *target,
                                           GPtrArray          *results,
                                           RdCatalog          *catalog,
                                           const RdUserReport *report);
RdTarget    *rd_diagnosis_get_target     (RdDiagnosis *self);
GPtrArray   *rd_diagnosis_get_results    (RdDiagnosis *self);
GPtrArray   *rd_diagnosis_get_causes     (RdDiagnosis *self);
RdCause     *rd_diagnosis_get_top_cause  (RdDiagnosis *self);
gboolean     rd_diagnosis_found_problems (RdDiagnosis *self);
JsonNode    *rd_diagnosis_to_json        (RdDiagnosis *self);
char        *rd_diagnosis_to_text        (RdDiagnosis *self);

G_END_DECLS
