/* rd-error-code.h: what the code a Remote Desktop client showed means, from
 * documented tables only (rdp-facts.md §1.7–1.8)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <json-glib/json-glib.h>

#include "rd-types.h"

G_BEGIN_DECLS

/* Which table a code was found in */
typedef enum
{
  RD_CODE_KIND_DISCONNECT_REASON,  /* mstsc discReason (0x904 …) */
  RD_CODE_KIND_EXTENDED_REASON,    /* mstsc ExtendedDisconnectReasonCode (0x7 …) */
  RD_CODE_KIND_FREERDP_CONNECT,    /* FreeRDP ERRCONNECT_* (0x0002xxxx) */
  RD_CODE_KIND_FREERDP_ERRINFO,    /* FreeRDP ERRINFO_* / server Set Error Info (0x0001xxxx) */
} RdCodeKind;

/* Where in the connection a code points (for the ranking) */
typedef enum
{
  RD_CODE_PHASE_NONE,
  RD_CODE_PHASE_DNS,
  RD_CODE_PHASE_TCP,
  RD_CODE_PHASE_SECURITY,     /* negotiation / TLS */
  RD_CODE_PHASE_CREDENTIALS,  /* CredSSP / NLA / account */
  RD_CODE_PHASE_SERVER,       /* the server closed or denied after connecting (0x904/0x7) */
  RD_CODE_PHASE_LICENSING,
  RD_CODE_PHASE_SESSION,
  RD_CODE_PHASE_GATEWAY,
} RdCodePhase;

typedef struct
{
  RdCodeKind   kind;
  guint32      value;
  const char  *name;        /* the documented name, e.g. "disconnectReasonAtClientWinsockFDCLOSE"; never translated */
  char        *meaning;     /* in the user's language; for an undocumented code, says so */
  gboolean     documented;
  RdCodePhase  phase;
} RdDecodedCode;

typedef struct _RdErrorCode RdErrorCode;

#define RD_TYPE_ERROR_CODE (rd_error_code_get_type ())

GType                rd_error_code_get_type      (void) G_GNUC_CONST;
RdErrorCode         *rd_error_code_parse         (const char   *text,
                                                  GError      **error);
RdErrorCode         *rd_error_code_ref           (RdErrorCode  *self);
void                 rd_error_code_unref         (RdErrorCode  *self);
const char          *rd_error_code_get_input     (RdErrorCode  *self);
guint                rd_error_code_get_n_codes   (RdErrorCode  *self);
const RdDecodedCode *rd_error_code_get_code      (RdErrorCode  *self,
                                                  guint         index);
char                *rd_error_code_describe      (RdErrorCode  *self);
gboolean             rd_error_code_points_at     (RdErrorCode  *self,
                                                  RdCodePhase   phase);
JsonNode            *rd_error_code_to_json       (RdErrorCode  *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (RdErrorCode, rd_error_code_unref)

G_END_DECLS
