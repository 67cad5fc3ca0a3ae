/* rd-results-page.h: the last page: the ranked causes and their fixes, or the all-clear
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "rd-core.h"

G_BEGIN_DECLS

#define RD_TYPE_RESULTS_PAGE (rd_results_page_get_type ())
G_DECLARE_FINAL_TYPE (RdResultsPage, rd_results_page, RD, RESULTS_PAGE, AdwBin)

void         rd_results_page_set_diagnosis (RdResultsPage *self,
                                            RdDiagnosis   *diagnosis,
                                            GPtrArray     *checks);
RdDiagnosis *rd_results_page_get_diagnosis (RdResultsPage *self);
void         rd_results_page_focus_first   (RdResultsPage *self);

G_END_DECLS
