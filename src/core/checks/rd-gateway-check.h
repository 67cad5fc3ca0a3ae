/* rd-gateway-check.h: does the RD Gateway answer like one: name, port,
 * certificate, and the MS-TSGU HTTP transport's first request
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "rd-check.h"

G_BEGIN_DECLS

#define RD_TYPE_GATEWAY_CHECK (rd_gateway_check_get_type ())
G_DECLARE_FINAL_TYPE (RdGatewayCheck, rd_gateway_check, RD, GATEWAY_CHECK, RdCheck)

/* option: the RD Gateway as "host[:port]" (a string); without it the check is skipped */
#define RD_OPTION_GATEWAY "gateway"
#define RD_DEFAULT_GATEWAY_PORT 443

RdCheck *rd_gateway_check_new (void);

G_END_DECLS
