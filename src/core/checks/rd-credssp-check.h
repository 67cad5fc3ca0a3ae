/* rd-credssp-check.h: the server's CredSSP version and NTLM identity, asked
 * anonymously (no credentials are ever sent)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "rd-check.h"

G_BEGIN_DECLS

#define RD_TYPE_CREDSSP_CHECK (rd_credssp_check_get_type ())
G_DECLARE_FINAL_TYPE (RdCredsspCheck, rd_credssp_check, RD, CREDSSP_CHECK, RdCheck)

/* The version this client announces: the current one (MS-CSSP 2.2.1). */
#define RD_CREDSSP_CLIENT_VERSION 6

RdCheck *rd_credssp_check_new (void);

G_END_DECLS
