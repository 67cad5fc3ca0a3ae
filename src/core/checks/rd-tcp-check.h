/* rd-tcp-check.h: can a TCP connection to the RDP port be opened
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "rd-check.h"

G_BEGIN_DECLS

#define RD_TYPE_TCP_CHECK (rd_tcp_check_get_type ())
G_DECLARE_FINAL_TYPE (RdTcpCheck, rd_tcp_check, RD, TCP_CHECK, RdCheck)

/* The artifact: the connected GSocket to the first open address, for the
 * negotiation's first offer. */
#define RD_ARTIFACT_OPEN_SOCKET "open-socket"

RdCheck *rd_tcp_check_new (void);

G_END_DECLS
