/* rd-checks.h: the standard set of checks, as the wizard and the CLI run them
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "rd-runner.h"

G_BEGIN_DECLS

RdRunner *rd_checks_new_runner (void);

G_END_DECLS
