/* rd-test-util.h: fixtures shared by the engine and UI tests
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "rd-check-result.h"

G_BEGIN_DECLS

RdCheckResult *rd_test_result_from_json (const char *text);

G_END_DECLS
