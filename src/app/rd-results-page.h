/* rd-results-page.h: the diagnosis: the most likely cause, why, and the
 * others in order; or the all-clear and what to try next
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "rd-core.h"

G_BEGIN_DECLS

#define RD_TYPE_RESULTS_PAGE (rd_results_page_get_type ())
G_DECLARE_FINAL_TYPE (RdResultsPage, rd_results_page, RD, RESULTS_PAGE, AdwBin)

void         rd_results_page_set_org_config (RdResultsPage *self,
                                             RdOrgConfig   *config);
void         rd_results_page_set_diagnosis  (RdResultsPage *self,
                                             RdDiagnosis   *diagnosis,
                                             GPtrArray     *checks,
                                             RdErrorCode   *code);
RdDiagnosis *rd_results_page_get_diagnosis  (RdResultsPage *self);
const char  *rd_results_page_get_headline   (RdResultsPage *self);
void         rd_results_page_focus_first    (RdResultsPage *self);

G_END_DECLS
