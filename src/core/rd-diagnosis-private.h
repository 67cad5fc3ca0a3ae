/* rd-diagnosis-private.h: what the diagnosis rules share. Rules for one area
 * may live in their own file (rd-diagnosis-<area>.c) and are called from
 * rd_diagnosis_new_with_report(); they read evidence and suggest causes, and
 * never do I/O or read the clock.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "rd-cause.h"
#include "rd-check-result.h"
#include "rd-diagnosis.h"

G_BEGIN_DECLS

RdCheckResult      *rd_diagnosis_find_result (RdDiagnosis   *self,
                                              const char    *check_id);
RdCause            *rd_diagnosis_suggest     (RdDiagnosis   *self,
                                              const char    *cause_id,
                                              double         confidence,
                                              RdCheckResult *because,
                                              const char    *reason);
void                rd_diagnosis_rule_out    (RdDiagnosis   *self,
                                              const char    *cause_id,
                                              const char    *reason);
const RdUserReport *rd_diagnosis_get_report  (RdDiagnosis   *self);
void                rd_diagnosis_rule_server (RdDiagnosis   *self);
void                rd_diagnosis_rule_paths  (RdDiagnosis   *self);

JsonObject         *rd_evidence_get_object   (RdCheckResult *result,
                                              const char    *member);
const char         *rd_evidence_get_string   (RdCheckResult *result,
                                              const char    *member);
int                 rd_evidence_get_tristate (JsonObject    *object,
                                              const char    *key);

G_END_DECLS
