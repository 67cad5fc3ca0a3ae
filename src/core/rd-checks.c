/* rd-checks.c: the standard set of checks, as the wizard and the CLI run them
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "rd-checks"

#include "config.h"

#include "rd-checks.h"
#include "rd-credssp-check.h"
#include "rd-dns-check.h"
#include "rd-gateway-check.h"
#include "rd-local-check.h"
#include "rd-negotiation-check.h"
#include "rd-tcp-check.h"
#include "rd-tls-check.h"

/**
 * rd_checks_new_runner:
 *
 * Returns: (transfer full): a runner holding every check, in dependency order
 */
RdRunner *
rd_checks_new_runner (void)
{
  RdRunner *runner = rd_runner_new ();
  RdCheck *(*constructors[]) (void) = {
    rd_dns_check_new,
    rd_tcp_check_new,
    rd_negotiation_check_new,
    rd_tls_check_new,
    rd_credssp_check_new,
    rd_gateway_check_new,
    rd_local_check_new,
  };

  for (guint i = 0; i < G_N_ELEMENTS (constructors); i++)
    {
      g_autoptr(RdCheck) check = constructors[i] ();
      rd_runner_add_check (runner, check);
    }
  return runner;
}
