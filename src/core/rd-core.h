/* rd-core.h: the engine's public headers in one
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "rd-types.h"
#include "rd-target.h"
#include "rd-check-result.h"
#include "rd-check-context.h"
#include "rd-check.h"
#include "rd-runner.h"
#include "rd-catalog.h"
#include "rd-cause.h"
#include "rd-diagnosis.h"
#include "rd-error-code.h"
#include "rd-checks.h"
#include "rd-fleet.h"
#include "rd-json.h"
#include "rd-rdp-file.h"
#include "rd-report-format.h"
#include "rd-org-config.h"
#include "rd-report-redact.h"
#include "rd-report-sender.h"
#include "rd-server-evidence.h"
#include "rd-server-script.h"
#include "rd-client-launcher.h"
#include "rd-dns-cache.h"
