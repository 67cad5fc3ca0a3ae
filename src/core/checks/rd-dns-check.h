/* rd-dns-check.h: resolve the target's name (A and AAAA) and each address back
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "rd-check.h"

G_BEGIN_DECLS

#define RD_TYPE_DNS_CHECK (rd_dns_check_get_type ())
G_DECLARE_FINAL_TYPE (RdDnsCheck, rd_dns_check, RD, DNS_CHECK, RdCheck)

RdCheck   *rd_dns_check_new                (void);
GPtrArray *rd_dns_check_get_socket_addresses (RdCheckResult *result,
                                              guint16        port);

G_END_DECLS
