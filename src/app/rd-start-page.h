/* rd-start-page.h: the first page: what to check, validated as it is typed,
 * typed or read from an .rdp file
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "rd-core.h"

G_BEGIN_DECLS

typedef enum
{
  RD_START_PAGE_FIELD_HOST,
  RD_START_PAGE_FIELD_PORT,
  RD_START_PAGE_FIELD_GATEWAY,
  RD_START_PAGE_FIELD_USER,
  RD_START_PAGE_FIELD_ERROR_CODE,
} RdStartPageField;

#define RD_TYPE_START_PAGE (rd_start_page_get_type ())
G_DECLARE_FINAL_TYPE (RdStartPage, rd_start_page, RD, START_PAGE, AdwBin)

void         rd_start_page_set_text             (RdStartPage        *self,
                                                 const char         *text);
const char  *rd_start_page_get_text             (RdStartPage        *self);
void         rd_start_page_set_field            (RdStartPage        *self,
                                                 RdStartPageField    field,
                                                 const char         *text);
const char  *rd_start_page_get_field            (RdStartPage        *self,
                                                 RdStartPageField    field);
RdTarget    *rd_start_page_get_target           (RdStartPage        *self);
gboolean     rd_start_page_can_start            (RdStartPage        *self);
const char  *rd_start_page_get_gateway          (RdStartPage        *self);
RdErrorCode *rd_start_page_get_error_code       (RdStartPage        *self);
const char  *rd_start_page_get_user_name        (RdStartPage        *self);
gboolean     rd_start_page_get_client_protocols (RdStartPage        *self,
                                                 guint32            *protocols);
const char  *rd_start_page_get_error_message    (RdStartPage        *self);
void         rd_start_page_show_error           (RdStartPage        *self);
void         rd_start_page_focus_entry          (RdStartPage        *self);
void         rd_start_page_set_default_port     (RdStartPage        *self,
                                                 guint16             port);
void         rd_start_page_set_recent_hosts     (RdStartPage        *self,
                                                 const char * const *hosts);
RdRdpFile   *rd_start_page_get_rdp_file         (RdStartPage        *self);
void         rd_start_page_open_file            (RdStartPage        *self,
                                                 GFile              *file,
                                                 gboolean            start_when_loaded);

G_END_DECLS
