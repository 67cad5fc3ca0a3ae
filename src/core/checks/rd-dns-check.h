/* rd-dns-check.h: resolve the target's name (A and AAAA) and each address back
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "rd-check.h"

G_BEGIN_DECLS

#define RD_TYPE_DNS_CHECK (rd_dns_check_get_type ())
G_DECLARE_FINAL_TYPE (RdDnsCheck, rd_dns_check, RD, DNS_CHECK, RdCheck)

/* What a forward lookup of one name brought back. */
typedef struct
{
  GPtrArray *addresses;   /* GInetAddress: IPv4 first, then IPv6 */
  GError    *errors[2];   /* per family: [0] IPv4, [1] IPv6 */
  gboolean   answered;    /* both lookups ended before the deadline */
  double     lookup_ms;
} RdDnsAnswer;

RdCheck    *rd_dns_check_new                  (void);
GPtrArray  *rd_dns_check_get_socket_addresses (RdCheckResult     *result,
                                               guint16            port);

void        rd_dns_resolve                    (const char        *host,
                                               gint64             deadline_us,
                                               GCancellable      *cancellable,
                                               RdDnsAnswer       *answer);
void        rd_dns_answer_clear               (RdDnsAnswer       *answer);
const char *rd_dns_answer_get_failure         (const RdDnsAnswer *answer);

G_END_DECLS
