/* rd-tls-check.h: the TLS handshake after the negotiation: versions, policy, certificate
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "rd-check.h"

G_BEGIN_DECLS

#define RD_TYPE_TLS_CHECK (rd_tls_check_get_type ())
G_DECLARE_FINAL_TYPE (RdTlsCheck, rd_tls_check, RD, TLS_CHECK, RdCheck)

/* The artifact: an RdRdpConnection inside TLS whose Confirm selected CredSSP */
#define RD_ARTIFACT_CREDSSP_READY_CONNECTION "credssp-ready-connection"

RdCheck *rd_tls_check_new (void);

G_END_DECLS
