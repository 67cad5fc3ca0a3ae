/* rd-tcp-check.h: can a TCP connection to the RDP port be opened, and how steadily
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "rd-check.h"

G_BEGIN_DECLS

#define RD_TYPE_TCP_CHECK (rd_tcp_check_get_type ())
G_DECLARE_FINAL_TYPE (RdTcpCheck, rd_tcp_check, RD, TCP_CHECK, RdCheck)

/* option: how many extra handshakes measure the connection's steadiness */
#define RD_OPTION_HANDSHAKE_SAMPLES "handshake-samples"
#define RD_TCP_DEFAULT_SAMPLES 5

RdCheck *rd_tcp_check_new (void);

G_END_DECLS
