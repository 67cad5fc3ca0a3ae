/* rd-negotiation-check.h: which RDP security protocols the server accepts, and
 * why it refuses the others
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "rd-check.h"

G_BEGIN_DECLS

#define RD_TYPE_NEGOTIATION_CHECK (rd_negotiation_check_get_type ())
G_DECLARE_FINAL_TYPE (RdNegotiationCheck, rd_negotiation_check, RD, NEGOTIATION_CHECK, RdCheck)

/* The artifact: an RdRdpConnection whose Confirm selected TLS or CredSSP, for
 * the tls and credssp checks to go on with instead of connecting again. */
#define RD_ARTIFACT_TLS_READY_CONNECTION "tls-ready-connection"

/* The artifact: a GListStore of the other RdRdpConnections waiting for a TLS
 * handshake (whatever the server chose for their offer), for the tls check's
 * version probes. */
#define RD_ARTIFACT_SPARE_TLS_CONNECTIONS "spare-tls-connections"

RdCheck *rd_negotiation_check_new (void);

G_END_DECLS
