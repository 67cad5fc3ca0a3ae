/* rd-window.h: the wizard window: a stack of pages and the wizard.* actions that move between them
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define RD_TYPE_WINDOW (rd_window_get_type ())
G_DECLARE_FINAL_TYPE (RdWindow, rd_window, RD, WINDOW, AdwApplicationWindow)

RdWindow   *rd_window_new              (GtkApplication *application);
void        rd_window_diagnose         (RdWindow       *self,
                                        const char     *text);
void        rd_window_diagnose_file    (RdWindow       *self,
                                        GFile          *file);
const char *rd_window_get_visible_page (RdWindow       *self);

G_END_DECLS
