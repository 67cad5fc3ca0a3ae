/* rd-local-check.h: this computer's side of the path: VPNs, proxies, routes,
 * Remote Desktop clients, their cached certificates, the clock
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "rd-check.h"

G_BEGIN_DECLS

#define RD_TYPE_LOCAL_CHECK (rd_local_check_get_type ())
G_DECLARE_FINAL_TYPE (RdLocalCheck, rd_local_check, RD, LOCAL_CHECK, RdCheck)

RdCheck   *rd_local_check_new                  (void);
JsonArray *rd_local_check_scan_vpn_interfaces  (const char *sysfs_net);
char      *rd_local_check_freerdp_proxy        (const char *host);
void       rd_local_check_forget_machine_state (void);

G_END_DECLS
