/* rd-start-page.h: the first page: what to check, validated as it is typed
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "rd-core.h"

G_BEGIN_DECLS

#define RD_TYPE_START_PAGE (rd_start_page_get_type ())
G_DECLARE_FINAL_TYPE (RdStartPage, rd_start_page, RD, START_PAGE, AdwBin)

void        rd_start_page_set_text          (RdStartPage *self,
                                             const char  *text);
const char *rd_start_page_get_text          (RdStartPage *self);
RdTarget   *rd_start_page_get_target        (RdStartPage *self);
const char *rd_start_page_get_error_message (RdStartPage *self);
void        rd_start_page_show_error        (RdStartPage *self);
void        rd_start_page_focus_entry       (RdStartPage *self);

G_END_DECLS
