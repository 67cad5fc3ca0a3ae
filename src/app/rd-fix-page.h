/* rd-fix-page.h: how to fix one cause: numbered steps with their guided
 * buttons, then "check again" on just the checks that showed it
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "rd-core.h"

G_BEGIN_DECLS

typedef enum
{
  RD_FIX_VERDICT_NONE,
  RD_FIX_VERDICT_FIXED,
  RD_FIX_VERDICT_STILL_FAILING,
  RD_FIX_VERDICT_ERROR,
} RdFixVerdict;

#define RD_TYPE_FIX_PAGE (rd_fix_page_get_type ())
G_DECLARE_FINAL_TYPE (RdFixPage, rd_fix_page, RD, FIX_PAGE, AdwBin)

void          rd_fix_page_set_cause       (RdFixPage    *self,
                                           RdCause      *cause,
                                           RdTarget     *target,
                                           const char   *note);
void          rd_fix_page_set_diagnosis   (RdFixPage    *self,
                                           RdDiagnosis  *diagnosis);
void          rd_fix_page_set_rdp_file    (RdFixPage    *self,
                                           RdRdpFile    *rdp_file);
RdCause      *rd_fix_page_get_cause       (RdFixPage    *self);
guint         rd_fix_page_get_n_steps     (RdFixPage    *self);
void          rd_fix_page_set_rechecking  (RdFixPage    *self,
                                           gboolean      rechecking);
void          rd_fix_page_set_verdict     (RdFixPage    *self,
                                           RdFixVerdict  verdict,
                                           const char   *detail);
RdFixVerdict  rd_fix_page_get_verdict     (RdFixPage    *self);
void          rd_fix_page_focus_first     (RdFixPage    *self);
void          rd_fix_page_focus_verdict   (RdFixPage    *self);

G_END_DECLS
