/* rd-checking-page.h: the second page: every check of a run, as it happens
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "rd-core.h"
#include "rd-check-row.h"

G_BEGIN_DECLS

#define RD_TYPE_CHECKING_PAGE (rd_checking_page_get_type ())
G_DECLARE_FINAL_TYPE (RdCheckingPage, rd_checking_page, RD, CHECKING_PAGE, AdwBin)

void        rd_checking_page_start   (RdCheckingPage *self,
                                      RdRunner       *runner,
                                      RdTarget       *target);
void        rd_checking_page_stop    (RdCheckingPage *self);
RdCheckRow *rd_checking_page_get_row (RdCheckingPage *self,
                                      const char     *check_id);
guint       rd_checking_page_get_n_finished (RdCheckingPage *self);

G_END_DECLS
