/* rd-report-page.h: the diagnosis as a report: saved, copied, or sent to the
 * help desk
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "rd-core.h"

G_BEGIN_DECLS

/* In the order of the format list on the page */
typedef enum
{
  RD_REPORT_FORMAT_HTML,
  RD_REPORT_FORMAT_MARKDOWN,
  RD_REPORT_FORMAT_TEXT,
  RD_REPORT_FORMAT_JSON,
} RdReportFormat;

#define RD_TYPE_REPORT_PAGE (rd_report_page_get_type ())
G_DECLARE_FINAL_TYPE (RdReportPage, rd_report_page, RD, REPORT_PAGE, AdwBin)

void            rd_report_page_set_diagnosis  (RdReportPage   *self,
                                               RdDiagnosis    *diagnosis);
void            rd_report_page_set_org_config (RdReportPage   *self,
                                               RdOrgConfig    *config);
RdReportFormat  rd_report_page_get_format     (RdReportPage   *self);
void            rd_report_page_set_format     (RdReportPage   *self,
                                               RdReportFormat  format);
char           *rd_report_page_render         (RdReportPage   *self,
                                               RdReportFormat  format);
void            rd_report_page_focus_first    (RdReportPage   *self);

G_END_DECLS
